//! MongoDB adapters for Folio's repository ports, on the official `mongodb` driver.
//!
//! [`connect`] reads the old Node service's settings (`MONGO_URI`, `MONGO_AUTH_SOURCE`,
//! `MONGO_MAX_RETRIES`, `MONGO_RETRY_DELAY_MS`) through [`MongoConfig`], retries while the
//! server is still starting, and never logs a password ([`mask_uri`]). [`migrate`] creates
//! the collections and indexes and records the schema version that [`check_schema`] checks.
//! Snowflake ids are stored as 64-bit integers in `_id`, times as BSON dates.

mod connection;
mod content;
mod dates;
mod errors;
mod health;
mod ids;
mod legacy;
mod media;
mod schema;
mod transactions;
mod uri;
mod users;

/// A database of its own per test on the server named by `FOLIO_TEST_MONGO_URI`.
#[cfg(feature = "testing")]
pub mod testing;

pub use connection::{
    connect, MongoConfig, MongoError, MongoStore, DEFAULT_AUTH_SOURCE, DEFAULT_MAX_RETRIES, DEFAULT_RETRY_DELAY,
    MAX_RETRY_DELAY,
};
pub use content::{MongoArticleRepository, MongoCollectionRepository, MongoContent};
pub use health::MongoHealth;
pub use legacy::MongoLegacyIdRepository;
pub use media::MongoMediaRepository;
pub use schema::{check_schema, migrate, SCHEMA_VERSION};
pub use transactions::{detect as detect_transactions, hello_supports_transactions, Transactions};
pub use uri::{apply_auth_source, mask_uri, uri_database, uri_hosts};
pub use users::MongoUserRepository;
