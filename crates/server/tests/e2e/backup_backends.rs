//! A demo site backed up to the S3 test server restores into an empty database of the same
//! backend or another, and the restored site serves the very responses the original served:
//! round trips on SQLite, PostgreSQL and MongoDB, and MongoDB to PostgreSQL and back.

use std::any::Any;

use serde_json::Value;

use crate::media::{s3_env, unique_prefix};
use crate::support::TestApp;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
    Mongo,
}

/// A running site on `backend`, with what keeps its database alive.
struct Site {
    app: TestApp,
    _database: Box<dyn Any + Send>,
}

/// `folio serve` on an empty, migrated database of `backend`, sharing `env` (the S3 store).
async fn site(backend: Backend, env: &[(String, String)]) -> Site {
    let mut env: Vec<(String, String)> = env.to_vec();
    let database: Box<dyn Any + Send> = match backend {
        Backend::Sqlite => Box::new(()),
        Backend::Postgres => {
            let db = folio_storage_sql::testing::postgres().await;
            env.push(("DATABASE_URL".into(), db.url.clone()));
            Box::new(db)
        }
        Backend::Mongo => {
            let db = folio_storage_mongo::testing::TestDatabase::empty().await;
            env.push(("DATABASE_URL".into(), db.uri().to_owned()));
            let dir = tempfile::tempdir().expect("tempdir");
            let migrated = crate::support::folio(dir.path())
                .envs(env.iter().map(|(k, v)| (k, v)))
                .args(["migrate", "up"])
                .output()
                .expect("folio migrate up");
            ok(&migrated);
            Box::new(db)
        }
    };
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Site { app: TestApp::spawn_with(&env).await, _database: database }
}

fn ok(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

/// What an anonymous visitor sees: the profile, every collection (nested ones by parent),
/// the article list and each article's page.
async fn visible_site(app: &TestApp) -> Vec<(String, Value)> {
    let mut paths: Vec<String> = [
        "/api/v1/profile",
        "/api/v1/albums",
        "/api/v1/gallery-images",
        "/api/v1/songs",
        "/api/v1/videos",
        "/api/v1/websites",
        "/api/v1/cv-sections",
        "/api/v1/cv-subsections",
        "/api/v1/article-categories",
        "/api/v1/article-subcategories",
        "/api/v1/article-sections",
        "/api/v1/articles?per_page=100&sort=title",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut out = Vec::new();
    let mut i = 0;
    while i < paths.len() {
        let path = paths[i].clone();
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body: Value = response.json().await.expect("json");
        if path.starts_with("/api/v1/articles?") {
            let slugs = body["items"].as_array().expect("a page of articles").iter().filter_map(|a| a["slug"].as_str());
            paths.extend(slugs.map(|slug| format!("/api/v1/articles/{slug}")));
        }
        out.push((path, body));
        i += 1;
    }
    out
}

async fn round_trip(from: Backend, to: Backend) {
    let prefix = unique_prefix();
    let mut env = s3_env(&prefix);
    env.push(("S3_BACKUP_PATH".into(), format!("{prefix}backups/")));
    env.push(("CACHE_ENABLED".into(), "false".into()));
    let source = site(from, &env).await;
    ok(&source.app.cli(&["seed", "--demo"], ""));
    let before = visible_site(&source.app).await;
    assert!(before.len() > 14, "the demo site has articles: {}", before.len());
    let created = ok(&source.app.cli(&["backup", "create"], ""));
    assert!(created.contains("stored as"), "{created}");

    let target = site(to, &env).await;
    let restored = ok(&target.app.cli(&["backup", "restore", "latest", "--yes"], ""));
    assert!(restored.contains("restored"), "{restored}");
    let after = visible_site(&target.app).await;
    for ((path, was), (_, is)) in before.iter().zip(&after) {
        assert_eq!(is, was, "{from:?} → {to:?}: {path} differs");
    }
    assert_eq!(after.len(), before.len(), "{from:?} → {to:?}");
}

#[tokio::test]
async fn a_sqlite_site_round_trips() {
    round_trip(Backend::Sqlite, Backend::Sqlite).await;
}

#[tokio::test]
async fn a_postgresql_site_round_trips() {
    round_trip(Backend::Postgres, Backend::Postgres).await;
}

#[tokio::test]
async fn a_mongodb_site_round_trips() {
    round_trip(Backend::Mongo, Backend::Mongo).await;
}

#[tokio::test]
async fn a_mongodb_site_restores_into_postgresql() {
    round_trip(Backend::Mongo, Backend::Postgres).await;
}

#[tokio::test]
async fn a_postgresql_site_restores_into_mongodb() {
    round_trip(Backend::Postgres, Backend::Mongo).await;
}
