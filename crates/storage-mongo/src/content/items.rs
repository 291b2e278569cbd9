//! `CollectionRepository` on MongoDB: one document per item in `collection_items`, every kind
//! together, positions kept `1..=n` within each kind and parent.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use folio_domain::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId, ParentKind};
use folio_domain::media::MediaId;
use folio_domain::DomainError;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};
use mongodb::options::FindOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::cascades::{current_order, delete_levels, detach_articles, nested_levels, renumber, scope};
use super::{in_unit, Fail, Shared, Unit};
use crate::dates::{from_bson, to_bson};
use crate::errors::{corrupt, map_err};
use crate::ids::{from_db_id, to_db_id};

const ENTITY: &str = "item";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ItemDocument {
    #[serde(rename = "_id")]
    pub(crate) id: i64,
    pub(crate) kind: String,
    /// The item or article a nested kind's item belongs to; null for top-level kinds.
    pub(crate) parent_id: Option<i64>,
    pub(crate) position: i64,
    pub(crate) visible: bool,
    /// The kind's validated fields.
    pub(crate) fields: Document,
    /// Slot → media id.
    pub(crate) media: BTreeMap<String, i64>,
    /// The distinct ids of `media`, kept beside it so that `media_in_use` is one indexed query.
    pub(crate) media_ids: Vec<i64>,
    pub(crate) created_at: bson::DateTime,
    pub(crate) updated_at: bson::DateTime,
}

/// JSON fields as a BSON document, for items and articles alike.
pub(crate) fn fields_to_bson(fields: &Map<String, Value>) -> Result<Document, DomainError> {
    bson::serialize_to_document(fields).map_err(|e| DomainError::Internal(format!("encoding content fields: {e}")))
}

pub(crate) fn fields_from_bson(fields: Document, field: &str) -> Result<Map<String, Value>, DomainError> {
    bson::deserialize_from_document(fields).map_err(|e| corrupt(field, e))
}

pub(crate) fn media_to_db(media: &BTreeMap<String, MediaId>) -> (BTreeMap<String, i64>, Vec<i64>) {
    let slots: BTreeMap<String, i64> = media.iter().map(|(slot, id)| (slot.clone(), to_db_id(id.0))).collect();
    let ids: BTreeSet<i64> = slots.values().copied().collect();
    (slots, ids.into_iter().collect())
}

pub(crate) fn media_from_db(media: BTreeMap<String, i64>) -> BTreeMap<String, MediaId> {
    media.into_iter().map(|(slot, id)| (slot, MediaId(from_db_id(id)))).collect()
}

impl ItemDocument {
    fn new(item: &CollectionItem, position: i64) -> Result<ItemDocument, DomainError> {
        let (media, media_ids) = media_to_db(&item.media);
        Ok(ItemDocument {
            id: to_db_id(item.id.0),
            kind: item.kind.as_str().to_owned(),
            parent_id: item.parent.map(|p| to_db_id(p.0)),
            position,
            visible: item.visible,
            fields: fields_to_bson(&item.fields)?,
            media,
            media_ids,
            created_at: to_bson(item.created_at),
            updated_at: to_bson(item.updated_at),
        })
    }
}

impl TryFrom<ItemDocument> for CollectionItem {
    type Error = DomainError;

    fn try_from(d: ItemDocument) -> Result<CollectionItem, DomainError> {
        Ok(CollectionItem {
            id: ItemId(from_db_id(d.id)),
            kind: CollectionKind::from_str(&d.kind).map_err(|e| corrupt("collection_items.kind", e))?,
            parent: d.parent_id.map(|p| ItemId(from_db_id(p))),
            position: u32::try_from(d.position).map_err(|e| corrupt("collection_items.position", e))?,
            visible: d.visible,
            fields: fields_from_bson(d.fields, "collection_items.fields")?,
            media: media_from_db(d.media),
            created_at: from_bson(d.created_at, "collection_items.created_at")?,
            updated_at: from_bson(d.updated_at, "collection_items.updated_at")?,
        })
    }
}

fn db_err(e: mongodb::error::Error) -> DomainError {
    map_err(e, ENTITY, "id")
}

fn by_id(kind: CollectionKind, id: ItemId) -> Document {
    doc! { "_id": to_db_id(id.0), "kind": kind.as_str() }
}

/// `kind` and every kind nested in it, at any depth.
fn with_descendants(kind: CollectionKind) -> Vec<CollectionKind> {
    let mut kinds = vec![kind];
    let mut i = 0;
    while i < kinds.len() {
        kinds.extend(kinds[i].children());
        i += 1;
    }
    kinds
}

#[derive(Debug, Clone)]
pub struct MongoCollectionRepository {
    shared: Shared,
}

impl MongoCollectionRepository {
    pub(super) fn new(shared: Shared) -> Self {
        Self { shared }
    }
}

