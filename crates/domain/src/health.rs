//! Health checks: each dependency (database, session store, object store…) implements
//! [`HealthCheck`]; [`HealthService`] runs them all concurrently with a deadline.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde::Serialize;

/// A dependency Folio can ask "are you there?".
#[async_trait::async_trait]
pub trait HealthCheck: Send + Sync + std::fmt::Debug {
    /// Short stable name shown in `/health` (`database`, `sessions`, `objects`).
    fn name(&self) -> &'static str;
    /// Whether Folio cannot serve without it (readiness waits for required checks only).
    fn required(&self) -> bool {
        true
    }
    /// Ok when the dependency answered; the error text is for operators and must hold no secret.
    async fn check(&self) -> Result<(), String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Up,
    Degraded,
    Down,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub name: &'static str,
    pub status: HealthStatus,
    pub required: bool,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub status: HealthStatus,
    pub checks: Vec<CheckReport>,
}

impl HealthReport {
    /// Ready when every required dependency is up.
    pub fn is_ready(&self) -> bool {
        self.checks.iter().all(|c| !c.required || c.status == HealthStatus::Up)
    }
}

#[derive(Debug, Clone)]
pub struct HealthService {
    checks: Vec<Arc<dyn HealthCheck>>,
    timeout: Duration,
}

impl HealthService {
    pub fn new(checks: Vec<Arc<dyn HealthCheck>>, timeout: Duration) -> Self {
        Self { checks, timeout }
    }

    pub async fn report(&self) -> HealthReport {
        let checks = join_all(self.checks.iter().map(|c| self.run_one(c.as_ref()))).await;
        let status = if checks.iter().any(|c| c.required && c.status != HealthStatus::Up) {
            HealthStatus::Down
        } else if checks.iter().any(|c| c.status != HealthStatus::Up) {
            HealthStatus::Degraded
        } else {
            HealthStatus::Up
        };
        HealthReport { status, checks }
    }

    async fn run_one(&self, check: &dyn HealthCheck) -> CheckReport {
        let started = Instant::now();
        let outcome = tokio::time::timeout(self.timeout, check.check()).await;
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let error = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some(format!("no answer within {} ms", self.timeout.as_millis())),
        };
        if let Some(e) = &error {
            tracing::warn!(check = check.name(), error = %e, "health check failed");
        }
        CheckReport {
            name: check.name(),
            status: if error.is_none() { HealthStatus::Up } else { HealthStatus::Down },
            required: check.required(),
            latency_ms: (latency_ms * 1000.0).round() / 1000.0,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed {
        name: &'static str,
        required: bool,
        ok: bool,
        delay: Duration,
    }

    #[async_trait::async_trait]
    impl HealthCheck for Fixed {
        fn name(&self) -> &'static str {
            self.name
        }
        fn required(&self) -> bool {
            self.required
        }
        async fn check(&self) -> Result<(), String> {
            tokio::time::sleep(self.delay).await;
            if self.ok {
                Ok(())
            } else {
                Err("refused".into())
            }
        }
    }

    fn check(name: &'static str, required: bool, ok: bool) -> Arc<dyn HealthCheck> {
        Arc::new(Fixed { name, required, ok, delay: Duration::ZERO })
    }

    #[tokio::test]
    async fn a_failing_optional_check_degrades_but_stays_ready() {
        let svc = HealthService::new(
            vec![check("database", true, true), check("cache", false, false)],
            Duration::from_secs(1),
        );
        let report = svc.report().await;
        assert_eq!(report.status, HealthStatus::Degraded);
        assert!(report.is_ready());
        assert_eq!(report.checks[1].error.as_deref(), Some("refused"));
    }

    #[tokio::test]
    async fn a_failing_required_check_is_down_and_not_ready() {
        let svc = HealthService::new(vec![check("database", true, false)], Duration::from_secs(1));
        let report = svc.report().await;
        assert_eq!(report.status, HealthStatus::Down);
        assert!(!report.is_ready());
    }

    #[tokio::test]
    async fn a_check_that_hangs_times_out() {
        let slow: Arc<dyn HealthCheck> =
            Arc::new(Fixed { name: "slow", required: true, ok: true, delay: Duration::from_secs(5) });
        let report = HealthService::new(vec![slow], Duration::from_millis(20)).report().await;
        assert_eq!(report.status, HealthStatus::Down);
        assert!(report.checks[0].error.as_deref().unwrap_or("").contains("no answer"));
    }
}
