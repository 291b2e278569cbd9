use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use crate::{connect, migrate, PoolOptions};

/// A migrated database that lives as long as this value: dropping it removes the SQLite
/// directory, or drops the PostgreSQL database.
#[derive(Debug)]
pub struct TestDatabase {
    pub db: DatabaseConnection,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else { return };
        // Drop runs outside any async context guarantee: use a thread with its own runtime.
        let base = postgres_base_url();
        let handle = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(&base).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// The server the PostgreSQL tests use: `FOLIO_TEST_POSTGRES_URL`, or the local default.
/// Never skipped: a missing server fails the test.
pub fn postgres_base_url() -> String {
    std::env::var("FOLIO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub async fn sqlite() -> TestDatabase {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}/folio.db?mode=rwc", dir.path().display());
    let db = connect(&url, &PoolOptions::default()).await.expect("connect sqlite");
    migrate(&db).await.expect("migrate sqlite");
    TestDatabase { db, url, _dir: Some(dir), postgres_name: None }
}

/// A new PostgreSQL database with a random name, migrated. Names carry their creation
/// time, and databases left by runs over an hour old are dropped on the way, since a test
/// cannot run async cleanup when it ends.
pub async fn postgres() -> TestDatabase {
    let base = postgres_base_url();
    let admin = Database::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for this test: {e}"));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    drop_stale(&admin, now).await;
    let name = format!("folio_test_{now}_{:016x}", rand_u64());
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
    let _ = admin.close().await;
    let url = with_database(&base, &name);
    let db = connect(&url, &PoolOptions::default()).await.expect("connect postgres");
    migrate(&db).await.expect("migrate postgres");
    TestDatabase { db, url, _dir: None, postgres_name: Some(name) }
}

async fn drop_stale(admin: &DatabaseConnection, now: u64) {
    let Ok(rows) = admin
        .query_all(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'folio_test_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let created = name.split('_').nth(2).and_then(|s| s.parse::<u64>().ok()).unwrap_or(now);
        if now.saturating_sub(created) > 3600 {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        }
    }
}

fn with_database(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("FOLIO_TEST_POSTGRES_URL is a URL");
    url.set_path(name);
    url.to_string()
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}
