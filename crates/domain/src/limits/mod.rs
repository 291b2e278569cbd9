//! Rate limiting: the port, and the GCRA arithmetic every adapter shares so that in-process
//! and Redis limits count the same way.

mod fallback;
mod gcra;

use std::time::Duration;

pub use fallback::{FallbackHealth, FallbackRateLimiter};
pub use gcra::{Gcra, GcraOutcome};

use crate::DomainError;

/// A limit: at most `limit` hits per `window`, with bursts up to `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub window: Duration,
}

/// The answer to one check, with what the `RateLimit-*` headers need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// When the quota is whole again.
    pub reset_after: Duration,
    /// When a denied caller may try again.
    pub retry_after: Option<Duration>,
}

#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// Counts one hit against `key`; a denied hit is not counted.
    async fn hit(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError>;
    /// Whether one more hit would be allowed, without counting it.
    async fn peek(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError>;
    /// Forgets `key` (a successful login clears its failures).
    async fn reset(&self, key: &str) -> Result<(), DomainError>;
}
