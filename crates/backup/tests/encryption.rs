//! With `BACKUP_ENCRYPT`, the bucket only ever holds ciphertext: an archive that nothing but
//! the private key opens.

mod support;

use folio_backup::{BackupError, BackupRef, Backups, RestoreOptions};
use folio_crypto::KeyPair;
use support::{backups, disk_store, read_object, seed, settings, snapshot, SqliteScratch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_backup_cannot_be_read_without_the_private_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    let seeded = seed(&source.repos).await;
    let store = disk_store(dir.path());
    let pair = KeyPair::generate();

    // A server that holds only the public key writes backups it cannot read.
    let mut writer_settings = settings(dir.path());
    writer_settings.encrypt_to = Some(pair.public);
    let writer = backups(store.clone(), writer_settings.clone());
    let report = writer.create(&source.repos).await.expect("backup");
    assert!(report.encrypted);
    assert!(report.key.ends_with(".tar.zst.enc"), "{}", report.key);

    let stored = read_object(store.as_ref(), &report.key).await;
    assert!(stored.starts_with(b"FOLIOENC"));
    assert!(zstd::decode_all(stored.as_slice()).is_err(), "not a zstd stream");
    let email = seeded.users[0].email.as_str().as_bytes();
    assert!(!stored.windows(email.len()).any(|w| w == email), "no plaintext");
    let listed = writer.list().await.expect("list");
    assert!(listed[0].encrypted);

    let target = support::sqlite().await;
    let err = writer.verify(&BackupRef::Latest, &SqliteScratch).await.expect_err("no key");
    assert!(matches!(err, BackupError::KeyRequired(_)), "{err}");
    let err = writer.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect_err("no key");
    assert!(matches!(err, BackupError::KeyRequired(_)), "{err}");
    assert!(writer.list().await.expect("list")[0].verification.is_none(), "no key is no verdict");

    let mut wrong_settings = writer_settings.clone();
    wrong_settings.private_key = Some(KeyPair::generate().secret);
    let wrong: Backups = backups(store.clone(), wrong_settings);
    let err = wrong.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect_err("wrong key");
    assert!(matches!(err, BackupError::WrongKey { .. }), "{err}");
    assert!(err.to_string().contains(&pair.public.to_hex_compressed()), "names the key it needs: {err}");
    let err = wrong.verify(&BackupRef::Latest, &SqliteScratch).await.expect_err("wrong key");
    assert!(matches!(err, BackupError::WrongKey { .. }), "{err}");
    assert!(wrong.list().await.expect("list")[0].verification.is_none(), "a wrong key is no verdict either");
    assert!(target.repos.counts().await.expect("counts").is_empty());

    // Whoever holds the private key reads it.
    let mut reader_settings = writer_settings;
    reader_settings.private_key = Some(pair.secret);
    let reader = backups(store.clone(), reader_settings);
    reader.verify(&BackupRef::Latest, &SqliteScratch).await.expect("verify");
    let restored = reader.restore(&BackupRef::Latest, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert!(restored.differences.is_empty());
    assert_eq!(snapshot(&target.repos).await, snapshot(&source.repos).await);
}
