//! A backup restores into an empty database of either backend exactly as it was, verifies in
//! a scratch database, and refuses to overwrite a database unless asked to (then it keeps a
//! safety backup of what was there).

mod support;

use folio_backup::{BackupError, BackupRef, RestoreOptions};
use support::{backups, disk_store, files_in, put_media_objects, seed, settings, snapshot, SqliteScratch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_an_empty_database_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let before = snapshot(&source.repos).await;
    assert!(before.rows() > 50, "a site's worth: {}", before.rows());
    let store = disk_store(dir.path());
    let backups = backups(store.clone(), settings(dir.path()));

    let report = backups.create(&source.repos).await.expect("backup");
    assert_eq!(report.rows, before.rows());
    assert!(!report.encrypted);
    assert!(report.key.starts_with("backups/folio-") && report.key.ends_with(".tar.zst"), "{}", report.key);
    assert!(files_in(&dir.path().join("backups")).is_empty(), "the local copy goes once the upload is confirmed");
    let listed = backups.list().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].id.clone(), listed[0].rows, listed[0].uploaded),
        (report.id.clone(), Some(report.rows), true)
    );
    assert_eq!(listed[0].size, report.size);

    let target = support::sqlite().await;
    let restored =
        backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.rows, report.rows);
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert!(restored.safety_backup.is_none(), "an empty target needs none");
    assert_eq!(snapshot(&target.repos).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_restores_into_sqlite_and_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::postgres().await;
    let seeded = seed(&source.repos).await;
    let before = snapshot(&source.repos).await;
    let store = disk_store(dir.path());
    let mut settings = settings(dir.path());
    settings.source_backend = "postgres".into();
    let backups = backups(store.clone(), settings);
    let report = backups.create(&source.repos).await.expect("backup");

    let missing = seeded.media[1].key.to_string();
    put_media_objects(store.as_ref(), &seeded, &[&missing]).await;
    let verified = backups.verify(&BackupRef::Id(report.id.clone()), &SqliteScratch).await.expect("verify");
    assert_eq!(verified.rows, report.rows);
    assert_eq!(verified.source_backend, "postgres");
    assert_eq!(verified.objects.checked, seeded.object_keys().len() as u64);
    assert_eq!((verified.objects.missing, verified.objects.sample.clone()), (1, vec![missing]));
    let listed = backups.list().await.expect("list");
    assert!(listed[0].verified(), "the verification is recorded: {:?}", listed[0].verification);

    let target = support::sqlite().await;
    let restored =
        backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert_eq!(snapshot(&target.repos).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_with_content_is_replaced_only_when_asked_and_backed_up_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let backups = backups(disk_store(dir.path()), settings(dir.path()));
    let first = support::sqlite().await;
    seed(&first.repos).await;
    let wanted = snapshot(&first.repos).await;
    let backup = backups.create(&first.repos).await.expect("backup");

    let target = support::sqlite().await;
    seed(&target.repos).await;
    let held = snapshot(&target.repos).await;
    let which = BackupRef::Id(backup.id.clone());
    let refused = backups.restore(&which, &target.repos, RestoreOptions::default()).await.expect_err("not empty");
    assert!(matches!(refused, BackupError::NotEmpty(_)), "{refused}");
    assert!(refused.to_string().contains("--replace"), "{refused}");
    assert_eq!(snapshot(&target.repos).await, held, "untouched");

    let options = RestoreOptions { replace: true, ..RestoreOptions::default() };
    let restored = backups.restore(&which, &target.repos, options).await.expect("replace");
    assert_eq!(restored.replaced.users, 3);
    assert_eq!(snapshot(&target.repos).await, wanted);
    let safety = restored.safety_backup.expect("a safety backup");
    assert!(safety.uploaded);

    // The safety backup holds what the target held.
    let elsewhere = support::sqlite().await;
    backups.restore(&BackupRef::Id(safety.id), &elsewhere.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(snapshot(&elsewhere.repos).await, held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_restores_into_postgres() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let backups = backups(disk_store(dir.path()), settings(dir.path()));
    backups.create(&source.repos).await.expect("backup");
    let target = support::postgres().await;
    let restored =
        backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert_eq!(snapshot(&target.repos).await, snapshot(&source.repos).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mongodb_backup_restores_into_an_empty_mongodb_identically_with_or_without_transactions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::mongo(true).await;
    seed(&source.repos).await;
    let before = snapshot(&source.repos).await;
    let mut settings = settings(dir.path());
    settings.source_backend = "mongodb".into();
    let backups = backups(disk_store(dir.path()), settings);
    let report = backups.create(&source.repos).await.expect("backup");
    assert_eq!(report.rows, before.rows());

    for transactions in [true, false] {
        let target = support::mongo(transactions).await;
        let restored =
            backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
        assert!(restored.differences.is_empty(), "transactions {transactions}: {:?}", restored.differences);
        assert_eq!(snapshot(&target.repos).await, before, "transactions {transactions}");
    }
    let verified = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    assert_eq!((verified.rows, verified.source_backend.as_str()), (report.rows, "mongodb"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mongodb_backup_restores_into_postgres_and_a_postgres_backup_back_into_mongodb() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = disk_store(dir.path());
    let mongo = support::mongo(true).await;
    seed(&mongo.repos).await;
    let before = snapshot(&mongo.repos).await;
    let mut from_mongo = settings(dir.path());
    from_mongo.source_backend = "mongodb".into();
    let first = backups(store.clone(), from_mongo).create(&mongo.repos).await.expect("backup mongodb");

    let postgres = support::postgres().await;
    let restored = backups(store.clone(), settings(dir.path()))
        .restore(&BackupRef::Id(first.id.clone()), &postgres.repos, RestoreOptions::default())
        .await
        .expect("into postgres");
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert_eq!(snapshot(&postgres.repos).await, before, "MongoDB → PostgreSQL");

    let mut from_postgres = settings(dir.path());
    from_postgres.source_backend = "postgres".into();
    let second = backups(store.clone(), from_postgres).create(&postgres.repos).await.expect("backup postgres");
    assert_eq!(
        second.files.iter().map(|f| &f.sha256).collect::<Vec<_>>(),
        first.files.iter().map(|f| &f.sha256).collect::<Vec<_>>(),
        "the same rows, byte for byte, whichever backend they were read from"
    );
    let back = support::mongo(false).await;
    let restored = backups(store, settings(dir.path()))
        .restore(&BackupRef::Id(second.id), &back.repos, RestoreOptions::default())
        .await
        .expect("into mongodb");
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert_eq!(snapshot(&back.repos).await, before, "PostgreSQL → MongoDB");
}
