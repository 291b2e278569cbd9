//! `MediaRepository` on SQL.

mod entity;

use std::str::FromStr;

use folio_domain::media::{Media, MediaCategory, MediaFilter, MediaId, MediaRepository, MediaVariant};
use folio_domain::objects::ObjectKey;
use folio_domain::page::{Page, PageRequest};
use folio_domain::users::UserId;
use folio_domain::values::Localized;
use folio_domain::DomainError;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::errors::{corrupt, map_db_err};
use crate::ids::{from_db_id, to_db_id};
use entity::{pending, ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone)]
pub struct SqlMediaRepository {
    db: DatabaseConnection,
}

impl SqlMediaRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

const ENTITY: &str = "media";

fn db_err(e: sea_orm::DbErr) -> DomainError {
    map_db_err(e, ENTITY, "id")
}

fn to_active(media: &Media) -> Result<ActiveModel, DomainError> {
    let json =
        |value: serde_json::Result<String>| value.map_err(|e| DomainError::Internal(format!("encoding media: {e}")));
    Ok(ActiveModel {
        id: ActiveValue::Set(to_db_id(media.id.0)),
        category: ActiveValue::Set(media.category.as_str().to_owned()),
        title: ActiveValue::Set(json(serde_json::to_string(&media.title))?),
        storage_key: ActiveValue::Set(media.key.to_string()),
        size: ActiveValue::Set(i64::try_from(media.size).unwrap_or(i64::MAX)),
        content_type: ActiveValue::Set(media.content_type.clone()),
        sha256: ActiveValue::Set(media.sha256.clone()),
        etag: ActiveValue::Set(media.etag.clone()),
        width: ActiveValue::Set(media.width.map(|w| i32::try_from(w).unwrap_or(i32::MAX))),
        height: ActiveValue::Set(media.height.map(|h| i32::try_from(h).unwrap_or(i32::MAX))),
        duration_ms: ActiveValue::Set(media.duration_ms.map(|d| i64::try_from(d).unwrap_or(i64::MAX))),
        variants: ActiveValue::Set(json(serde_json::to_string(&media.variants))?),
        uploaded_by: ActiveValue::Set(media.uploaded_by.map(|u| to_db_id(u.0))),
        created_at: ActiveValue::Set(media.created_at),
        updated_at: ActiveValue::Set(media.updated_at),
    })
}

fn from_model(m: Model) -> Result<Media, DomainError> {
    let title: Localized = serde_json::from_str(&m.title).map_err(|e| corrupt("media.title", e.to_string()))?;
    let variants: Vec<MediaVariant> =
        serde_json::from_str(&m.variants).map_err(|e| corrupt("media.variants", e.to_string()))?;
    Ok(Media {
        id: MediaId(from_db_id(m.id)),
        category: MediaCategory::from_str(&m.category).map_err(|e| corrupt("media.category", e))?,
        title,
        key: ObjectKey::parse(&m.storage_key).map_err(|e| corrupt("media.storage_key", e))?,
        size: u64::try_from(m.size).map_err(|e| corrupt("media.size", e.to_string()))?,
        content_type: m.content_type,
        sha256: m.sha256,
        etag: m.etag,
        width: m.width.and_then(|w| u32::try_from(w).ok()),
        height: m.height.and_then(|h| u32::try_from(h).ok()),
        duration_ms: m.duration_ms.and_then(|d| u64::try_from(d).ok()),
        variants,
        uploaded_by: m.uploaded_by.map(|u| UserId(from_db_id(u))),
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

fn filter_condition(filter: &MediaFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(category) = filter.category {
        condition = condition.add(Column::Category.eq(category.as_str()));
    }
    if let Some(content_type) = &filter.content_type {
        condition = condition.add(Column::ContentType.eq(content_type.as_str()));
    }
    condition
}

#[async_trait::async_trait]
impl MediaRepository for SqlMediaRepository {
    async fn insert(&self, media: &Media) -> Result<(), DomainError> {
        Entity::insert(to_active(media)?).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn find(&self, id: MediaId) -> Result<Option<Media>, DomainError> {
        Entity::find_by_id(to_db_id(id.0)).one(&self.db).await.map_err(db_err)?.map(from_model).transpose()
    }

    async fn list(&self, filter: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError> {
        let condition = filter_condition(filter);
        let total = Entity::find().filter(condition.clone()).count(&self.db).await.map_err(db_err)?;
        let models = Entity::find()
            .filter(condition)
            .order_by_desc(Column::Id)
            .offset(page.offset())
            .limit(u64::from(page.per_page))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let items = models.into_iter().map(from_model).collect::<Result<_, _>>()?;
        Ok(Page::new(items, total, page))
    }

    async fn update(&self, media: &Media) -> Result<(), DomainError> {
        let result = Entity::update_many()
            .set(to_active(media)?)
            .filter(Column::Id.eq(to_db_id(media.id.0)))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, id: MediaId) -> Result<bool, DomainError> {
        let result = Entity::delete_by_id(to_db_id(id.0)).exec(&self.db).await.map_err(db_err)?;
        Ok(result.rows_affected > 0)
    }

    async fn add_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        if keys.is_empty() {
            return Ok(());
        }
        let now = folio_domain::clock::now();
        let rows = keys.iter().map(|key| pending::ActiveModel {
            storage_key: ActiveValue::Set(key.clone()),
            created_at: ActiveValue::Set(now),
        });
        pending::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(pending::Column::StorageKey).do_nothing().to_owned())
            .exec_without_returning(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn pending_deletions(&self, limit: u64) -> Result<Vec<String>, DomainError> {
        let rows = pending::Entity::find()
            .order_by_asc(pending::Column::CreatedAt)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|r| r.storage_key).collect())
    }

    async fn remove_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError> {
        if keys.is_empty() {
            return Ok(());
        }
        pending::Entity::delete_many()
            .filter(pending::Column::StorageKey.is_in(keys.iter().cloned()))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}
