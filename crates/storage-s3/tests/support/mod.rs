//! The S3 the tests talk to (s3s-fs, started by `scripts/test`), found through the
//! `FOLIO_TEST_S3_*` variables, and a few stand-ins for a misbehaving one.

#![allow(dead_code)] // Each test binary uses its own part of this module.

pub mod fake;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use folio_domain::health::HealthCheck;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectStore, PutOptions};
use folio_storage_s3::{S3Config, S3Health, S3ObjectStore};
use futures_util::{stream, StreamExt};
use secrecy::SecretString;

fn env(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

pub fn endpoint() -> String {
    env("FOLIO_TEST_S3_ENDPOINT", "http://127.0.0.1:9014")
}

/// The test server's configuration; defaults match `ensure_s3` in `scripts/lib/services.sh`.
pub fn config() -> S3Config {
    let mut config = S3Config::new(
        env("FOLIO_TEST_S3_BUCKET", "folio-test"),
        env("FOLIO_TEST_S3_REGION", "us-east-1"),
        env("FOLIO_TEST_S3_ACCESS_KEY", "folio-test-key"),
        SecretString::from(env("FOLIO_TEST_S3_SECRET_KEY", "folio-test-secret")),
    );
    config.endpoint = Some(endpoint());
    config.request_timeout = Duration::from_secs(20);
    config
}

/// A store on the test server. Panics when it does not answer: a missing server fails the
/// run rather than skipping it.
pub async fn s3(config: S3Config) -> S3ObjectStore {
    let store = S3ObjectStore::new(config).expect("valid test configuration");
    if let Err(e) = S3Health::new(&store, true).check().await {
        panic!(
            "no S3 answers at FOLIO_TEST_S3_ENDPOINT={} ({e}); start s3s-fs with \
             `bash -c '. scripts/lib/services.sh && ensure_s3'`",
            endpoint()
        );
    }
    store
}

/// For the conformance suite: the store, and no guard (every case uses keys of its own).
pub async fn store() -> (Arc<dyn ObjectStore>, ()) {
    (Arc::new(s3(config()).await), ())
}

pub fn key(name: &str) -> ObjectKey {
    ObjectKey::parse(&format!("{}/{name}", folio_domain::testing::unique("s3-"))).expect("valid key")
}

pub fn options(content_length: Option<u64>) -> PutOptions {
    PutOptions {
        content_type: "application/octet-stream".into(),
        cache_control: Some("public, max-age=31536000, immutable".into()),
        content_length,
    }
}

pub fn pattern_byte(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// `len` bytes of a pattern in chunks of `chunk`, made as the stream is read: the test
/// itself never holds the body.
pub fn generated(len: u64, chunk: u64) -> ByteStream {
    Box::pin(stream::unfold(0u64, move |offset| async move {
        if offset >= len {
            return None;
        }
        let n = chunk.min(len - offset);
        let bytes: Vec<u8> = (offset..offset + n).map(pattern_byte).collect();
        Some((Ok(Bytes::from(bytes)), offset + n))
    }))
}

/// Reads `stream` to its end, checking it against the pattern; returns its length.
pub async fn check_pattern(mut stream: ByteStream) -> u64 {
    let mut offset = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        for (i, byte) in chunk.iter().enumerate() {
            assert_eq!(*byte, pattern_byte(offset + i as u64), "byte {}", offset + i as u64);
        }
        offset += chunk.len() as u64;
    }
    offset
}
