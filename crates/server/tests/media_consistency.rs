//! Media consistency when a dependency fails: the objects of a record that could not be
//! written are removed, and an object delete that failed is retried later, not forgotten.

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use folio_domain::media::{
    Media, MediaFilter, MediaId, MediaLimits, MediaRepository, MediaService, MediaSettings, UploadRequest,
};
use folio_domain::objects::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, ObjectStore, PutOptions};
use folio_domain::page::{Page, PageRequest};
use folio_domain::values::{Languages, Localized};
use folio_domain::DomainError;
use folio_id::{Epoch, SnowflakeGenerator};
use folio_storage_local::DiskObjectStore;
use folio_storage_sql::SqlMediaRepository;

/// A disk store whose deletes fail while `failing` is set.
#[derive(Debug)]
struct FlakyStore {
    inner: DiskObjectStore,
    failing: AtomicBool,
}

#[async_trait::async_trait]
impl ObjectStore for FlakyStore {
    async fn put(&self, key: &ObjectKey, body: ByteStream, options: PutOptions) -> Result<ObjectMeta, DomainError> {
        self.inner.put(key, body, options).await
    }
    async fn get(&self, key: &ObjectKey, range: Option<ByteRange>) -> Result<Option<ObjectBody>, DomainError> {
        self.inner.get(key, range).await
    }
    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError> {
        self.inner.head(key).await
    }
    async fn delete(&self, key: &ObjectKey) -> Result<(), DomainError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(DomainError::Unavailable { dependency: "object storage" });
        }
        self.inner.delete(key).await
    }
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, DomainError> {
        self.inner.list(prefix).await
    }
    fn public_url(&self, key: &ObjectKey) -> Option<String> {
        self.inner.public_url(key)
    }
    async fn presigned_get_url(&self, key: &ObjectKey, expires: Duration) -> Result<Option<String>, DomainError> {
        self.inner.presigned_get_url(key, expires).await
    }
}

/// A media repository whose inserts fail.
#[derive(Debug)]
struct RefusingRepository(SqlMediaRepository);

#[async_trait::async_trait]
impl MediaRepository for RefusingRepository {
    async fn insert(&self, _: &Media) -> Result<(), DomainError> {
        Err(DomainError::Unavailable { dependency: "database" })
    }
    async fn find(&self, id: MediaId) -> Result<Option<Media>, DomainError> {
        self.0.find(id).await
    }
    async fn list(&self, filter: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError> {
        self.0.list(filter, page).await
    }
    async fn update(&self, media: &Media) -> Result<(), DomainError> {
        self.0.update(media).await
    }
    async fn delete(&self, id: MediaId) -> Result<bool, DomainError> {
        self.0.delete(id).await
    }
    async fn add_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        self.0.add_pending_deletions(keys).await
    }
    async fn pending_deletions(&self, limit: u64) -> Result<Vec<String>, DomainError> {
        self.0.pending_deletions(limit).await
    }
    async fn remove_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        self.0.remove_pending_deletions(keys).await
    }
}

fn png() -> ByteStream {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(64, 48, image::Rgb([10, 20, 30])));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("encode");
    let bytes = Bytes::from(out.into_inner());
    Box::pin(futures_util::stream::once(async move { Ok(bytes) }))
}

fn service(repo: Arc<dyn MediaRepository>, store: Arc<dyn ObjectStore>) -> MediaService {
    let ids = Arc::new(SnowflakeGenerator::new(Epoch::DEFAULT, 0, 0).expect("ids"));
    MediaService::new(
        repo,
        store,
        ids,
        MediaSettings {
            limits: MediaLimits::default(),
            key_prefix: String::new(),
            prefer_public_urls: false,
            presign_ttl: Duration::from_secs(60),
            languages: Languages::default(),
            image_workers: 1,
        },
    )
}

fn request() -> UploadRequest {
    UploadRequest {
        category: None,
        title: Localized::single("en", "x"),
        file_name: Some("a.png".into()),
        uploaded_by: None,
    }
}

#[tokio::test]
async fn a_failed_object_delete_is_remembered_and_retried_later() {
    let db = folio_storage_sql::testing::sqlite().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(FlakyStore {
        inner: DiskObjectStore::new(dir.path().to_path_buf()).expect("store"),
        failing: AtomicBool::new(false),
    });
    let repo = Arc::new(SqlMediaRepository::new(db.db.clone()));
    let media = service(repo.clone(), store.clone());
    let stored = media.upload(request(), png()).await.expect("upload");
    let keys = stored.object_keys();
    assert_eq!(keys.len(), 3);

    store.failing.store(true, Ordering::SeqCst);
    media.delete(stored.id).await.expect("the record is deleted even while the store fails");
    assert!(matches!(media.get(stored.id).await, Err(DomainError::NotFound { .. })));
    let mut pending = repo.pending_deletions(100).await.expect("pending");
    pending.sort();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(pending, expected);
    for key in &keys {
        assert!(store.head(&ObjectKey::parse(key).expect("key")).await.expect("head").is_some(), "still there");
    }

    store.failing.store(false, Ordering::SeqCst);
    assert_eq!(media.retry_pending_deletions().await.expect("retry"), 3);
    for key in &keys {
        assert!(store.head(&ObjectKey::parse(key).expect("key")).await.expect("head").is_none(), "deleted");
    }
    assert!(repo.pending_deletions(100).await.expect("pending").is_empty());
}

#[tokio::test]
async fn when_the_record_cannot_be_written_the_objects_are_removed() {
    let db = folio_storage_sql::testing::sqlite().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = Arc::new(DiskObjectStore::new(dir.path().to_path_buf()).expect("store"));
    let media = service(Arc::new(RefusingRepository(SqlMediaRepository::new(db.db.clone()))), disk.clone());
    let err = media.upload(request(), png()).await.expect_err("insert fails");
    assert!(matches!(err, DomainError::Unavailable { dependency: "database" }), "{err:?}");
    assert!(disk.list("").await.expect("list").is_empty(), "no orphaned objects");
}
