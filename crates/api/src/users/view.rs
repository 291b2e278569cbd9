use chrono::{DateTime, Utc};
use folio_domain::users::User;
use serde::Serialize;
use utoipa::ToSchema;

/// A user as the API shows it: never with its password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Snowflake id, as a string.
    #[schema(example = "262710484852588544")]
    pub id: String,
    pub name: String,
    pub email: String,
    #[schema(example = "editor")]
    pub role: &'static str,
    #[schema(example = "active")]
    pub status: &'static str,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        UserView {
            id: user.id.to_string(),
            name: user.name.as_str().to_owned(),
            email: user.email.as_str().to_owned(),
            role: user.role.as_str(),
            status: user.status.as_str(),
            last_login_at: user.last_login_at,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// One page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u64,
}
