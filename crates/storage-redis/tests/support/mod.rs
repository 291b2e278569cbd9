//! A real Redis for the tests, found through `FOLIO_TEST_REDIS_URL`, and a key prefix of
//! their own so that tests running in parallel never see each other's keys.

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::time::Duration;

use deadpool_redis::redis;
use folio_storage_redis::{connect, RedisConfig, RedisPool};

pub const TIMEOUT: Duration = Duration::from_millis(500);

pub fn redis_url() -> String {
    std::env::var("FOLIO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn config(url: String, key_prefix: String) -> RedisConfig {
    RedisConfig { url, key_prefix, pool_size: 4, timeout: TIMEOUT }
}

/// A pool on the test server with a fresh prefix, and the guard that deletes its keys.
/// Panics when no server answers: a missing Redis fails the run rather than skipping it.
pub async fn redis() -> (RedisPool, Cleanup) {
    let url = redis_url();
    let mut conn = direct(&url).await;
    let _: String = redis::cmd("PING").query_async(&mut conn).await.unwrap_or_else(|e| {
        panic!("no Redis answers at FOLIO_TEST_REDIS_URL ({e}); start one, e.g. `redis-server --port 6379 --save ''`")
    });
    let prefix = format!("{}:", folio_domain::testing::unique(&format!("folio-test-{}-", std::process::id())));
    let pool = connect(config(url.clone(), prefix.clone())).await.expect("pool");
    (pool, Cleanup { url, prefix })
}

/// A connection of the test's own, to look at what the adapters wrote.
pub async fn direct(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .expect("FOLIO_TEST_REDIS_URL parses")
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("no Redis answers at FOLIO_TEST_REDIS_URL ({e})"))
}

/// Every key under `prefix`.
pub async fn keys(conn: &mut redis::aio::MultiplexedConnection, prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let mut cursor = 0u64;
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .expect("SCAN");
        keys.extend(batch);
        if next == 0 {
            keys.sort();
            return keys;
        }
        cursor = next;
    }
}

/// Deletes the test's keys when the test ends. Everything Folio writes expires anyway; this
/// only keeps a developer's Redis tidy.
#[derive(Debug)]
pub struct Cleanup {
    pub url: String,
    pub prefix: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // Drop cannot await, and the test's runtime is shutting down: use a plain connection.
        let Ok(mut conn) = redis::Client::open(self.url.as_str()).and_then(|c| c.get_connection()) else {
            return;
        };
        let Ok(keys) = redis::cmd("KEYS").arg(format!("{}*", self.prefix)).query::<Vec<String>>(&mut conn) else {
            return;
        };
        if !keys.is_empty() {
            let _ = redis::cmd("DEL").arg(keys).query::<u64>(&mut conn);
        }
    }
}
