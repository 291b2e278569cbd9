//! `CollectionRepository` on SQL: positions kept `1..=n` within each kind and parent.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use folio_domain::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId, ParentKind};
use folio_domain::media::MediaId;
use folio_domain::DomainError;
use sea_orm::sea_query::{Expr, LikeExpr, Query};
use sea_orm::{
    ActiveValue, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::item_entity::{ActiveModel, Column, Entity, Model};
use super::{article_entity as articles, contains_pattern, delimited, undelimited, Writer};
use crate::errors::{corrupt, map_db_err};
use crate::ids::{from_db_id, to_db_id};

#[derive(Debug, Clone)]
pub struct SqlCollectionRepository {
    writer: Writer,
}

impl SqlCollectionRepository {
    pub(super) fn new(writer: Writer) -> Self {
        Self { writer }
    }
}

const ENTITY: &str = "item";

fn db_err(e: sea_orm::DbErr) -> DomainError {
    map_db_err(e, ENTITY, "id")
}

pub(super) fn encode<T: serde::Serialize>(value: &T) -> Result<String, DomainError> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(format!("encoding content: {e}")))
}

fn db_position(position: u32) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

pub(super) fn from_model(m: Model) -> Result<CollectionItem, DomainError> {
    Ok(CollectionItem {
        id: ItemId(from_db_id(m.id)),
        kind: CollectionKind::from_str(&m.kind).map_err(|e| corrupt("collection_items.kind", e))?,
        parent: m.parent_id.map(|p| ItemId(from_db_id(p))),
        position: u32::try_from(m.position).map_err(|e| corrupt("collection_items.position", e.to_string()))?,
        visible: m.visible,
        fields: serde_json::from_str(&m.fields).map_err(|e| corrupt("collection_items.fields", e.to_string()))?,
        media: serde_json::from_str::<BTreeMap<String, MediaId>>(&m.media)
            .map_err(|e| corrupt("collection_items.media", e.to_string()))?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The rows of `kind` under `parent` (top-level rows when `None`).
fn scope(kind: CollectionKind, parent: Option<i64>) -> Condition {
    let parent = match parent {
        Some(parent) => Column::ParentId.eq(parent),
        None => Column::ParentId.is_null(),
    };
    Condition::all().add(Column::Kind.eq(kind.as_str())).add(parent)
}

async fn find(db: &impl ConnectionTrait, kind: CollectionKind, id: ItemId) -> Result<Option<Model>, DomainError> {
    Entity::find()
        .filter(Column::Id.eq(to_db_id(id.0)))
        .filter(Column::Kind.eq(kind.as_str()))
        .one(db)
        .await
        .map_err(db_err)
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

/// Deletes the items nested under `ids` (at any depth) and returns them.
pub(super) async fn delete_nested(
    txn: &DatabaseTransaction,
    ids: Vec<i64>,
) -> Result<Vec<CollectionItem>, DomainError> {
    let mut deleted = Vec::new();
    let mut parents = ids;
    while !parents.is_empty() {
        let rows = Entity::find()
            .filter(Column::ParentId.is_in(parents.clone()))
            .order_by_asc(Column::ParentId)
            .order_by_asc(Column::Position)
            .all(txn)
            .await
            .map_err(db_err)?;
        parents = rows.iter().map(|r| r.id).collect();
        if !parents.is_empty() {
            Entity::delete_many().filter(Column::Id.is_in(parents.clone())).exec(txn).await.map_err(db_err)?;
        }
        for row in rows {
            deleted.push(from_model(row)?);
        }
    }
    Ok(deleted)
}

/// Takes deleted categories and sub-categories off the articles that named them.
async fn detach_articles(txn: &DatabaseTransaction, deleted: &[CollectionItem]) -> Result<(), DomainError> {
    let categories: Vec<i64> =
        deleted.iter().filter(|i| i.kind == CollectionKind::ArticleCategories).map(|i| to_db_id(i.id.0)).collect();
    if !categories.is_empty() {
        articles::Entity::update_many()
            .col_expr(articles::Column::CategoryId, Expr::value(Option::<i64>::None))
            .filter(articles::Column::CategoryId.is_in(categories))
            .exec(txn)
            .await
            .map_err(db_err)?;
    }
    for sub in deleted.iter().filter(|i| i.kind == CollectionKind::ArticleSubcategories) {
        let id = sub.id.to_string();
        let holders = articles::Entity::find()
            .filter(
                articles::Column::SubCategories.like(LikeExpr::new(contains_pattern(&format!("|{id}|"))).escape('\\')),
            )
            .all(txn)
            .await
            .map_err(db_err)?;
        for holder in holders {
            let kept = delimited(undelimited(&holder.sub_categories).filter(|s| *s != id));
            articles::Entity::update_many()
                .col_expr(articles::Column::SubCategories, Expr::value(kept))
                .filter(articles::Column::Id.eq(holder.id))
                .exec(txn)
                .await
                .map_err(db_err)?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl CollectionRepository for SqlCollectionRepository {
    async fn insert(&self, item: &CollectionItem) -> Result<CollectionItem, DomainError> {
        let (_guard, txn) = self.writer.begin(&[item.kind]).await?;
        let parent = item.parent.map(|p| to_db_id(p.0));
        let parent_exists = match (item.kind.parent(), item.parent) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(ParentKind::Collection(kind)), Some(id)) => find(&txn, kind, id).await?.is_some(),
            (Some(ParentKind::Article), Some(id)) => {
                articles::Entity::find_by_id(to_db_id(id.0)).one(&txn).await.map_err(db_err)?.is_some()
            }
        };
        if !parent_exists {
            return Err(DomainError::NotFound { entity: "parent" });
        }
        let last: Option<Option<i32>> = Entity::find()
            .select_only()
            .column_as(Column::Position.max(), "last")
            .filter(scope(item.kind, parent))
            .into_tuple()
            .one(&txn)
            .await
            .map_err(db_err)?;
        let position = last.flatten().unwrap_or(0).saturating_add(1);
        let row = ActiveModel {
            id: ActiveValue::Set(to_db_id(item.id.0)),
            kind: ActiveValue::Set(item.kind.as_str().to_owned()),
            parent_id: ActiveValue::Set(parent),
            position: ActiveValue::Set(position),
            visible: ActiveValue::Set(item.visible),
            fields: ActiveValue::Set(encode(&item.fields)?),
            media: ActiveValue::Set(encode(&item.media)?),
            created_at: ActiveValue::Set(item.created_at),
            updated_at: ActiveValue::Set(item.updated_at),
        };
        Entity::insert(row).exec_without_returning(&txn).await.map_err(db_err)?;
        txn.commit().await.map_err(db_err)?;
        let mut stored = item.clone();
        stored.position = u32::try_from(position).unwrap_or(u32::MAX);
        Ok(stored)
    }

    async fn get(&self, kind: CollectionKind, id: ItemId) -> Result<Option<CollectionItem>, DomainError> {
        find(&self.writer.db, kind, id).await?.map(from_model).transpose()
    }

    async fn list(
        &self,
        kind: CollectionKind,
        parent: Option<ItemId>,
        include_hidden: bool,
    ) -> Result<Vec<CollectionItem>, DomainError> {
        let mut query = Entity::find().filter(Column::Kind.eq(kind.as_str()));
        if let Some(parent) = parent {
            query = query.filter(Column::ParentId.eq(to_db_id(parent.0)));
        }
        if !include_hidden {
            // Hidden too: what is nested in a hidden item or article.
            let visible_items =
                Query::select().column(Column::Id).from(Entity).and_where(Column::Visible.eq(true)).to_owned();
            let visible_articles = Query::select()
                .column(articles::Column::Id)
                .from(articles::Entity)
                .and_where(articles::Column::Visible.eq(true))
                .to_owned();
            query = query.filter(Column::Visible.eq(true)).filter(
                Condition::any()
                    .add(Column::ParentId.is_null())
                    .add(Column::ParentId.in_subquery(visible_items))
                    .add(Column::ParentId.in_subquery(visible_articles)),
            );
        }
        let rows = query
            .order_by_asc(Column::ParentId)
            .order_by_asc(Column::Position)
            .order_by_asc(Column::Id)
            .all(&self.writer.db)
            .await
            .map_err(db_err)?;
        rows.into_iter().map(from_model).collect()
    }

    async fn parent_shown(&self, kind: CollectionKind, parent: ItemId) -> Result<bool, DomainError> {
        let db = &self.writer.db;
        let visible = match kind.parent() {
            None => return Ok(false),
            Some(ParentKind::Collection(parent_kind)) => find(db, parent_kind, parent).await?.map(|row| row.visible),
            Some(ParentKind::Article) => {
                let article = articles::Entity::find_by_id(to_db_id(parent.0)).one(db).await.map_err(db_err)?;
                article.map(|row| row.visible)
            }
        };
        Ok(visible == Some(true))
    }

    async fn update(&self, item: &CollectionItem) -> Result<(), DomainError> {
        let result = Entity::update_many()
            .col_expr(Column::Visible, Expr::value(item.visible))
            .col_expr(Column::Fields, Expr::value(encode(&item.fields)?))
            .col_expr(Column::Media, Expr::value(encode(&item.media)?))
            .col_expr(Column::UpdatedAt, Expr::value(item.updated_at))
            .filter(Column::Id.eq(to_db_id(item.id.0)))
            .filter(Column::Kind.eq(item.kind.as_str()))
            .exec(&self.writer.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<Vec<CollectionItem>, DomainError> {
        let (_guard, txn) = self.writer.begin(&with_descendants(kind)).await?;
        let Some(row) = find(&txn, kind, id).await? else {
            return Ok(Vec::new());
        };
        Entity::delete_by_id(row.id).exec(&txn).await.map_err(db_err)?;
        Entity::update_many()
            .col_expr(Column::Position, Expr::col(Column::Position).sub(1))
            .filter(scope(kind, row.parent_id))
            .filter(Column::Position.gt(row.position))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let mut deleted = vec![from_model(row.clone())?];
        deleted.extend(delete_nested(&txn, vec![row.id]).await?);
        detach_articles(&txn, &deleted).await?;
        txn.commit().await.map_err(db_err)?;
        Ok(deleted)
    }

    async fn move_to(&self, kind: CollectionKind, id: ItemId, position: u32) -> Result<CollectionItem, DomainError> {
        let (_guard, txn) = self.writer.begin(&[kind]).await?;
        let Some(moving) = find(&txn, kind, id).await? else {
            return Err(DomainError::NotFound { entity: ENTITY });
        };
        let rows: Vec<(i64, i32)> = Entity::find()
            .select_only()
            .column(Column::Id)
            .column(Column::Position)
            .filter(scope(kind, moving.parent_id))
            .order_by_asc(Column::Position)
            .order_by_asc(Column::Id)
            .into_tuple()
            .all(&txn)
            .await
            .map_err(db_err)?;
        let Some(index) = rows.iter().position(|(row_id, _)| *row_id == moving.id) else {
            return Err(DomainError::NotFound { entity: ENTITY });
        };
        let target = usize::try_from(position).unwrap_or(usize::MAX);
        if target < 1 || target > rows.len() {
            return Err(DomainError::invalid(
                "position",
                "out_of_range",
                format!("a position between 1 and {}", rows.len()),
            ));
        }
        let mut order: Vec<(i64, i32)> = rows;
        let moved = order.remove(index);
        order.insert(target - 1, moved);
        // Every row gets its index, which also repairs any drift left by older writes.
        for (i, (row_id, current)) in order.iter().enumerate() {
            let wanted = db_position(u32::try_from(i + 1).unwrap_or(u32::MAX));
            if *current != wanted {
                Entity::update_many()
                    .col_expr(Column::Position, Expr::value(wanted))
                    .filter(Column::Id.eq(*row_id))
                    .exec(&txn)
                    .await
                    .map_err(db_err)?;
            }
        }
        let row = find(&txn, kind, id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        txn.commit().await.map_err(db_err)?;
        from_model(row)
    }

    async fn set_media(
        &self,
        kind: CollectionKind,
        id: ItemId,
        slot: &str,
        media: Option<MediaId>,
        now: DateTime<Utc>,
    ) -> Result<CollectionItem, DomainError> {
        let (_guard, txn) = self.writer.begin(&[kind]).await?;
        let row = find(&txn, kind, id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        let mut item = from_model(row)?;
        match media {
            Some(media) => item.media.insert(slot.to_owned(), media),
            None => item.media.remove(slot),
        };
        item.updated_at = now;
        Entity::update_many()
            .col_expr(Column::Media, Expr::value(encode(&item.media)?))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::Id.eq(to_db_id(id.0)))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        txn.commit().await.map_err(db_err)?;
        Ok(item)
    }

    async fn media_in_use(&self, media: MediaId) -> Result<bool, DomainError> {
        // Slots are stored as a JSON object of quoted decimal ids (`{"image":"123"}`), so the
        // quoted id matches exactly one id and nothing else.
        let quoted = format!("%\"{media}\"%");
        let db = &self.writer.db;
        let items = Entity::find().filter(Column::Media.like(&quoted)).count(db).await.map_err(db_err)?;
        if items > 0 {
            return Ok(true);
        }
        let articles =
            articles::Entity::find().filter(articles::Column::Media.like(&quoted)).count(db).await.map_err(db_err)?;
        Ok(articles > 0)
    }
}
