//! Users: who can sign in, and with which role.

mod repository;
mod service;
mod values;

use std::fmt;

use chrono::{DateTime, Utc};
use folio_crypto::PasswordHash;
use folio_id::Snowflake;
use serde::{Deserialize, Serialize};

pub use repository::UserRepository;
pub use service::{NewUser, UserChanges, UserService};
pub use values::{Email, NewPassword, Role, UserName, UserStatus};

/// A user's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Snowflake);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A stored user. Deliberately not `Serialize`, and its `Debug` leaves the hash out, so the
/// hash cannot reach a response or a log line by accident: the API has its own view type.
#[derive(Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub name: UserName,
    pub email: Email,
    pub password_hash: PasswordHash,
    pub role: Role,
    pub status: UserStatus,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
