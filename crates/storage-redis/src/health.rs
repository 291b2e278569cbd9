//! Whether Redis answers, for `/health` and readiness.

use deadpool_redis::redis;
use folio_domain::health::HealthCheck;

use crate::RedisPool;

/// `PING` through the shared pool, so the check also proves that a connection can be had.
#[derive(Debug, Clone)]
pub struct RedisHealth {
    pool: RedisPool,
    required: bool,
}

impl RedisHealth {
    /// `required` when Folio cannot serve without Redis (it holds the sessions); not when it
    /// only speeds things up, so an outage degrades `/health` without failing readiness.
    pub fn new(pool: RedisPool, required: bool) -> Self {
        Self { pool, required }
    }
}

#[async_trait::async_trait]
impl HealthCheck for RedisHealth {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn required(&self) -> bool {
        self.required
    }

    async fn check(&self) -> Result<(), String> {
        // The driver's messages name the failure (refused, timed out, auth), never the URL.
        let mut conn = self.pool.conn_raw().await.map_err(|e| e.to_string())?;
        let pong: String = redis::cmd("PING").query_async(&mut conn).await.map_err(|e| e.to_string())?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(format!("unexpected answer to PING: {pong}"))
        }
    }
}
