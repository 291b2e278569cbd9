//! Uploading, describing, serving and deleting media.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::Datelike;
use folio_id::IdGenerator;
use futures_util::stream;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::existing::ExistingObject;
use super::images::{self, ProcessedImage};
use super::sniff::{self, Detected};
use super::upload::{collect, peek, Metered};
use super::{Media, MediaCategory, MediaFilter, MediaId, MediaRepository, MediaVariant, VariantName};
use crate::objects::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectStore, PutOptions};
use crate::page::{Page, PageRequest};
use crate::users::UserId;
use crate::values::{Languages, Localized};
use crate::{clock, DomainError, FieldError};

/// Largest upload per category, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaLimits {
    pub image: u64,
    pub audio: u64,
    pub video: u64,
    pub document: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        const MB: u64 = 1_000_000;
        MediaLimits { image: 50 * MB, audio: 100 * MB, video: 200 * MB, document: 50 * MB }
    }
}

impl MediaLimits {
    pub fn for_category(&self, category: MediaCategory) -> u64 {
        match category {
            MediaCategory::Image => self.image,
            MediaCategory::Audio => self.audio,
            MediaCategory::Video => self.video,
            MediaCategory::Document => self.document,
        }
    }

    pub fn largest(&self) -> u64 {
        self.image.max(self.audio).max(self.video).max(self.document)
    }
}

#[derive(Debug, Clone)]
pub struct MediaSettings {
    pub limits: MediaLimits,
    /// Prepended to every object key (`S3_UPLOAD_PREFIX`), e.g. `uploads/`.
    pub key_prefix: String,
    /// Serve files by redirecting to the store's public URL (a CDN is configured).
    pub prefer_public_urls: bool,
    /// Lifetime of presigned URLs.
    pub presign_ttl: Duration,
    pub languages: Languages,
    /// Concurrent image decodes.
    pub image_workers: usize,
}

/// A media upload's description; the bytes come separately.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    /// `None`: decided from the detected type.
    pub category: Option<MediaCategory>,
    pub title: Localized,
    /// The client's file name: only a sanitized stem of it ever reaches a key.
    pub file_name: Option<String>,
    pub uploaded_by: Option<UserId>,
}

/// How a client gets a file's bytes.
#[derive(Debug)]
pub enum FileAccess {
    /// From a CDN or a presigned URL.
    Redirect(String),
    /// Streamed by Folio (the disk store).
    Stream { body: ObjectBody, media: Box<Media> },
}

const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

#[derive(Debug, Clone)]
pub struct MediaService {
    repo: Arc<dyn MediaRepository>,
    store: Arc<dyn ObjectStore>,
    ids: Arc<dyn IdGenerator>,
    settings: MediaSettings,
    image_permits: Arc<Semaphore>,
}

impl MediaService {
    pub fn new(
        repo: Arc<dyn MediaRepository>,
        store: Arc<dyn ObjectStore>,
        ids: Arc<dyn IdGenerator>,
        settings: MediaSettings,
    ) -> MediaService {
        let image_permits = Arc::new(Semaphore::new(settings.image_workers.max(1)));
        MediaService { repo, store, ids, settings, image_permits }
    }

    pub fn limits(&self) -> MediaLimits {
        self.settings.limits
    }