impl Shared {
    async fn insert_item(&self, unit: &mut Unit<'_>, item: &CollectionItem) -> Result<CollectionItem, Fail> {
        let parent = item.parent.map(|p| to_db_id(p.0));
        let parent_exists = match (item.kind.parent(), parent) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(ParentKind::Collection(kind)), Some(id)) => {
                unit.find_one(&self.items, doc! { "_id": id, "kind": kind.as_str() }).await?.is_some()
            }
            (Some(ParentKind::Article), Some(id)) => unit.find_one(&self.articles, doc! { "_id": id }).await?.is_some(),
        };
        if !parent_exists {
            return Err(DomainError::NotFound { entity: "parent" }.into());
        }
        let order = current_order(unit, &self.items, scope(item.kind.as_str(), parent)).await?;
        renumber(unit, &self.items, &order).await?;
        let position = i64::try_from(order.len()).unwrap_or(i64::MAX).saturating_add(1);
        unit.step().await?;
        unit.insert_one(&self.items, &ItemDocument::new(item, position)?, ENTITY, "id").await?;
        let mut stored = item.clone();
        stored.position = u32::try_from(position).unwrap_or(u32::MAX);
        Ok(stored)
    }

    async fn delete_item(
        &self,
        unit: &mut Unit<'_>,
        kind: CollectionKind,
        id: ItemId,
    ) -> Result<Vec<CollectionItem>, Fail> {
        let Some(item) = unit.find_one(&self.items, by_id(kind, id)).await? else {
            return Ok(Vec::new());
        };
        let levels = nested_levels(unit, &self.items, vec![item.id]).await?;
        let doomed: Vec<&ItemDocument> = std::iter::once(&item).chain(levels.iter().flatten()).collect();
        detach_articles(unit, &self.articles, &doomed).await?;
        delete_levels(unit, &self.items, &levels).await?;
        unit.step().await?;
        unit.delete_many(&self.items, doc! { "_id": item.id }).await?;
        let order = current_order(unit, &self.items, scope(&item.kind, item.parent_id)).await?;
        renumber(unit, &self.items, &order).await?;
        let mut deleted = vec![CollectionItem::try_from(item)?];
        for nested in levels.into_iter().flatten() {
            deleted.push(CollectionItem::try_from(nested)?);
        }
        Ok(deleted)
    }

    async fn move_item(
        &self,
        unit: &mut Unit<'_>,
        kind: CollectionKind,
        id: ItemId,
        position: u32,
    ) -> Result<CollectionItem, Fail> {
        let not_found = || Fail::Domain(DomainError::NotFound { entity: ENTITY });
        let moving = unit.find_one(&self.items, by_id(kind, id)).await?.ok_or_else(not_found)?;
        let mut order = current_order(unit, &self.items, scope(kind.as_str(), moving.parent_id)).await?;
        let index = order.iter().position(|(item, _)| *item == moving.id).ok_or_else(not_found)?;
        let target = usize::try_from(position).unwrap_or(usize::MAX);
        if target < 1 || target > order.len() {
            return Err(DomainError::invalid(
                "position",
                "out_of_range",
                format!("a position between 1 and {}", order.len()),
            )
            .into());
        }
        let moved = order.remove(index);
        order.insert(target - 1, moved);
        // Every item gets its index, which also repairs what a crash may have left.
        renumber(unit, &self.items, &order).await?;
        let mut item = CollectionItem::try_from(moving)?;
        item.position = position;
        Ok(item)
    }
}

#[async_trait::async_trait]
impl CollectionRepository for MongoCollectionRepository {
    async fn insert(&self, item: &CollectionItem) -> Result<CollectionItem, DomainError> {
        let shared = &self.shared;
        let lock = shared.locks.acquire(&[item.kind]).await?;
        let result = in_unit!(shared, lock, |unit| shared.insert_item(&mut unit, item));
        lock.release().await;
        result
    }

    async fn get(&self, kind: CollectionKind, id: ItemId) -> Result<Option<CollectionItem>, DomainError> {
        let found = self.shared.items.find_one(by_id(kind, id)).await.map_err(db_err)?;
        found.map(CollectionItem::try_from).transpose()
    }

