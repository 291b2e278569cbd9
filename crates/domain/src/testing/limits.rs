//! The `RateLimiter` conformance suite.

use std::sync::Arc;
use std::time::Duration;

use crate::limits::{Quota, RateLimiter};

use super::unique;

fn quota(limit: u32, window_ms: u64) -> Quota {
    Quota { limit, window: Duration::from_millis(window_ms) }
}

pub async fn allows_the_limit_then_denies_with_retry_after(limiter: Arc<dyn RateLimiter>) {
    let key = unique("limit:");
    let q = quota(3, 60_000);
    for remaining in [2, 1, 0] {
        let d = limiter.hit(&key, q).await.expect("hit");
        assert!(d.allowed);
        assert_eq!((d.limit, d.remaining), (3, remaining));
    }
    let denied = limiter.hit(&key, q).await.expect("hit");
    assert!(!denied.allowed);
    assert_eq!(denied.remaining, 0);
    let retry = denied.retry_after.expect("retry_after");
    assert!(retry > Duration::from_secs(19) && retry <= Duration::from_secs(20), "{retry:?}");
    assert!(denied.reset_after <= Duration::from_secs(60));
}

pub async fn keys_are_counted_apart(limiter: Arc<dyn RateLimiter>) {
    let (a, b) = (unique("a:"), unique("b:"));
    let q = quota(1, 60_000);
    assert!(limiter.hit(&a, q).await.expect("hit").allowed);
    assert!(!limiter.hit(&a, q).await.expect("hit").allowed);
    assert!(limiter.hit(&b, q).await.expect("hit").allowed);
}

pub async fn peek_does_not_count(limiter: Arc<dyn RateLimiter>) {
    let key = unique("peek:");
    let q = quota(2, 60_000);
    for _ in 0..5 {
        let d = limiter.peek(&key, q).await.expect("peek");
        assert!(d.allowed);
        assert_eq!(d.remaining, 2);
    }
    limiter.hit(&key, q).await.expect("hit");
    limiter.hit(&key, q).await.expect("hit");
    assert!(!limiter.peek(&key, q).await.expect("peek").allowed);
}

pub async fn reset_forgets_a_key(limiter: Arc<dyn RateLimiter>) {
    let key = unique("reset:");
    let q = quota(1, 60_000);
    limiter.hit(&key, q).await.expect("hit");
    assert!(!limiter.hit(&key, q).await.expect("hit").allowed);
    limiter.reset(&key).await.expect("reset");
    assert!(limiter.hit(&key, q).await.expect("hit").allowed);
}

pub async fn the_window_expires(limiter: Arc<dyn RateLimiter>) {
    let key = unique("window:");
    let q = quota(2, 400);
    assert!(limiter.hit(&key, q).await.expect("hit").allowed);
    assert!(limiter.hit(&key, q).await.expect("hit").allowed);
    assert!(!limiter.hit(&key, q).await.expect("hit").allowed);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let d = limiter.hit(&key, q).await.expect("hit");
    assert!(d.allowed);
}

pub async fn concurrent_callers_never_exceed_the_limit(limiter: Arc<dyn RateLimiter>) {
    let key = unique("race:");
    let q = quota(10, 60_000);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let limiter = limiter.clone();
            let key = key.clone();
            tokio::spawn(async move { limiter.hit(&key, q).await.expect("hit").allowed })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        if task.await.expect("join") {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 10);
}