    /// Stores an upload: the type is decided from its bytes and checked against the
    /// category, the size limit holds while it streams, images lose their metadata and gain
    /// variants. Objects are written first and the record last; if the record fails, the
    /// objects go.
    #[tracing::instrument(skip_all, fields(category = ?request.category))]
    pub async fn upload(&self, request: UploadRequest, body: ByteStream) -> Result<Media, DomainError> {
        self.settings.languages.check("title", &request.title).map_err(|e| DomainError::Invalid(vec![e]))?;
        let (head, body) = peek(body, sniff::SNIFF_LEN).await.map_err(upload_broken)?;
        let detected = sniff::detect(&head).map_err(DomainError::UnsupportedType)?;
        let duration_ms = super::duration::duration_ms(detected.mime, &head);
        let category = request.category.unwrap_or(detected.category);
        if !sniff::accepts(category, &detected) {
            return Err(DomainError::UnsupportedType(format!(
                "{} (a {} upload accepts {})",
                detected.mime,
                category.as_str(),
                sniff::accepted_types(category).join(", ")
            )));
        }
        let limit = self.settings.limits.for_category(category);
        let id = MediaId(self.ids.generate().map_err(|e| DomainError::Internal(format!("id generation: {e}")))?);
        let now = clock::now();
        let base = format!(
            "{}{}/{:04}/{:02}/{}-{}",
            self.settings.key_prefix,
            category.as_str(),
            now.year(),
            now.month(),
            id,
            sanitized_stem(request.file_name.as_deref())
        );
        let key = object_key(&format!("{base}.{}", detected.extension))?;

        let stored = if category == MediaCategory::Image {
            self.store_image(&key, &base, &detected, body, limit).await?
        } else {
            self.store_stream(&key, &detected, body, limit).await?
        };
        let media = Media {
            id,
            category,
            title: request.title,
            key,
            size: stored.size,
            content_type: detected.mime.to_owned(),
            sha256: stored.sha256,
            etag: stored.etag,
            width: stored.dimensions.map(|d| d.0),
            height: stored.dimensions.map(|d| d.1),
            duration_ms,
            variants: stored.variants,
            uploaded_by: request.uploaded_by,
            created_at: now,
            updated_at: now,
        };
        if let Err(error) = self.repo.insert(&media).await {
            self.delete_objects(&media.object_keys()).await;
            return Err(error);
        }
        tracing::info!(media_id = %media.id, size = media.size, content_type = %media.content_type, "media stored");
        Ok(media)
    }

    async fn store_stream(
        &self,
        key: &ObjectKey,
        detected: &Detected,
        body: ByteStream,
        limit: u64,
    ) -> Result<Stored, DomainError> {
        let (metered, meter) = Metered::new(body, limit);
        let options = PutOptions {
            content_type: detected.mime.to_owned(),
            cache_control: Some(CACHE_FOREVER.into()),
            content_length: None,
        };
        let result = self.store.put(key, Box::pin(metered), options).await;
        let (size, sha256, over_limit) = {
            let meter = meter.lock().map_err(|_| DomainError::Internal("upload meter poisoned".into()))?;
            (meter.size, hex::encode(meter.hasher.clone().finalize()), meter.over_limit)
        };
        match result {
            Ok(meta) => Ok(Stored { size, sha256, etag: meta.etag, dimensions: None, variants: Vec::new() }),
            Err(_) if over_limit => Err(DomainError::TooLarge { limit }),
            Err(error) => Err(error),
        }
    }

    async fn store_image(
        &self,
        key: &ObjectKey,
        base: &str,
        detected: &Detected,
        body: ByteStream,
        limit: u64,
    ) -> Result<Stored, DomainError> {
        let bytes =
            collect(body, limit).await.map_err(upload_broken)?.map_err(|limit| DomainError::TooLarge { limit })?;
        let processed = {
            let _permit =
                self.image_permits.acquire().await.map_err(|_| DomainError::Internal("image workers closed".into()))?;
            let mime = detected.mime;
            tokio::task::spawn_blocking(move || images::process(bytes, mime))
                .await
                .map_err(|e| DomainError::Internal(format!("image task failed: {e}")))?
                .map_err(|message| DomainError::Invalid(vec![FieldError::new("file", "unreadable_image", message)]))?
        };
        let ProcessedImage { original, width, height, variants } = processed;
        let sha256 = hex::encode(Sha256::digest(&original));
        let size = original.len() as u64;
        let mut written: Vec<String> = Vec::new();
        let result = async {
            let meta = self.put_bytes(key, original, detected.mime).await?;
            written.push(key.to_string());
            let mut stored_variants = Vec::new();
            for variant in variants {
                let variant_key = object_key(&format!("{base}.{}.{}", variant.name.as_str(), variant.extension))?;
                let variant_size = variant.bytes.len() as u64;
                self.put_bytes(&variant_key, variant.bytes, variant.content_type).await?;
                written.push(variant_key.to_string());
                stored_variants.push(MediaVariant {
                    name: variant.name,
                    key: variant_key.to_string(),
                    size: variant_size,
                    content_type: variant.content_type.to_owned(),
                    width: variant.width,
                    height: variant.height,
                });
            }
            Ok::<_, DomainError>((meta.etag, stored_variants))
        }
        .await;
        match result {
            Ok((etag, variants)) => Ok(Stored { size, sha256, etag, dimensions: Some((width, height)), variants }),
            Err(error) => {
                self.delete_objects(&written).await;
                Err(error)
            }
        }
    }

