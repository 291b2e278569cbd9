//! `create`, `verify` and `restore` report their phases to a `Progress`, and the rows they
//! advance add up to the backup's rows; without one, they report nothing.

mod support;

use std::sync::{Arc, Mutex};

use folio_backup::{BackupRef, CreateOptions, MediaStoreKind, Phase, Progress, RestoreOptions};
use support::{backups, disk_store, put_media_files, seed, settings, SqliteScratch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Start(Phase, Option<u64>),
    Advance(u64),
    Finish,
}

#[derive(Debug, Default)]
struct Recording(Mutex<Vec<Event>>);

impl Progress for Recording {
    fn start(&self, phase: Phase, total: Option<u64>) {
        self.0.lock().expect("lock").push(Event::Start(phase, total));
    }
    fn advance(&self, n: u64) {
        self.0.lock().expect("lock").push(Event::Advance(n));
    }
    fn finish(&self) {
        self.0.lock().expect("lock").push(Event::Finish);
    }
}

/// A phase as recorded: its total and the sum of its advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ran {
    phase: Phase,
    total: Option<u64>,
    advanced: u64,
}

impl Recording {
    /// The phases, in order, checking that each starts, advances, finishes, never nested.
    fn take(&self) -> Vec<Ran> {
        let events = std::mem::take(&mut *self.0.lock().expect("lock"));
        let mut out = Vec::new();
        let mut current: Option<Ran> = None;
        for event in &events {
            match (*event, current.as_mut()) {
                (Event::Start(phase, total), None) => current = Some(Ran { phase, total, advanced: 0 }),
                (Event::Advance(n), Some(ran)) => ran.advanced += n,
                (Event::Finish, Some(_)) => out.extend(current.take()),
                _ => panic!("{event:?} out of place in {events:?}"),
            }
        }
        assert!(current.is_none(), "a phase never finished: {events:?}");
        out
    }
}

fn phases(ran: &[Ran]) -> Vec<Phase> {
    ran.iter().map(|r| r.phase).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_verify_and_restore_advance_by_the_backups_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let recording = Arc::new(Recording::default());
    let backups = backups(disk_store(dir.path()), settings(dir.path())).with_progress(recording.clone());

    let report = backups.create(&source.repos).await.expect("backup");
    let ran = recording.take();
    assert_eq!(phases(&ran), [Phase::Dump, Phase::WriteArchive]);
    assert!(ran.iter().all(|r| r.advanced == report.rows), "{ran:?} for {} rows", report.rows);
    assert_eq!(ran[1].total, Some(report.rows));

    let verified = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    let ran = recording.take();
    assert_eq!(phases(&ran), [Phase::Check, Phase::Load, Phase::ReadBack]);
    assert!(ran.iter().all(|r| r.advanced == verified.rows && r.total == Some(verified.rows)), "{ran:?}");

    let target = support::sqlite().await;
    let restored =
        backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.rows, report.rows);
    let ran = recording.take();
    assert_eq!(phases(&ran), [Phase::Check, Phase::Load, Phase::ReadBack]);
    assert!(ran.iter().all(|r| r.advanced == report.rows && r.total == Some(report.rows)), "{ran:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_phases_count_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    let seeded = seed(&source.repos).await;
    let store = disk_store(dir.path());
    let missing = seeded.media[2].key.to_string();
    put_media_files(store.as_ref(), &seeded, &[&missing]).await;
    let recording = Arc::new(Recording::default());
    let backups = backups(store.clone(), settings(dir.path()))
        .with_media_store(store.clone(), MediaStoreKind::Disk)
        .with_progress(recording.clone());

    let report = backups.create_with(&source.repos, CreateOptions { with_media: true }).await.expect("backup");
    let keys = seeded.object_keys().len() as u64;
    let ran = recording.take();
    assert_eq!(phases(&ran), [Phase::Dump, Phase::HashMedia, Phase::WriteArchive, Phase::WriteMedia]);
    assert_eq!((ran[1].total, ran[1].advanced), (Some(keys), keys), "every key named is looked at");
    assert_eq!((ran[3].total, ran[3].advanced), (Some(keys - 1), keys - 1), "the missing one is not written");
    assert_eq!((ran[0].advanced, ran[2].advanced), (report.rows, report.rows));

    let target = support::sqlite().await;
    let elsewhere = support::disk_store_at(&dir.path().join("elsewhere"));
    let restoring = backups.clone().with_media_store(elsewhere, MediaStoreKind::Disk);
    restoring.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    let ran = recording.take();
    assert_eq!(phases(&ran), [Phase::Check, Phase::CheckMedia, Phase::Load, Phase::LoadMedia, Phase::ReadBack]);
    let counted: Vec<u64> = ran.iter().map(|r| r.advanced).collect();
    assert_eq!(counted, [report.rows, keys - 1, report.rows, keys - 1, report.rows]);
}
