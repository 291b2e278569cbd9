use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use folio_domain::health::HealthCheck;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectStore, PutOptions};
use folio_domain::testing::objects::chunked;
use folio_domain::DomainError;
use futures_util::{stream, StreamExt};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::sidecar::Sidecar;
use super::{DiskHealth, DiskObjectStore};

mod conformance {
    use super::*;

    folio_domain::object_store_tests!(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = DiskObjectStore::new(dir.path().join("objects")).expect("store");
        (Arc::new(store) as Arc<dyn ObjectStore>, dir)
    });
}

fn store() -> (DiskObjectStore, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = DiskObjectStore::new(dir.path().join("objects")).expect("store");
    (store, dir)
}

fn key(raw: &str) -> ObjectKey {
    ObjectKey::parse(raw).expect("valid key")
}

fn options() -> PutOptions {
    PutOptions { content_type: "application/octet-stream".into(), cache_control: None, content_length: None }
}

async fn read_all(store: &DiskObjectStore, key: &ObjectKey) -> Option<Vec<u8>> {
    let body = store.get(key, None).await.expect("get")?;
    let mut out = Vec::new();
    let mut stream = body.stream;
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    Some(out)
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).expect("read dir").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(unix)]
mod symlinks {
    use std::os::unix::fs::symlink;

    use super::*;

    /// A directory outside the store holding `secret.txt`.
    fn outside() -> TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("secret.txt"), b"outside the root").expect("write");
        dir
    }

    #[tokio::test]
    async fn a_symlink_out_of_the_root_is_not_followed_for_reads() {
        let (store, _dir) = store();
        let outside = outside();
        let root = store.inner.layout.root().to_path_buf();
        symlink(outside.path(), root.join("linked-dir")).expect("symlink");
        symlink(outside.path().join("secret.txt"), root.join("linked-file")).expect("symlink");

        for raw in ["linked-dir/secret.txt", "linked-file"] {
            let k = key(raw);
            assert!(!matches!(store.head(&k).await, Ok(Some(_))), "head {raw}");
            assert!(!matches!(store.get(&k, None).await, Ok(Some(_))), "get {raw}");
        }
        assert!(store.list("").await.expect("list").is_empty(), "links are not objects");
        store.delete(&key("linked-dir/secret.txt")).await.expect_err("delete through a link");
        assert!(outside.path().join("secret.txt").exists());
    }

    #[tokio::test]
    async fn a_symlink_out_of_the_root_is_not_followed_for_writes() {
        let (store, _dir) = store();
        let outside = outside();
        let root = store.inner.layout.root().to_path_buf();
        symlink(outside.path(), root.join("linked-dir")).expect("symlink");
        symlink(outside.path().join("secret.txt"), root.join("linked-file")).expect("symlink");
        // The sidecar tree too: the data would land inside the root, its sidecar outside.
        symlink(outside.path(), root.join(".meta").join("meta-linked")).expect("symlink");

        for raw in ["linked-dir/new.txt", "linked-dir/deeper/new.txt", "linked-file", "meta-linked/new.txt"] {
            let result = store.put(&key(raw), chunked(b"intruder".to_vec(), 3), options()).await;
            assert!(result.is_err(), "put {raw}: {result:?}");
        }
        let mut outside_entries = entries(outside.path());
        outside_entries.sort();
        assert_eq!(outside_entries, vec!["secret.txt"]);
        assert_eq!(std::fs::read(outside.path().join("secret.txt")).expect("read"), b"outside the root");
        assert!(entries(&root.join(".tmp")).is_empty(), "failed puts leave no temporary file");
    }
}

