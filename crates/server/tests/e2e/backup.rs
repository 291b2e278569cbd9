//! Backups end to end through the CLI: a demo site on SQLite is backed up to the S3 test
//! server, verified, and restored into an empty PostgreSQL database, after which the API
//! serves identical responses; a site on the disk store is backed up with its media files
//! and restored into an empty data directory, which then serves them; progress bars show on
//! a terminal only; jobs are listed and run.

use serde_json::Value;

use crate::media::{s3_env, unique_prefix};
use crate::support::{with_clean_env, TestApp, BIN};

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

/// The command's stdout, once it succeeded and drew no progress bar on its stderr (which is
/// not a terminal here).
fn ok(output: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    for drawn in ["\r", "\u{1b}[", "rows/s", "objects/s"] {
        assert!(!stderr.contains(drawn) && !stdout.contains(drawn), "{drawn:?} drawn off a terminal: {stderr}");
    }
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

    let refused = source.cli(&["backup", "create", "--with-media"], "");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "media on S3 are not copied into backups");
    let said = stderr.lines().find(|l| l.starts_with("folio: ")).expect("an error line");
    assert!(said.contains("--with-media") && said.contains("S3"), "says why: {said}");
    assert_eq!(ok(&source.cli(&["backup", "list"], "")).lines().count(), 1, "nothing was written");

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

/// The bytes and content type of a file the API serves.
async fn file(app: &TestApp, url: &str) -> (u16, String, Vec<u8>) {
    let response = app.client.get(app.url(url)).send().await.expect("file");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (response.status().as_u16(), content_type, response.bytes().await.expect("bytes").to_vec())
}

/// A seeded image and a seeded song, as `/api/v1/files/…` URLs.
async fn media_urls(app: &TestApp) -> Vec<String> {
    let profile: Value = app.get("/api/v1/profile").await.json().await.expect("json");
    let songs: Value = app.get("/api/v1/songs").await.json().await.expect("json");
    let urls = [&profile["media"]["logo"]["url"], &songs[0]["media"]["audio"]["url"]];
    urls.iter().map(|url| url.as_str().expect("a file url").to_owned()).collect()
}

#[tokio::test]
async fn a_disk_site_backed_up_with_media_restores_into_an_empty_data_dir_and_serves_its_files() {
    let source = TestApp::spawn().await;
    ok(&source.cli(&["seed", "--demo"], ""));
    let urls = media_urls(&source).await;
    let mut files = Vec::new();
    for url in &urls {
        let served = file(&source, url).await;
        assert_eq!(served.0, 200, "{url}");
        files.push(served);
    }

    let created = ok(&source.cli(&["backup", "create", "--with-media"], ""));
    assert!(created.contains("media objects ("), "{created}");
    let verified = ok(&source.cli(&["backup", "verify", "latest"], ""));
    assert!(verified.contains("in the archive match it"), "{verified}");

    // A new machine: an empty data directory (database, objects) with the backups copied in.
    let target_dir = tempfile::tempdir().expect("tempdir");
    let (from, to) = (source.data_dir.path().join("objects/backups"), target_dir.path().join("objects/backups"));
    std::fs::create_dir_all(&to).expect("mkdir");
    for entry in std::fs::read_dir(&from).expect("backups") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    let target = TestApp::spawn_in(target_dir, &[]).await;
    assert_eq!(file(&target, &urls[0]).await.0, 404, "nothing there yet");
    let restored = ok(&target.cli(&["backup", "restore", "latest", "--yes"], ""));
    assert!(restored.contains("media objects written"), "{restored}");
    for (url, before) in urls.iter().zip(files) {
        let after = file(&target, url).await;
        assert_eq!((after.0, &after.1), (200, &before.1), "{url}");
        assert!(after.2 == before.2, "{url}: the same bytes");
    }
}

#[tokio::test]
async fn on_a_terminal_backups_draw_progress_with_rates() {
    let app = TestApp::spawn().await;
    ok(&app.cli(&["seed", "--demo"], ""));
    // `script` runs the command under a pseudo-terminal and copies what it drew to stdout.
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &format!("{BIN} backup create --with-media"), "/dev/null"]);
    let output = with_clean_env(script, app.data_dir.path()).env("TERM", "xterm").output().expect("script");
    let drawn = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{drawn}");
    assert!(drawn.contains("reading the database") && drawn.contains("rows/s"), "{drawn}");
    assert!(drawn.contains("objects/s"), "{drawn}");
    assert!(drawn.contains("stored as"), "the summary line too: {drawn}");

    let quiet = std::process::Command::new("script");
    let mut quiet = with_clean_env(quiet, app.data_dir.path());
    quiet.args(["-qec", &format!("{BIN} backup create --quiet"), "/dev/null"]).env("TERM", "xterm");
    let drawn = String::from_utf8_lossy(&quiet.output().expect("script").stdout).into_owned();
    assert!(drawn.contains("stored as") && !drawn.contains("rows/s"), "{drawn}");
}
