//! `--with-media`: a backup of a site whose media live on disk carries their bytes, and a
//! restore writes them back into a fresh store byte for byte, encrypted or not; a damaged
//! media entry is found by `verify` and refused by `restore`; a bucket is never copied.

mod support;

use std::io::Write;
use std::sync::Arc;

use folio_backup::{BackupError, BackupInfo, BackupRef, Backups, CreateOptions, MediaStoreKind, RestoreOptions};
use folio_crypto::KeyPair;
use folio_domain::objects::{ObjectKey, ObjectStore};
use sha2::{Digest, Sha256};
use support::{
    backups, disk_store, disk_store_at, files_in, media_bytes, put_media_files, read_object, seed, settings, snapshot,
    write_object, Seeded, SqliteScratch,
};

const WITH_MEDIA: CreateOptions = CreateOptions { with_media: true };

/// A seeded site whose media files are on a disk store (all but `missing`), and its backups
/// (kept in that store too), with media.
async fn site(dir: &std::path::Path, encrypted: bool, missing: &[&str]) -> (support::Db, Seeded, Backups) {
    let source = support::sqlite().await;
    let seeded = seed(&source.repos).await;
    let store = disk_store(dir);
    put_media_files(store.as_ref(), &seeded, missing).await;
    let mut settings = settings(dir);
    if encrypted {
        let pair = KeyPair::generate();
        settings.encrypt_to = Some(pair.public);
        settings.private_key = Some(pair.secret);
    }
    let backups = backups(store.clone(), settings).with_media_store(store, MediaStoreKind::Disk);
    (source, seeded, backups)
}

/// The same backups, restoring media into an empty disk store of their own.
fn into_fresh_store(backups: &Backups, dir: &std::path::Path) -> (Backups, Arc<dyn ObjectStore>) {
    let fresh = disk_store_at(&dir.join("fresh-objects"));
    (backups.clone().with_media_store(fresh.clone(), MediaStoreKind::Disk), fresh)
}

