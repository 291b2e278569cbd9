//! Media whose bytes are already in the object store: put there by another service (the
//! Lynx portfolio's uploads, imported by `folio import lynx`), so Folio records them without
//! uploading, hashing or decoding anything again.

use chrono::{DateTime, Utc};

use super::sniff::accepted_category;
use super::MediaCategory;
use crate::objects::ObjectKey;
use crate::values::{Languages, Localized};
use crate::{DomainError, FieldError};

/// What is known about an object already in the store. The description is trusted as far
/// as it can be checked without reading the bytes: the type must be one uploads accept too,
/// of the category given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingObject {
    pub key: ObjectKey,
    pub category: MediaCategory,
    pub title: Localized,
    /// Bytes; 0 when unknown.
    pub size: u64,
    /// One of the types uploads accept (`image/png`, `audio/mpeg`…).
    pub content_type: String,
    /// Hex sha256 of the bytes, when known (stored empty otherwise).
    pub sha256: Option<String>,
    /// The store's ETag, when known.
    pub etag: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    /// When the file was first stored; now when unknown.
    pub created_at: Option<DateTime<Utc>>,
}

/// The longest ETag kept (the SQL column's width).
const MAX_ETAG_CHARS: usize = 200;

impl ExistingObject {
    /// Checks the description, naming every bad field; returns the normalized sha256 and etag.
    pub(super) fn check(&self, languages: &Languages) -> Result<(String, Option<String>), DomainError> {
        let mut errors: Vec<FieldError> = Vec::new();
        if let Err(e) = languages.check("title", &self.title) {
            errors.push(e);
        }
        match accepted_category(&self.content_type) {
            None => {
                return Err(DomainError::UnsupportedType(format!(
                    "{} (media take the types uploads accept)",
                    self.content_type
                )))
            }
            Some(category) if category != self.category => errors.push(FieldError::new(
                "category",
                "wrong_category",
                format!("{} is {} media, not {}", self.content_type, category.as_str(), self.category.as_str()),
            )),
            Some(_) => {}
        }
        let sha256 = match self.sha256.as_deref().map(str::trim) {
            None | Some("") => String::new(),
            Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => hex.to_ascii_lowercase(),
            Some(_) => {
                errors.push(FieldError::new("sha256", "invalid", "expected 64 hexadecimal digits"));
                String::new()
            }
        };
        let etag = self.etag.as_deref().map(|e| e.trim().trim_matches('"')).filter(|e| !e.is_empty());
        if etag.is_some_and(|e| e.chars().count() > MAX_ETAG_CHARS) {
            errors.push(FieldError::new("etag", "too_long", format!("at most {MAX_ETAG_CHARS} characters")));
        }
        if errors.is_empty() {
            Ok((sha256, etag.map(str::to_owned)))
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use folio_id::{Epoch, SnowflakeGenerator};

    use super::*;
    use crate::media::{Media, MediaFilter, MediaId, MediaLimits, MediaRepository, MediaService, MediaSettings};
    use crate::objects::{ByteRange, ByteStream, ObjectBody, ObjectMeta, ObjectStore, PutOptions};
    use crate::page::{Page, PageRequest};

    #[derive(Debug, Default)]
    struct Records(Mutex<Vec<Media>>);

    #[async_trait::async_trait]
    impl MediaRepository for Records {
        async fn insert(&self, media: &Media) -> Result<(), DomainError> {
            self.0.lock().expect("lock").push(media.clone());
            Ok(())
        }
        async fn find(&self, id: MediaId) -> Result<Option<Media>, DomainError> {
            Ok(self.0.lock().expect("lock").iter().find(|m| m.id == id).cloned())
        }
        async fn list(&self, _: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError> {
            Ok(Page::new(Vec::new(), 0, page))
        }
        async fn update(&self, _: &Media) -> Result<(), DomainError> {
            Ok(())
        }
        async fn delete(&self, _: MediaId) -> Result<bool, DomainError> {
            Ok(false)
        }
        async fn add_pending_deletions(&self, _: &[String]) -> Result<(), DomainError> {
            Ok(())
        }
        async fn pending_deletions(&self, _: u64) -> Result<Vec<String>, DomainError> {
            Ok(Vec::new())
        }
        async fn remove_pending_deletions(&self, _: &[String]) -> Result<(), DomainError> {
            Ok(())
        }
    }

    /// A store that fails the test if registering touches it at all.
    #[derive(Debug)]
    struct Untouchable;

    #[async_trait::async_trait]
    impl ObjectStore for Untouchable {
        async fn put(&self, _: &ObjectKey, _: ByteStream, _: PutOptions) -> Result<ObjectMeta, DomainError> {
            panic!("registering must not upload")
        }
        async fn get(&self, _: &ObjectKey, _: Option<ByteRange>) -> Result<Option<ObjectBody>, DomainError> {
            panic!("registering must not read")
        }
        async fn head(&self, _: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError> {
            panic!("registering must not look the object up")
        }
        async fn delete(&self, _: &ObjectKey) -> Result<(), DomainError> {
            panic!("registering must not delete")
        }
        async fn list(&self, _: &str) -> Result<Vec<ObjectMeta>, DomainError> {
            panic!("registering must not list")
        }
        fn public_url(&self, _: &ObjectKey) -> Option<String> {
            None
        }
        async fn presigned_get_url(&self, _: &ObjectKey, _: Duration) -> Result<Option<String>, DomainError> {
            Ok(None)
        }
    }

    fn service(records: Arc<Records>) -> MediaService {
        MediaService::new(
            records,
            Arc::new(Untouchable),
            Arc::new(SnowflakeGenerator::new(Epoch::DEFAULT, 0, 0).expect("ids")),
            MediaSettings {
                limits: MediaLimits::default(),
                key_prefix: "uploads/".into(),
                prefer_public_urls: false,
                presign_ttl: Duration::from_secs(60),
                languages: Languages::default(),
                image_workers: 1,
            },
        )
    }

    fn existing() -> ExistingObject {
        ExistingObject {
            key: ObjectKey::parse("uploads/albums/1700000000000_64b7f0c2a1d3e4f5a6b7c8d9_cover.png").expect("key"),
            category: MediaCategory::Image,
            title: Localized::single("es", "Portada"),
            size: 2048,
            content_type: "image/png".into(),
            sha256: Some("AB".repeat(32)),
            etag: Some("\"9b2cf535f27731c974343645a3985328\"".into()),
            width: Some(640),
            height: Some(480),
            duration_ms: None,
            created_at: chrono::DateTime::from_timestamp(1_700_000_000, 0),
        }
    }

    #[tokio::test]
    async fn an_existing_object_is_recorded_at_its_own_key_without_touching_the_store() {
        let records = Arc::new(Records::default());
        let media = service(records.clone()).register_existing(existing()).await.expect("registered");
        assert_eq!(media.key.as_str(), "uploads/albums/1700000000000_64b7f0c2a1d3e4f5a6b7c8d9_cover.png");
        assert_eq!((media.size, media.width, media.height), (2048, Some(640), Some(480)));
        assert_eq!(media.sha256, "ab".repeat(32), "lower-cased");
        assert_eq!(media.etag.as_deref(), Some("9b2cf535f27731c974343645a3985328"), "quotes removed");
        assert_eq!(media.created_at, chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time"));
        assert!(media.variants.is_empty() && media.uploaded_by.is_none());
        assert_eq!(records.0.lock().expect("lock").as_slice(), &[media]);
    }

    #[tokio::test]
    async fn unknown_hashes_are_stored_empty() {
        let records = Arc::new(Records::default());
        let media = service(records)
            .register_existing(ExistingObject { sha256: None, etag: Some("  ".into()), ..existing() })
            .await
            .expect("registered");
        assert_eq!(media.sha256, "");
        assert_eq!(media.etag, None);
    }

    #[tokio::test]
    async fn types_uploads_refuse_and_mismatched_descriptions_are_refused() {
        let records = Arc::new(Records::default());
        let media = service(records.clone());
        let svg = ExistingObject { content_type: "image/svg+xml".into(), ..existing() };
        assert!(matches!(media.register_existing(svg).await, Err(DomainError::UnsupportedType(_))));
        let wrong = ExistingObject { category: MediaCategory::Audio, ..existing() };
        let Err(DomainError::Invalid(errors)) = media.register_existing(wrong).await else { panic!("invalid") };
        assert_eq!(errors[0].field, "category");
        let bad = ExistingObject {
            sha256: Some("xyz".into()),
            title: Localized::single("fr", "Bonjour"),
            etag: Some("e".repeat(201)),
            ..existing()
        };
        let Err(DomainError::Invalid(errors)) = media.register_existing(bad).await else { panic!("invalid") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title.fr", "sha256", "etag"]);
        assert!(records.0.lock().expect("lock").is_empty(), "nothing recorded");
    }
}
