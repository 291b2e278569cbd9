//! An archive written before format version 2 (`tests/fixtures`, see its README) still
//! verifies and restores.

mod support;

use folio_backup::{BackupId, BackupRef, RestoreOptions};
use support::{backups, disk_store, settings, write_object, SqliteScratch};

const ID: &str = "folio-20261207T151919Z-e0c285";
const ROWS: u64 = 58;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_format_version_1_archive_verifies_and_restores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = disk_store(dir.path());
    for name in [format!("{ID}.tar.zst"), format!("{ID}.json")] {
        write_object(store.as_ref(), &format!("backups/{name}"), fixture(&name)).await;
    }
    let backups = backups(store, settings(dir.path()));
    let which = BackupRef::Id(BackupId::parse(ID).expect("id"));

    let verified = backups.verify(&which, &SqliteScratch).await.expect("verify");
    assert_eq!(verified.rows, ROWS);
    assert!(verified.media.is_none());
    let target = support::sqlite().await;
    let restored = backups.restore(&which, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.rows, ROWS);
    assert!(restored.differences.is_empty(), "{:?}", restored.differences);
    assert!(restored.media.is_none());
    assert_eq!(target.repos.counts().await.expect("counts").users, 3);
}
