//! What goes on the wire, seen by a stand-in S3: SSE-KMS and caching headers on the first
//! request of every upload (single `PUT` or multipart initiation), never on part uploads.

mod support;

use std::time::Duration;

use folio_domain::objects::{ObjectKey, ObjectStore};
use folio_storage_s3::{S3Config, S3ObjectStore};
use support::fake::{self, Answer, Seen};
use support::{generated, options};

const ARN: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const MIB: u64 = 1024 * 1024;

/// Answers like S3 for the requests an upload makes.
fn s3_like(seen: &Seen) -> Option<Answer> {
    let etag = "ETag: \"d41d8cd98f00b204e9800998ecf8427e\"\r\n";
    Some(match (seen.method.as_str(), seen.target.as_str()) {
        ("POST", t) if t.ends_with("?uploads") => Answer::ok(
            "",
            "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>",
        ),
        ("POST", _) => Answer::ok(
            "",
            "<CompleteMultipartUploadResult><ETag>&quot;0123abcd-2&quot;</ETag></CompleteMultipartUploadResult>",
        ),
        _ => Answer::ok(etag, ""),
    })
}

async fn uploads(kms: Option<&str>) -> Vec<Seen> {
    let (endpoint, seen) = fake::serve(s3_like).await;
    let mut cfg = support::config();
    cfg.endpoint = Some(endpoint);
    cfg.kms_key_arn = kms.map(str::to_owned);
    cfg.part_size = S3Config::MIN_PART_SIZE;
    cfg.request_timeout = Duration::from_secs(10);
    let store = S3ObjectStore::new(cfg).expect("store");
    let k = ObjectKey::parse("media/a.bin").expect("key");
    let small = store.put(&k, generated(1000, 100), options(None)).await.expect("single put");
    assert_eq!(small.etag.as_deref(), Some("d41d8cd98f00b204e9800998ecf8427e"));
    let large = store.put(&k, generated(6 * MIB, 64 * 1024), options(None)).await.expect("multipart put");
    assert_eq!((large.size, large.etag.as_deref()), (6 * MIB, Some("0123abcd-2")));
    let seen = seen.lock().expect("log").clone();
    seen
}

fn kinds(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| format!("{} {}", s.method, s.target)).collect()
}

#[tokio::test]
async fn sse_kms_headers_go_on_the_put_and_the_initiation_and_nowhere_else() {
    let seen = uploads(Some(ARN)).await;
    assert_eq!(
        kinds(&seen),
        vec![
            "PUT /folio-test/media/a.bin",
            "POST /folio-test/media/a.bin?uploads",
            "PUT /folio-test/media/a.bin?partNumber=1&uploadId=up-1",
            "PUT /folio-test/media/a.bin?partNumber=2&uploadId=up-1",
            "POST /folio-test/media/a.bin?uploadId=up-1",
        ]
        .into_iter()
        .map(|s| s.replace("folio-test", &support::config().bucket))
        .collect::<Vec<_>>()
    );
    for first in &seen[..2] {
        assert_eq!(first.header("x-amz-server-side-encryption"), Some("aws:kms"), "{first:?}");
        assert_eq!(first.header("x-amz-server-side-encryption-aws-kms-key-id"), Some(ARN), "{first:?}");
        assert_eq!(first.header("cache-control"), Some("public, max-age=31536000, immutable"));
        assert_eq!(first.header("content-type"), Some("application/octet-stream"));
    }
    for later in &seen[2..] {
        assert!(!later.headers.iter().any(|(n, _)| n.starts_with("x-amz-server-side-encryption")), "{later:?}");
    }
    assert_eq!(seen[2].body_len as u64, 5 * MIB, "parts of the configured size");
    assert_eq!(seen[3].body_len as u64, MIB);
}

#[tokio::test]
async fn without_a_kms_key_no_sse_header_is_sent() {
    let seen = uploads(None).await;
    assert_eq!(seen.len(), 5);
    for request in &seen {
        assert!(!request.headers.iter().any(|(n, _)| n.starts_with("x-amz-server-side-encryption")), "{request:?}");
    }
    assert_eq!(seen[0].header("cache-control"), Some("public, max-age=31536000, immutable"));
}

#[tokio::test]
async fn an_upload_abandoned_midway_is_aborted() {
    let (endpoint, seen) = fake::serve(s3_like).await;
    let mut cfg = support::config();
    cfg.endpoint = Some(endpoint);
    cfg.part_size = S3Config::MIN_PART_SIZE;
    let store = S3ObjectStore::new(cfg).expect("store");
    let k = ObjectKey::parse("media/abandoned.bin").expect("key");
    // One part and a bit, then a client that neither sends more nor hangs up.
    let body = futures_util::StreamExt::chain(generated(6 * MIB, 64 * 1024), futures_util::stream::pending());
    let put = store.put(&k, Box::pin(body), options(None));
    assert!(tokio::time::timeout(Duration::from_secs(2), put).await.is_err(), "still waiting for the body");
    // The put was dropped (as when the request handler is cancelled): the abort runs on.
    let aborted = format!("DELETE /{}/media/abandoned.bin?uploadId=up-1", support::config().bucket);
    for _ in 0..50 {
        if kinds(&seen.lock().expect("log")).contains(&aborted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no abort among {:?}", kinds(&seen.lock().expect("log")));
}
