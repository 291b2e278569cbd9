//! Portfolio content. Ordered, bilingual collections (albums, gallery images, songs, videos,
//! websites, CV sections and sub-sections, article categories, sub-categories and sections,
//! and the one-item site profile) share one generic item, one table and one set of routes:
//! each kind only says which fields, media slots and parent it has ([`CollectionKind`]).
//! Articles, which are searched, paged and found by slug, have their own ([`articles`]).

pub mod articles;
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
    AlbumFields, AlbumPatch, ArticleFields, ArticlePatch, ArticleSectionFields, ArticleSectionPatch, CategoryFields,
    CategoryPatch, CollectionKind, CvSectionFields, CvSectionPatch, GalleryImageFields, GalleryImagePatch, ParentKind,
    ProfileFields, ProfilePatch, Slot, SongFields, SongPatch, VideoFields, VideoPatch, WebsiteFields, WebsitePatch,
};
pub use repository::CollectionRepository;
pub use service::CollectionService;
pub use values::{Embed, HexColor, HttpUrl, Tags, TrackLength};

use crate::media::MediaId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub Snowflake);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for ItemId {
    type Err = folio_id::IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Snowflake::from_str(s).map(ItemId)
    }
}

/// One entry of a collection. `fields` holds the kind's validated fields as JSON; `position`
/// is 1-based and the positions within a kind (and parent, for nested kinds) are always
/// exactly `1..=n`.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionItem {
    pub id: ItemId,
    pub kind: CollectionKind,
    /// The item (or article) a nested kind's item belongs to; `None` for top-level kinds.
    pub parent: Option<ItemId>,
    pub position: u32,
    pub visible: bool,
    pub fields: Map<String, Value>,
    /// Slot name → media. A list slot (`files`) keeps one entry per media, `files/{media id}`.
    pub media: BTreeMap<String, MediaId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
