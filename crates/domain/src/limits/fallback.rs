//! A shared limiter (Redis) with an in-process one behind it: while the shared one is
//! unavailable, limits keep holding per instance instead of failing requests, and the outage
//! is logged once, not per request. The next successful call switches back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{Quota, RateDecision, RateLimiter};
use crate::health::HealthCheck;
use crate::DomainError;

#[derive(Debug)]
pub struct FallbackRateLimiter {
    primary: Arc<dyn RateLimiter>,
    fallback: Arc<dyn RateLimiter>,
    degraded: AtomicBool,
}

impl FallbackRateLimiter {
    pub fn new(primary: Arc<dyn RateLimiter>, fallback: Arc<dyn RateLimiter>) -> FallbackRateLimiter {
        FallbackRateLimiter { primary, fallback, degraded: AtomicBool::new(false) }
    }

    /// Whether the last call had to use the fallback.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::Relaxed)
    }

    fn note(&self, outcome: &Result<RateDecision, DomainError>) -> bool {
        match outcome {
            Err(DomainError::Unavailable { dependency }) => {
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        dependency,
                        "shared rate limits unavailable; counting in this process until it returns"
                    );
                }
                true
            }
            _ => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("shared rate limits are back");
                }
                false
            }
        }
    }
}

#[async_trait::async_trait]
impl RateLimiter for FallbackRateLimiter {
    async fn hit(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let outcome = self.primary.hit(key, quota).await;
        if self.note(&outcome) {
            return self.fallback.hit(key, quota).await;
        }
        outcome
    }

    async fn peek(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let outcome = self.primary.peek(key, quota).await;
        if self.note(&outcome) {
            return self.fallback.peek(key, quota).await;
        }
        outcome
    }

    async fn reset(&self, key: &str) -> Result<(), DomainError> {
        // Both: the fallback may hold counts from an outage.
        let _ = self.fallback.reset(key).await;
        match self.primary.reset(key).await {
            Err(DomainError::Unavailable { .. }) => Ok(()),
            other => other,
        }
    }
}

/// `/health` entry for the limiter: degraded (not down; it is optional) while it falls back.
#[derive(Debug, Clone)]
pub struct FallbackHealth(pub Arc<FallbackRateLimiter>);

#[async_trait::async_trait]
impl HealthCheck for FallbackHealth {
    fn name(&self) -> &'static str {
        "rate_limits"
    }

    fn required(&self) -> bool {
        false
    }

    async fn check(&self) -> Result<(), String> {
        if self.0.is_degraded() {
            Err("shared counters unavailable; limits are counted per instance".into())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use super::*;

    /// A limiter that allows everything, or is unavailable while `down` is set.
    #[derive(Debug, Default)]
    struct Switchable {
        down: AtomicBool,
    }

    #[async_trait::async_trait]
    impl RateLimiter for Switchable {
        async fn hit(&self, _: &str, quota: Quota) -> Result<RateDecision, DomainError> {
            self.peek("", quota).await
        }
        async fn peek(&self, _: &str, quota: Quota) -> Result<RateDecision, DomainError> {
            if self.down.load(Ordering::Relaxed) {
                return Err(DomainError::Unavailable { dependency: "redis" });
            }
            Ok(RateDecision {
                allowed: true,
                limit: quota.limit,
                remaining: quota.limit,
                reset_after: Duration::ZERO,
                retry_after: None,
            })
        }
        async fn reset(&self, _: &str) -> Result<(), DomainError> {
            Ok(())
        }
    }

    /// Denies everything, so its answers are recognisable.
    #[derive(Debug)]
    struct Deny;

    #[async_trait::async_trait]
    impl RateLimiter for Deny {
        async fn hit(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
            self.peek(key, quota).await
        }
        async fn peek(&self, _: &str, quota: Quota) -> Result<RateDecision, DomainError> {
            Ok(RateDecision {
                allowed: false,
                limit: quota.limit,
                remaining: 0,
                reset_after: Duration::ZERO,
                retry_after: Some(Duration::from_secs(1)),
            })
        }
        async fn reset(&self, _: &str) -> Result<(), DomainError> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_outage_falls_back_reports_degraded_and_recovers() {
        let primary = Arc::new(Switchable::default());
        let limiter = Arc::new(FallbackRateLimiter::new(primary.clone(), Arc::new(Deny)));
        let health = FallbackHealth(limiter.clone());
        let quota = Quota { limit: 5, window: Duration::from_secs(1) };
        assert!(limiter.hit("k", quota).await.expect("hit").allowed);
        assert!(health.check().await.is_ok());

        primary.down.store(true, Ordering::Relaxed);
        let during = limiter.hit("k", quota).await.expect("no error reaches the caller");
        assert!(!during.allowed, "the fallback answered");
        assert!(health.check().await.is_err());
        assert!(!health.required());
        limiter.reset("k").await.expect("reset during an outage is not an error");

        primary.down.store(false, Ordering::Relaxed);
        assert!(limiter.hit("k", quota).await.expect("hit").allowed, "back on the primary");
        assert!(health.check().await.is_ok());
    }
}
