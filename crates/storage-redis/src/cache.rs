//! `ResponseCache` across instances: each instance keeps entries in its own memory (an
//! [`InProcessResponseCache`]: a hit costs no round trip), and invalidations travel over
//! Redis pub/sub, so every instance drops a scope within moments of a write anywhere.
//!
//! An instance that cannot hear invalidations (its subscription is down) could serve stale
//! entries, so meanwhile it neither serves nor stores any: every lookup is a miss without a
//! ticket. When the subscription is back it forgets everything first, since it may have
//! missed invalidations in between.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis::AsyncCommands;
use folio_domain::cache::{CachedResponse, FillTicket, Lookup, ResponseCache};
use folio_storage_local::InProcessResponseCache;
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use crate::RedisPool;

#[derive(Debug)]
pub struct RedisResponseCache {
    local: Arc<InProcessResponseCache>,
    pool: RedisPool,
    channel: String,
    listening: Arc<AtomicBool>,
    subscriber: JoinHandle<()>,
    /// Tags this instance's messages: it has applied its own invalidations already, and
    /// applying the echo later would void tickets handed out since.
    origin: String,
}

impl Drop for RedisResponseCache {
    fn drop(&mut self) {
        self.subscriber.abort();
    }
}

impl RedisResponseCache {
    /// Starts listening for invalidations (in the background; retried while Redis is away).
    /// Must be called within a Tokio runtime.
    pub fn start(pool: RedisPool, local: InProcessResponseCache) -> RedisResponseCache {
        let channel = pool.key("cache", "invalidations");
        let local = Arc::new(local);
        let listening = Arc::new(AtomicBool::new(false));
        let origin = format!("{:016x}", rand_origin());
        let subscriber =
            tokio::spawn(listen(pool.clone(), channel.clone(), local.clone(), listening.clone(), origin.clone()));
        RedisResponseCache { local, pool, channel, listening, subscriber, origin }
    }

    /// Whether invalidations are being heard (and so the cache is in use).
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }
}

/// A random instance tag (from the std hasher's per-process random keys and the clock).
fn rand_origin() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// `{origin} {scope}`.
fn message(origin: &str, scope: &str) -> String {
    format!("{origin} {scope}")
}

async fn listen(
    pool: RedisPool,
    channel: String,
    local: Arc<InProcessResponseCache>,
    listening: Arc<AtomicBool>,
    origin: String,
) {
    let mut delay = Duration::from_millis(100);
    loop {
        match pool.subscriber().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    local.clear();
                    listening.store(true, Ordering::Release);
                    tracing::info!(channel = %channel, "response cache: listening for invalidations");
                    delay = Duration::from_millis(100);
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let payload = message.get_payload::<String>().unwrap_or_default();
                        match payload.split_once(' ') {
                            Some((from, _)) if from == origin => {}
                            Some((_, scope)) => local.invalidate_now(scope),
                            None => tracing::debug!(payload, "response cache: ignored a malformed message"),
                        }
                    }
                    listening.store(false, Ordering::Release);
                    tracing::warn!("response cache: lost the invalidation channel; caching paused");
                }
                Err(error) => tracing::debug!(error = %error, "response cache: subscribe failed"),
            },
            Err(error) => tracing::debug!(error = %error, "response cache: Redis unreachable"),
        }
        listening.store(false, Ordering::Release);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

#[async_trait::async_trait]
impl ResponseCache for RedisResponseCache {
    async fn lookup(&self, scope: &str, key: &str) -> Lookup {
        if !self.is_listening() {
            return Lookup::Miss(None);
        }
        self.local.lookup_now(scope, key)
    }

    async fn fill(&self, ticket: FillTicket, response: CachedResponse) {
        if self.is_listening() {
            self.local.fill_now(ticket, response);
        }
    }

    async fn invalidate(&self, scope: &str) {
        self.local.invalidate_now(scope);
        let published = match self.pool.conn().await {
            Ok(mut conn) => {
                conn.publish::<_, _, i64>(&self.channel, message(&self.origin, scope)).await.map_err(|e| e.to_string())
            }
            Err(error) => Err(error.to_string()),
        };
        if let Err(error) = published {
            // The other instances cannot hear it, but then they cannot hear anything and
            // are not caching either; they forget everything when Redis returns.
            tracing::warn!(scope, error = %error, "response cache: invalidation not published");
        }
    }
}
