//! The database the settings name (SQLite, PostgreSQL or MongoDB) and the repositories on it.

use std::sync::Arc;

use anyhow::Context;
use folio_domain::content::articles::ArticleRepository;
use folio_domain::content::CollectionRepository;
use folio_domain::health::HealthCheck;
use folio_domain::legacy::LegacyIdRepository;
use folio_domain::media::MediaRepository;
use folio_domain::users::UserRepository;
use folio_storage_mongo::{
    check_schema, mask_uri, MongoConfig, MongoContent, MongoError, MongoHealth, MongoLegacyIdRepository,
    MongoMediaRepository, MongoStore, MongoUserRepository, Transactions, SCHEMA_VERSION,
};
use folio_storage_sql::{
    DatabaseConnection, PoolOptions, SqlContent, SqlHealth, SqlLegacyIdRepository, SqlMediaRepository,
    SqlUserRepository,
};
use secrecy::ExposeSecret;

use crate::settings::{DatabaseKind, Settings};

/// A connected database.
#[derive(Debug, Clone)]
pub enum Database {
    /// SQLite or PostgreSQL.
    Sql(DatabaseConnection),
    Mongo(MongoStore),
}

/// Every repository the services need, on one database.
#[derive(Debug, Clone)]
pub struct Repositories {
    pub users: Arc<dyn UserRepository>,
    pub media: Arc<dyn MediaRepository>,
    pub collections: Arc<dyn CollectionRepository>,
    pub articles: Arc<dyn ArticleRepository>,
    /// Old ids of imported content.
    pub legacy: Arc<dyn LegacyIdRepository>,
    pub health: Arc<dyn HealthCheck>,
}

impl Database {
    /// Connects to the configured database. SQL is migrated when `DATABASE_AUTO_MIGRATE` is
    /// on; MongoDB is tried `MONGO_MAX_RETRIES` times, then must hold this build's schema
    /// (`folio migrate up` writes it), or the start stops with one line saying so.
    pub async fn open(settings: &Settings) -> anyhow::Result<Database> {
        match settings.database.kind {
            DatabaseKind::Sqlite | DatabaseKind::Postgres => {
                let db = connect_sql(settings).await?;
                if settings.database.auto_migrate {
                    folio_storage_sql::migrate(&db).await?;
                }
                Ok(Database::Sql(db))
            }
            DatabaseKind::Mongo => {
                let store = connect_mongo(settings).await?;
                check_schema(store.db()).await.map_err(schema_problem)?;
                Ok(Database::Mongo(store))
            }
        }
    }

    pub fn repositories(&self) -> Repositories {
        match self {
            Database::Sql(db) => {
                let content = SqlContent::new(db.clone());
                Repositories {
                    users: Arc::new(SqlUserRepository::new(db.clone())),
                    media: Arc::new(SqlMediaRepository::new(db.clone())),
                    collections: Arc::new(content.collections()),
                    articles: Arc::new(content.articles()),
                    legacy: Arc::new(SqlLegacyIdRepository::new(db.clone())),
                    health: Arc::new(SqlHealth::new(db.clone())),
                }
            }
            Database::Mongo(store) => {
                let content = MongoContent::new(store.clone());
                Repositories {
                    users: Arc::new(MongoUserRepository::new(store.db())),
                    media: Arc::new(MongoMediaRepository::new(store.db())),
                    collections: Arc::new(content.collections()),
                    articles: Arc::new(content.articles()),
                    legacy: Arc::new(MongoLegacyIdRepository::new(store.db())),
                    health: Arc::new(MongoHealth::new(store.db().clone())),
                }
            }
        }
    }

    /// Closes the pool.
    pub async fn close(self) -> anyhow::Result<()> {
        match self {
            Database::Sql(db) => db.close().await.context("closing the database pool"),
            Database::Mongo(store) => {
                store.client().clone().shutdown().await;
                Ok(())
            }
        }
    }
}

/// The connected SQL database (SQLite or PostgreSQL).
pub async fn connect_sql(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let database = &settings.database;
    let pool = PoolOptions {
        max_connections: database.max_connections,
        connect_timeout: database.connect_timeout,
        acquire_timeout: database.acquire_timeout,
    };
    folio_storage_sql::connect(database.url.expose_secret(), &pool)
        .await
        .with_context(|| format!("database {:?}", database.kind))
}

/// The driver's settings from Folio's: the Node service's `MONGO_*` variables, and the pool
/// size and connect timeout every database shares.
pub fn mongo_config(settings: &Settings) -> MongoConfig {
    let database = &settings.database;
    let mut config = MongoConfig::new(database.url.expose_secret());
    config.auth_source = database.mongo.auth_source.clone();
    config.max_retries = database.mongo.max_retries;
    config.retry_delay = database.mongo.retry_delay;
    config.pool_size = database.max_connections;
    config.server_selection_timeout = database.mongo.server_selection_timeout;
    config.connect_timeout = database.connect_timeout;
    config.transactions = Transactions::Detect;
    config
}

/// Connects to MongoDB, retrying while it does not answer. Every line logged or returned
/// shows the URI masked.
pub async fn connect_mongo(settings: &Settings) -> anyhow::Result<MongoStore> {
    let config = mongo_config(settings);
    tracing::info!(
        uri = %mask_uri(config.uri.expose_secret()),
        attempts = config.max_retries,
        "connecting to MongoDB"
    );
    Ok(folio_storage_mongo::connect(&config).await?)
}

/// What the operator should do about a database without this build's schema.
fn schema_problem(error: MongoError) -> anyhow::Error {
    match error {
        MongoError::SchemaMissing { database } => anyhow::anyhow!(
            "the MongoDB database {database} holds no Folio schema: run `folio migrate up` with the same configuration first"
        ),
        MongoError::SchemaMismatch { database, found, expected } if found < expected => anyhow::anyhow!(
            "the MongoDB database {database} has schema version {found}, this build needs {expected}: run `folio migrate up` first"
        ),
        MongoError::SchemaMismatch { database, found, expected } => anyhow::anyhow!(
            "the MongoDB database {database} has schema version {found}, written by a newer Folio; this build needs {expected}"
        ),
        other => other.into(),
    }
}

/// `folio migrate status` on MongoDB: the stored version against this build's.
pub async fn mongo_schema_status(store: &MongoStore) -> anyhow::Result<String> {
    Ok(match check_schema(store.db()).await {
        Ok(()) => format!("applied  schema version {SCHEMA_VERSION}"),
        Err(MongoError::SchemaMissing { .. }) => format!("pending  schema version {SCHEMA_VERSION}"),
        Err(MongoError::SchemaMismatch { found, expected, .. }) if found < expected => {
            format!("applied  schema version {found}\npending  schema version {expected}")
        }
        Err(MongoError::SchemaMismatch { found, expected, .. }) => {
            format!("applied  schema version {found} (newer than this build's {expected})")
        }
        Err(other) => return Err(other.into()),
    })
}
