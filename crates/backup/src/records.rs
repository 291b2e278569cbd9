//! One NDJSON line per stored entity: the archive's format, independent of any backend.
//!
//! These mirror the domain's entities field for field (the entities themselves are not
//! `Serialize`, some on purpose: a user's hash must not reach a response by accident). Values
//! are parsed again on the way back in, so a hand-edited archive cannot smuggle in a value the
//! domain would refuse. Changing a record is changing [`crate::manifest::FORMAT_VERSION`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use folio_crypto::PasswordHash;
use folio_domain::content::articles::{Article, Slug};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, Tags};
use folio_domain::media::{Media, MediaCategory, MediaId, MediaVariant};
use folio_domain::objects::ObjectKey;
use folio_domain::users::{Email, Role, User, UserId, UserName, UserStatus};
use folio_domain::values::Localized;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserRecord {
    pub id: UserId,
    pub name: UserName,
    pub email: Email,
    /// The PHC string as stored, so that everyone signs in after a restore as before.
    pub password_hash: String,
    pub role: Role,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&User> for UserRecord {
    fn from(u: &User) -> Self {
        UserRecord {
            id: u.id,
            name: u.name.clone(),
            email: u.email.clone(),
            password_hash: u.password_hash.as_str().to_owned(),
            role: u.role,
            status: u.status,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

impl TryFrom<UserRecord> for User {
    type Error = String;
    fn try_from(r: UserRecord) -> Result<Self, String> {
        Ok(User {
            id: r.id,
            name: r.name,
            email: r.email,
            password_hash: PasswordHash::parse(&r.password_hash).map_err(|e| format!("user {}: {e}", r.id))?,
            role: r.role,
            status: r.status,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MediaRecord {
    pub id: MediaId,
    pub category: MediaCategory,
    pub title: Localized,
    pub key: String,
    pub size: u64,
    pub content_type: String,
    pub sha256: String,
    pub etag: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    pub variants: Vec<MediaVariant>,
    pub uploaded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Media> for MediaRecord {
    fn from(m: &Media) -> Self {
        MediaRecord {
            id: m.id,
            category: m.category,
            title: m.title.clone(),
            key: m.key.to_string(),
            size: m.size,
            content_type: m.content_type.clone(),
            sha256: m.sha256.clone(),
            etag: m.etag.clone(),
            width: m.width,
            height: m.height,
            duration_ms: m.duration_ms,
            variants: m.variants.clone(),
            uploaded_by: m.uploaded_by,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl TryFrom<MediaRecord> for Media {
    type Error = String;
    fn try_from(r: MediaRecord) -> Result<Self, String> {
        Ok(Media {
            id: r.id,
            category: r.category,
            title: r.title,
            key: ObjectKey::parse(&r.key).map_err(|e| format!("media {}: key: {e}", r.id))?,
            size: r.size,
            content_type: r.content_type,
            sha256: r.sha256,
            etag: r.etag,
            width: r.width,
            height: r.height,
            duration_ms: r.duration_ms,
            variants: r.variants,
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// One object a media record owns, listed so that `verify` can tell which are missing.
/// Media bytes are not in the archive: they stay in the object store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MediaObjectRecord {
    pub key: String,
    pub media_id: MediaId,
    pub size: u64,
    /// Known for originals; variants are derived, and their hash is not recorded.
    pub sha256: Option<String>,
}

impl MediaObjectRecord {
    pub(crate) fn of(media: &Media) -> Vec<MediaObjectRecord> {
        let original = MediaObjectRecord {
            key: media.key.to_string(),
            media_id: media.id,
            size: media.size,
            sha256: Some(media.sha256.clone()),
        };
        std::iter::once(original)
            .chain(media.variants.iter().map(|v| MediaObjectRecord {
                key: v.key.clone(),
                media_id: media.id,
                size: v.size,
                sha256: None,
            }))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemRecord {
    pub id: ItemId,
    pub kind: CollectionKind,
    pub parent: Option<ItemId>,
    /// Restored by inserting in this order: the repository appends, which reproduces it.
    pub position: u32,
    pub visible: bool,
    pub fields: Map<String, Value>,
    pub media: BTreeMap<String, MediaId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&CollectionItem> for ItemRecord {
    fn from(i: &CollectionItem) -> Self {
        ItemRecord {
            id: i.id,
            kind: i.kind,
            parent: i.parent,
            position: i.position,
            visible: i.visible,
            fields: i.fields.clone(),
            media: i.media.clone(),
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

impl From<ItemRecord> for CollectionItem {
    fn from(r: ItemRecord) -> Self {
        CollectionItem {
            id: r.id,
            kind: r.kind,
            parent: r.parent,
            position: r.position,
            visible: r.visible,
            fields: r.fields,
            media: r.media,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArticleRecord {
    pub id: ItemId,
    pub slug: Slug,
    pub category: Option<ItemId>,
    pub sub_categories: Vec<ItemId>,
    pub tags: Tags,
    pub languages: Vec<String>,
    pub visible: bool,
    pub published_at: DateTime<Utc>,
    pub fields: Map<String, Value>,
    pub media: BTreeMap<String, MediaId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Article> for ArticleRecord {
    fn from(a: &Article) -> Self {
        ArticleRecord {
            id: a.id,
            slug: a.slug.clone(),
            category: a.category,
            sub_categories: a.sub_categories.clone(),
            tags: a.tags.clone(),
            languages: a.languages.clone(),
            visible: a.visible,
            published_at: a.published_at,
            fields: a.fields.clone(),
            media: a.media.clone(),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

impl From<ArticleRecord> for Article {
    fn from(r: ArticleRecord) -> Self {
        Article {
            id: r.id,
            slug: r.slug,
            category: r.category,
            sub_categories: r.sub_categories,
            tags: r.tags,
            languages: r.languages,
            visible: r.visible,
            published_at: r.published_at,
            fields: r.fields,
            media: r.media,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}
