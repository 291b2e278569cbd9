use serde_json::Value;

use crate::support::TestApp;

#[tokio::test]
async fn liveness_answers_without_consulting_dependencies() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "up");
}

#[tokio::test]
async fn health_reports_the_database_with_its_latency() {
    let app = TestApp::spawn().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "up");
    let database = body["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == "database"))
        .expect("database check");
    assert_eq!(database["status"], "up");
    assert!(database["latency_ms"].as_f64().is_some());
}

#[tokio::test]
async fn readiness_is_200_once_the_database_answers() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/ready").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn the_embedded_default_creates_its_database_and_private_secrets() {
    let app = TestApp::spawn().await;
    assert!(app.data_dir.path().join("folio.db").exists());
    let secrets = app.data_dir.path().join("secrets.env");
    let contents = std::fs::read_to_string(&secrets).expect("secrets.env");
    assert!(contents.contains("COOKIE_SECRET="));
    assert!(contents.contains("ECIES_PRIVATE_KEY="));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&secrets).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // No secret reaches the log.
    let private = contents.lines().find_map(|l| l.strip_prefix("ECIES_PRIVATE_KEY=")).expect("key");
    assert!(app.logs().iter().all(|l| !l.contains(private)));
}

#[tokio::test]
async fn metrics_are_exposed_for_prometheus() {
    let app = TestApp::spawn().await;
    app.get("/health/live").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("text");
    assert!(text.contains("http_requests_total"), "{text}");
}

#[tokio::test]
async fn every_request_is_logged_as_one_line_with_route_status_and_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/health/live").await;
    let request_id = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();
    // The line reaches the pipe a moment after the response: wait for it (bounded).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let line = loop {
        if let Some(line) = app.logs().into_iter().find(|l| l.contains("request completed") && l.contains(&request_id))
        {
            break line;
        }
        assert!(std::time::Instant::now() < deadline, "no request log line; logs:\n{}", app.logs().join("\n"));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    let event: Value = serde_json::from_str(&line).expect("json log line");
    let span = &event["span"];
    assert_eq!(span["method"], "GET");
    assert_eq!(span["route"], "/health/live");
    assert_eq!(span["status"], 200);
    assert!(span["latency_ms"].is_number(), "{line}");
}

#[tokio::test]
async fn a_request_id_from_an_untrusted_peer_is_replaced() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "from-the-client")
        .send()
        .await
        .expect("request");
    assert_ne!(response.headers()["x-request-id"], "from-the-client");
}

#[tokio::test]
async fn a_request_id_from_a_trusted_proxy_is_kept() {
    let app = TestApp::spawn_with(&[("TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    let response =
        app.client.get(app.url("/health/live")).header("x-request-id", "edge-abc-123").send().await.expect("request");
    assert_eq!(response.headers()["x-request-id"], "edge-abc-123");
}
