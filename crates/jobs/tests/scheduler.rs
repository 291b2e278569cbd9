//! The scheduler against the in-process lock manager: one run at a time across instances,
//! runs recorded with their outcomes, schedules that fire, a health check that degrades.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use folio_domain::health::HealthCheck;
use folio_domain::locks::{Lease, LockManager};
use folio_domain::DomainError;
use folio_jobs::{Job, JobAgeCheck, Outcome, Scheduler, Trigger};
use folio_storage_local::InProcessLockManager;

/// A job that counts its runs and takes `busy` doing so.
fn counting(name: &str, cron: &str, runs: Arc<AtomicU32>, busy: Duration) -> Job {
    Job::new(name, cron, move || {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(busy).await;
            Ok("done".to_owned())
        }
    })
    .expect("job")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_triggering_a_job_at_once_run_it_once() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let runs = Arc::new(AtomicU32::new(0));
    let job = counting("backup", "0 3 * * *", runs.clone(), Duration::from_millis(300));
    // Two instances: each its own scheduler, sharing the lock store.
    let a = Scheduler::new(locks.clone(), vec![job.clone()]).expect("scheduler");
    let b = Scheduler::new(locks.clone(), vec![job]).expect("scheduler");

    let (first, second) = tokio::join!(a.run_now("backup"), b.run_now("backup"));
    let (first, second) = (first.expect("run"), second.expect("run"));
    let mut outcomes = vec![first.outcome, second.outcome];
    outcomes.sort_by_key(|o| o.as_str());
    assert_eq!(outcomes, vec![Outcome::Skipped, Outcome::Success]);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let ran = if first.outcome == Outcome::Success { &first } else { &second };
    assert!(ran.fencing_token.is_some());
    assert!(ran.duration() >= chrono::Duration::milliseconds(300));

    // Manual runs free the lock at once: the next one runs.
    assert_eq!(a.run_now("backup").await.expect("run").outcome, Outcome::Success);
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_instance_does_not_run_an_occurrence_another_has_finished() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let runs = Arc::new(AtomicU32::new(0));
    let job = counting("media-sweep", "0 4 * * *", runs.clone(), Duration::ZERO);
    let a = Scheduler::new(locks.clone(), vec![job.clone()]).expect("scheduler");
    let b = Scheduler::new(locks.clone(), vec![job]).expect("scheduler");
    let slot = Utc::now();

    assert_eq!(a.run_scheduled("media-sweep", slot).await.expect("run").outcome, Outcome::Success);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let late = b.run_scheduled("media-sweep", slot).await.expect("run");
    assert_eq!(late.outcome, Outcome::Skipped, "{}", late.message);
    assert_eq!(late.trigger, Trigger::Scheduled { slot });
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_recorded_with_their_message_and_successes_reset_them() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = fail.clone();
    let job = Job::new("backup", "0 3 * * *", move || {
        let fail = flag.load(Ordering::SeqCst);
        async move {
            if fail {
                Err("S3 is unavailable; the local copy is kept".to_owned())
            } else {
                Ok("stored".to_owned())
            }
        }
    })
    .expect("job");
    let scheduler = Scheduler::new(locks, vec![job]).expect("scheduler");
    for _ in 0..2 {
        let run = scheduler.run_now("backup").await.expect("run");
        assert_eq!((run.outcome, run.message.as_str()), (Outcome::Failed, "S3 is unavailable; the local copy is kept"));
    }
    let status = &scheduler.list()[0];
    assert_eq!((status.consecutive_failures, status.last_success), (2, None));
    assert!(status.next_run.is_some_and(|t| t > Utc::now()));

    fail.store(false, Ordering::SeqCst);
    let run = scheduler.run_now("backup").await.expect("run");
    assert_eq!(run.outcome, Outcome::Success);
    let status = &scheduler.list()[0];
    assert_eq!(status.consecutive_failures, 0);
    assert_eq!(status.last_success, Some(run.finished_at));
    assert_eq!(scheduler.runs("backup").len(), 3);
    assert!(scheduler.run_now("nope").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_job_is_a_failed_run() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let job = Job::new("boom", "0 3 * * *", || async { panic!("boom") }).expect("job");
    let scheduler = Scheduler::new(locks.clone(), vec![job]).expect("scheduler");
    let run = scheduler.run_now("boom").await.expect("run");
    assert_eq!(run.outcome, Outcome::Failed);
    assert!(locks.acquire("job:boom", Duration::from_secs(1)).await.expect("lock").is_some(), "the lock was freed");
}

/// Locks whose leases cannot be extended: the store lost them.
#[derive(Debug, Default)]
struct Forgetful(InProcessLockManager);

