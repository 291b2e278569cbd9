//! Scheduled jobs: cron schedules (UTC), one run at a time across instances through a leased
//! lock, a bounded in-memory history of runs, a health check for jobs that stopped succeeding,
//! and metrics. The jobs themselves are closures; the binary composes them:
//!
//! ```text
//! let backup = Job::new(names::BACKUP, &settings.backup_cron, move || {
//!     let (backups, repos) = (backups.clone(), repos.clone());
//!     async move { backups.create(&repos).await.map(|r| r.to_string()).map_err(|e| e.to_string()) }
//! })?;
//! let scheduler = Scheduler::new(lock_manager, vec![backup, prune, sweep])?;
//! let running = scheduler.start();                       // in `folio serve`
//! health_checks.push(Arc::new(JobAgeCheck::new("backups", scheduler.clone(), names::BACKUP, max_age)));
//! scheduler.run_now("backup").await?;                    // `folio jobs run backup`
//! ```

mod error;
mod health;
mod history;
mod job;
mod media_sweep;
mod scheduler;

pub use error::JobError;
pub use health::JobAgeCheck;
pub use history::{Outcome, Run, Trigger};
pub use job::{Job, JobFuture, JobResult, Schedule};
pub use media_sweep::{MediaSweep, SweepReport};
pub use scheduler::{JobStatus, Running, Scheduler};

/// The jobs' names, as configuration and `folio jobs run` spell them.
pub mod names {
    pub const BACKUP: &str = "backup";
    pub const BACKUP_PRUNE: &str = "backup-prune";
    pub const MEDIA_SWEEP: &str = "media-sweep";
}

/// Defaults for the settings the binary reads.
pub mod defaults {
    use std::time::Duration;

    /// `JOB_BACKUP_CRON`: daily at 03:00 UTC.
    pub const BACKUP_CRON: &str = "0 3 * * *";
    /// `JOB_BACKUP_PRUNE_CRON`: daily at 03:30 UTC, after the backup.
    pub const BACKUP_PRUNE_CRON: &str = "30 3 * * *";
    /// `JOB_MEDIA_SWEEP_CRON`: daily at 04:00 UTC.
    pub const MEDIA_SWEEP_CRON: &str = "0 4 * * *";
    /// `BACKUP_MAX_AGE`: a day and two hours, so that one missed daily backup degrades `/health`.
    pub const BACKUP_MAX_AGE: Duration = Duration::from_secs(26 * 3600);
    /// `MEDIA_SWEEP_GRACE`: a day.
    pub const MEDIA_SWEEP_GRACE: Duration = Duration::from_secs(24 * 3600);
}
