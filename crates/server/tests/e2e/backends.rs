//! The same flows on PostgreSQL and with sessions in Redis.

use serde_json::Value;

use crate::support::{new_client, session_cookie, session_status, TestApp};

fn redis_url() -> String {
    std::env::var("FOLIO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

#[tokio::test]
async fn users_and_sessions_work_on_postgresql() {
    let db = folio_storage_sql::testing::postgres().await;
    let app = TestApp::spawn_with(&[("DATABASE_URL", db.url.as_str())]).await;
    let health: Value = app.get("/health").await.json().await.expect("json");
    assert_eq!(health["status"], "up");
    let (_, admin) = app.login_as("admin").await;
    let (editor, _) = app.login_as("editor").await;
    let users: Value = admin.get(app.url("/api/v1/users")).send().await.expect("request").json().await.expect("json");
    assert_eq!(users["total"], 2);
    assert!(users["items"].as_array().is_some_and(|items| items.iter().any(|u| u["email"] == editor.email.as_str())));
}

#[tokio::test]
async fn sessions_in_redis_survive_a_restart_of_the_server() {
    let prefix = format!("folio-e2e-{}-{}:", std::process::id(), nanos());
    let env = [("REDIS_URL", redis_url()), ("REDIS_KEY_PREFIX", prefix)];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = TestApp::spawn_with(&env).await;
    let health: Value = app.get("/health").await.json().await.expect("json");
    assert!(
        health["checks"].as_array().is_some_and(|c| c.iter().any(|c| c["name"] == "redis" && c["status"] == "up")),
        "{health}"
    );
    let user = app.create_user("editor").await;
    let cookie = session_cookie(&app.login(&new_client(), &user).await);
    assert_eq!(session_status(&app, &cookie).await, 200);

    // A new process on the same data and the same Redis still knows the session; with
    // in-process sessions it would be gone.
    let data_dir = app.stop();
    let app = TestApp::spawn_in(data_dir, &env).await;
    assert_eq!(session_status(&app, &cookie).await, 200);

    // And logging out on the new process ends it in Redis.
    let logout = reqwest::Client::new()
        .post(app.url("/api/v1/auth/logout"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(logout.status(), 204);
    assert_eq!(session_status(&app, &cookie).await, 401);
}

#[tokio::test]
async fn without_redis_sessions_end_with_the_process() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let cookie = session_cookie(&app.login(&new_client(), &user).await);
    let data_dir = app.stop();
    let app = TestApp::spawn_in(data_dir, &[]).await;
    assert_eq!(session_status(&app, &cookie).await, 401);
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

#[tokio::test]
async fn two_instances_sharing_redis_count_one_limit_and_share_sessions() {
    // Two instances as deployed behind a proxy: one PostgreSQL database, one Redis, the same
    // secrets.
    let db = folio_storage_sql::testing::postgres().await;
    let private_key = folio_crypto::ecies::KeyPair::generate().secret.to_hex();
    let env = [
        ("DATABASE_URL", db.url.clone()),
        ("COOKIE_SECRET", "one-cookie-secret-shared-by-every-instance".to_owned()),
        ("ECIES_PRIVATE_KEY", private_key),
        ("REDIS_URL", redis_url()),
        ("REDIS_KEY_PREFIX", format!("folio-e2e-{}-{}:", std::process::id(), nanos())),
        ("SHORT_THROTTLE_LIMIT", "6".to_owned()),
        ("SHORT_THROTTLE_TTL", "60000".to_owned()),
        ("AUTH_OPEN_REGISTRATION", "true".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = TestApp::spawn_with(&env).await;
    let second = TestApp::spawn_with(&env).await;

    // Each instance leased its own snowflake node: the IDs they make differ in it.
    let mut nodes = Vec::new();
    for (n, app) in [&first, &second].into_iter().enumerate() {
        let registered: Value = new_client()
            .post(app.url("/api/v1/auth/register"))
            .json(&serde_json::json!({"name": "N", "email": format!("node{n}@example.com"), "password": "long enough pw"}))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        let id: folio_id::Snowflake = registered["id"].as_str().expect("id").parse().expect("snowflake");
        let parts = folio_id::decode(id, folio_id::Epoch::DEFAULT);
        nodes.push((parts.worker_id, parts.process_id));
    }
    assert_ne!(nodes[0], nodes[1], "distinct node leases: {nodes:?}");
    let user = first.create_user("editor").await;
    let cookie = session_cookie(&first.login(&new_client(), &user).await);

    // Signed in, the user has six requests of their own, whichever instance they ask.
    let mut statuses = Vec::new();
    for app in [&second, &first, &second, &first, &second, &first, &second] {
        statuses.push(session_status(app, &cookie).await.as_u16());
    }
    assert_eq!(&statuses[..6], &[200; 6], "a session made on one instance works on the other: {statuses:?}");
    assert_eq!(statuses[6], 429, "the limit counts both instances' requests: {statuses:?}");
    let health: Value = second.get("/health").await.json().await.expect("json");
    assert!(
        health["checks"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["name"] == "rate_limits" && c["status"] == "up")),
        "{health}"
    );
}

/// A Redis server of the test's own, on a free port, that the test can stop and start.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start(port: u16) -> OwnRedis {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server (installed by scripts/test)");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        OwnRedis { port, child: Some(child) }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

async fn check_status(app: &TestApp, name: &str) -> (u16, String) {
    let response = app.get("/health").await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    let check = body["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    (status, check)
}

#[tokio::test]
async fn when_redis_stops_requests_get_503_not_500_and_everything_recovers_when_it_returns() {
    let mut redis = OwnRedis::start(free_port());
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let app = TestApp::spawn_with(&[("REDIS_URL", url.as_str()), ("REDIS_TIMEOUT_MS", "500")]).await;
    let user = app.create_user("editor").await;
    let cookie = session_cookie(&app.login(&new_client(), &user).await);
    assert_eq!(session_status(&app, &cookie).await, 200);

    redis.stop();
    let during = session_status(&app, &cookie).await;
    assert_eq!(during, 503, "sessions live in Redis: unavailable, not an internal error");
    let login = app.login(&new_client(), &user).await;
    assert_eq!(login.status(), 503);
    let problem: Value = login.json().await.expect("json");
    assert_eq!(problem["code"], "service_unavailable");
    assert_eq!(check_status(&app, "redis").await, (503, "down".to_owned()));
    assert_eq!(check_status(&app, "rate_limits").await.1, "down", "limits fell back to this process");
    assert_eq!(app.get("/health/live").await.status(), 200);

    // The same port again: a fresh, empty Redis.
    let _redis = OwnRedis::start(redis.port);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while check_status(&app, "redis").await != (200, "up".to_owned()) {
        assert!(std::time::Instant::now() < deadline, "health did not recover");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(session_status(&app, &cookie).await, 401, "the old Redis's sessions are gone, not an error");
    let cookie = session_cookie(&app.login(&new_client(), &user).await);
    assert_eq!(session_status(&app, &cookie).await, 200);
    assert_eq!(check_status(&app, "rate_limits").await.1, "up", "limits are shared again");
}
