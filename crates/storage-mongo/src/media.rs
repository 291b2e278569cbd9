//! `MediaRepository` on MongoDB: one document per record in `media` (title and variants
//! embedded), and the object keys still to delete in `media_pending_deletions`.

use std::str::FromStr;

use folio_domain::media::{Media, MediaCategory, MediaFilter, MediaId, MediaRepository, MediaVariant, VariantName};
use folio_domain::objects::ObjectKey;
use folio_domain::page::{Page, PageRequest};
use folio_domain::users::UserId;
use folio_domain::values::Localized;
use folio_domain::DomainError;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc, Document};
use mongodb::error::ErrorKind;
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::dates::{from_bson, to_bson};
use crate::errors::{corrupt, map_err, DUPLICATE_KEY};
use crate::ids::{from_db_id, to_db_id};
use crate::schema::{MEDIA, PENDING_DELETIONS};

#[derive(Debug, Serialize, Deserialize)]
struct MediaDocument {
    #[serde(rename = "_id")]
    id: i64,
    category: String,
    /// `{ "en": "…", "es": "…" }`.
    title: Localized,
    key: String,
    size: i64,
    content_type: String,
    sha256: String,
    etag: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    duration_ms: Option<i64>,
    variants: Vec<VariantDocument>,
    uploaded_by: Option<i64>,
    created_at: bson::DateTime,
    updated_at: bson::DateTime,
}

/// Spelled out rather than serializing `MediaVariant`, so that the stored integer types are
/// this adapter's decision (BSON has no unsigned integers).
#[derive(Debug, Serialize, Deserialize)]
struct VariantDocument {
    name: String,
    key: String,
    size: i64,
    content_type: String,
    width: i64,
    height: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct PendingDeletion {
    /// The object key.
    #[serde(rename = "_id")]
    key: String,
    created_at: bson::DateTime,
}

/// Sizes and dimensions are far below `i64::MAX`; saturating keeps the conversion total.
fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn uint<T: TryFrom<i64>>(value: i64, field: &str) -> Result<T, DomainError> {
    T::try_from(value).map_err(|_| corrupt(field, format!("{value} is out of range")))
}

impl From<&Media> for MediaDocument {
    fn from(m: &Media) -> Self {
        MediaDocument {
            id: to_db_id(m.id.0),
            category: m.category.as_str().to_owned(),
            title: m.title.clone(),
            key: m.key.to_string(),
            size: int(m.size),
            content_type: m.content_type.clone(),
            sha256: m.sha256.clone(),
            etag: m.etag.clone(),
            width: m.width.map(i64::from),
            height: m.height.map(i64::from),
            duration_ms: m.duration_ms.map(int),
            variants: m
                .variants
                .iter()
                .map(|v| VariantDocument {
                    name: v.name.as_str().to_owned(),
                    key: v.key.clone(),
                    size: int(v.size),
                    content_type: v.content_type.clone(),
                    width: i64::from(v.width),
                    height: i64::from(v.height),
                })
                .collect(),
            uploaded_by: m.uploaded_by.map(|u| to_db_id(u.0)),
            created_at: to_bson(m.created_at),
            updated_at: to_bson(m.updated_at),
        }
    }
}

impl TryFrom<VariantDocument> for MediaVariant {
    type Error = DomainError;

    fn try_from(v: VariantDocument) -> Result<MediaVariant, DomainError> {
        Ok(MediaVariant {
            name: VariantName::from_str(&v.name).map_err(|e| corrupt("media.variants.name", e))?,
            key: v.key,
            size: uint(v.size, "media.variants.size")?,
            content_type: v.content_type,
            width: uint(v.width, "media.variants.width")?,
            height: uint(v.height, "media.variants.height")?,
        })
    }
}

impl TryFrom<MediaDocument> for Media {
    type Error = DomainError;

