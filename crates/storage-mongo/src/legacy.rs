//! `LegacyIdRepository` on MongoDB: one document per old id in `legacy_ids`, made unique by
//! the `source_old_id_unique` index.

use folio_domain::legacy::{LegacyId, LegacyIdRepository};
use folio_domain::DomainError;
use folio_id::Snowflake;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::dates::to_bson;
use crate::errors::{is_duplicate_key, map_err};
use crate::ids::{from_db_id, to_db_id};
use crate::schema::LEGACY_IDS;

#[derive(Debug, Serialize, Deserialize)]
struct LegacyIdDocument {
    source: String,
    old_id: String,
    new_id: i64,
    created_at: bson::DateTime,
}

fn db_err(e: mongodb::error::Error) -> DomainError {
    map_err(e, "legacy id", "old_id")
}

#[derive(Debug, Clone)]
pub struct MongoLegacyIdRepository {
    ids: Collection<LegacyIdDocument>,
}

impl MongoLegacyIdRepository {
    pub fn new(db: &Database) -> Self {
        Self { ids: db.collection(LEGACY_IDS) }
    }
}

#[async_trait::async_trait]
impl LegacyIdRepository for MongoLegacyIdRepository {
    async fn record(&self, source: &str, old_id: &str, new_id: Snowflake) -> Result<(), DomainError> {
        let document = LegacyIdDocument {
            source: source.to_owned(),
            old_id: old_id.to_owned(),
            new_id: to_db_id(new_id),
            created_at: to_bson(folio_domain::clock::now()),
        };
        match self.ids.insert_one(document).await {
            Ok(_) => Ok(()),
            // Recorded before (or by a racing writer): fine when it is the same mapping.
            Err(e) if is_duplicate_key(&e) => match self.find(source, old_id).await? {
                Some(stored) if stored == new_id => Ok(()),
                _ => Err(DomainError::Conflict { entity: "legacy id", field: "old_id" }),
            },
            Err(e) => Err(db_err(e)),
        }
    }

    async fn find(&self, source: &str, old_id: &str) -> Result<Option<Snowflake>, DomainError> {
        let found = self.ids.find_one(doc! { "source": source, "old_id": old_id }).await.map_err(db_err)?;
        Ok(found.map(|d| from_db_id(d.new_id)))
    }

    async fn list(&self, source: &str) -> Result<Vec<LegacyId>, DomainError> {
        let documents: Vec<LegacyIdDocument> = self
            .ids
            .find(doc! { "source": source })
            .sort(doc! { "old_id": 1 })
            .await
            .map_err(db_err)?
            .try_collect()
            .await
            .map_err(db_err)?;
        Ok(documents
            .into_iter()
            .map(|d| LegacyId { source: d.source, old_id: d.old_id, new_id: from_db_id(d.new_id) })
            .collect())
    }

    async fn delete(&self, source: &str, old_id: &str) -> Result<bool, DomainError> {
        let result = self.ids.delete_one(doc! { "source": source, "old_id": old_id }).await.map_err(db_err)?;
        Ok(result.deleted_count > 0)
    }
}
