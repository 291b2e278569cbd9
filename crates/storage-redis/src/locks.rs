//! Locks in Redis: `SET {prefix}lock:{key} <token> NX PX <lease>`, with the token from an
//! `INCR` on `{prefix}lock-fence:{key}` so it grows with every acquisition. Extending and
//! releasing check the token in a script, so only the holder can do either.

use std::sync::LazyLock;
use std::time::Duration;

use deadpool_redis::redis::Script;
use folio_domain::locks::{Lease, LockManager};
use folio_domain::DomainError;

use crate::error::from_redis;
use crate::RedisPool;

static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local token = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
        return token
        ",
    )
});

static EXTEND: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        ",
    )
});

static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        ",
    )
});

/// The [`LockManager`] for deployments of more than one instance.
#[derive(Debug, Clone)]
pub struct RedisLockManager {
    pool: RedisPool,
}

impl RedisLockManager {
    pub fn new(pool: RedisPool) -> Self {
        Self { pool }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait::async_trait]
impl LockManager for RedisLockManager {
    async fn acquire(&self, key: &str, lease: Duration) -> Result<Option<Lease>, DomainError> {
        let mut conn = self.pool.conn().await?;
        let token: u64 = ACQUIRE
            .key(self.pool.key("lock", key))
            .key(self.pool.key("lock-fence", key))
            .arg(millis(lease))
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)?;
        Ok((token > 0).then(|| Lease { key: key.to_owned(), token }))
    }

    async fn extend(&self, lease: &Lease, duration: Duration) -> Result<bool, DomainError> {
        let mut conn = self.pool.conn().await?;
        let extended: u8 = EXTEND
            .key(self.pool.key("lock", &lease.key))
            .arg(lease.token.to_string())
            .arg(millis(duration))
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)?;
        Ok(extended == 1)
    }

    async fn release(&self, lease: &Lease) -> Result<bool, DomainError> {
        let mut conn = self.pool.conn().await?;
        let released: u8 = RELEASE
            .key(self.pool.key("lock", &lease.key))
            .arg(lease.token.to_string())
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)?;
        Ok(released == 1)
    }
}
