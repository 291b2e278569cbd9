//! Connecting while the server is starting, giving up when it never comes, and the health
//! check and repositories while a server stops and comes back. Each test runs a SecantusDB
//! server of its own on a free port.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_domain::health::HealthCheck;
use folio_domain::testing::{sample_user, unique};
use folio_domain::users::{Role, UserRepository};
use folio_domain::DomainError;
use folio_storage_mongo::{connect, MongoConfig, MongoError, MongoHealth, MongoUserRepository};
use support::{free_port, Secantus};

fn quick_config(uri: &str) -> MongoConfig {
    let mut config = MongoConfig::new(uri);
    config.retry_delay = Duration::from_millis(100);
    config.server_selection_timeout = Duration::from_millis(500);
    config.connect_timeout = Duration::from_millis(500);
    config
}

#[tokio::test]
async fn connecting_retries_until_a_late_server_answers() {
    let port = free_port();
    let mut config = quick_config(&format!("mongodb://127.0.0.1:{port}/late"));
    config.max_retries = 30;
    let started = Instant::now();
    let connecting = tokio::spawn(async move { connect(&config).await });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!connecting.is_finished(), "nothing listens yet, so connecting cannot have finished");
    let _server = Secantus::spawn(port);
    let store = tokio::time::timeout(Duration::from_secs(60), connecting)
        .await
        .expect("connect returns")
        .expect("task")
        .expect("connected once the server came up");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(store.db().name(), "late");
    MongoHealth::new(store.db().clone()).check().await.expect("the connection works");
}

#[tokio::test]
async fn connecting_gives_up_after_the_last_attempt_with_one_masked_line() {
    let port = free_port();
    let mut config = quick_config(&format!("mongodb://folio:hunter2@127.0.0.1:{port}/site"));
    config.max_retries = 3;
    config.retry_delay = Duration::from_millis(10);
    config.server_selection_timeout = Duration::from_millis(200);
    let started = Instant::now();
    let err = connect(&config).await.expect_err("nothing listens there");
    assert!(matches!(err, MongoError::Unreachable { attempts: 3, .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "MongoDB at mongodb://folio:****@127.0.0.1:{port}/site?authSource=admin did not answer after 3 attempts: "
        )),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    // Three attempts of at least the selection timeout each, and two short waits.
    assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());
}

#[tokio::test]
async fn refused_credentials_fail_at_once() {
    let port = free_port();
    // With authentication on and no user created, every login fails.
    let server = Secantus::spawn_with(port, &["--auth"]);
    server.wait_listening();
    let mut config = quick_config(&format!("mongodb://folio:hunter2@127.0.0.1:{port}/site"));
    config.max_retries = 10;
    config.retry_delay = Duration::from_secs(5);
    let started = Instant::now();
    let err = connect(&config).await.expect_err("no such user");
    assert!(matches!(err, MongoError::Authentication { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "not retried: {:?}", started.elapsed());
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "MongoDB at mongodb://folio:****@127.0.0.1:{port}/site?authSource=admin refused the credentials: "
        )),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
}

#[tokio::test]
async fn health_and_repositories_are_unavailable_while_the_server_is_down_and_recover() {
    let port = free_port();
    let mut server = Secantus::start(port);
    let mut config = quick_config(&format!("mongodb://127.0.0.1:{port}/outage"));
    config.server_selection_timeout = Duration::from_secs(1);
    let store = connect(&config).await.expect("connect");
    let health = MongoHealth::new(store.db().clone());
    let users: Arc<dyn UserRepository> = Arc::new(MongoUserRepository::new(store.db()));
    health.check().await.expect("up");
    let user = sample_user(folio_domain::testing::unique_id(), &format!("{}@example.com", unique("o")), Role::Editor);
    users.insert(&user).await.expect("insert while up");

    server.stop();
    let error = health.check().await.expect_err("down");
    assert!(!error.contains('\n'), "{error}");
    let started = Instant::now();
    let result = users.find_by_id(user.id).await;
    assert!(matches!(result, Err(DomainError::Unavailable { dependency: "database" })), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "failed within the selection timeout");

    // The same port again: the driver finds the server by itself.
    let _server = Secantus::start(port);
    let deadline = Instant::now() + Duration::from_secs(20);
    while let Err(e) = health.check().await {
        assert!(Instant::now() < deadline, "health did not recover: {e}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // In-memory storage: the restarted server is empty, but it answers.
    assert_eq!(users.find_by_id(user.id).await.expect("answers again"), None);
}
