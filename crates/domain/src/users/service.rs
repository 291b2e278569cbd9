//! Managing users: what admins, operators and open registration may do.

use std::sync::Arc;

use crate::clock;
use folio_id::IdGenerator;

use super::repository::is_active_admin;
use super::{Email, NewPassword, Role, User, UserId, UserName, UserRepository, UserStatus};
use crate::page::{Page, PageRequest};
use crate::passwords::PasswordWorker;
use crate::sessions::SessionStore;
use crate::{DomainError, FieldError};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: UserName,
    pub email: Email,
    pub password: NewPassword,
    pub role: Role,
    pub status: UserStatus,
}

/// Fields an admin may change; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<UserName>,
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
}

#[derive(Debug, Clone)]
pub struct UserService {
    users: Arc<dyn UserRepository>,
    sessions: Arc<dyn SessionStore>,
    passwords: PasswordWorker,
    ids: Arc<dyn IdGenerator>,
}

impl UserService {
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionStore>,
        passwords: PasswordWorker,
        ids: Arc<dyn IdGenerator>,
    ) -> UserService {
        UserService { users, sessions, passwords, ids }
    }

    pub async fn create(&self, new: NewUser) -> Result<User, DomainError> {
        let id = self.ids.generate().map_err(|e| DomainError::Internal(format!("id generation: {e}")))?;
        let now = clock::now();
        let user = User {
            id: UserId(id),
            name: new.name,
            email: new.email,
            password_hash: self.passwords.hash(new.password.expose().to_owned()).await?,
            role: new.role,
            status: new.status,
            last_login_at: None,
            created_at: now,
            updated_at: now,
        };
        self.users.insert(&user).await?;
        tracing::info!(user_id = %user.id, role = user.role.as_str(), "user created");
        Ok(user)
    }

    pub async fn get(&self, id: UserId) -> Result<User, DomainError> {
        self.users.find_by_id(id).await?.ok_or(DomainError::NotFound { entity: "user" })
    }

    pub async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError> {
        self.users.find_by_email(email).await
    }

    pub async fn list(&self, page: PageRequest) -> Result<Page<User>, DomainError> {
        self.users.list(page).await
    }

    /// Applies `changes`. Banning (or marking unverified) ends the user's sessions at once;
    /// a role change applies from the user's next request. The last active admin cannot be
    /// demoted or disabled.
    pub async fn update(&self, id: UserId, changes: UserChanges) -> Result<User, DomainError> {
        let mut user = self.get(id).await?;
        let was_admin = is_active_admin(&user);
        if let Some(name) = changes.name {
            user.name = name;
        }
        if let Some(role) = changes.role {
            user.role = role;
        }
        if let Some(status) = changes.status {
            user.status = status;
        }
        if was_admin && !is_active_admin(&user) {
            self.ensure_another_admin().await?;
        }
        user.updated_at = clock::now();
        self.users.update(&user).await?;
        if user.status != UserStatus::Active {
            let ended = self.sessions.delete_for_user(user.id, None).await?;
            tracing::info!(user_id = %user.id, status = user.status.as_str(), ended_sessions = ended, "user disabled");
        }
        Ok(user)
    }

    /// Deletes the user and ends their sessions.
    pub async fn delete(&self, id: UserId) -> Result<(), DomainError> {
        let user = self.get(id).await?;
        if is_active_admin(&user) {
            self.ensure_another_admin().await?;
        }
        self.sessions.delete_for_user(id, None).await?;
        if !self.users.delete(id).await? {
            return Err(DomainError::NotFound { entity: "user" });
        }
        tracing::info!(user_id = %id, "user deleted");
        Ok(())
    }

    /// Sets a new password (an operator's reset) and ends every session of the user.
    pub async fn reset_password(&self, id: UserId, password: NewPassword) -> Result<User, DomainError> {
        let mut user = self.get(id).await?;
        user.password_hash = self.passwords.hash(password.expose().to_owned()).await?;
        user.updated_at = clock::now();
        self.users.update(&user).await?;
        self.sessions.delete_for_user(id, None).await?;
        Ok(user)
    }

    /// The first admin, for `folio seed`: created when no user has this email, left alone
    /// otherwise (so seeding twice changes nothing). Returns the user and whether it is new.
    pub async fn ensure_admin(
        &self,
        name: UserName,
        email: Email,
        password: NewPassword,
    ) -> Result<(User, bool), DomainError> {
        if let Some(existing) = self.users.find_by_email(&email).await? {
            return Ok((existing, false));
        }
        let user =
            self.create(NewUser { name, email, password, role: Role::Admin, status: UserStatus::Active }).await?;
        Ok((user, true))
    }

    async fn ensure_another_admin(&self) -> Result<(), DomainError> {
        if self.users.count_active_admins().await? <= 1 {
            return Err(DomainError::Invalid(vec![FieldError::new(
                "role",
                "last_admin",
                "the last active admin cannot be demoted, disabled or deleted",
            )]));
        }
        Ok(())
    }
}
