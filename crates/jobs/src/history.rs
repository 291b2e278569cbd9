//! What runs did: kept in memory, a bounded number per job, and reported as metrics.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Runs kept per job.
pub(crate) const KEPT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Success,
    Failed,
    /// Another run (on this instance or another) held the job's lock.
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        }
    }
}

/// Why a run started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Trigger {
    /// The schedule's time `slot` came.
    Scheduled { slot: DateTime<Utc> },
    /// `folio jobs run NAME`, or a caller.
    Manual,
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub job: String,
    pub trigger: Trigger,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub message: String,
    /// The lock's fencing token, when the run held it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fencing_token: Option<u64>,
}

impl Run {
    pub fn duration(&self) -> chrono::Duration {
        self.finished_at - self.started_at
    }
}

#[derive(Debug, Default)]
pub(crate) struct JobHistory {
    pub runs: VecDeque<Run>,
    pub last_success: Option<DateTime<Utc>>,
    pub consecutive_failures: u32,
}

#[derive(Debug, Default)]
pub(crate) struct History {
    jobs: HashMap<String, JobHistory>,
}

impl History {
    pub(crate) fn record(&mut self, run: Run) {
        let job = self.jobs.entry(run.job.clone()).or_default();
        match run.outcome {
            Outcome::Success => {
                job.consecutive_failures = 0;
                job.last_success = Some(job.last_success.map_or(run.finished_at, |t| t.max(run.finished_at)));
            }
            Outcome::Failed => job.consecutive_failures += 1,
            Outcome::Skipped => {}
        }
        if job.runs.len() == KEPT {
            job.runs.pop_front();
        }
        job.runs.push_back(run);
    }

    pub(crate) fn seed_success(&mut self, job: &str, at: DateTime<Utc>) {
        let job = self.jobs.entry(job.to_owned()).or_default();
        job.last_success = Some(job.last_success.map_or(at, |t| t.max(at)));
    }

    pub(crate) fn get(&self, job: &str) -> Option<&JobHistory> {
        self.jobs.get(job)
    }
}

/// The run's figures, through the `metrics` facade (the binary installs the exporter).
pub(crate) fn report(run: &Run) {
    let job = run.job.clone();
    metrics::counter!("folio_job_runs_total", "job" => job.clone(), "outcome" => run.outcome.as_str()).increment(1);
    match run.outcome {
        Outcome::Success => {
            metrics::gauge!("folio_job_last_success_timestamp_seconds", "job" => job.clone())
                .set(run.finished_at.timestamp_millis() as f64 / 1000.0);
        }
        Outcome::Failed => metrics::counter!("folio_job_failures_total", "job" => job.clone()).increment(1),
        Outcome::Skipped => return,
    }
    let seconds = run.duration().to_std().map_or(0.0, |d| d.as_secs_f64());
    metrics::histogram!("folio_job_duration_seconds", "job" => job).record(seconds);
}

/// Help texts for the metrics, once.
pub(crate) fn describe() {
    metrics::describe_counter!("folio_job_runs_total", "Runs of scheduled jobs, by outcome (success, failed, skipped)");
    metrics::describe_counter!("folio_job_failures_total", "Failed runs of scheduled jobs");
    metrics::describe_gauge!(
        "folio_job_last_success_timestamp_seconds",
        metrics::Unit::Seconds,
        "When each job last succeeded (Unix time)"
    );
    metrics::describe_histogram!(
        "folio_job_duration_seconds",
        metrics::Unit::Seconds,
        "How long runs of scheduled jobs took (skipped runs not counted)"
    );
}
