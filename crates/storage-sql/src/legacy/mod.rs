//! `LegacyIdRepository` on SQL: one row per old id, `(source, old_id)` the primary key.

mod entity;

use folio_domain::legacy::{LegacyId, LegacyIdRepository};
use folio_domain::DomainError;
use folio_id::Snowflake;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::errors::map_db_err;
use crate::ids::{from_db_id, to_db_id};
use entity::{ActiveModel, Column, Entity};

#[derive(Debug, Clone)]
pub struct SqlLegacyIdRepository {
    db: DatabaseConnection,
}

impl SqlLegacyIdRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn db_err(e: sea_orm::DbErr) -> DomainError {
    map_db_err(e, "legacy id", "old_id")
}

#[async_trait::async_trait]
impl LegacyIdRepository for SqlLegacyIdRepository {
    async fn record(&self, source: &str, old_id: &str, new_id: Snowflake) -> Result<(), DomainError> {
        let row = ActiveModel {
            source: ActiveValue::Set(source.to_owned()),
            old_id: ActiveValue::Set(old_id.to_owned()),
            new_id: ActiveValue::Set(to_db_id(new_id)),
            created_at: ActiveValue::Set(folio_domain::clock::now()),
        };
        // Insert-or-keep, then compare: racing writers of one old id all read the one row
        // that won, so exactly one of them succeeds unless they agree.
        Entity::insert(row)
            .on_conflict(OnConflict::columns([Column::Source, Column::OldId]).do_nothing().to_owned())
            .exec_without_returning(&self.db)
            .await
            .map_err(db_err)?;
        match self.find(source, old_id).await? {
            Some(stored) if stored == new_id => Ok(()),
            Some(_) => Err(DomainError::Conflict { entity: "legacy id", field: "old_id" }),
            None => Err(DomainError::Internal("a recorded legacy id did not read back".to_owned())),
        }
    }

    async fn find(&self, source: &str, old_id: &str) -> Result<Option<Snowflake>, DomainError> {
        let row = Entity::find_by_id((source.to_owned(), old_id.to_owned())).one(&self.db).await.map_err(db_err)?;
        Ok(row.map(|r| from_db_id(r.new_id)))
    }

    async fn list(&self, source: &str) -> Result<Vec<LegacyId>, DomainError> {
        let rows = Entity::find()
            .filter(Column::Source.eq(source))
            .order_by_asc(Column::OldId)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|r| LegacyId { source: r.source, old_id: r.old_id, new_id: from_db_id(r.new_id) })
            .collect())
    }

    async fn delete(&self, source: &str, old_id: &str) -> Result<bool, DomainError> {
        let result =
            Entity::delete_by_id((source.to_owned(), old_id.to_owned())).exec(&self.db).await.map_err(db_err)?;
        Ok(result.rows_affected > 0)
    }
}
