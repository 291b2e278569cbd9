//! `CollectionRepository` on SQL: every kind in one table, positions kept `1..=n` by doing
//! each write that touches positions in one transaction that holds the kind's lock.
//!
//! The lock: on PostgreSQL a transaction-scoped advisory lock per kind, so several `folio`
//! processes sharing the database serialize too; on SQLite (one process by design) an
//! in-process mutex plus a first statement that writes, which makes the transaction take
//! SQLite's write lock at once instead of failing with `SQLITE_BUSY` when it upgrades.

mod entity;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use folio_domain::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId};
use folio_domain::media::MediaId;
use folio_domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Statement, TransactionTrait,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::errors::{corrupt, map_db_err};
use crate::ids::{from_db_id, to_db_id};
use entity::{ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone)]
pub struct SqlCollectionRepository {
    db: DatabaseConnection,
    writes: Arc<Mutex<()>>,
}

impl SqlCollectionRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, writes: Arc::new(Mutex::new(())) }
    }

    /// A transaction holding `kind`'s write lock (see the module comment).
    async fn begin(&self, kind: CollectionKind) -> Result<(OwnedMutexGuard<()>, DatabaseTransaction), DomainError> {
        let guard = self.writes.clone().lock_owned().await;
        let txn = self.db.begin().await.map_err(db_err)?;
        match txn.get_database_backend() {
            DbBackend::Postgres => {
                txn.query_one(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    [format!("collection_items:{kind}").into()],
                ))
                .await
                .map_err(db_err)?;
            }
            _ => {
                txn.execute_unprepared("UPDATE collection_items SET position = position WHERE 0 = 1")
                    .await
                    .map_err(db_err)?;
            }
        }
        Ok((guard, txn))
    }
}

const ENTITY: &str = "item";

fn db_err(e: sea_orm::DbErr) -> DomainError {
    map_db_err(e, ENTITY, "id")
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, DomainError> {
    serde_json::to_string(value).map_err(|e| DomainError::Internal(format!("encoding a collection item: {e}")))
}

fn db_position(position: u32) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

fn from_model(m: Model) -> Result<CollectionItem, DomainError> {
    Ok(CollectionItem {
        id: ItemId(from_db_id(m.id)),
        kind: CollectionKind::from_str(&m.kind).map_err(|e| corrupt("collection_items.kind", e))?,
        position: u32::try_from(m.position).map_err(|e| corrupt("collection_items.position", e.to_string()))?,
        visible: m.visible,
        fields: serde_json::from_str(&m.fields).map_err(|e| corrupt("collection_items.fields", e.to_string()))?,
        media: serde_json::from_str::<BTreeMap<String, MediaId>>(&m.media)
            .map_err(|e| corrupt("collection_items.media", e.to_string()))?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn find(db: &impl ConnectionTrait, kind: CollectionKind, id: ItemId) -> Result<Option<Model>, DomainError> {
    Entity::find()
        .filter(Column::Id.eq(to_db_id(id.0)))
        .filter(Column::Kind.eq(kind.as_str()))
        .one(db)
        .await
        .map_err(db_err)
}

#[async_trait::async_trait]
impl CollectionRepository for SqlCollectionRepository {
    async fn insert(&self, item: &CollectionItem) -> Result<CollectionItem, DomainError> {
        let (_guard, txn) = self.begin(item.kind).await?;
        let last: Option<Option<i32>> = Entity::find()
            .select_only()
            .column_as(Column::Position.max(), "last")
            .filter(Column::Kind.eq(item.kind.as_str()))
            .into_tuple()
            .one(&txn)
            .await
            .map_err(db_err)?;
        let position = last.flatten().unwrap_or(0).saturating_add(1);
        let row = ActiveModel {
            id: ActiveValue::Set(to_db_id(item.id.0)),
            kind: ActiveValue::Set(item.kind.as_str().to_owned()),
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
        find(&self.db, kind, id).await?.map(from_model).transpose()
    }

    async fn list(&self, kind: CollectionKind, include_hidden: bool) -> Result<Vec<CollectionItem>, DomainError> {
        let mut query = Entity::find().filter(Column::Kind.eq(kind.as_str()));
        if !include_hidden {
            query = query.filter(Column::Visible.eq(true));
        }
        let rows = query.order_by_asc(Column::Position).order_by_asc(Column::Id).all(&self.db).await.map_err(db_err)?;
        rows.into_iter().map(from_model).collect()
    }

    async fn update(&self, item: &CollectionItem) -> Result<(), DomainError> {
        let result = Entity::update_many()
            .col_expr(Column::Visible, Expr::value(item.visible))
            .col_expr(Column::Fields, Expr::value(encode(&item.fields)?))
            .col_expr(Column::Media, Expr::value(encode(&item.media)?))
            .col_expr(Column::UpdatedAt, Expr::value(item.updated_at))
            .filter(Column::Id.eq(to_db_id(item.id.0)))
            .filter(Column::Kind.eq(item.kind.as_str()))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, kind: CollectionKind, id: ItemId) -> Result<bool, DomainError> {
        let (_guard, txn) = self.begin(kind).await?;
        let Some(row) = find(&txn, kind, id).await? else {
            return Ok(false);
        };
        Entity::delete_by_id(row.id).exec(&txn).await.map_err(db_err)?;
        Entity::update_many()
            .col_expr(Column::Position, Expr::col(Column::Position).sub(1))
            .filter(Column::Kind.eq(kind.as_str()))
            .filter(Column::Position.gt(row.position))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        txn.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn move_to(&self, kind: CollectionKind, id: ItemId, position: u32) -> Result<CollectionItem, DomainError> {
        let (_guard, txn) = self.begin(kind).await?;
        let rows: Vec<(i64, i32)> = Entity::find()
            .select_only()
            .column(Column::Id)
            .column(Column::Position)
            .filter(Column::Kind.eq(kind.as_str()))
            .order_by_asc(Column::Position)
            .order_by_asc(Column::Id)
            .into_tuple()
            .all(&txn)
            .await
            .map_err(db_err)?;
        let db_id = to_db_id(id.0);
        let Some(index) = rows.iter().position(|(row_id, _)| *row_id == db_id) else {
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
        let (_guard, txn) = self.begin(kind).await?;
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
        let count = Entity::find()
            .filter(Column::Media.like(format!("%\"{media}\"%")))
            .count(&self.db)
            .await
            .map_err(db_err)?;
        Ok(count > 0)
    }
}
