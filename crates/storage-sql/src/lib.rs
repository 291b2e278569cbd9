//! SeaORM adapters for Folio's repository ports: PostgreSQL, and SQLite as the embedded
//! default. The same code serves both; where their SQL differs, the difference is local.

mod connection;
mod content;
mod errors;
mod health;
mod ids;
mod legacy;
mod media;
mod users;

/// Fresh databases for tests: a temporary SQLite file, or a PostgreSQL database of its own.
#[cfg(feature = "testing")]
pub mod testing;

pub use connection::{connect, migrate, Backend, PoolOptions, SqlError};
pub use content::{SqlArticleRepository, SqlCollectionRepository, SqlContent};
pub use health::SqlHealth;
pub use legacy::SqlLegacyIdRepository;
pub use media::SqlMediaRepository;
pub use sea_orm::DatabaseConnection;
pub use users::SqlUserRepository;
