//! The one error type of the domain, in the caller's terms. The API maps each variant to a
//! problem-details response in exactly one place.

use std::time::Duration;

/// What was wrong with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// The field's name as the client sent it (`email`, `title.en`, `items[2].position`).
    pub field: String,
    /// A stable machine-readable code (`required`, `too_long`, `invalid_format`).
    pub code: String,
    /// A human-readable message.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    #[error("a {entity} with this {field} already exists")]
    Conflict { entity: &'static str, field: &'static str },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong email or password: deliberately one error for both.
    #[error("invalid email or password")]
    InvalidCredentials,
    /// The account exists but may not sign in (`banned`, `unverified`).
    #[error("this account is {status}")]
    AccountDisabled { status: &'static str },
    #[error("{0}")]
    Forbidden(&'static str),
    /// A body larger than its limit (bytes).
    #[error("larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// Content of a type that is not accepted here (what was detected).
    #[error("unsupported content type {0}")]
    UnsupportedType(String),
    #[error("too many requests")]
    RateLimited { retry_after: Duration },
    #[error("{dependency} is unavailable")]
    Unavailable { dependency: &'static str },
    /// Something that should not happen; the message goes to the log, never to a client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }
}