    async fn put_bytes(
        &self,
        key: &ObjectKey,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<crate::objects::ObjectMeta, DomainError> {
        let options = PutOptions {
            content_type: content_type.to_owned(),
            cache_control: Some(CACHE_FOREVER.into()),
            content_length: Some(bytes.len() as u64),
        };
        let body: ByteStream = Box::pin(stream::once(async move { Ok(Bytes::from(bytes)) }));
        self.store.put(key, body, options).await
    }

    /// Records media for an object that is already in the store (see [`ExistingObject`]):
    /// nothing is uploaded or read, and the object is not looked for, since it may live in
    /// a bucket this instance does not use yet. The record then owns the object like any
    /// other: deleting the media deletes it.
    #[tracing::instrument(skip_all, fields(key = %object.key))]
    pub async fn register_existing(&self, object: ExistingObject) -> Result<Media, DomainError> {
        let (sha256, etag) = object.check(&self.settings.languages)?;
        let id = MediaId(self.ids.generate().map_err(|e| DomainError::Internal(format!("id generation: {e}")))?);
        let now = clock::now();
        let media = Media {
            id,
            category: object.category,
            title: object.title,
            key: object.key,
            size: object.size,
            content_type: object.content_type,
            sha256,
            etag,
            width: object.width,
            height: object.height,
            duration_ms: object.duration_ms,
            variants: Vec::new(),
            uploaded_by: None,
            created_at: object.created_at.unwrap_or(now),
            updated_at: now,
        };
        self.repo.insert(&media).await?;
        tracing::info!(media_id = %media.id, "existing object recorded as media");
        Ok(media)
    }

    pub async fn get(&self, id: MediaId) -> Result<Media, DomainError> {
        self.repo.find(id).await?.ok_or(DomainError::NotFound { entity: "media" })
    }

    pub async fn list(&self, filter: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError> {
        self.repo.list(filter, page).await
    }

    pub async fn set_title(&self, id: MediaId, title: Localized) -> Result<Media, DomainError> {
        self.settings.languages.check("title", &title).map_err(|e| DomainError::Invalid(vec![e]))?;
        let mut media = self.get(id).await?;
        media.title = title;
        media.updated_at = clock::now();
        self.repo.update(&media).await?;
        Ok(media)
    }

    /// Deletes the record, then its objects; an object that cannot be deleted now is
    /// remembered and retried later ([`MediaService::retry_pending_deletions`]).
    pub async fn delete(&self, id: MediaId) -> Result<(), DomainError> {
        let media = self.get(id).await?;
        if !self.repo.delete(id).await? {
            return Err(DomainError::NotFound { entity: "media" });
        }
        self.delete_objects(&media.object_keys()).await;
        tracing::info!(media_id = %id, "media deleted");
        Ok(())
    }

    /// Deletes objects, recording the ones that fail as pending.
    async fn delete_objects(&self, keys: &[String]) {
        let mut failed = Vec::new();
        for key in keys {
            let deleted = match ObjectKey::parse(key) {
                Ok(k) => self.store.delete(&k).await,
                Err(e) => Err(DomainError::Internal(format!("stored key {key} is invalid: {e}"))),
            };
            if let Err(error) = deleted {
                tracing::warn!(key = %key, error = %error, "object deletion failed; will retry");
                failed.push(key.clone());
            }
        }
        if !failed.is_empty() {
            if let Err(error) = self.repo.add_pending_deletions(&failed).await {
                tracing::error!(error = %error, keys = ?failed, "could not record pending deletions");
            }
        }
    }

    /// Retries object deletions that failed before; returns how many succeeded.
    pub async fn retry_pending_deletions(&self) -> Result<usize, DomainError> {
        let pending = self.repo.pending_deletions(1000).await?;
        let mut done = Vec::new();
        for key in pending {
            let Ok(object) = ObjectKey::parse(&key) else {
                done.push(key);
                continue;
            };
            match self.store.delete(&object).await {
                Ok(()) => done.push(key),
                Err(error) => tracing::warn!(key = %key, error = %error, "pending deletion failed again"),
            }
        }
        self.repo.remove_pending_deletions(&done).await?;
        Ok(done.len())
    }

    /// Where the bytes of a media file (or one of its variants) can be had.
    pub async fn open(
        &self,
        id: MediaId,
        variant: Option<VariantName>,
        range: Option<ByteRange>,
    ) -> Result<FileAccess, DomainError> {
        let media = self.get(id).await?;
        let key = match variant {
            None => media.key.clone(),
            Some(name) => {
                let variant = media
                    .variants
                    .iter()
                    .find(|v| v.name == name)
                    .ok_or(DomainError::NotFound { entity: "variant" })?;
                object_key(&variant.key)?
            }
        };
        if self.settings.prefer_public_urls {
            if let Some(url) = self.store.public_url(&key) {
                return Ok(FileAccess::Redirect(url));
            }
        }
        if let Some(url) = self.store.presigned_get_url(&key, self.settings.presign_ttl).await? {
            return Ok(FileAccess::Redirect(url));
        }
        let body = self.store.get(&key, range).await?.ok_or(DomainError::NotFound { entity: "file" })?;
        Ok(FileAccess::Stream { body, media: Box::new(media) })
    }

    /// A permanent URL for the file, when the store has one (for clients that show links).
    pub fn public_url(&self, media: &Media) -> Option<String> {
        self.store.public_url(&media.key)
    }
}

struct Stored {
    size: u64,
    sha256: String,
    etag: Option<String>,
    dimensions: Option<(u32, u32)>,
    variants: Vec<MediaVariant>,
}

fn upload_broken(error: std::io::Error) -> DomainError {
    DomainError::Invalid(vec![FieldError::new("file", "upload_interrupted", format!("the upload broke off: {error}"))])
}

fn object_key(raw: &str) -> Result<ObjectKey, DomainError> {
    ObjectKey::parse(raw).map_err(|e| DomainError::Internal(format!("built an invalid object key {raw}: {e}")))
}

/// A key-safe stem of the client's file name: lower-case letters, digits and dashes, at
/// most 40 characters, `file` when nothing is left. The extension comes from the detected
/// type, never from the name.
pub(crate) fn sanitized_stem(file_name: Option<&str>) -> String {
    let name = file_name.unwrap_or_default();
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let mut out = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "file".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_harmless_stems() {
        assert_eq!(sanitized_stem(Some("../../etc/passwd")), "passwd");
        assert_eq!(sanitized_stem(Some("C:\\Users\\me\\My Photo (1).JPG")), "my-photo-1");
        assert_eq!(sanitized_stem(Some("..")), "file");
        assert_eq!(sanitized_stem(Some("%2e%2e%2f.png")), "2e-2e-2f");
        assert_eq!(sanitized_stem(None), "file");
        assert_eq!(sanitized_stem(Some(&"x".repeat(100))).len(), 40);
    }
}
