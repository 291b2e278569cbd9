use chrono::{DateTime, Utc};

use super::{CollectionItem, CollectionKind, ItemId};
use crate::media::MediaId;
use crate::DomainError;

/// Storage of collection items. Positions are the repository's job: every operation keeps
/// the positions within a kind and parent exactly `1..=n`, also under concurrent calls from
/// several processes.
#[async_trait::async_trait]
pub trait CollectionRepository: Send + Sync + std::fmt::Debug {
    /// Stores `item` at the end of its kind and parent (its `position` is ignored) and returns
    /// it as stored. An item of a nested kind needs its parent to exist (checked in the same
    /// transaction): `NotFound { entity: "parent" }` otherwise.
    async fn insert(&self, item: &CollectionItem) -> Result<CollectionItem, DomainError>;
    async fn get(&self, kind: CollectionKind, id: ItemId) -> Result<Option<CollectionItem>, DomainError>;
    /// The kind's items (only `parent`'s when given) by parent, then position; hidden ones,
    /// and those nested in a hidden item or article, only when asked.
    async fn list(
        &self,
        kind: CollectionKind,
        parent: Option<ItemId>,
        include_hidden: bool,
    ) -> Result<Vec<CollectionItem>, DomainError>;
    /// Whether visitors see what `kind` nests in `parent`: the parent (an item of `kind`'s
    /// parent kind, or an article) exists and is visible. One lookup, for reading one nested
    /// item; `list` applies the same rule to many.
    async fn parent_shown(&self, kind: CollectionKind, parent: ItemId) -> Result<bool, DomainError>;
    /// Replaces `fields`, `visible`, `media` and `updated_at` (never the position or the
    /// parent); `NotFound` when missing.
    async fn update(&self, item: &CollectionItem) -> Result<(), DomainError>;
    /// Deletes the item and everything nested in it, closes the gap it leaves, and detaches
    /// articles from it (a deleted category or sub-category), all in one transaction. Returns
    /// what was deleted, the item first; empty when there was no such item.
    async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<Vec<CollectionItem>, DomainError>;
    /// Moves the item to `position` (1-based) within its parent, shifting the others;
    /// `NotFound` when missing, `Invalid` (field `position`) when out of `1..=n`.
    async fn move_to(&self, kind: CollectionKind, id: ItemId, position: u32) -> Result<CollectionItem, DomainError>;
    /// Sets (`Some`) or clears (`None`) the media under one slot key; `NotFound` when the
    /// item is missing.
    async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media: Option<MediaId>,
        now: DateTime<Utc>,
    ) -> Result<CollectionItem, DomainError>;
    /// Whether any content (an item of any kind, or an article) holds `media`.
    async fn media_in_use(&self, media: MediaId) -> Result<bool, DomainError>;
}
