//! A health check that degrades when a job has not succeeded for too long (`backup` older
//! than `BACKUP_MAX_AGE`, say).

use std::time::Duration;

use chrono::Utc;
use folio_domain::health::HealthCheck;

use crate::scheduler::Scheduler;

/// Optional (it degrades `/health`, never readiness): failing when the job's last success is
/// older than `max_age`. Before any success it counts from the scheduler's start, so a fresh
/// instance is not degraded at once; seed the last success at start
/// ([`Scheduler::seed_last_success`]) so that a restart does not hide a stale backup.
#[derive(Debug, Clone)]
pub struct JobAgeCheck {
    name: &'static str,
    scheduler: Scheduler,
    job: String,
    max_age: Duration,
}

impl JobAgeCheck {
    /// The check `name` in `/health` (`backups`) for `job` (`backup`).
    pub fn new(name: &'static str, scheduler: Scheduler, job: impl Into<String>, max_age: Duration) -> Self {
        JobAgeCheck { name, scheduler, job: job.into(), max_age }
    }
}

fn human(d: chrono::Duration) -> String {
    let minutes = d.num_minutes();
    if minutes < 120 {
        format!("{minutes} min")
    } else if minutes < 48 * 60 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} days", minutes / (24 * 60))
    }
}

#[async_trait::async_trait]
impl HealthCheck for JobAgeCheck {
    fn name(&self) -> &'static str {
        self.name
    }

    fn required(&self) -> bool {
        false
    }

    async fn check(&self) -> Result<(), String> {
        let max_age = chrono::Duration::from_std(self.max_age).unwrap_or(chrono::Duration::MAX);
        let now = Utc::now();
        match self.scheduler.last_success(&self.job) {
            Some(at) if now - at <= max_age => Ok(()),
            Some(at) => Err(format!(
                "the last successful {} was {} ago ({}), longer than the allowed {}",
                self.job,
                human(now - at),
                at.to_rfc3339(),
                human(max_age)
            )),
            None if now - self.scheduler.started_at() <= max_age => Ok(()),
            None => Err(format!("no successful {} in the {} since this instance started", self.job, human(max_age))),
        }
    }
}