#[tokio::test]
async fn the_temp_directory_is_empty_after_a_failed_and_a_successful_put() {
    let (store, _dir) = store();
    let tmp = store.inner.layout.root().join(".tmp");
    let k = key("media/a.bin");

    let broken: ByteStream = Box::pin(stream::iter(vec![
        Ok(Bytes::from(vec![1u8; 200_000])),
        Err(std::io::Error::other("client went away")),
    ]));
    let err = store.put(&k, broken, options()).await.expect_err("broken stream");
    assert!(matches!(err, DomainError::Invalid(_)), "{err:?}");
    assert!(entries(&tmp).is_empty());

    let short = PutOptions { content_length: Some(10), ..options() };
    store.put(&k, chunked(b"12345".to_vec(), 2), short).await.expect_err("shorter than announced");
    assert!(entries(&tmp).is_empty());
    assert!(store.head(&k).await.expect("head").is_none());

    store.put(&k, chunked(vec![7u8; 300_000], 10_000), options()).await.expect("put");
    assert!(entries(&tmp).is_empty());
    assert_eq!(read_all(&store, &k).await.expect("present").len(), 300_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_to_one_key_leave_one_whole_version() {
    let (store, _dir) = store();
    let k = key("race/object.bin");
    for round in 0..20u8 {
        let (a, b) = (vec![round.wrapping_mul(2); 1_000_003], vec![round.wrapping_mul(2) + 1; 700_001]);
        let put = |bytes: Vec<u8>, content_type: &str| {
            let (store, k) = (store.clone(), k.clone());
            let options = PutOptions { content_type: content_type.into(), ..options() };
            tokio::spawn(async move { store.put(&k, chunked(bytes, 8 * 1024), options).await })
        };
        let (ra, rb) = tokio::join!(put(a.clone(), "application/a"), put(b.clone(), "application/b"));
        ra.expect("join").expect("put a");
        rb.expect("join").expect("put b");

        let content = read_all(&store, &k).await.expect("present");
        let head = store.head(&k).await.expect("head").expect("present");
        let (expected_type, expected) = if content == a { ("application/a", &a) } else { ("application/b", &b) };
        assert_eq!(&content, expected, "round {round}: one whole version");
        assert_eq!(head.content_type.as_deref(), Some(expected_type), "metadata of the same version");
        assert_eq!(head.size, expected.len() as u64);
        assert_eq!(head.etag, Some(sha256_hex(expected)));
    }
}

#[tokio::test]
async fn the_sidecar_sha256_is_the_sha256_of_the_content() {
    let (store, _dir) = store();
    let k = key("media/image/2026/11/123-photo.jpg");
    let content: Vec<u8> = (0..500_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let meta = store.put(&k, chunked(content.clone(), 4096), options()).await.expect("put");

    let paths = store.inner.layout.paths(&k).expect("paths");
    let sidecar: Sidecar = serde_json::from_slice(&std::fs::read(&paths.sidecar).expect("sidecar")).expect("json");
    assert_eq!(sidecar.sha256, sha256_hex(&content));
    assert_eq!(sidecar.size, content.len() as u64);
    assert_eq!(meta.etag.as_deref(), Some(sidecar.sha256.as_str()));
    assert_eq!(store.head(&k).await.expect("head").expect("present").etag, meta.etag);
}

#[tokio::test]
async fn a_file_without_a_matching_sidecar_gets_one_rebuilt_from_its_bytes() {
    let (store, _dir) = store();
    let k = key("copied/by-hand.txt");
    store.put(&k, chunked(b"old".to_vec(), 64), options()).await.expect("put");
    // A crash between the data's rename and the sidecar's leaves new bytes, old metadata.
    let paths = store.inner.layout.paths(&k).expect("paths");
    std::fs::write(paths.data.with_extension("new"), b"new bytes").expect("write");
    std::fs::rename(paths.data.with_extension("new"), &paths.data).expect("rename");

    let head = store.head(&k).await.expect("head").expect("present");
    assert_eq!(head.size, 9);
    assert_eq!(head.etag, Some(sha256_hex(b"new bytes")));
    assert_eq!(head.content_type, None, "unknown once lost");
    assert_eq!(read_all(&store, &k).await.expect("present"), b"new bytes");

    let orphan = key("copied/no-sidecar.txt");
    let orphan_path = store.inner.layout.paths(&orphan).expect("paths").data;
    std::fs::write(&orphan_path, b"dropped in").expect("write");
    assert_eq!(store.head(&orphan).await.expect("head").expect("present").etag, Some(sha256_hex(b"dropped in")));
}

#[tokio::test]
async fn keys_under_the_private_directories_are_refused() {
    let (store, _dir) = store();
    for raw in [".tmp", ".tmp/x", ".meta/x.json"] {
        let err = store.put(&key(raw), chunked(b"x".to_vec(), 64), options()).await.expect_err(raw);
        assert!(matches!(err, DomainError::Invalid(_)), "{raw}: {err:?}");
    }
    // A dot elsewhere is an ordinary key.
    store.put(&key("a/.tmp"), chunked(b"x".to_vec(), 64), options()).await.expect("put");
}

#[tokio::test]
async fn delete_removes_the_directories_it_leaves_empty() {
    let (store, _dir) = store();
    let root = store.inner.layout.root().to_path_buf();
    let (kept, gone) = (key("media/2026/kept.txt"), key("media/2026/11/gone.txt"));
    for k in [&kept, &gone] {
        store.put(k, chunked(b"x".to_vec(), 64), options()).await.expect("put");
    }
    store.delete(&gone).await.expect("delete");
    assert!(!root.join("media/2026/11").exists());
    assert!(!root.join(".meta/media/2026/11").exists());
    assert!(root.join("media/2026/kept.txt").exists());
    store.delete(&kept).await.expect("delete");
    assert!(!root.join("media").exists());
    assert!(root.join(".meta").exists() && root.join(".tmp").exists());
}

#[tokio::test]
async fn the_health_check_needs_a_writable_directory() {
    let (store, dir) = store();
    let health = DiskHealth::new(store.inner.layout.root().to_path_buf());
    assert_eq!(health.name(), "objects");
    health.check().await.expect("healthy");
    assert!(entries(&store.inner.layout.root().join(".tmp")).is_empty(), "the probe is removed");

    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").expect("write");
    assert!(DiskHealth::new(file).check().await.is_err());
}

#[tokio::test]
async fn opening_a_store_removes_abandoned_uploads_only() {
    let (store, dir) = store();
    let tmp = store.inner.layout.root().join(".tmp");
    let (old, fresh) = (tmp.join("crashed-upload"), tmp.join("running-upload"));
    std::fs::write(&old, b"partial").expect("write");
    std::fs::write(&fresh, b"partial").expect("write");
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 24 * 60 * 60);
    std::fs::File::options().write(true).open(&old).expect("open").set_modified(two_days_ago).expect("set mtime");

    DiskObjectStore::new(dir.path().join("objects")).expect("reopen");
    assert_eq!(entries(&tmp), vec!["running-upload"]);
}
