//! `UserRepository` on MongoDB: one document per user in `users`, `_id` the snowflake.

use folio_crypto::PasswordHash;
use folio_domain::page::{Page, PageRequest};
use folio_domain::users::{Email, Role, User, UserId, UserName, UserRepository, UserStatus};
use folio_domain::DomainError;
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc};
use mongodb::{Collection, Database};
use serde::{Deserialize, Serialize};

use crate::dates::{from_bson, to_bson};
use crate::errors::{corrupt, map_err};
use crate::ids::{from_db_id, to_db_id};
use crate::schema::USERS;

#[derive(Debug, Serialize, Deserialize)]
struct UserDocument {
    #[serde(rename = "_id")]
    id: i64,
    name: String,
    /// Lower-cased by `Email::parse`; unique through the `email_unique` index.
    email: String,
    password_hash: String,
    role: String,
    status: String,
    last_login_at: Option<bson::DateTime>,
    created_at: bson::DateTime,
    updated_at: bson::DateTime,
}

impl From<&User> for UserDocument {
    fn from(user: &User) -> Self {
        UserDocument {
            id: to_db_id(user.id.0),
            name: user.name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            password_hash: user.password_hash.as_str().to_owned(),
            role: user.role.as_str().to_owned(),
            status: user.status.as_str().to_owned(),
            last_login_at: user.last_login_at.map(to_bson),
            created_at: to_bson(user.created_at),
            updated_at: to_bson(user.updated_at),
        }
    }
}

impl TryFrom<UserDocument> for User {
    type Error = DomainError;

    fn try_from(d: UserDocument) -> Result<User, DomainError> {
        Ok(User {
            id: UserId(from_db_id(d.id)),
            name: UserName::parse(&d.name).map_err(|e| corrupt("users.name", e))?,
            email: Email::parse(&d.email).map_err(|e| corrupt("users.email", e))?,
            password_hash: PasswordHash::parse(&d.password_hash).map_err(|e| corrupt("users.password_hash", e))?,
            role: Role::parse(&d.role).map_err(|e| corrupt("users.role", e))?,
            status: UserStatus::parse(&d.status).map_err(|e| corrupt("users.status", e))?,
            last_login_at: d.last_login_at.map(|t| from_bson(t, "users.last_login_at")).transpose()?,
            created_at: from_bson(d.created_at, "users.created_at")?,
            updated_at: from_bson(d.updated_at, "users.updated_at")?,
        })
    }
}

const ENTITY: &str = "user";

fn db_err(e: mongodb::error::Error) -> DomainError {
    // The only unique field besides `_id` is the email; a duplicate `_id` would be a reused
    // snowflake, which the generator rules out.
    map_err(e, ENTITY, "email")
}

#[derive(Debug, Clone)]
pub struct MongoUserRepository {
    users: Collection<UserDocument>,
}

impl MongoUserRepository {
    pub fn new(db: &Database) -> Self {
        Self { users: db.collection(USERS) }
    }
}

#[async_trait::async_trait]
impl UserRepository for MongoUserRepository {
    async fn insert(&self, user: &User) -> Result<(), DomainError> {
        self.users.insert_one(UserDocument::from(user)).await.map_err(db_err)?;
        Ok(())
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError> {
        let found = self.users.find_one(doc! { "_id": to_db_id(id.0) }).await.map_err(db_err)?;
        found.map(User::try_from).transpose()
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError> {
        let found = self.users.find_one(doc! { "email": email.as_str() }).await.map_err(db_err)?;
        found.map(User::try_from).transpose()
    }

    async fn update(&self, user: &User) -> Result<(), DomainError> {
        let result = self
            .users
            .replace_one(doc! { "_id": to_db_id(user.id.0) }, UserDocument::from(user))
            .await
            .map_err(db_err)?;
        if result.matched_count == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, id: UserId) -> Result<bool, DomainError> {
        let result = self.users.delete_one(doc! { "_id": to_db_id(id.0) }).await.map_err(db_err)?;
        Ok(result.deleted_count > 0)
    }

    async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError> {
        let total = self.count().await?;
        let documents: Vec<UserDocument> = self
            .users
            .find(doc! {})
            .sort(doc! { "_id": 1 })
            .skip(page.offset())
            .limit(i64::from(page.per_page))
            .await
            .map_err(db_err)?
            .try_collect()
            .await
            .map_err(db_err)?;
        let items = documents.into_iter().map(User::try_from).collect::<Result<_, _>>()?;
        Ok(Page::new(items, total, page))
    }

    async fn count_active_admins(&self) -> Result<u64, DomainError> {
        self.users
            .count_documents(doc! { "role": Role::Admin.as_str(), "status": UserStatus::Active.as_str() })
            .await
            .map_err(db_err)
    }

    async fn count(&self) -> Result<u64, DomainError> {
        self.users.count_documents(doc! {}).await.map_err(db_err)
    }
}
