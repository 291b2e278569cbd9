//! Backups on S3 (s3s-fs, started by `scripts/test`): when S3 cannot be reached the archive
//! stays local and the run fails saying so; the next run uploads it before its own.

mod support;

use std::sync::Arc;
use std::time::Duration;

use folio_backup::{BackupError, BackupRef, RestoreOptions};
use folio_domain::health::HealthCheck;
use folio_domain::objects::ObjectStore;
use folio_storage_s3::{S3Config, S3Health, S3ObjectStore};
use secrecy::SecretString;
use support::{backups, files_in, seed, settings, snapshot};

fn env(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

/// The test server's configuration (defaults: `ensure_s3` in `scripts/lib/services.sh`).
fn config(endpoint: String) -> S3Config {
    let mut config = S3Config::new(
        env("FOLIO_TEST_S3_BUCKET", "folio-test"),
        env("FOLIO_TEST_S3_REGION", "us-east-1"),
        env("FOLIO_TEST_S3_ACCESS_KEY", "folio-test-key"),
        SecretString::from(env("FOLIO_TEST_S3_SECRET_KEY", "folio-test-secret")),
    );
    config.endpoint = Some(endpoint);
    config.request_timeout = Duration::from_secs(20);
    config
}

async fn s3s_fs() -> Arc<dyn ObjectStore> {
    let endpoint = env("FOLIO_TEST_S3_ENDPOINT", "http://127.0.0.1:9014");
    let store = S3ObjectStore::new(config(endpoint.clone())).expect("valid test configuration");
    if let Err(e) = S3Health::new(&store, true).check().await {
        panic!(
            "no S3 answers at FOLIO_TEST_S3_ENDPOINT={endpoint} ({e}); start s3s-fs with \
             `bash -c '. scripts/lib/services.sh && ensure_s3'`"
        );
    }
    Arc::new(store)
}

/// A store at a port nobody listens on.
fn unreachable() -> Arc<dyn ObjectStore> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    Arc::new(S3ObjectStore::new(config(format!("http://127.0.0.1:{port}"))).expect("store"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_upload_keeps_the_local_copy_and_the_next_run_uploads_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = support::sqlite().await;
    seed(&source.repos).await;
    let mut settings = settings(dir.path());
    settings.prefix = folio_domain::testing::unique("backup-test-");
    let local_dir = settings.dir.clone();

    let down = backups(unreachable(), settings.clone());
    let err = down.create(&source.repos).await.expect_err("S3 is down");
    let BackupError::Upload { id, local, reason } = &err else { panic!("expected an upload error, got {err}") };
    assert!(local.exists(), "the local copy stays: {}", local.display());
    assert!(err.to_string().contains("local copy is kept"), "{err}");
    assert!(reason.contains("unavailable"), "says why: {reason}");
    assert_eq!(files_in(&local_dir).len(), 2, "the archive and its sidecar: {:?}", files_in(&local_dir));

    let up = backups(s3s_fs().await, settings);
    let waiting = up.list().await.expect("list");
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].id.as_str(), waiting[0].uploaded), (id.as_str(), false));

    let report = up.create(&source.repos).await.expect("the next run");
    assert_eq!(report.uploaded_earlier.len(), 1);
    assert_eq!(report.uploaded_earlier[0].as_str(), id);
    assert!(files_in(&local_dir).is_empty(), "both uploaded: {:?}", files_in(&local_dir));
    let listed = up.list().await.expect("list");
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|e| e.uploaded && e.rows == Some(report.rows)), "{listed:?}");

    // The one that waited restores from S3 like any other.
    let target = support::sqlite().await;
    let which = BackupRef::Id(listed[1].id.clone());
    assert_eq!(listed[1].id.as_str(), id);
    up.restore(&which, &target.repos, RestoreOptions::default()).await.expect("restore");
    assert_eq!(snapshot(&target.repos).await, snapshot(&source.repos).await);
    let report = up.prune().await.expect("prune");
    assert!(report.deleted.is_empty(), "both are within the default retention");
}
