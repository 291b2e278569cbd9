//! A damaged archive (one flipped byte) or a truncated one is found by `verify` and refused by
//! `restore`, which leaves the target untouched: whether the damage happened in the bucket
//! (the sidecar's sha256 no longer matches) or before the upload (the sidecar was made for
//! the damaged bytes, so only the archive itself can tell).

mod support;

use std::sync::Arc;

use folio_backup::{BackupError, BackupInfo, BackupRef, Backups, RestoreOptions};
use folio_crypto::KeyPair;
use folio_domain::objects::ObjectStore;
use sha2::{Digest, Sha256};
use support::{backups, disk_store, read_object, seed, settings, snapshot, write_object, SqliteScratch};

/// A seeded source backed up once into a disk store; the archive's key.
async fn backed_up(dir: &std::path::Path, encrypted: bool) -> (Backups, Arc<dyn ObjectStore>, String, support::Db) {
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let store = disk_store(dir);
    let mut settings = settings(dir);
    if encrypted {
        let pair = KeyPair::generate();
        settings.encrypt_to = Some(pair.public);
        settings.private_key = Some(pair.secret);
    }
    let backups = backups(store.clone(), settings);
    let report = backups.create(&source.repos).await.expect("backup");
    (backups, store, report.key, source)
}

/// Replaces the archive's bytes; with `resign`, the sidecar is rewritten to match them.
async fn spoil(store: &dyn ObjectStore, key: &str, bytes: Vec<u8>, resign: bool) {
    if resign {
        let info_key = format!("{}.json", key.trim_end_matches(".enc").trim_end_matches(".tar.zst"));
        let mut info: BackupInfo = serde_json::from_slice(&read_object(store, &info_key).await).expect("sidecar");
        info.size = bytes.len() as u64;
        info.sha256 = hex::encode(Sha256::digest(&bytes));
        write_object(store, &info_key, serde_json::to_vec(&info).expect("json")).await;
    }
    write_object(store, key, bytes).await;
}

/// `verify` and `restore` both refuse the spoiled archive, and the target stays empty.
async fn refused(backups: &Backups, what: &str) {
    let err = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect_err(what);
    assert!(matches!(err, BackupError::Corrupt { .. }), "{what}: verify said {err}");
    let target = support::sqlite().await;
    let err = backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect_err(what);
    assert!(matches!(err, BackupError::Corrupt { .. }), "{what}: restore said {err}");
    assert!(target.repos.counts().await.expect("counts").is_empty(), "{what}: nothing written");
    assert!(!backups.list().await.expect("list")[0].verified(), "{what}: recorded as not verified");
}

#[derive(Debug, Clone, Copy)]
enum At {
    Byte(usize),
    Share(f64),
}

async fn flipped_bytes_are_found(encrypted: bool) {
    for resign in [false, true] {
        // The first byte (the magic), the header (an encrypted archive's chunk size, then its
        // wrapped key), the middle, and the end.
        for at in [At::Byte(0), At::Byte(10), At::Byte(120), At::Share(0.5), At::Share(0.98), At::Share(1.0)] {
            let dir = tempfile::tempdir().expect("tempdir");
            let (backups, store, key, _source) = backed_up(dir.path(), encrypted).await;
            let mut bytes = read_object(store.as_ref(), &key).await;
            let i = match at {
                At::Byte(i) => i,
                At::Share(share) => ((bytes.len() - 1) as f64 * share) as usize,
            };
            bytes[i] ^= 0x04;
            spoil(store.as_ref(), &key, bytes, resign).await;
            refused(&backups, &format!("byte {i} flipped (resigned: {resign}, encrypted: {encrypted})")).await;
        }
    }
}

async fn truncated_archives_are_found(encrypted: bool) {
    for resign in [false, true] {
        for keep in [0.0, 0.5, 0.999] {
            let dir = tempfile::tempdir().expect("tempdir");
            let (backups, store, key, _source) = backed_up(dir.path(), encrypted).await;
            let mut bytes = read_object(store.as_ref(), &key).await;
            let len = ((bytes.len() as f64 * keep) as usize).min(bytes.len() - 1);
            bytes.truncate(len);
            spoil(store.as_ref(), &key, bytes, resign).await;
            refused(&backups, &format!("cut to {len} bytes (resigned: {resign}, encrypted: {encrypted})")).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_is_found_by_verify_and_refused_by_restore() {
    flipped_bytes_are_found(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_byte_in_an_encrypted_archive_is_found_and_refused() {
    flipped_bytes_are_found(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_archive_is_found_by_verify_and_refused_by_restore() {
    truncated_archives_are_found(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_encrypted_archive_is_found_and_refused() {
    truncated_archives_are_found(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intact_archive_still_restores_after_those_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (backups, _store, _key, source) = backed_up(dir.path(), false).await;
    backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    let target = support::sqlite().await;
    backups.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(snapshot(&target.repos).await, snapshot(&source.repos).await);
}
