//! The connection pool every Redis adapter shares, and the configuration that builds it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis::AsyncConnectionConfig;
use deadpool_redis::{Connection, Manager, Pool, PoolError, Runtime};
use folio_domain::DomainError;

use crate::error::{self, RedisError};

/// Where Redis is and how Folio uses it.
#[derive(Clone)]
pub struct RedisConfig {
    /// `redis://[:password@]host[:port][/db]`; see [`url_from_parts`] for the `REDIS_*`
    /// variables of the old services.
    pub url: String,
    /// Starts every key Folio writes (`folio:`), so Folio can share a database.
    pub key_prefix: String,
    /// Most connections held open at once. Each is multiplexed, so a few go a long way.
    pub pool_size: usize,
    /// Bound on each step of an operation: waiting for a pooled connection, connecting,
    /// checking a pooled connection, and each command's reply. A dead server costs a request
    /// this long, never a hang.
    pub timeout: Duration,
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisConfig")
            .field("url", &redact(&self.url))
            .field("key_prefix", &self.key_prefix)
            .field("pool_size", &self.pool_size)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The URL without its user info, which holds the password.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparsed>".into();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Builds the `REDIS_URL` that the old services' `REDIS_HOST`, `REDIS_PORT`,
/// `REDIS_PASSWORD` and `REDIS_DB` describe. The password is percent-encoded, since
/// generated passwords often hold `@`, `/` or `:`; an empty one means none, as it did there.
pub fn url_from_parts(host: &str, port: u16, password: Option<&str>, db: u8) -> String {
    // A bare IPv6 address needs brackets to be told apart from the port.
    let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.to_owned() };
    match password.filter(|p| !p.is_empty()) {
        Some(password) => format!("redis://:{}@{host}:{port}/{db}", percent_encode(password)),
        None => format!("redis://{host}:{port}/{db}"),
    }
}

/// Everything but RFC 3986's unreserved characters, byte by byte.
fn percent_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds the pool without talking to Redis: Folio starts while Redis is down, its
/// operations fail with `Unavailable` meanwhile, and they recover by themselves once Redis
/// answers, because a connection that fails its check on the way out of the pool is replaced.
pub async fn connect(config: RedisConfig) -> Result<RedisPool, RedisError> {
    if config.pool_size == 0 {
        return Err(RedisError::InvalidConfig("the pool size must be at least 1"));
    }
    let timeout = Some(config.timeout);
    let connection = AsyncConnectionConfig::new().set_connection_timeout(timeout).set_response_timeout(timeout);
    let manager =
        Manager::new_with_config(config.url.as_str(), connection).map_err(|e| RedisError::InvalidUrl(e.to_string()))?;
    let pool = Pool::builder(manager)
        .max_size(config.pool_size)
        .wait_timeout(timeout)
        .create_timeout(timeout)
        .recycle_timeout(timeout)
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| RedisError::Pool(e.to_string()))?;
    Ok(RedisPool { pool, prefix: config.key_prefix.into(), url: config.url.into(), timeout: config.timeout })
}

/// A pool of connections to one Redis database and the prefix of Folio's keys there. Cheap
/// to clone; every adapter built from it shares its connections.
#[derive(Clone)]
pub struct RedisPool {
    pool: Pool,
    prefix: Arc<str>,
    /// For connections that cannot be pooled (a pub/sub subscription).
    url: Arc<str>,
    timeout: Duration,
}

impl fmt::Debug for RedisPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.pool.status();
        f.debug_struct("RedisPool")
            .field("prefix", &self.prefix)
            .field("size", &status.size)
            .field("max_size", &status.max_size)
            .finish()
    }
}

impl RedisPool {
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// `{prefix}{kind}:{name}`, the shape of every key Folio writes.
    pub(crate) fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}:{name}", self.prefix)
    }

    pub(crate) async fn conn(&self) -> Result<Connection, DomainError> {
        self.conn_raw().await.map_err(error::from_pool)
    }

    /// A connection of its own for a pub/sub subscription (pooled connections cannot
    /// subscribe).
    pub(crate) async fn subscriber(&self) -> Result<deadpool_redis::redis::aio::PubSub, RedisError> {
        let client =
            deadpool_redis::redis::Client::open(&*self.url).map_err(|e| RedisError::InvalidUrl(e.to_string()))?;
        match tokio::time::timeout(self.timeout, client.get_async_pubsub()).await {
            Ok(Ok(pubsub)) => Ok(pubsub),
            Ok(Err(e)) => Err(RedisError::Subscribe(e.to_string())),
            Err(_) => Err(RedisError::Subscribe("timed out connecting".to_owned())),
        }
    }

    /// The driver's own error, for the health check's operator-facing message.
    pub(crate) async fn conn_raw(&self) -> Result<Connection, PoolError> {
        self.pool.get().await
    }
}

#[cfg(test)]
mod tests {
    use deadpool_redis::redis::IntoConnectionInfo;

    use super::*;

    #[test]
    fn url_from_parts_encodes_the_password_so_redis_reads_it_back() {
        let url = url_from_parts("cache.internal", 6380, Some("p@ss:w/rd %é"), 10);
        assert_eq!(url, "redis://:p%40ss%3Aw%2Frd%20%25%C3%A9@cache.internal:6380/10");
        let info = url.as_str().into_connection_info().expect("parses");
        assert_eq!(info.redis_settings().password(), Some("p@ss:w/rd %é"));
        assert_eq!(info.redis_settings().db(), 10);
    }

    #[test]
    fn url_from_parts_without_a_password() {
        assert_eq!(url_from_parts("localhost", 6379, None, 0), "redis://localhost:6379/0");
        assert_eq!(url_from_parts("localhost", 6379, Some(""), 2), "redis://localhost:6379/2");
        assert_eq!(url_from_parts("::1", 6379, None, 0), "redis://[::1]:6379/0");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let config = RedisConfig {
            url: "redis://:hunter2@localhost:6379/1".into(),
            key_prefix: "folio:".into(),
            pool_size: 4,
            timeout: Duration::from_secs(1),
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redis://***@localhost:6379/1"), "{shown}");
    }

    #[tokio::test]
    async fn a_bad_url_is_refused_without_echoing_it() {
        let config = RedisConfig {
            url: "redis://:hunter2@localhost:6379/notadb".into(),
            key_prefix: "folio:".into(),
            pool_size: 4,
            timeout: Duration::from_secs(1),
        };
        let err = connect(config).await.expect_err("invalid");
        assert!(matches!(err, RedisError::InvalidUrl(_)), "{err:?}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
