//! A job: a name, a cron schedule, and what it does.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;

use crate::error::JobError;

/// What a run of a job returns: a one-line message either way, kept in its history.
pub type JobResult = Result<String, String>;
pub type JobFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;
type Work = Arc<dyn Fn() -> JobFuture + Send + Sync>;

/// A cron expression, evaluated in UTC: five fields (`0 3 * * *`), or six with seconds first,
/// and the usual aliases (`@daily`).
#[derive(Clone)]
pub struct Schedule {
    pattern: String,
    cron: Cron,
}

impl Schedule {
    pub fn parse(pattern: &str) -> Result<Schedule, String> {
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(pattern.trim())
            .map_err(|e| format!("`{pattern}` is not a cron expression: {e}"))?;
        Ok(Schedule { pattern: pattern.trim().to_owned(), cron })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The first time after `after` that the schedule names.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.cron.find_next_occurrence(&after, false).ok()
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({})", self.pattern)
    }
}

/// A named, scheduled piece of work.
#[derive(Clone)]
pub struct Job {
    pub(crate) name: String,
    pub(crate) schedule: Schedule,
    pub(crate) lease: Duration,
    pub(crate) work: Work,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("name", &self.name)
            .field("schedule", &self.schedule)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// The lock's lease: a run extends it every third of this while it goes on, so a dead
    /// instance's lock frees within this long.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

    /// A job named `name` (`backup`, `media-sweep`…) that runs `work` on `cron`.
    pub fn new<F, Fut>(name: impl Into<String>, cron: &str, work: F) -> Result<Job, JobError>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        let name = name.into();
        let valid_name = !name.is_empty()
            && name.len() <= 64
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !valid_name {
            return Err(JobError::InvalidName(name));
        }
        let schedule =
            Schedule::parse(cron).map_err(|reason| JobError::InvalidSchedule { job: name.clone(), reason })?;
        let work: Work = Arc::new(move || Box::pin(work()) as JobFuture);
        Ok(Job { name, schedule, lease: Self::DEFAULT_LEASE, work })
    }

    /// Another lease (at least 100 ms).
    pub fn with_lease(mut self, lease: Duration) -> Job {
        self.lease = lease.max(Duration::from_millis(100));
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn schedules_are_cron_in_utc() {
        let daily = Schedule::parse("0 3 * * *").expect("valid");
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).single().expect("time");
        assert_eq!(daily.next_after(at - chrono::Duration::seconds(1)), Some(at));
        assert_eq!(daily.next_after(at), Some(at + chrono::Duration::days(1)), "strictly after");
        let every_second = Schedule::parse("* * * * * *").expect("valid");
        assert_eq!(every_second.next_after(at), Some(at + chrono::Duration::seconds(1)));
        assert!(Schedule::parse("@daily").is_ok());
        for bad in ["", "every day", "61 * * * *", "* * *"] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_schedules_are_checked() {
        let ok = || async { Ok::<_, String>(String::new()) };
        assert!(Job::new("backup-prune", "0 4 * * *", ok).is_ok());
        assert!(matches!(Job::new("Bad Name", "0 4 * * *", ok), Err(JobError::InvalidName(_))));
        assert!(matches!(Job::new("backup", "nope", ok), Err(JobError::InvalidSchedule { .. })));
    }
}