async fn round_trip(encrypted: bool) {
    let tempdir = tempfile::tempdir().expect("tempdir");
    let dir = tempdir.path();
    let (source, seeded, backups) = site(dir, encrypted, &[]).await;
    let report = backups.create_with(&source.repos, WITH_MEDIA).await.expect("backup");
    let keys = seeded.object_keys();
    let media = report.media.clone().expect("media included");
    assert_eq!((media.objects, media.missing), (keys.len() as u64, 0));
    assert_eq!(media.bytes, keys.iter().map(|(_, size)| size).sum::<u64>());
    assert!(report.to_string().contains(&format!("with {} media objects", keys.len())), "{report}");
    assert_eq!(report.encrypted, encrypted);
    if encrypted {
        let stored = read_object(disk_store(dir).as_ref(), &report.key).await;
        assert!(stored.starts_with(b"FOLIOENC"));
        assert!(!stored.windows(11).any(|w| w == b"MEDIA-BYTES"), "no media bytes in the clear");
    }

    let verified = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    assert_eq!(verified.media.as_ref().map(|m| m.objects), Some(keys.len() as u64));
    assert!(verified.to_string().contains("in the archive match it"), "{verified}");

    let (restoring, fresh) = into_fresh_store(&backups, dir);
    let target = support::sqlite().await;
    let restored =
        restoring.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.media.map(|m| (m.written, m.skipped)), Some((keys.len() as u64, 0)));
    assert_eq!(snapshot(&target.repos).await, snapshot(&source.repos).await);
    for (key, size) in &keys {
        assert_eq!(read_object(fresh.as_ref(), key).await, media_bytes(key, *size), "{key}");
        let meta = fresh.head(&ObjectKey::parse(key).expect("key")).await.expect("head").expect("present");
        assert_eq!(meta.content_type.as_deref(), Some("application/octet-stream"), "{key} keeps its type");
    }

    // Restored again (into another empty database), the objects already there are left be.
    let again = support::sqlite().await;
    let restored =
        restoring.restore(&BackupRef::Latest, &again.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.media.map(|m| (m.written, m.skipped)), Some((0, keys.len() as u64)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_files_come_back_byte_for_byte_into_a_fresh_store() {
    round_trip(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_backup_with_media_round_trips_and_shows_no_media_bytes() {
    round_trip(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_store_lacks_is_listed_as_missing_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    let seeded = seed(&source.repos).await;
    let missing = seeded.media[1].key.to_string();
    let store = disk_store(dir.path());
    put_media_files(store.as_ref(), &seeded, &[&missing]).await;
    let backups = backups(store.clone(), settings(dir.path())).with_media_store(store, MediaStoreKind::Disk);

    let report = backups.create_with(&source.repos, WITH_MEDIA).await.expect("a missing file is no failure");
    let media = report.media.clone().expect("media");
    assert_eq!((media.missing, media.missing_sample.clone()), (1, vec![missing.clone()]));
    assert!(report.warnings.iter().any(|w| w.contains(&missing)), "{:?}", report.warnings);
    let verified = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    assert!(verified.to_string().contains(&format!("1 were missing from the store when it was made (e.g. {missing})")));

    let (restoring, fresh) = into_fresh_store(&backups, dir.path());
    let target = support::sqlite().await;
    let restored =
        restoring.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(restored.media.map(|m| m.written), Some(seeded.object_keys().len() as u64 - 1));
    assert!(fresh.head(&ObjectKey::parse(&missing).expect("key")).await.expect("head").is_none());
}

/// Flips a byte of the first media file inside the archive and compresses it again, with the
/// sidecar made for the new bytes: only the media check can tell.
async fn spoil_media_bytes(store: &dyn ObjectStore, key: &str) {
    let compressed = read_object(store, key).await;
    let mut tar = zstd::decode_all(compressed.as_slice()).expect("an unencrypted archive");
    let marker = b"MEDIA-BYTES";
    let at = tar.windows(marker.len()).position(|w| w == marker).expect("media bytes in the archive");
    tar[at + 3] ^= 0x20;
    let mut encoder = zstd::stream::Encoder::new(Vec::new(), 3).expect("encoder");
    encoder.include_checksum(true).expect("checksum");
    encoder.write_all(&tar).expect("compress");
    let bytes = encoder.finish().expect("finish");
    let info_key = format!("{}.json", key.trim_end_matches(".tar.zst"));
    let mut info: BackupInfo = serde_json::from_slice(&read_object(store, &info_key).await).expect("sidecar");
    (info.size, info.sha256) = (bytes.len() as u64, hex::encode(Sha256::digest(&bytes)));
    write_object(store, &info_key, serde_json::to_vec(&info).expect("json")).await;
    write_object(store, key, bytes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_media_file_is_found_by_verify_and_refused_by_restore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, _seeded, backups) = site(dir.path(), false, &[]).await;
    let report = backups.create_with(&source.repos, WITH_MEDIA).await.expect("backup");
    let store = disk_store(dir.path());
    spoil_media_bytes(store.as_ref(), &report.key).await;

    let err = backups.verify(&BackupRef::Latest, &SqliteScratch).await.expect_err("damaged");
    assert!(matches!(err, BackupError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("media/media/") && err.to_string().contains("does not match"), "{err}");
    let (restoring, fresh) = into_fresh_store(&backups, dir.path());
    let target = support::sqlite().await;
    let err =
        restoring.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect_err("damaged");
    assert!(matches!(err, BackupError::Corrupt { .. }), "{err}");
    assert!(target.repos.counts().await.expect("counts").is_empty(), "no row written");
    assert!(fresh.list("").await.expect("list").is_empty(), "no object written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_in_a_bucket_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    // `Backups::new` takes the store for a bucket until told it is a disk store.
    let backups = backups(disk_store(dir.path()), settings(dir.path()));
    let err = backups.create_with(&source.repos, WITH_MEDIA).await.expect_err("refused");
    assert!(matches!(err, BackupError::MediaNotOnDisk), "{err}");
    assert!(err.to_string().contains("S3") && err.to_string().contains("without --with-media"), "{err}");
    assert!(backups.list().await.expect("list").is_empty());
    assert!(!dir.path().join("backups").exists(), "not even the local directory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_without_media_stays_format_version_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, _seeded, backups) = site(dir.path(), false, &[]).await;
    let report = backups.create(&source.repos).await.expect("backup");
    assert!(report.media.is_none());
    let store = disk_store(dir.path());
    let info_key = format!("{}.json", report.key.trim_end_matches(".tar.zst"));
    let info: BackupInfo = serde_json::from_slice(&read_object(store.as_ref(), &info_key).await).expect("sidecar");
    assert_eq!(info.format_version, 1);
    let tar = zstd::decode_all(read_object(store.as_ref(), &report.key).await.as_slice()).expect("zstd");
    assert!(!tar.windows(11).any(|w| w == b"MEDIA-BYTES"), "no media bytes");
    let with = backups.create_with(&source.repos, WITH_MEDIA).await.expect("backup");
    let info_key = format!("{}.json", with.key.trim_end_matches(".tar.zst"));
    let info: BackupInfo = serde_json::from_slice(&read_object(store.as_ref(), &info_key).await).expect("sidecar");
    assert_eq!(info.format_version, folio_backup::FORMAT_VERSION);
    assert!(files_in(&dir.path().join("backups")).is_empty());
}
