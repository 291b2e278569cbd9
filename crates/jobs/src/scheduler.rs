//! Running jobs on their schedules, one instance at a time.
//!
//! Every run takes the job's lock (`job:{name}`) from the [`LockManager`] first, so that of
//! several instances sharing the lock store only one runs it; the others record a `skipped`
//! run. The lock is leased, and the lease extended while the run goes on: when it cannot be
//! (the lock store lost it), the run is stopped and recorded as failed rather than risk two
//! runs at once. A scheduled run keeps the lock for a short while after it ends (a minute, or
//! half the time to the next run when that is shorter), so an instance whose clock or timer
//! is a little late does not run the same occurrence again once the first is done. Missed
//! occurrences (the process was down) are not caught up: the health check shows the gap.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use folio_domain::locks::{Lease, LockManager};
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::JobError;
use crate::history::{self, History, Outcome, Run, Trigger};
use crate::job::Job;

/// The longest a scheduled run keeps its lock after it ends.
const HOLD_AFTER: Duration = Duration::from_secs(60);
/// The longest the schedule loop sleeps at once, so that it follows changes of the wall clock.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Jobs and their runs. Cheap to clone: clones share the history.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

struct Inner {
    jobs: Vec<Job>,
    locks: Arc<dyn LockManager>,
    history: Mutex<History>,
    started_at: DateTime<Utc>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").field("jobs", &self.inner.jobs).finish_non_exhaustive()
    }
}

/// A job as `folio jobs list` (and `/health`) shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub name: String,
    pub schedule: String,
    pub next_run: Option<DateTime<Utc>>,
    pub last_run: Option<Run>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
}

impl Scheduler {
    pub fn new(locks: Arc<dyn LockManager>, jobs: Vec<Job>) -> Result<Scheduler, JobError> {
        for (i, job) in jobs.iter().enumerate() {
            if jobs[..i].iter().any(|other| other.name == job.name) {
                return Err(JobError::Duplicate(job.name.clone()));
            }
        }
        history::describe();
        Ok(Scheduler {
            inner: Arc::new(Inner { jobs, locks, history: Mutex::new(History::default()), started_at: Utc::now() }),
        })
    }