    fn try_from(d: MediaDocument) -> Result<Media, DomainError> {
        Ok(Media {
            id: MediaId(from_db_id(d.id)),
            category: MediaCategory::from_str(&d.category).map_err(|e| corrupt("media.category", e))?,
            title: d.title,
            key: ObjectKey::parse(&d.key).map_err(|e| corrupt("media.key", e))?,
            size: uint(d.size, "media.size")?,
            content_type: d.content_type,
            sha256: d.sha256,
            etag: d.etag,
            width: d.width.map(|w| uint(w, "media.width")).transpose()?,
            height: d.height.map(|h| uint(h, "media.height")).transpose()?,
            duration_ms: d.duration_ms.map(|ms| uint(ms, "media.duration_ms")).transpose()?,
            variants: d.variants.into_iter().map(MediaVariant::try_from).collect::<Result<_, _>>()?,
            uploaded_by: d.uploaded_by.map(|u| UserId(from_db_id(u))),
            created_at: from_bson(d.created_at, "media.created_at")?,
            updated_at: from_bson(d.updated_at, "media.updated_at")?,
        })
    }
}

const ENTITY: &str = "media";

fn db_err(e: mongodb::error::Error) -> DomainError {
    map_err(e, ENTITY, "id")
}

fn filter_document(filter: &MediaFilter) -> Document {
    let mut query = Document::new();
    if let Some(category) = filter.category {
        query.insert("category", category.as_str());
    }
    if let Some(content_type) = &filter.content_type {
        query.insert("content_type", content_type.as_str());
    }
    query
}

#[derive(Debug, Clone)]
pub struct MongoMediaRepository {
    media: Collection<MediaDocument>,
    pending: Collection<PendingDeletion>,
}

impl MongoMediaRepository {
    pub fn new(db: &Database) -> Self {
        Self { media: db.collection(MEDIA), pending: db.collection(PENDING_DELETIONS) }
    }
}

#[async_trait::async_trait]
impl MediaRepository for MongoMediaRepository {
    async fn insert(&self, media: &Media) -> Result<(), DomainError> {
        self.media.insert_one(MediaDocument::from(media)).await.map_err(db_err)?;
        Ok(())
    }

    async fn find(&self, id: MediaId) -> Result<Option<Media>, DomainError> {
        let found = self.media.find_one(doc! { "_id": to_db_id(id.0) }).await.map_err(db_err)?;
        found.map(Media::try_from).transpose()
    }

    async fn list(&self, filter: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError> {
        let query = filter_document(filter);
        let total = self.media.count_documents(query.clone()).await.map_err(db_err)?;
        let documents: Vec<MediaDocument> = self
            .media
            .find(query)
            .sort(doc! { "_id": -1 })
            .skip(page.offset())
            .limit(i64::from(page.per_page))
            .await
            .map_err(db_err)?
            .try_collect()
            .await
            .map_err(db_err)?;
        let items = documents.into_iter().map(Media::try_from).collect::<Result<_, _>>()?;
        Ok(Page::new(items, total, page))
    }

    async fn update(&self, media: &Media) -> Result<(), DomainError> {
        let result = self
            .media
            .replace_one(doc! { "_id": to_db_id(media.id.0) }, MediaDocument::from(media))
            .await
            .map_err(db_err)?;
        if result.matched_count == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, id: MediaId) -> Result<bool, DomainError> {
        let result = self.media.delete_one(doc! { "_id": to_db_id(id.0) }).await.map_err(db_err)?;
        Ok(result.deleted_count > 0)
    }

    async fn add_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        if keys.is_empty() {
            return Ok(());
        }
        let created_at = to_bson(folio_domain::clock::now());
        let entries = keys.iter().map(|key| PendingDeletion { key: key.clone(), created_at });
        // Unordered, so every new key is written even when some are already pending; those
        // come back as duplicate-key errors, which mean "already remembered".
        match self.pending.insert_many(entries).ordered(false).await {
            Ok(_) => Ok(()),
            Err(e) if only_duplicates(&e) => Ok(()),
            Err(e) => Err(db_err(e)),
        }
    }

    async fn pending_deletions(&self, limit: u64) -> Result<Vec<String>, DomainError> {
        // A limit of 0 means "no limit" to MongoDB.
        if limit == 0 {
            return Ok(Vec::new());
        }
        let entries: Vec<PendingDeletion> = self
            .pending
            .find(doc! {})
            .sort(doc! { "created_at": 1, "_id": 1 })
            .limit(i64::try_from(limit).unwrap_or(i64::MAX))
            .await
            .map_err(db_err)?
            .try_collect()
            .await
            .map_err(db_err)?;
        Ok(entries.into_iter().map(|p| p.key).collect())
    }

    async fn remove_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.pending.delete_many(doc! { "_id": { "$in": keys.to_vec() } }).await.map_err(db_err)?;
        Ok(())
    }
}

/// An `insert_many` whose every failure is a duplicate key (and no write concern error).
fn only_duplicates(error: &mongodb::error::Error) -> bool {
    match error.kind.as_ref() {
        ErrorKind::InsertMany(e) => {
            e.write_concern_error.is_none()
                && e.write_errors.as_ref().is_some_and(|errors| errors.iter().all(|e| e.code == DUPLICATE_KEY))
        }
        _ => false,
    }
}
