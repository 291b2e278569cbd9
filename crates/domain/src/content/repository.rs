use chrono::{DateTime, Utc};

use super::{CollectionItem, CollectionKind, ItemId};
use crate::media::MediaId;
use crate::DomainError;

/// Storage of collection items. Positions are the repository's job: every operation keeps
/// a kind's positions exactly `1..=n`, also under concurrent calls from several processes.
#[async_trait::async_trait]
pub trait CollectionRepository: Send + Sync + std::fmt::Debug {
    /// Stores `item` at the end of its kind (its `position` is ignored) and returns it as stored.
    async fn insert(&self, item: &CollectionItem) -> Result<CollectionItem, DomainError>;
    async fn get(&self, kind: CollectionKind, id: ItemId) -> Result<Option<CollectionItem>, DomainError>;
    /// The kind's items by position; hidden ones only when asked.
    async fn list(&self, kind: CollectionKind, include_hidden: bool) -> Result<Vec<CollectionItem>, DomainError>;
    /// Replaces `fields`, `visible`, `media` and `updated_at` (never the position); `NotFound` when missing.
    async fn update(&self, item: &CollectionItem) -> Result<(), DomainError>;
    /// Deletes the item and closes the gap it leaves; `true` when one was deleted.
    async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<bool, DomainError>;
    /// Moves the item to `position` (1-based), shifting the others; `NotFound` when missing,
    /// `Invalid` (field `position`) when out of `1..=n`.
    async fn move_to(&self, kind: CollectionKind, id: ItemId, position: u32) -> Result<CollectionItem, DomainError>;
    /// Sets (`Some`) or clears (`None`) one media slot; `NotFound` when the item is missing.
    async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media: Option<MediaId>,
        now: DateTime<Utc>,
    ) -> Result<CollectionItem, DomainError>;
    /// Whether any item, of any kind, holds `media` in a slot.
    async fn media_in_use(&self, media: MediaId) -> Result<bool, DomainError>;
}
