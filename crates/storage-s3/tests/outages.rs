//! A store whose S3 is down, hangs or stalls answers `Unavailable` within its timeout: it
//! never hangs a request.

mod support;

use std::time::{Duration, Instant};

use folio_domain::health::HealthCheck;
use folio_domain::objects::{ByteRange, ObjectKey, ObjectStore};
use folio_domain::testing::objects::chunked;
use folio_domain::DomainError;
use folio_storage_s3::{S3Health, S3ObjectStore};
use futures_util::StreamExt;
use support::fake::{self, Answer};
use support::options;

fn store_at(endpoint: String, timeout: Duration) -> S3ObjectStore {
    let mut cfg = support::config();
    cfg.endpoint = Some(endpoint);
    cfg.request_timeout = timeout;
    S3ObjectStore::new(cfg).expect("store")
}

/// Every operation fails `Unavailable`, each within `limit`.
async fn every_operation_is_unavailable(store: &S3ObjectStore, limit: Duration) {
    let k = ObjectKey::parse("media/down.txt").expect("key");
    let started = Instant::now();
    let outcomes: Vec<(&str, Result<(), DomainError>)> = vec![
        ("put", store.put(&k, chunked(b"hello".to_vec(), 2), options(Some(5))).await.map(drop)),
        ("get", store.get(&k, None).await.map(drop)),
        ("ranged get", store.get(&k, Some(ByteRange { start: 1, end: None })).await.map(drop)),
        ("head", store.head(&k).await.map(drop)),
        ("delete", store.delete(&k).await),
        ("list", store.list("media/").await.map(drop)),
    ];
    for (what, outcome) in outcomes {
        assert!(
            matches!(outcome, Err(DomainError::Unavailable { dependency: "object storage" })),
            "{what}: {outcome:?}"
        );
    }
    assert!(started.elapsed() < limit * 6, "took {:?}", started.elapsed());
    assert!(S3Health::new(store, true).check().await.is_err());
}

#[tokio::test]
async fn a_closed_port_is_unavailable_at_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let store = store_at(format!("http://127.0.0.1:{port}"), Duration::from_secs(30));
    // Refused connections fail fast; reads are retried once, after a second.
    every_operation_is_unavailable(&store, Duration::from_millis(2500)).await;
}

#[tokio::test]
async fn a_server_that_never_answers_is_unavailable_after_the_timeout() {
    let (endpoint, seen) = fake::serve(|_| None).await;
    let store = store_at(endpoint, Duration::from_millis(300));
    every_operation_is_unavailable(&store, Duration::from_secs(3)).await;
    assert!(!seen.lock().expect("log").is_empty(), "the requests did reach the server");
}

#[tokio::test]
async fn server_errors_are_unavailable() {
    let (endpoint, _) = fake::serve(|seen| {
        let body = if seen.method == "HEAD" { "" } else { "<Error><Code>SlowDown</Code></Error>" };
        Some(Answer {
            bytes: format!("HTTP/1.1 503 Service Unavailable\r\nContent-Length: {}\r\n\r\n{body}", body.len())
                .into_bytes(),
            then_stall: false,
        })
    })
    .await;
    let store = store_at(endpoint, Duration::from_secs(5));
    every_operation_is_unavailable(&store, Duration::from_millis(2500)).await;
}

#[tokio::test]
async fn a_body_that_stalls_fails_the_stream_instead_of_hanging() {
    let (endpoint, _) = fake::serve(|_| {
        Some(Answer {
            bytes:
                b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\nETag: \"abc\"\r\n\r\n0123456789"
                    .to_vec(),
            then_stall: true,
        })
    })
    .await;
    let store = store_at(endpoint, Duration::from_millis(300));
    let body = store.get(&ObjectKey::parse("media/slow.txt").expect("key"), None).await.expect("get").expect("body");
    assert_eq!(body.meta.size, 100);
    let started = Instant::now();
    let mut stream = body.stream;
    assert_eq!(stream.next().await.expect("first chunk").expect("bytes").as_ref(), b"0123456789");
    let err = stream.next().await.expect("an error, not the end").expect_err("stalled");
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(stream.next().await.is_none(), "the stream ends after its error");
}
