//! What editors do with collection items, and what the public may see.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use folio_id::{IdGenerator, Snowflake};
use serde_json::{Map, Value};

use super::{CollectionItem, CollectionKind, CollectionRepository, ItemId, Slot};
use crate::media::{Media, MediaId, MediaService};
use crate::values::Languages;
use crate::{clock, DomainError};

const ENTITY: &str = "item";

/// The id of a singleton kind's one item: fixed, so that two first writes racing each other
/// cannot both create it.
const SINGLETON_ID: ItemId = ItemId(Snowflake::from_u64(1));

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

    pub fn languages(&self) -> &Languages {
        &self.languages
    }

    pub(crate) fn repository(&self) -> &Arc<dyn CollectionRepository> {
        &self.items
    }

    pub(crate) fn new_id(&self) -> Result<Snowflake, DomainError> {
        self.ids.generate().map_err(|e| DomainError::Internal(format!("id generation: {e}")))
    }

    /// Creates an item at the end of its collection (of its parent's, for nested kinds)
    /// from a body of its kind's fields plus an optional `visible` (default `true`) and, for
    /// nested kinds, a `parent_id`.
    pub async fn create(&self, kind: CollectionKind, body: Map<String, Value>) -> Result<CollectionItem, DomainError> {
        self.create_made_at(kind, body, clock::now()).await
    }

    /// Creates as [`CollectionService::create`] does, recording `made` (never later than now)
    /// as when the item was created: an import keeps the time its source made it.
    #[tracing::instrument(skip(self, body), fields(kind = %kind))]
    pub async fn create_made_at(
        &self,
        kind: CollectionKind,
        mut body: Map<String, Value>,
        made: DateTime<Utc>,
    ) -> Result<CollectionItem, DomainError> {
        let visible = take_visible(&mut body)?.unwrap_or(true);
        let parent = take_parent(kind, &mut body)?;
        let fields = kind.validate(body, &self.languages)?;
        let id = if kind.is_singleton() { SINGLETON_ID } else { ItemId(self.new_id()?) };
        let now = clock::now();
        let item = CollectionItem {
            id,
            kind,
            parent,
            position: 0,
            visible,
            fields,
            media: BTreeMap::new(),
            created_at: made.min(now),
            updated_at: now,
        };
        let item = match self.items.insert(&item).await {
            Err(DomainError::NotFound { entity: "parent" }) => {
                return Err(DomainError::invalid("parent_id", "not_found", "no such parent"))
            }
            other => other?,
        };
        tracing::info!(item_id = %item.id, position = item.position, "collection item created");
        Ok(item)
    }

    /// One item; a hidden one (or one nested in something hidden) only when
    /// `include_hidden` (otherwise it does not exist).
    pub async fn get(
        &self,
        kind: CollectionKind,
        id: ItemId,
        include_hidden: bool,
    ) -> Result<CollectionItem, DomainError> {
        match self.items.get(kind, id).await? {
            Some(item) if include_hidden => Ok(item),
            Some(item) if item.visible => match item.parent {
                None => Ok(item),
                Some(parent) if self.items.parent_shown(kind, parent).await? => Ok(item),
                Some(_) => Err(DomainError::NotFound { entity: ENTITY }),
            },
            _ => Err(DomainError::NotFound { entity: ENTITY }),
        }
    }

    /// A kind's items by position (grouped by parent for nested kinds; only `parent`'s
    /// when given).
    pub async fn list(
        &self,
        kind: CollectionKind,
        parent: Option<ItemId>,
        include_hidden: bool,
    ) -> Result<Vec<CollectionItem>, DomainError> {
        self.items.list(kind, parent, include_hidden).await
    }

    /// A singleton kind's item, when it has been written.
    pub async fn singleton(&self, kind: CollectionKind) -> Result<Option<CollectionItem>, DomainError> {
        self.items.get(kind, SINGLETON_ID).await
    }

    /// Replaces a singleton kind's fields (creating its item the first time); its media stay.
    pub async fn put_singleton(
        &self,
        kind: CollectionKind,
        body: Map<String, Value>,
    ) -> Result<CollectionItem, DomainError> {
        if self.singleton(kind).await?.is_none() {
            match self.create(kind, body.clone()).await {
                Err(DomainError::Conflict { .. }) => {} // created meanwhile: replace it below
                other => return other,
            }
        }
        let mut patch = body;
        let stored = self.get(kind, SINGLETON_ID, true).await?;
        for name in stored.fields.keys() {
            patch.entry(name.clone()).or_insert(Value::Null);
        }
        self.update(kind, SINGLETON_ID, patch).await
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
        if patch.contains_key("parent_id") {
            return Err(DomainError::invalid("parent_id", "immutable", "an item cannot change its parent"));
        }
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

    /// Deletes the item and what is nested in it; media they held that nothing else holds
    /// any more is deleted too.
    pub async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<(), DomainError> {
        let deleted = self.items.delete(kind, id).await?;
        if deleted.is_empty() {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        tracing::info!(kind = %kind, item_id = %id, nested = deleted.len() - 1, "collection item deleted");
        self.release_all(deleted.iter().flat_map(|item| item.media.values().copied())).await;
        Ok(())
    }

    pub(crate) async fn release_all(&self, media: impl IntoIterator<Item = MediaId>) {
        let mut seen = std::collections::BTreeSet::new();
        for media in media {
            if seen.insert(media) {
                self.release(media).await;
            }
        }
    }

    /// Deletes `media` when no slot holds it any more. The content change it follows has
    /// been made already, so a failure here is logged rather than undoing it; the media then
    /// stays (an orphan record the media list still shows, never a dangling reference).
    pub(crate) async fn release(&self, media: MediaId) {
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

    /// Moves an item just before or after another of the same kind and parent.
    pub async fn move_next_to(
        &self,
        kind: CollectionKind,
        id: ItemId,
        anchor: ItemId,
        after: bool,
    ) -> Result<CollectionItem, DomainError> {
        let field = if after { "after" } else { "before" };
        let moving = self.get(kind, id, true).await?;
        let target = match self.items.get(kind, anchor).await? {
            Some(target) if target.parent == moving.parent && target.id != moving.id => target,
            _ => return Err(DomainError::invalid(field, "not_found", "no other item with this id beside this one")),
        };
        // Removing the moving item first shifts the target up one when it came after it.
        let mut position = target.position;
        if moving.position < target.position {
            position -= 1;
        }
        if after {
            position += 1;
        }
        self.items.move_to(kind, id, position).await
    }

    /// Checks that `media_id` names media the slot may hold.
    pub(crate) async fn check_slot_media(&self, slot: Slot, media_id: MediaId) -> Result<(), DomainError> {
        let media = match self.media.get(media_id).await {
            Ok(media) => media,
            Err(DomainError::NotFound { .. }) => {
                return Err(DomainError::invalid("media_id", "not_found", "no media has this id"))
            }
            Err(e) => return Err(e),
        };
        if media.category != slot.category {
            return Err(DomainError::invalid(
                "media_id",
                "wrong_category",
                format!(
                    "the `{}` slot takes {} media, not {}",
                    slot.name,
                    slot.category.as_str(),
                    media.category.as_str()
                ),
            ));
        }
        Ok(())
    }

    /// Puts media in one of the item's slots; the media must exist and be of the slot's
    /// category. A list slot (`files`) gains the media instead of having it replaced.
    pub async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media_id: MediaId,
    ) -> Result<CollectionItem, DomainError> {
        let slot = kind.slot(slot).ok_or(DomainError::NotFound { entity: "media slot" })?;
        self.check_slot_media(slot, media_id).await?;
        let key = slot_key(slot, media_id);
        let previous = self.slot_holder(kind, id, &key).await?;
        let item = self.items.set_media(kind, id, &key, Some(media_id), clock::now()).await?;
        if let Some(previous) = previous.filter(|p| *p != media_id) {
            self.release(previous).await;
        }
        Ok(item)
    }

    /// The media a slot key holds now.
    async fn slot_holder(&self, kind: CollectionKind, id: ItemId, key: &str) -> Result<Option<MediaId>, DomainError> {
        let item = self.items.get(kind, id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        Ok(item.media.get(key).copied())
    }

    /// Empties a slot: `slot` is a slot's name (a list slot loses all its media) or, for one
    /// entry of a list slot, `files/{media id}`.
    pub async fn clear_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
    ) -> Result<CollectionItem, DomainError> {
        let (name, entry) = slot.split_once('/').map_or((slot, None), |(n, e)| (n, Some(e)));
        let spec = kind.slot(name).ok_or(DomainError::NotFound { entity: "media slot" })?;
        let mut item = self.get(kind, id, true).await?;
        let keys: Vec<String> = match entry {
            Some(_) if !spec.many => return Err(DomainError::NotFound { entity: "media slot" }),
            Some(_) => vec![slot.to_owned()],
            None if spec.many => item.media.keys().filter(|k| k.starts_with(&format!("{name}/"))).cloned().collect(),
            None => vec![name.to_owned()],
        };
        let mut released = Vec::new();
        for key in keys {
            if let Some(previous) = item.media.get(&key).copied() {
                item = self.items.set_media(kind, id, &key, None, clock::now()).await?;
                released.push(previous);
            }
        }
        self.release_all(released).await;
        Ok(item)
    }

    /// The media in the item's slots, for showing them; media deleted since is left out.
    pub async fn media_of(&self, item: &CollectionItem) -> Result<BTreeMap<String, Media>, DomainError> {
        self.media_records(&item.media).await
    }

    /// The media records a slot map names; media deleted since is left out.
    pub async fn media_records(
        &self,
        slots: &BTreeMap<String, MediaId>,
    ) -> Result<BTreeMap<String, Media>, DomainError> {
        let mut out = BTreeMap::new();
        for (slot, id) in slots {
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

/// Where a slot keeps `media`: the slot's name, or `files/{id}` for a list slot.
fn slot_key(slot: Slot, media: MediaId) -> String {
    if slot.many {
        format!("{}/{media}", slot.name)
    } else {
        slot.name.to_owned()
    }
}

fn take_visible(body: &mut Map<String, Value>) -> Result<Option<bool>, DomainError> {
    match body.remove("visible") {
        None => Ok(None),
        Some(Value::Bool(visible)) => Ok(Some(visible)),
        Some(_) => Err(DomainError::invalid("visible", "invalid_type", "expected true or false")),
    }
}

/// A nested kind's `parent_id` (required); other kinds have none.
fn take_parent(kind: CollectionKind, body: &mut Map<String, Value>) -> Result<Option<ItemId>, DomainError> {
    let raw = body.remove("parent_id");
    if kind.parent().is_none() {
        return match raw {
            None => Ok(None),
            Some(_) => Err(DomainError::invalid("parent_id", "unknown_field", format!("{kind} are not nested"))),
        };
    }
    match raw {
        None | Some(Value::Null) => Err(DomainError::invalid("parent_id", "required", "the id of the parent")),
        Some(Value::String(id)) => id
            .parse::<ItemId>()
            .map(Some)
            .map_err(|_| DomainError::invalid("parent_id", "invalid", "expected an id (a string of digits)")),
        Some(_) => Err(DomainError::invalid("parent_id", "invalid_type", "expected an id (a string of digits)")),
    }
}
