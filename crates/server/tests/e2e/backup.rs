//! Backups end to end through the CLI: a demo site on SQLite is backed up to the S3 test
//! server, verified, and restored into an empty PostgreSQL database, after which the API
//! serves identical responses; jobs are listed and run.

use serde_json::Value;

use crate::media::{s3_env, unique_prefix};
use crate::support::TestApp;

const PATHS: [&str; 7] = [
    "/api/v1/profile",
    "/api/v1/albums",
    "/api/v1/songs",
    "/api/v1/websites",
    "/api/v1/cv-subsections",
    "/api/v1/article-sections",
    "/api/v1/articles?per_page=100&sort=title",
];

async fn snapshot(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for path in PATHS {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        out.push(response.json().await.expect("json"));
    }
    out
}

fn ok(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test]
async fn a_sqlite_site_backed_up_to_s3_restores_into_postgresql_and_serves_the_same() {
    let prefix = unique_prefix();
    let mut env = s3_env(&prefix);
    env.push(("S3_BACKUP_PATH".into(), format!("{prefix}backups/")));
    env.push(("CACHE_ENABLED".into(), "false".into()));
    let shared: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let source = TestApp::spawn_with(&shared).await;
    ok(&source.cli(&["seed", "--demo"], ""));
    let before = snapshot(&source).await;

    let created = ok(&source.cli(&["backup", "create"], ""));
    assert!(created.contains("stored as"), "{created}");
    let listed = ok(&source.cli(&["backup", "list"], ""));
    assert_eq!(listed.lines().count(), 2, "a header and one backup: {listed}");
    let verified = ok(&source.cli(&["backup", "verify", "latest"], ""));
    assert!(verified.contains("verified"), "{verified}");
    let refused = source.cli(&["backup", "restore", "latest", "--yes"], "");
    assert!(!refused.status.success(), "a non-empty database is not restored into without --replace");

    let db = folio_storage_sql::testing::postgres().await;
    let mut target_env = shared.clone();
    target_env.push(("DATABASE_URL", db.url.as_str()));
    let target = TestApp::spawn_with(&target_env).await;
    let unconfirmed = target.cli(&["backup", "restore", "latest"], "");
    assert!(!unconfirmed.status.success(), "without a terminal, a restore needs --yes");
    let restored = ok(&target.cli(&["backup", "restore", "latest", "--yes"], ""));
    assert!(restored.contains("restored"), "{restored}");
    assert_eq!(snapshot(&target).await, before, "the restored site serves the same responses");
}

#[tokio::test]
async fn jobs_are_listed_and_run_on_demand() {
    let app = TestApp::spawn().await;
    let listed = ok(&app.cli(&["jobs", "list"], ""));
    for job in ["backup ", "backup-prune", "media-sweep"] {
        assert!(listed.contains(job), "{listed}");
    }
    let ran = ok(&app.cli(&["jobs", "run", "backup"], ""));
    assert!(ran.starts_with("backup: success"), "{ran}");
    let listed = ok(&app.cli(&["backup", "list"], ""));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    let unknown = app.cli(&["jobs", "run", "nope"], "");
    assert!(!unknown.status.success());
    let health: Value = app.get("/health").await.json().await.expect("json");
    let checks = health["checks"].as_array().expect("checks");
    assert!(checks.iter().any(|c| c["name"] == "backups"), "{health}");
}