    async fn list(
        &self,
        kind: CollectionKind,
        parent: Option<ItemId>,
        include_hidden: bool,
    ) -> Result<Vec<CollectionItem>, DomainError> {
        let mut filter = doc! { "kind": kind.as_str() };
        if let Some(parent) = parent {
            filter.insert("parent_id", to_db_id(parent.0));
        }
        if !include_hidden {
            filter.insert("visible", true);
        }
        let options = FindOptions::builder().sort(doc! { "parent_id": 1, "position": 1, "_id": 1 }).build();
        let mut found: Vec<ItemDocument> = self
            .shared
            .items
            .find(filter)
            .with_options(options)
            .await
            .map_err(db_err)?
            .try_collect()
            .await
            .map_err(db_err)?;
        if !include_hidden {
            // Hidden too: what is nested in a hidden item or article.
            let parents: BTreeSet<i64> = found.iter().filter_map(|item| item.parent_id).collect();
            if !parents.is_empty() {
                let visible = self.visible_parents(parents.into_iter().collect()).await?;
                found.retain(|item| item.parent_id.is_none_or(|parent| visible.contains(&parent)));
            }
        }
        found.into_iter().map(CollectionItem::try_from).collect()
    }

    async fn parent_shown(&self, kind: CollectionKind, parent: ItemId) -> Result<bool, DomainError> {
        let count = match kind.parent() {
            None => return Ok(false),
            Some(ParentKind::Collection(parent_kind)) => {
                let mut filter = by_id(parent_kind, parent);
                filter.insert("visible", true);
                self.shared.items.count_documents(filter).await
            }
            Some(ParentKind::Article) => {
                self.shared.articles.count_documents(doc! { "_id": to_db_id(parent.0), "visible": true }).await
            }
        };
        Ok(count.map_err(db_err)? > 0)
    }

    async fn update(&self, item: &CollectionItem) -> Result<(), DomainError> {
        let (media, media_ids) = media_to_db(&item.media);
        let media =
            bson::serialize_to_bson(&media).map_err(|e| DomainError::Internal(format!("encoding media: {e}")))?;
        let update = doc! { "$set": {
            "visible": item.visible,
            "fields": fields_to_bson(&item.fields)?,
            "media": media,
            "media_ids": media_ids,
            "updated_at": to_bson(item.updated_at),
        } };
        let result = self.shared.items.update_one(by_id(item.kind, item.id), update).await.map_err(db_err)?;
        if result.matched_count == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<Vec<CollectionItem>, DomainError> {
        let shared = &self.shared;
        let lock = shared.locks.acquire(&with_descendants(kind)).await?;
        let result = in_unit!(shared, lock, |unit| shared.delete_item(&mut unit, kind, id));
        lock.release().await;
        result
    }

    async fn move_to(&self, kind: CollectionKind, id: ItemId, position: u32) -> Result<CollectionItem, DomainError> {
        let shared = &self.shared;
        let lock = shared.locks.acquire(&[kind]).await?;
        let result = in_unit!(shared, lock, |unit| shared.move_item(&mut unit, kind, id, position));
        lock.release().await;
        result
    }

    async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media: Option<MediaId>,
        now: DateTime<Utc>,
    ) -> Result<CollectionItem, DomainError> {
        // Read, change one slot, write back: under the kind's lock, so that two slots set at
        // once both stay set.
        let lock = self.shared.locks.acquire(&[kind]).await?;
        let result = async {
            let found = self.shared.items.find_one(by_id(kind, id)).await.map_err(db_err)?;
            let mut item = CollectionItem::try_from(found.ok_or(DomainError::NotFound { entity: ENTITY })?)?;
            match media {
                Some(media) => item.media.insert(slot.to_owned(), media),
                None => item.media.remove(slot),
            };
            item.updated_at = now;
            self.update(&item).await?;
            Ok(item)
        }
        .await;
        lock.release().await;
        result
    }

    async fn media_in_use(&self, media: MediaId) -> Result<bool, DomainError> {
        let filter = doc! { "media_ids": to_db_id(media.0) };
        let items = self.shared.items.count_documents(filter.clone()).limit(1).await.map_err(db_err)?;
        if items > 0 {
            return Ok(true);
        }
        let articles = self.shared.articles.count_documents(filter).limit(1).await.map_err(db_err)?;
        Ok(articles > 0)
    }
}

impl MongoCollectionRepository {
    /// Which of `ids` are visible items or visible articles.
    async fn visible_parents(&self, ids: Vec<i64>) -> Result<BTreeSet<i64>, DomainError> {
        let filter = doc! { "_id": { "$in": ids }, "visible": true };
        let projection = FindOptions::builder().projection(doc! { "_id": 1 }).build();
        let mut visible = BTreeSet::new();
        let items = self.shared.items.clone_with_type::<Document>();
        let articles = self.shared.articles.clone_with_type::<Document>();
        for collection in [items, articles] {
            let found: Vec<Document> = collection
                .find(filter.clone())
                .with_options(projection.clone())
                .await
                .map_err(db_err)?
                .try_collect()
                .await
                .map_err(db_err)?;
            visible.extend(found.iter().filter_map(|d| match d.get("_id") {
                Some(Bson::Int64(id)) => Some(*id),
                _ => None,
            }));
        }
        Ok(visible)
    }
}
