//! Folio's domain: entities, value types, the ports that storage adapters implement, and
//! the services that use them. Nothing here knows about HTTP or a particular database.

pub mod auth;
pub mod cache;
pub mod clock;
pub mod content;
pub mod error;
pub mod health;
pub mod ids;
pub mod legacy;
pub mod limits;
pub mod locks;
pub mod media;
pub mod objects;
pub mod page;
pub mod passwords;
pub mod sessions;
pub mod users;
pub mod values;

/// Conformance suites for the ports, run by every adapter's tests.
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{DomainError, FieldError};
pub use page::{Page, PageRequest};
