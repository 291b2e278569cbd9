//! Simple ordered, bilingual collections (albums, gallery images, songs, videos, websites,
//! CV sections): one generic item, one table, one set of routes. Each kind only says which
//! fields and media slots it has ([`CollectionKind`]).

mod kinds;
mod repository;
mod service;
mod values;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use folio_id::Snowflake;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use kinds::{
    AlbumFields, AlbumPatch, CollectionKind, CvSectionFields, CvSectionPatch, GalleryImageFields, GalleryImagePatch,
    SongFields, SongPatch, VideoFields, VideoPatch, WebsiteFields, WebsitePatch,
};
pub use repository::CollectionRepository;
pub use service::CollectionService;
pub use values::{Embed, HexColor, HttpUrl, TrackLength};

use crate::media::MediaId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub Snowflake);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One entry of a collection. `fields` holds the kind's validated fields as JSON; `position`
/// is 1-based and the positions of a kind are always exactly `1..=n`.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionItem {
    pub id: ItemId,
    pub kind: CollectionKind,
    pub position: u32,
    pub visible: bool,
    pub fields: Map<String, Value>,
    /// Slot name → media.
    pub media: BTreeMap<String, MediaId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
