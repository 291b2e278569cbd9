//! Backups as a scheduled job: two instances triggering it at once make one backup.

mod support;

use std::sync::Arc;

use folio_domain::locks::LockManager;
use folio_jobs::{names, Job, Outcome, Scheduler};
use folio_storage_local::InProcessLockManager;
use support::{backups, disk_store, seed, settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_running_the_backup_job_at_once_make_one_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let store = disk_store(dir.path());
    let locks: Arc<dyn LockManager> = Arc::new(InProcessLockManager::new());

    let instance = |n: usize| {
        // Each instance writes into its own local directory, as on its own machine.
        let mut settings = settings(&dir.path().join(format!("instance-{n}")));
        settings.dir = dir.path().join(format!("instance-{n}/backups"));
        let (backups, repos) = (backups(store.clone(), settings), source.repos.clone());
        let job = Job::new(names::BACKUP, "0 3 * * *", move || {
            let (backups, repos) = (backups.clone(), repos.clone());
            async move { backups.create(&repos).await.map(|r| r.to_string()).map_err(|e| e.to_string()) }
        })
        .expect("job");
        Scheduler::new(locks.clone(), vec![job]).expect("scheduler")
    };
    let (a, b) = (instance(1), instance(2));
    let (first, second) = tokio::join!(a.run_now(names::BACKUP), b.run_now(names::BACKUP));
    let mut outcomes = [first.expect("run").outcome, second.expect("run").outcome];
    outcomes.sort_by_key(|o| o.as_str());
    assert_eq!(outcomes, [Outcome::Skipped, Outcome::Success]);
    assert_eq!(backups(store.clone(), settings(dir.path())).list().await.expect("list").len(), 1);
}
