use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use folio_domain::limits::{Gcra, Quota, RateDecision, RateLimiter};
use folio_domain::DomainError;

/// GCRA counters in this process: exact, but each instance counts on its own.
#[derive(Debug)]
pub struct InProcessRateLimiter {
    started: Instant,
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    /// Theoretical arrival time per key, in ms since `started`.
    tats: HashMap<String, f64>,
    writes_since_sweep: usize,
}

const SWEEP_EVERY: usize = 4096;

impl Default for InProcessRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl InProcessRateLimiter {
    pub fn new() -> Self {
        Self { started: Instant::now(), inner: Mutex::new(Counters::default()) }
    }

    fn now_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Counters>, DomainError> {
        self.inner.lock().map_err(|_| DomainError::Internal("rate limiter lock poisoned".into()))
    }
}

#[async_trait::async_trait]
impl RateLimiter for InProcessRateLimiter {
    async fn hit(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let now = self.now_ms();
        let mut counters = self.lock()?;
        let outcome = Gcra::new(quota).check(counters.tats.get(key).copied(), now);
        if let Some(tat) = outcome.new_tat_ms {
            counters.tats.insert(key.to_owned(), tat);
            counters.writes_since_sweep += 1;
            if counters.writes_since_sweep >= SWEEP_EVERY {
                counters.writes_since_sweep = 0;
                // A key whose arrival time has passed is indistinguishable from a new one.
                counters.tats.retain(|_, tat| *tat > now);
            }
        }
        Ok(outcome.decision)
    }

    async fn peek(&self, key: &str, quota: Quota) -> Result<RateDecision, DomainError> {
        let now = self.now_ms();
        let counters = self.lock()?;
        Ok(Gcra::new(quota).peek(counters.tats.get(key).copied(), now))
    }

    async fn reset(&self, key: &str) -> Result<(), DomainError> {
        self.lock()?.tats.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod conformance {
    use std::sync::Arc;

    use folio_domain::limits::RateLimiter;

    use super::InProcessRateLimiter;

    folio_domain::rate_limiter_tests!(async { (Arc::new(InProcessRateLimiter::new()) as Arc<dyn RateLimiter>, ()) });
}
