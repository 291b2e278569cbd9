use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mongodb::Database;

use crate::{connect, mask_uri, migrate, MongoConfig, MongoStore};

/// The server the MongoDB tests use: `FOLIO_TEST_MONGO_URI`, else the local default that
/// `scripts/test` starts. Under `CI=true` the variable must be set: CI names its services
/// rather than trusting whatever happens to listen on a port.
pub fn test_uri() -> String {
    match std::env::var("FOLIO_TEST_MONGO_URI") {
        Ok(uri) if !uri.trim().is_empty() => uri,
        _ if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!(
                "FOLIO_TEST_MONGO_URI is not set, and CI=true: MongoDB tests are never skipped (scripts/test sets it)"
            )
        }
        _ => "mongodb://127.0.0.1:27117".to_owned(),
    }
}

/// Settings for tests: few, quick attempts, so a missing server fails the test at once.
pub fn test_config(uri: &str) -> MongoConfig {
    let mut config = MongoConfig::new(uri);
    config.max_retries = 3;
    config.retry_delay = Duration::from_millis(200);
    config.server_selection_timeout = Duration::from_secs(3);
    config.connect_timeout = Duration::from_secs(3);
    config
}

/// A database of its own on the test server that lives as long as this value: dropping it
/// drops the database (best effort: a test that cannot reach the server cannot clean up,
/// which is why databases left by runs over an hour old are dropped when the next one starts).
#[derive(Debug)]
pub struct TestDatabase {
    pub store: MongoStore,
    pub name: String,
    uri: String,
}

impl TestDatabase {
    /// A fresh database, migrated.
    pub async fn migrated() -> TestDatabase {
        let test = Self::empty().await;
        migrate(test.db()).await.expect("migrate the test database");
        test
    }

    /// A fresh database with nothing in it, not even the schema version.
    pub async fn empty() -> TestDatabase {
        let base = test_uri();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let name = format!("folio_test_{now}_{:016x}", rand::random::<u64>());
        let mut config = test_config(&base);
        config.default_database = name.clone();
        let uri = with_database(&base, &name);
        config.uri = uri.clone().into();
        let store = connect(&config).await.unwrap_or_else(|e| {
            panic!(
                "MongoDB at FOLIO_TEST_MONGO_URI={} is required for this test ({e}); scripts/test starts one",
                mask_uri(&base)
            )
        });
        drop_stale(store.client(), now).await;
        TestDatabase { store, name, uri }
    }

    pub fn db(&self) -> &Database {
        self.store.db()
    }

    /// The test server's URI naming this database, e.g. for a `folio` process's
    /// `DATABASE_URL`.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop may run on a runtime that cannot be blocked on (or none): a thread of its own
        // with a client of its own, since the store's client belongs to the test's runtime.
        let (uri, name) = (self.uri.clone(), self.name.clone());
        let handle = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async move {
                let mut config = test_config(&uri);
                config.max_retries = 1;
                if let Ok(store) = connect(&config).await {
                    let _ = store.client().database(&name).drop().await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// The test URI with `name` as its database, keeping any options.
fn with_database(base: &str, name: &str) -> String {
    let (before_query, query) = match base.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (base, None),
    };
    let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
    let hosts = match before_query[scheme_end..].find('/') {
        Some(slash) => &before_query[..scheme_end + slash],
        None => before_query,
    };
    match query {
        Some(query) => format!("{hosts}/{name}?{query}"),
        None => format!("{hosts}/{name}"),
    }
}

async fn drop_stale(client: &mongodb::Client, now: u64) {
    let Ok(names) = client.list_database_names().await else { return };
    for name in names {
        let Some(created) = name.strip_prefix("folio_test_").and_then(|rest| rest.split('_').next()) else {
            continue;
        };
        let created = created.parse::<u64>().unwrap_or(now);
        if now.saturating_sub(created) > 3600 {
            let _ = client.database(&name).drop().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_goes_in_the_path_before_any_options() {
        assert_eq!(with_database("mongodb://127.0.0.1:27117", "t"), "mongodb://127.0.0.1:27117/t");
        assert_eq!(with_database("mongodb://h:1/old?w=1", "t"), "mongodb://h:1/t?w=1");
        assert_eq!(with_database("mongodb://u:p@a,b/?replicaSet=rs", "t"), "mongodb://u:p@a,b/t?replicaSet=rs");
    }
}
