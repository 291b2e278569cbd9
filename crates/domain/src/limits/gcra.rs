//! The generic cell rate algorithm: one timestamp per key (the "theoretical arrival time"),
//! exact for any window, O(1) memory, and easy to run atomically in a Redis script.

use std::time::Duration;

use super::{Quota, RateDecision};

/// GCRA for one quota. Times are milliseconds on any monotonic-enough clock.
#[derive(Debug, Clone, Copy)]
pub struct Gcra {
    quota: Quota,
    /// Time one hit "costs": window / limit.
    interval_ms: f64,
    window_ms: f64,
}

/// A decision and the arrival time to store when the hit was allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GcraOutcome {
    pub decision: RateDecision,
    pub new_tat_ms: Option<f64>,
}

impl Gcra {
    pub fn new(quota: Quota) -> Gcra {
        let window_ms = quota.window.as_secs_f64() * 1000.0;
        let limit = f64::from(quota.limit.max(1));
        Gcra { quota, interval_ms: window_ms / limit, window_ms }
    }

    /// Decides a hit at `now_ms` given the stored arrival time (`None` for a new key).
    pub fn check(&self, stored_tat_ms: Option<f64>, now_ms: f64) -> GcraOutcome {
        let tat = stored_tat_ms.unwrap_or(now_ms).max(now_ms);
        let new_tat = tat + self.interval_ms;
        let allowed = new_tat - now_ms <= self.window_ms + 1e-6;
        let used_until = if allowed { new_tat } else { tat };
        let remaining = ((self.window_ms - (used_until - now_ms)) / self.interval_ms + 1e-9).floor();
        let decision = RateDecision {
            allowed,
            limit: self.quota.limit,
            remaining: remaining.clamp(0.0, f64::from(self.quota.limit)) as u32,
            reset_after: millis(used_until - now_ms),
            retry_after: (!allowed).then(|| millis(new_tat - now_ms - self.window_ms)),
        };
        GcraOutcome { decision, new_tat_ms: allowed.then_some(new_tat) }
    }

    /// Decides without counting: would a hit be allowed now?
    pub fn peek(&self, stored_tat_ms: Option<f64>, now_ms: f64) -> RateDecision {
        let mut decision = self.check(stored_tat_ms, now_ms).decision;
        if decision.allowed {
            // Nothing was spent, so one more remains than `check` reported.
            decision.remaining = (decision.remaining + 1).min(self.quota.limit);
        }
        decision
    }
}

fn millis(ms: f64) -> Duration {
    Duration::from_micros((ms.max(0.0) * 1000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gcra(limit: u32, window_ms: u64) -> Gcra {
        Gcra::new(Quota { limit, window: Duration::from_millis(window_ms) })
    }

    #[test]
    fn allows_a_burst_of_limit_then_denies() {
        let g = gcra(3, 1000);
        let mut tat = None;
        for expected_remaining in [2, 1, 0] {
            let out = g.check(tat, 0.0);
            assert!(out.decision.allowed);
            assert_eq!(out.decision.remaining, expected_remaining);
            tat = out.new_tat_ms;
        }
        let denied = g.check(tat, 0.0);
        assert!(!denied.decision.allowed);
        assert_eq!(denied.new_tat_ms, None);
        assert_eq!(denied.decision.retry_after, Some(Duration::from_millis(333) + Duration::from_micros(333)));
    }

    #[test]
    fn capacity_returns_as_time_passes() {
        let g = gcra(2, 1000);
        let mut tat = None;
        for _ in 0..2 {
            tat = g.check(tat, 0.0).new_tat_ms;
        }
        assert!(!g.check(tat, 100.0).decision.allowed);
        assert!(g.check(tat, 500.0).decision.allowed);
        let after_window = g.peek(tat, 1000.0);
        assert_eq!(after_window.remaining, 2);
    }

    #[test]
    fn peek_does_not_spend() {
        let g = gcra(1, 1000);
        assert_eq!(g.peek(None, 0.0).remaining, 1);
        let tat = g.check(None, 0.0).new_tat_ms;
        assert!(!g.peek(tat, 0.0).allowed);
    }
}