#[async_trait::async_trait]
impl LockManager for Forgetful {
    async fn acquire(&self, key: &str, lease: Duration) -> Result<Option<Lease>, DomainError> {
        self.0.acquire(key, lease).await
    }
    async fn extend(&self, _: &Lease, _: Duration) -> Result<bool, DomainError> {
        Ok(false)
    }
    async fn release(&self, lease: &Lease) -> Result<bool, DomainError> {
        self.0.release(lease).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_loses_its_lock_is_stopped() {
    let runs = Arc::new(AtomicU32::new(0));
    let job = counting("backup", "0 3 * * *", runs, Duration::from_secs(30)).with_lease(Duration::from_millis(300));
    let scheduler = Scheduler::new(Arc::new(Forgetful::default()), vec![job]).expect("scheduler");
    let started = std::time::Instant::now();
    let run = scheduler.run_now("backup").await.expect("run");
    assert_eq!(run.outcome, Outcome::Failed);
    assert!(run.message.contains("lock was lost"), "{}", run.message);
    assert!(started.elapsed() < Duration::from_secs(2), "stopped within a lease: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedules_fire_and_stop() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let runs = Arc::new(AtomicU32::new(0));
    let job = counting("tick", "* * * * * *", runs.clone(), Duration::ZERO);
    let scheduler = Scheduler::new(locks, vec![job]).expect("scheduler");
    let running = scheduler.start();
    tokio::time::sleep(Duration::from_millis(2600)).await;
    tokio::time::timeout(Duration::from_secs(5), running.stop()).await.expect("stops");
    let count = runs.load(Ordering::SeqCst);
    assert!((2..=3).contains(&count), "{count} runs in 2.6 s of an every-second schedule");
    let recorded = scheduler.runs("tick");
    assert!(recorded.iter().all(|r| r.outcome == Outcome::Success && matches!(r.trigger, Trigger::Scheduled { .. })));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(runs.load(Ordering::SeqCst), count, "no run after stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_check_degrades_when_the_last_success_is_too_old() {
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
    let job = Job::new("backup", "0 3 * * *", || async { Ok("stored".to_owned()) }).expect("job");
    let scheduler = Scheduler::new(locks, vec![job]).expect("scheduler");
    let day = Duration::from_secs(24 * 3600);
    let check = JobAgeCheck::new("backups", scheduler.clone(), "backup", day);
    assert!(!check.required(), "it degrades /health; it never takes an instance out of rotation");
    assert_eq!(check.check().await, Ok(()), "a fresh instance counts from its start");

    scheduler.seed_last_success("backup", Utc::now() - chrono::Duration::hours(30));
    let err = check.check().await.expect_err("30 h > 24 h");
    assert!(err.contains("30 h ago"), "{err}");

    scheduler.run_now("backup").await.expect("run");
    assert_eq!(check.check().await, Ok(()));

    let strict = JobAgeCheck::new("backups", scheduler.clone(), "never-ran", Duration::ZERO);
    assert!(strict.check().await.expect_err("never succeeded").contains("no successful never-ran"));

    let report = folio_domain::health::HealthService::new(
        vec![Arc::new(JobAgeCheck::new("backups", scheduler.clone(), "never-ran", Duration::ZERO))],
        Duration::from_secs(1),
    )
    .report()
    .await;
    assert_eq!(report.status, folio_domain::health::HealthStatus::Degraded);
    assert!(report.is_ready());
}

#[test]
fn runs_are_reported_as_metrics() {
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());
            let ok = Job::new("backup", "0 3 * * *", || async { Ok("stored".to_owned()) }).expect("job");
            let bad = Job::new("media-sweep", "0 4 * * *", || async { Err("no".to_owned()) }).expect("job");
            let scheduler = Scheduler::new(locks, vec![ok, bad]).expect("scheduler");
            scheduler.run_now("backup").await.expect("run");
            scheduler.run_now("media-sweep").await.expect("run");
            scheduler.run_now("media-sweep").await.expect("run");
        });
    });
    let mut seen = std::collections::HashMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let job = key.key().labels().find(|l| l.key() == "job").map(|l| l.value().to_owned()).unwrap_or_default();
        seen.insert((key.key().name().to_owned(), job), value);
    }
    let get = |name: &str, job: &str| seen.get(&(name.to_owned(), job.to_owned()));
    assert!(
        matches!(get("folio_job_last_success_timestamp_seconds", "backup"), Some(DebugValue::Gauge(t)) if t.0 > 1.7e9)
    );
    assert!(matches!(get("folio_job_failures_total", "media-sweep"), Some(DebugValue::Counter(2))));
    assert!(matches!(get("folio_job_duration_seconds", "backup"), Some(DebugValue::Histogram(v)) if v.len() == 1));
    assert!(matches!(get("folio_job_duration_seconds", "media-sweep"), Some(DebugValue::Histogram(v)) if v.len() == 2));
    assert!(get("folio_job_failures_total", "backup").is_none());
}
