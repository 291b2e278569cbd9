use std::time::Duration;

use crate::support::TestApp;

#[tokio::test]
async fn sigterm_stops_the_process_with_exit_code_0() {
    let mut app = TestApp::spawn().await;
    assert_eq!(app.get("/health/live").await.status(), 200);
    app.signal("TERM");
    let status = app.wait_exit(Duration::from_secs(20)).await;
    assert_eq!(status.code(), Some(0), "logs:\n{}", app.logs().join("\n"));
    assert!(app.logs().iter().any(|l| l.contains("SIGTERM")));
}

#[tokio::test]
async fn sigint_drains_like_sigterm() {
    let mut app = TestApp::spawn().await;
    app.signal("INT");
    let status = app.wait_exit(Duration::from_secs(20)).await;
    assert_eq!(status.code(), Some(0), "logs:\n{}", app.logs().join("\n"));
}

#[tokio::test]
async fn a_request_in_flight_during_sigterm_completes() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mut app = TestApp::spawn().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let body = br#"{"email":"nobody@example.com","password":"whatever password"}"#;
    let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(&body[..10]).await.expect("write part");
    // The request is in flight: its body is half sent.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.signal("TERM");
    tokio::time::sleep(Duration::from_millis(500)).await;
    // New connections are no longer accepted…
    let refused = tokio::net::TcpStream::connect(&address).await;
    assert!(refused.is_err(), "the listener should be closed while draining");
    // …but the one in flight finishes.
    stream.write_all(&body[10..]).await.expect("write rest");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    let status = app.wait_exit(Duration::from_secs(20)).await;
    assert_eq!(status.code(), Some(0));
}