    fn history(&self) -> MutexGuard<'_, History> {
        // A panic while recording leaves the history as it was: still usable.
        self.inner.history.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn job(&self, name: &str) -> Result<&Job, JobError> {
        self.inner.jobs.iter().find(|j| j.name == name).ok_or_else(|| JobError::Unknown {
            name: name.to_owned(),
            known: self.inner.jobs.iter().map(|j| j.name.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    pub fn jobs(&self) -> &[Job] {
        &self.inner.jobs
    }

    /// When this scheduler was made: the baseline of the health check before any success.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.inner.started_at
    }

    /// Every job with its next and last runs.
    pub fn list(&self) -> Vec<JobStatus> {
        let now = Utc::now();
        let history = self.history();
        self.inner
            .jobs
            .iter()
            .map(|job| {
                let past = history.get(&job.name);
                JobStatus {
                    name: job.name.clone(),
                    schedule: job.schedule.pattern().to_owned(),
                    next_run: job.schedule.next_after(now),
                    last_run: past.and_then(|h| h.runs.back().cloned()),
                    last_success: past.and_then(|h| h.last_success),
                    consecutive_failures: past.map_or(0, |h| h.consecutive_failures),
                }
            })
            .collect()
    }

    /// The job's recent runs, oldest first.
    pub fn runs(&self, name: &str) -> Vec<Run> {
        self.history().get(name).map(|h| h.runs.iter().cloned().collect()).unwrap_or_default()
    }

    pub fn last_success(&self, name: &str) -> Option<DateTime<Utc>> {
        self.history().get(name).and_then(|h| h.last_success)
    }

    /// Tells the scheduler of a success it did not see (the newest backup in the store, at
    /// start), so the health check does not start from nothing after a restart.
    pub fn seed_last_success(&self, name: &str, at: DateTime<Utc>) {
        self.history().seed_success(name, at);
    }

    /// Runs the job now (`folio jobs run NAME`), if no other run holds its lock.
    pub async fn run_now(&self, name: &str) -> Result<Run, JobError> {
        let job = self.job(name)?.clone();
        Ok(self.execute(&job, Trigger::Manual).await)
    }

    /// Runs the job for its scheduled time `slot`, as the schedule loop does.
    pub async fn run_scheduled(&self, name: &str, slot: DateTime<Utc>) -> Result<Run, JobError> {
        let job = self.job(name)?.clone();
        Ok(self.execute(&job, Trigger::Scheduled { slot }).await)
    }

    /// Starts one schedule loop per job on the current runtime.
    pub fn start(&self) -> Running {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..self.inner.jobs.len())
            .map(|index| tokio::spawn(schedule_loop(self.clone(), index, stopped.clone())))
            .collect();
        tracing::info!(jobs = ?self.inner.jobs.iter().map(|j| (&j.name, j.schedule.pattern())).collect::<Vec<_>>(), "scheduler started");
        Running { stop, tasks }
    }

    async fn execute(&self, job: &Job, trigger: Trigger) -> Run {
        let started_at = Utc::now();
        let key = format!("job:{}", job.name);
        let locks = self.inner.locks.clone();
        let run = |outcome, message: String, fencing_token| Run {
            job: job.name.clone(),
            trigger,
            started_at,
            finished_at: Utc::now(),
            outcome,
            message,
            fencing_token,
        };
        let lease = match locks.acquire(&key, job.lease).await {
            Ok(Some(lease)) => lease,
            Ok(None) => {
                let message = "another run holds the job's lock (on this instance or another)".to_owned();
                return self.record(run(Outcome::Skipped, message, None));
            }
            Err(e) => {
                return self.record(run(Outcome::Failed, format!("the job's lock could not be taken: {e}"), None))
            }
        };
        tracing::info!(job = %job.name, token = lease.token, ?trigger, "job started");
        let task = tokio::spawn((job.work)());
        let abort = task.abort_handle();
        let (outcome, message) = tokio::select! {
            joined = task => match joined {
                Ok(Ok(message)) => (Outcome::Success, message),
                Ok(Err(message)) => (Outcome::Failed, message),
                Err(e) if e.is_panic() => (Outcome::Failed, "the job panicked".to_owned()),
                Err(e) => (Outcome::Failed, format!("the job stopped: {e}")),
            },
            lost = keep(locks.as_ref(), &lease, job.lease) => {
                abort.abort();
                (Outcome::Failed, format!("stopped: {lost}"))
            }
        };
        let finished = run(outcome, message, Some(lease.token));
        self.leave(job, trigger, &lease).await;
        self.record(finished)
    }

    /// Frees the lock, or (after a scheduled run) keeps it a little longer; see the module.
    async fn leave(&self, job: &Job, trigger: Trigger, lease: &Lease) {
        let locks = &self.inner.locks;
        if let Trigger::Scheduled { slot } = trigger {
            let gap = job.schedule.next_after(slot).and_then(|next| (next - slot).to_std().ok());
            let hold = gap.map_or(HOLD_AFTER, |gap| (gap / 2).min(HOLD_AFTER));
            let until = slot + chrono::Duration::from_std(hold).unwrap_or_default();
            if let Ok(left) = (until - Utc::now()).to_std() {
                if !left.is_zero() && locks.extend(lease, left).await.unwrap_or(false) {
                    return;
                }
            }
        }
        if let Err(e) = locks.release(lease).await {
            tracing::warn!(job = %job.name, error = %e, "the job's lock could not be released; its lease will run out");
        }
    }

    fn record(&self, run: Run) -> Run {
        match run.outcome {
            Outcome::Success => tracing::info!(job = %run.job, message = %run.message, "job succeeded"),
            Outcome::Failed => tracing::warn!(job = %run.job, message = %run.message, "job failed"),
            Outcome::Skipped => tracing::debug!(job = %run.job, "job skipped: another run holds its lock"),
        }
        history::report(&run);
        self.history().record(run.clone());
        run
    }
}

/// Extends the lease every third of it; returns why when it cannot any more.
async fn keep(locks: &dyn LockManager, lease: &Lease, duration: Duration) -> String {
    let mut extended = Instant::now();
    loop {
        tokio::time::sleep(duration / 3).await;
        match locks.extend(lease, duration).await {
            Ok(true) => extended = Instant::now(),
            Ok(false) => return "the job's lock was lost (its lease ran out, or the lock store forgot it)".to_owned(),
            Err(e) if extended.elapsed() >= duration => {
                return format!("the job's lock could not be extended before its lease ran out: {e}")
            }
            Err(e) => tracing::warn!(key = %lease.key, error = %e, "the job's lock could not be extended; retrying"),
        }
    }
}

/// Waits for each of the job's times and runs it then.
async fn schedule_loop(scheduler: Scheduler, index: usize, mut stop: watch::Receiver<bool>) {
    let job = scheduler.inner.jobs[index].clone();
    let mut after = Utc::now();
    loop {
        let Some(slot) = job.schedule.next_after(after) else {
            tracing::warn!(job = %job.name, "the schedule names no future time; the job will not run");
            return;
        };
        while let Ok(wait) = (slot - Utc::now()).to_std() {
            if wait.is_zero() {
                break;
            }
            tokio::select! {
                () = tokio::time::sleep(wait.min(MAX_SLEEP)) => {}
                _ = stop.changed() => return,
            }
        }
        if *stop.borrow() {
            return;
        }
        scheduler.execute(&job, Trigger::Scheduled { slot }).await;
        // Occurrences that passed during a long run are skipped, not piled up.
        after = slot.max(Utc::now());
    }
}

/// The running schedule loops.
#[derive(Debug)]
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops scheduling; a run in progress finishes first (bound the wait with a timeout).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
