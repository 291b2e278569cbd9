//! What editors do with collection items, and what the public may see.

use std::collections::BTreeMap;
use std::sync::Arc;

use folio_id::IdGenerator;
use serde_json::{Map, Value};

use super::{CollectionItem, CollectionKind, CollectionRepository, ItemId};
use crate::media::{Media, MediaId, MediaService};
use crate::values::Languages;
use crate::{clock, DomainError};

const ENTITY: &str = "item";

#[derive(Debug, Clone)]
pub struct CollectionService {
    items: Arc<dyn CollectionRepository>,
    media: MediaService,
    ids: Arc<dyn IdGenerator>,
    languages: Languages,
}

impl CollectionService {
    pub fn new(
        items: Arc<dyn CollectionRepository>,
        media: MediaService,
        ids: Arc<dyn IdGenerator>,
        languages: Languages,
    ) -> CollectionService {
        CollectionService { items, media, ids, languages }
    }

    /// Creates an item at the end of its collection from a body of its kind's fields plus
    /// an optional `visible` (default `true`).
    #[tracing::instrument(skip(self, body), fields(kind = %kind))]
    pub async fn create(
        &self,
        kind: CollectionKind,
        mut body: Map<String, Value>,
    ) -> Result<CollectionItem, DomainError> {
        let visible = take_visible(&mut body)?.unwrap_or(true);
        let fields = kind.validate(body, &self.languages)?;
        let id = self.ids.generate().map_err(|e| DomainError::Internal(format!("id generation: {e}")))?;
        let now = clock::now();
        let item = CollectionItem {
            id: ItemId(id),
            kind,
            position: 0,
            visible,
            fields,
            media: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        };
        let item = self.items.insert(&item).await?;
        tracing::info!(item_id = %item.id, position = item.position, "collection item created");
        Ok(item)
    }

    /// One item; a hidden one only when `include_hidden` (otherwise it does not exist).
    pub async fn get(
        &self,
        kind: CollectionKind,
        id: ItemId,
        include_hidden: bool,
    ) -> Result<CollectionItem, DomainError> {
        match self.items.get(kind, id).await? {
            Some(item) if item.visible || include_hidden => Ok(item),
            _ => Err(DomainError::NotFound { entity: ENTITY }),
        }
    }

    pub async fn list(&self, kind: CollectionKind, include_hidden: bool) -> Result<Vec<CollectionItem>, DomainError> {
        self.items.list(kind, include_hidden).await
    }

    /// Applies a patch: the given fields replace the stored ones, `null` removes an optional
    /// one, `visible` toggles visibility.
    #[tracing::instrument(skip(self, patch), fields(kind = %kind, item_id = %id))]
    pub async fn update(
        &self,
        kind: CollectionKind,
        id: ItemId,
        mut patch: Map<String, Value>,
    ) -> Result<CollectionItem, DomainError> {
        let visible = take_visible(&mut patch)?;
        kind.validate_patch(&patch)?;
        let mut item = self.get(kind, id, true).await?;
        let mut merged = item.fields.clone();
        for (name, value) in patch {
            if value.is_null() {
                merged.remove(&name);
            } else {
                merged.insert(name, value);
            }
        }
        item.fields = kind.validate(merged, &self.languages)?;
        if let Some(visible) = visible {
            item.visible = visible;
        }
        item.updated_at = clock::now();
        self.items.update(&item).await?;
        Ok(item)
    }

    /// Deletes the item; media it held that nothing else holds any more is deleted too.
    pub async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<(), DomainError> {
        let item = self.items.get(kind, id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        if !self.items.delete(kind, id).await? {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        tracing::info!(kind = %kind, item_id = %id, "collection item deleted");
        for media in item.media.values() {
            self.release(*media).await;
        }
        Ok(())
    }

    /// Deletes `media` when no slot holds it any more. The item change it follows has been
    /// made already, so a failure here is logged rather than undoing it; the media then stays
    /// (an orphan record the media list still shows, never a dangling reference).
    async fn release(&self, media: MediaId) {
        let outcome = match self.items.media_in_use(media).await {
            Ok(true) => return,
            Ok(false) => self.media.delete(media).await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(()) => tracing::info!(media_id = %media, "media no longer referenced; deleted"),
            Err(DomainError::NotFound { .. }) => {}
            Err(error) => tracing::warn!(media_id = %media, error = %error, "unreferenced media could not be deleted"),
        }
    }

    /// Moves an item to a 1-based position, shifting the others.
    pub async fn move_to(
        &self,
        kind: CollectionKind,
        id: ItemId,
        position: u32,
    ) -> Result<CollectionItem, DomainError> {
        self.items.move_to(kind, id, position).await
    }

    /// Puts media in one of the item's slots; the media must exist and be of the slot's category.
    pub async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media_id: MediaId,
    ) -> Result<CollectionItem, DomainError> {
        let category = kind.slot(slot).ok_or(DomainError::NotFound { entity: "media slot" })?;
        let media = match self.media.get(media_id).await {
            Ok(media) => media,
            Err(DomainError::NotFound { .. }) => {
                return Err(DomainError::invalid("media_id", "not_found", "no media has this id"))
            }
            Err(e) => return Err(e),
        };
        if media.category != category {
            return Err(DomainError::invalid(
                "media_id",
                "wrong_category",
                format!("the `{slot}` slot takes {} media, not {}", category.as_str(), media.category.as_str()),
            ));
        }
        let previous = self.slot_holder(kind, id, slot).await?;
        let item = self.items.set_media(kind, id, slot, Some(media_id), clock::now()).await?;
        if let Some(previous) = previous.filter(|p| *p != media_id) {
            self.release(previous).await;
        }
        Ok(item)
    }

    /// The media a slot holds now.
    async fn slot_holder(&self, kind: CollectionKind, id: ItemId, slot: &str) -> Result<Option<MediaId>, DomainError> {
        let item = self.items.get(kind, id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        Ok(item.media.get(slot).copied())
    }

    pub async fn clear_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
    ) -> Result<CollectionItem, DomainError> {
        kind.slot(slot).ok_or(DomainError::NotFound { entity: "media slot" })?;
        let previous = self.slot_holder(kind, id, slot).await?;
        let item = self.items.set_media(kind, id, slot, None, clock::now()).await?;
        if let Some(previous) = previous {
            self.release(previous).await;
        }
        Ok(item)
    }

    /// The media in the item's slots, for showing them; media deleted since is left out.
    pub async fn media_of(&self, item: &CollectionItem) -> Result<BTreeMap<String, Media>, DomainError> {
        let mut out = BTreeMap::new();
        for (slot, id) in &item.media {
            match self.media.get(*id).await {
                Ok(media) => {
                    out.insert(slot.clone(), media);
                }
                Err(DomainError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

fn take_visible(body: &mut Map<String, Value>) -> Result<Option<bool>, DomainError> {
    match body.remove("visible") {
        None => Ok(None),
        Some(Value::Bool(visible)) => Ok(Some(visible)),
        Some(_) => Err(DomainError::invalid("visible", "invalid_type", "expected true or false")),
    }
}
