//! This crate's own error (a configuration Folio cannot start with), and how driver errors
//! become [`DomainError`]s on the request path.

use std::fmt;

use deadpool_redis::redis::{self, RetryMethod};
use deadpool_redis::PoolError;
use folio_domain::DomainError;

/// Why [`connect`](crate::connect) refused a configuration. Never holds the URL, which may
/// carry a password.
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(String),
    #[error("invalid Redis configuration: {0}")]
    InvalidConfig(&'static str),
    #[error("could not build the Redis connection pool: {0}")]
    Pool(String),
    #[error("could not subscribe: {0}")]
    Subscribe(String),
}

const DEPENDENCY: &str = "redis";

/// No free connection and none could be made: Redis is down, unreachable or refusing us.
pub(crate) fn from_pool(err: PoolError) -> DomainError {
    match err {
        PoolError::Backend(err) => from_redis(err),
        other => unavailable(other),
    }
}

/// A failed command. Connection trouble is `Unavailable` (the caller may degrade or retry
/// later); a reply Folio did not expect is a bug, so `Internal`.
pub(crate) fn from_redis(err: redis::RedisError) -> DomainError {
    let connection_trouble = err.is_io_error()
        || !matches!(err.retry_method(), RetryMethod::NoRetry | RetryMethod::AskRedirect | RetryMethod::MovedRedirect);
    if connection_trouble {
        unavailable(err)
    } else {
        DomainError::Internal(format!("unexpected Redis reply: {err}"))
    }
}

fn unavailable(err: impl fmt::Display) -> DomainError {
    tracing::warn!(error = %err, "redis is unavailable");
    DomainError::Unavailable { dependency: DEPENDENCY }
}
