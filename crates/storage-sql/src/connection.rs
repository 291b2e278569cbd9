use std::path::Path;
use std::time::Duration;

use folio_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
    #[error("migration failed: {0}")]
    Migrate(DbErr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool sizing and timeouts, from configuration.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_connections: u32,
    pub connect_timeout: Duration,
    pub acquire_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self { max_connections: 10, connect_timeout: Duration::from_secs(5), acquire_timeout: Duration::from_secs(5) }
    }
}

/// Opens a pool on `url` (`sqlite://path?mode=rwc` or `postgres://…`).
///
/// For SQLite the parent directory is created and the file is switched to WAL, so readers
/// never wait for the writer.
pub async fn connect(url: &str, pool: &PoolOptions) -> Result<DatabaseConnection, SqlError> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| SqlError::CreateDir { path: dir.display().to_string(), source })?;
        }
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool.max_connections)
        .min_connections(1)
        .connect_timeout(pool.connect_timeout)
        .acquire_timeout(pool.acquire_timeout)
        .sqlx_logging(false)
        // Per connection: WAL so readers never wait for the writer; synchronous=NORMAL, with
        // which a commit does not wait for an fsync (the WAL is synced at checkpoints): that
        // cannot corrupt the database, though a power cut may lose the last transactions.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    Database::connect(options).await.map_err(SqlError::Connect)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), SqlError> {
    Migrator::up(db, None).await.map_err(SqlError::Migrate)
}

/// The file path of a `sqlite:` URL, if it is one (and not in-memory).
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_read_from_urls() {
        assert_eq!(sqlite_path("sqlite://data/folio.db?mode=rwc").as_deref(), Some("data/folio.db"));
        assert_eq!(sqlite_path("sqlite:/abs/x.db").as_deref(), Some("/abs/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/x"), None);
    }

    #[tokio::test]
    async fn a_fresh_sqlite_file_is_created_and_migrated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/nested/folio.db?mode=rwc", dir.path().display());
        let db = connect(&url, &PoolOptions::default()).await.expect("connect");
        migrate(&db).await.expect("migrate");
        // Applying again is a no-op.
        migrate(&db).await.expect("migrate again");
        assert!(dir.path().join("nested/folio.db").exists());
    }
}
