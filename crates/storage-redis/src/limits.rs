//! Rate limits in Redis, shared by every instance: one GCRA arrival time per key at
//! `{prefix}rl:{key}`, checked and advanced by one script so that concurrent hits from any
//! number of instances never exceed the quota.

use std::sync::LazyLock;

use deadpool_redis::redis::{AsyncCommands, Script};
use folio_domain::limits::{Gcra, Quota, RateDecision, RateLimiter};
use folio_domain::DomainError;

use crate::error::from_redis;
use crate::RedisPool;

static GCRA: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("gcra.lua")));

/// The [`RateLimiter`] for deployments of more than one instance. Decisions are those of
/// [`Gcra`], the arithmetic the in-process limiter uses too, on Redis's clock.
#[derive(Debug, Clone)]
pub struct RedisRateLimiter {
    pool: RedisPool,
}

/// What the script saw: the stored arrival time and Redis's clock, in ms.
struct Reading {
    stored_tat_ms: Option<f64>,
    now_ms: f64,
    counted: bool,
}

impl RedisRateLimiter {
    pub fn new(pool: RedisPool) -> Self {
        Self { pool }
    }

    async fn run(&self, key: &str, quota: Quota, count: bool) -> Result<Reading, DomainError> {
        // Computed exactly as `Gcra::new` does, and sent in Rust's shortest round-trip
        // notation, so the script compares the very same doubles.
        let window_ms = quota.window.as_secs_f64() * 1000.0;
        let interval_ms = window_ms / f64::from(quota.limit.max(1));
        let mut conn = self.pool.conn().await?;
        let (stored, secs, micros, counted): (Option<String>, u64, u64, u8) = GCRA
            .key(self.pool.key("rl", key))
            .arg(interval_ms.to_string())
            .arg(window_ms.to_string())
            .arg(if count { "1" } else { "0" })
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)?;
        Ok(Reading {
            // Like the script, a value that is not a number counts as no value.
            stored_tat_ms: stored.and_then(|s| s.parse().ok()),
            now_ms: secs as f64 * 1000.0 + micros as f64 / 1000.0,
            counted: counted == 1,
        })
    }
}

#[async_trait::async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn hit(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let reading = self.run(key, quota, true).await?;
        let decision = Gcra::new(quota).check(reading.stored_tat_ms, reading.now_ms).decision;
        if decision.allowed != reading.counted {
            // Same inputs, same IEEE arithmetic: this means the script and `Gcra` diverged.
            tracing::error!(
                key,
                allowed = decision.allowed,
                counted = reading.counted,
                "GCRA script disagrees with Gcra"
            );
        }
        Ok(decision)
    }

    async fn peek(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let reading = self.run(key, quota, false).await?;
        Ok(Gcra::new(quota).peek(reading.stored_tat_ms, reading.now_ms))
    }

    async fn reset(&self, key: &str) -> Result<(), DomainError> {
        let mut conn = self.pool.conn().await?;
        conn.del::<_, ()>(self.pool.key("rl", key)).await.map_err(from_redis)
    }
}
