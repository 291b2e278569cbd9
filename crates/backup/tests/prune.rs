//! Retention: the newest `keep` backups stay, and the newest verified one is never deleted.

mod support;

use folio_backup::{BackupRef, Retention};
use support::{backups, disk_store, seed, settings, SqliteScratch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_keeps_the_newest_and_the_newest_verified_backup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let mut settings = settings(dir.path());
    settings.retention = Retention { keep: 1, keep_days: 0 };
    let backups = backups(disk_store(dir.path()), settings);

    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(backups.create(&source.repos).await.expect("backup").id);
    }
    // Oldest first: ids[1] is verified, so it outlives the newer ids[2].
    backups.verify(&BackupRef::Id(ids[1].clone()), &SqliteScratch).await.expect("verify");

    let report = backups.prune().await.expect("prune");
    // (Ids made within one second do not sort by time; compare them as sets.)
    let mut deleted = report.deleted.clone();
    deleted.sort();
    let mut expected = vec![ids[0].clone(), ids[2].clone()];
    expected.sort();
    assert_eq!(deleted, expected);
    let left: Vec<_> = backups.list().await.expect("list").into_iter().map(|e| e.id).collect();
    assert_eq!(left, vec![ids[3].clone(), ids[1].clone()], "newest first");

    assert!(backups.prune().await.expect("prune again").deleted.is_empty());
    let mut settings = backups.settings().clone();
    settings.retention = Retention { keep: 0, keep_days: 0 };
    let stricter = support::backups(disk_store(dir.path()), settings);
    assert!(stricter.prune().await.expect("prune").deleted.is_empty(), "the newest and the newest verified stay");
}
