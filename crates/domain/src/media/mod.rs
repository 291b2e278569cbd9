//! Media: uploaded files (images, audio, video, documents) kept in an object store, with a
//! record of what they are. Content refers to media by id.

mod duration;
mod existing;
mod images;
mod repository;
mod service;
mod sniff;
mod upload;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use folio_id::Snowflake;
use serde::{Deserialize, Serialize};

pub use existing::ExistingObject;
pub use repository::{MediaFilter, MediaRepository};
pub use service::{FileAccess, MediaLimits, MediaService, MediaSettings, UploadRequest};
pub use sniff::accepted_category;

use crate::objects::ObjectKey;
use crate::users::UserId;
use crate::values::Localized;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MediaId(pub Snowflake);

impl fmt::Display for MediaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaCategory {
    Image,
    Audio,
    Video,
    Document,
}

impl MediaCategory {
    pub const ALL: [MediaCategory; 4] =
        [MediaCategory::Image, MediaCategory::Audio, MediaCategory::Video, MediaCategory::Document];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaCategory::Image => "image",
            MediaCategory::Audio => "audio",
            MediaCategory::Video => "video",
            MediaCategory::Document => "document",
        }
    }
}

impl FromStr for MediaCategory {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MediaCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| "image, audio, video or document".to_owned())
    }
}

/// A derived rendition of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VariantName {
    /// Fitted inside 1920×1080, for pages.
    Web,
    /// Fitted inside 400×400, for lists.
    Thumb,
}

impl VariantName {
    pub fn as_str(self) -> &'static str {
        match self {
            VariantName::Web => "web",
            VariantName::Thumb => "thumb",
        }
    }
}

impl FromStr for VariantName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "web" => Ok(VariantName::Web),
            "thumb" => Ok(VariantName::Thumb),
            _ => Err("web or thumb".to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaVariant {
    pub name: VariantName,
    pub key: ObjectKeyString,
    pub size: u64,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
}

/// An object key as stored in records (validated again when used).
pub type ObjectKeyString = String;

/// A stored file and what Folio knows about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: MediaId,
    pub category: MediaCategory,
    pub title: Localized,
    pub key: ObjectKey,
    /// Bytes of the stored original.
    pub size: u64,
    /// Decided from the file's bytes, never from what the client declared.
    pub content_type: String,
    /// Hex sha256 of the stored original; empty when unknown (media recorded for an object
    /// that was already in the store, see [`ExistingObject`]).
    pub sha256: String,
    /// The object store's ETag of the original.
    pub etag: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    pub variants: Vec<MediaVariant>,
    pub uploaded_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Media {
    /// Every object this record owns: the original and its variants.
    pub fn object_keys(&self) -> Vec<String> {
        std::iter::once(self.key.to_string()).chain(self.variants.iter().map(|v| v.key.clone())).collect()
    }
}
