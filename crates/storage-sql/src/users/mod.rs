//! `UserRepository` on SQL.

mod entity;

use folio_crypto::PasswordHash;
use folio_domain::page::{Page, PageRequest};
use folio_domain::users::{Email, Role, User, UserId, UserName, UserRepository, UserStatus};
use folio_domain::DomainError;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::errors::{corrupt, map_db_err};
use crate::ids::{from_db_id, to_db_id};
use entity::{ActiveModel, Column, Entity, Model};

#[derive(Debug, Clone)]
pub struct SqlUserRepository {
    db: DatabaseConnection,
}

impl SqlUserRepository {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_active(user: &User) -> ActiveModel {
    ActiveModel {
        id: ActiveValue::Set(to_db_id(user.id.0)),
        name: ActiveValue::Set(user.name.as_str().to_owned()),
        email: ActiveValue::Set(user.email.as_str().to_owned()),
        password_hash: ActiveValue::Set(user.password_hash.as_str().to_owned()),
        role: ActiveValue::Set(user.role.as_str().to_owned()),
        status: ActiveValue::Set(user.status.as_str().to_owned()),
        last_login_at: ActiveValue::Set(user.last_login_at),
        created_at: ActiveValue::Set(user.created_at),
        updated_at: ActiveValue::Set(user.updated_at),
    }
}

fn from_model(m: Model) -> Result<User, DomainError> {
    Ok(User {
        id: UserId(from_db_id(m.id)),
        name: UserName::parse(&m.name).map_err(|e| corrupt("users.name", e))?,
        email: Email::parse(&m.email).map_err(|e| corrupt("users.email", e))?,
        password_hash: PasswordHash::parse(&m.password_hash)
            .map_err(|e| corrupt("users.password_hash", e.to_string()))?,
        role: Role::parse(&m.role).map_err(|e| corrupt("users.role", e))?,
        status: UserStatus::parse(&m.status).map_err(|e| corrupt("users.status", e))?,
        last_login_at: m.last_login_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

const ENTITY: &str = "user";

#[async_trait::async_trait]
impl UserRepository for SqlUserRepository {
    async fn insert(&self, user: &User) -> Result<(), DomainError> {
        Entity::insert(to_active(user))
            .exec_without_returning(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))?;
        Ok(())
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError> {
        Entity::find_by_id(to_db_id(id.0))
            .one(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))?
            .map(from_model)
            .transpose()
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError> {
        Entity::find()
            .filter(Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))?
            .map(from_model)
            .transpose()
    }

    async fn update(&self, user: &User) -> Result<(), DomainError> {
        let result = Entity::update_many()
            .set(to_active(user))
            .filter(Column::Id.eq(to_db_id(user.id.0)))
            .exec(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))?;
        if result.rows_affected == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, id: UserId) -> Result<bool, DomainError> {
        let result =
            Entity::delete_by_id(to_db_id(id.0)).exec(&self.db).await.map_err(|e| map_db_err(e, ENTITY, "email"))?;
        Ok(result.rows_affected > 0)
    }

    async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError> {
        let total = self.count().await?;
        let models = Entity::find()
            .order_by_asc(Column::Id)
            .offset(page.offset())
            .limit(u64::from(page.per_page))
            .all(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))?;
        let items = models.into_iter().map(from_model).collect::<Result<_, _>>()?;
        Ok(Page::new(items, total, page))
    }

    async fn count_active_admins(&self) -> Result<u64, DomainError> {
        Entity::find()
            .filter(Column::Role.eq(Role::Admin.as_str()))
            .filter(Expr::col(Column::Status).eq(UserStatus::Active.as_str()))
            .count(&self.db)
            .await
            .map_err(|e| map_db_err(e, ENTITY, "email"))
    }

    async fn count(&self) -> Result<u64, DomainError> {
        Entity::find().count(&self.db).await.map_err(|e| map_db_err(e, ENTITY, "email"))
    }
}
