use crate::page::{Page, PageRequest};
use crate::DomainError;

use super::{Email, User, UserId, UserStatus};

/// Where users are stored. Email uniqueness is the store's job: `insert` and `update`
/// answer `DomainError::Conflict { field: "email" }` when the address is taken.
#[async_trait::async_trait]
pub trait UserRepository: Send + Sync + std::fmt::Debug {
    async fn insert(&self, user: &User) -> Result<(), DomainError>;
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError>;
    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError>;
    /// Replaces every field of the stored user with the same id; `NotFound` when missing.
    async fn update(&self, user: &User) -> Result<(), DomainError>;
    /// `true` when a user was deleted.
    async fn delete(&self, id: UserId) -> Result<bool, DomainError>;
    /// Users ordered by id (creation order).
    async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError>;
    /// Active admins, so that the last one cannot be demoted, banned or deleted.
    async fn count_active_admins(&self) -> Result<u64, DomainError>;
    /// How many users are stored at all.
    async fn count(&self) -> Result<u64, DomainError>;
}

/// Used by the in-memory fake and conformance tests.
pub fn is_active_admin(user: &User) -> bool {
    user.role == super::Role::Admin && user.status == UserStatus::Active
}
