//! The media sweep against real components (SQLite records, objects on disk).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use folio_domain::media::{MediaCategory, MediaRepository};
use folio_domain::objects::{ObjectKey, ObjectStore, PutOptions};
use folio_domain::testing::media::sample_media;
use folio_domain::testing::unique_id;
use folio_jobs::MediaSweep;
use folio_storage_local::DiskObjectStore;
use folio_storage_sql::SqlMediaRepository;
use futures_util::stream;

async fn put(store: &dyn ObjectStore, key: &str) {
    let options =
        PutOptions { content_type: "application/octet-stream".into(), cache_control: None, content_length: None };
    let body = Box::pin(stream::iter(vec![Ok(Bytes::from_static(b"bytes"))]));
    store.put(&ObjectKey::parse(key).expect("key"), body, options).await.expect("put");
}

async fn exists(store: &dyn ObjectStore, key: &str) -> bool {
    store.head(&ObjectKey::parse(key).expect("key")).await.expect("head").is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphans_past_the_grace_period_go_and_nothing_else_does() {
    let db = folio_storage_sql::testing::sqlite().await;
    let media: Arc<dyn MediaRepository> = Arc::new(SqlMediaRepository::new(db.db.clone()));
    let dir = tempfile::tempdir().expect("tempdir");
    let objects: Arc<dyn ObjectStore> = Arc::new(DiskObjectStore::new(dir.path().to_path_buf()).expect("store"));

    let mut kept = sample_media(MediaCategory::Image, "image/png");
    kept.key = ObjectKey::parse(&format!("uploads/image/2026/03/{}-photo.png", kept.id)).expect("key");
    kept.variants = vec![folio_domain::media::MediaVariant {
        name: folio_domain::media::VariantName::Thumb,
        key: format!("uploads/image/2026/03/{}-photo.thumb.webp", kept.id),
        size: 5,
        content_type: "image/webp".into(),
        width: 10,
        height: 10,
    }];
    media.insert(&kept).await.expect("record");
    let orphan = format!("uploads/image/2026/03/{}-lost.png", unique_id());
    let orphan_audio = format!("uploads/audio/2026/03/{}-lost.flac", unique_id());
    let foreign = "uploads/image/readme.txt";
    let backup = "backups/folio-20260301T030000Z-abcdef.tar.zst";
    let elsewhere = format!("other/image/{}-x.png", unique_id());
    for key in kept.object_keys().iter().map(String::as_str).chain([
        orphan.as_str(),
        orphan_audio.as_str(),
        foreign,
        backup,
        elsewhere.as_str(),
    ]) {
        put(objects.as_ref(), key).await;
    }
    // A deletion that failed earlier, for an object still there.
    let pending = format!("uploads/video/2026/01/{}-old.mp4", unique_id());
    put(objects.as_ref(), &pending).await;
    media.add_pending_deletions(std::slice::from_ref(&pending)).await.expect("pending");

    let sweep =
        |grace| MediaSweep { media: media.clone(), objects: objects.clone(), upload_prefix: "uploads/".into(), grace };
    let young = sweep(Duration::from_secs(3600)).run().await.expect("sweep");
    assert_eq!((young.pending_deleted, young.orphans_deleted, young.young_kept), (1, 0, 2), "{young}");
    assert!(!exists(objects.as_ref(), &pending).await);
    assert!(media.pending_deletions(10).await.expect("pending").is_empty());
    assert!(exists(objects.as_ref(), &orphan).await, "too young to go");

    let report = sweep(Duration::ZERO).run().await.expect("sweep");
    assert_eq!((report.orphans_deleted, report.foreign_kept, report.failures), (2, 1, 0), "{report}");
    assert_eq!(report.scanned, 5, "the record's two objects, two orphans and the foreign file");
    assert!(!exists(objects.as_ref(), &orphan).await);
    assert!(!exists(objects.as_ref(), &orphan_audio).await);
    for key in kept.object_keys().iter().map(String::as_str).chain([foreign, backup, elsewhere.as_str()]) {
        assert!(exists(objects.as_ref(), key).await, "{key} stays");
    }
}
