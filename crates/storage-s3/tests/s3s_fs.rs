//! Behaviour beyond the shared suite, against the test S3: how bodies of known and unknown
//! length are sent, SSE-KMS, caching headers, presigned URLs, listing past one page, health.

mod support;

use std::time::Duration;

use folio_domain::health::HealthCheck;
use folio_domain::objects::{ObjectKey, ObjectStore, PutOptions};
use folio_domain::testing::objects::chunked;
use folio_storage_s3::{S3Health, S3ObjectStore};
use futures_util::{stream, StreamExt, TryStreamExt};
use support::{check_pattern, config, generated, key, options, s3};

const MIB: u64 = 1024 * 1024;

async fn round_trip(store: &S3ObjectStore, len: u64, content_length: Option<u64>) {
    let k = key("body.bin");
    let meta = store.put(&k, generated(len, 100_000), options(content_length)).await.expect("put");
    assert_eq!(meta.size, len);
    assert!(meta.etag.as_deref().is_some_and(|e| !e.is_empty() && !e.contains('"')), "{:?}", meta.etag);
    let head = store.head(&k).await.expect("head").expect("present");
    assert_eq!((head.size, head.etag.as_deref()), (len, meta.etag.as_deref()), "put reports what head sees");
    let body = store.get(&k, None).await.expect("get").expect("present");
    assert_eq!(check_pattern(body.stream).await, len);
    store.delete(&k).await.expect("delete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_of_known_and_unknown_length_store_alike() {
    let store = s3(config()).await;
    // Below, at and past one part (8 MiB), as a single PUT and as a multipart upload.
    for len in [0, 1000, 8 * MIB, 8 * MIB + 1, 17 * MIB + 5] {
        round_trip(&store, len, Some(len)).await;
        round_trip(&store, len, None).await;
    }
}

#[tokio::test]
async fn a_body_shorter_than_announced_stores_nothing() {
    let store = s3(config()).await;
    for (len, announced) in [(1000, 2000), (9 * MIB, 10 * MIB)] {
        let k = key("short.bin");
        let err = store.put(&k, generated(len, 64 * 1024), options(Some(announced))).await.expect_err("mismatch");
        assert!(format!("{err:?}").contains("content_length"), "{err:?}");
        assert!(store.head(&k).await.expect("head").is_none(), "no object for {len} of {announced}");
    }
}

#[tokio::test]
async fn a_multipart_upload_that_fails_midway_stores_nothing() {
    let store = s3(config()).await;
    let k = key("broken-large.bin");
    let body = generated(9 * MIB, 64 * 1024).chain(stream::iter([Err(std::io::Error::other("client went away"))]));
    let err = store.put(&k, Box::pin(body), options(None)).await.expect_err("broken stream");
    assert!(format!("{err:?}").contains("body"), "{err:?}");
    assert!(store.head(&k).await.expect("head").is_none());
}

/// s3s-fs takes the SSE-KMS headers (they are signed, and it checks signatures) and ignores
/// them: it stores the object unencrypted and does not echo `x-amz-server-side-encryption`.
/// That the headers are on the requests is shown in `store::tests` and `wire.rs`.
#[tokio::test]
async fn puts_with_sse_kms_are_accepted() {
    let mut cfg = config();
    cfg.kms_key_arn = Some("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab".into());
    let store = s3(cfg).await;
    for len in [10, 9 * MIB] {
        let k = key("encrypted.bin");
        let meta = store.put(&k, generated(len, 64 * 1024), options(None)).await.expect("put with SSE-KMS");
        assert_eq!(meta.size, len);
        let url = store.presigned_get_url(&k, Duration::from_secs(60)).await.expect("presign").expect("url");
        let response = reqwest::get(url).await.expect("GET");
        assert!(response.status().is_success());
        assert_eq!(response.headers().get("x-amz-server-side-encryption"), None, "s3s-fs does not echo SSE");
        store.delete(&k).await.expect("delete");
    }
}

#[tokio::test]
async fn content_type_and_cache_control_are_stored_on_both_kinds_of_put() {
    let store = s3(config()).await;
    for len in [10, 9 * MIB] {
        let k = key("cached.jpg");
        let options = PutOptions {
            content_type: "image/jpeg".into(),
            cache_control: Some("public, max-age=31536000, immutable".into()),
            content_length: None,
        };
        store.put(&k, generated(len, 64 * 1024), options).await.expect("put");
        let url = store.presigned_get_url(&k, Duration::from_secs(60)).await.expect("presign").expect("url");
        let response = reqwest::get(url).await.expect("presigned GET");
        assert_eq!(response.status(), 200, "a presigned URL needs no credentials");
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("content-type").as_deref(), Some("image/jpeg"), "{len}");
        assert_eq!(header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"), "{len}");
        let bytes: Vec<_> = response.bytes_stream().try_collect().await.expect("body");
        assert_eq!(bytes.iter().map(|b| b.len() as u64).sum::<u64>(), len);
        store.delete(&k).await.expect("delete");
    }
}

#[tokio::test]
async fn a_presigned_url_expires_and_is_bounded() {
    let store = s3(config()).await;
    let k = key("short-lived.txt");
    store.put(&k, chunked(b"soon gone".to_vec(), 4), options(None)).await.expect("put");
    let url = store.presigned_get_url(&k, Duration::from_secs(1)).await.expect("presign").expect("url");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(reqwest::get(url).await.expect("GET").status(), 403, "expired");
    for bad in [Duration::ZERO, Duration::from_secs(8 * 24 * 3600)] {
        assert!(store.presigned_get_url(&k, bad).await.is_err(), "{bad:?}");
    }
    store.delete(&k).await.expect("delete");
}

#[tokio::test]
async fn public_urls_are_path_style_on_an_endpoint() {
    let store = s3(config()).await;
    let k = ObjectKey::parse("media/a.jpg").expect("key");
    assert_eq!(
        store.public_url(&k).as_deref(),
        Some(format!("{}/{}/media/a.jpg", support::endpoint().trim_end_matches('/'), store.bucket_name()).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_pages_past_a_thousand_keys() {
    let store = s3(config()).await;
    let prefix = folio_domain::testing::unique("many-");
    let keys: Vec<ObjectKey> =
        (0..1003).map(|i| ObjectKey::parse(&format!("{prefix}/{i:04}.txt")).expect("key")).collect();
    stream::iter(&keys)
        .for_each_concurrent(16, |k| {
            let store = &store;
            async move {
                store.put(k, chunked(b"x".to_vec(), 1), options(None)).await.expect("put");
            }
        })
        .await;
    let listed = store.list(&format!("{prefix}/")).await.expect("list");
    let mut names: Vec<String> = listed.iter().map(|m| m.key.to_string()).collect();
    names.sort();
    assert_eq!(names, keys.iter().map(ToString::to_string).collect::<Vec<_>>());
    assert!(listed.iter().all(|m| m.size == 1 && m.last_modified.is_some()));
    stream::iter(&keys).for_each_concurrent(16, |k| async { store.delete(k).await.expect("delete") }).await;
}

#[tokio::test]
async fn health_is_up_and_names_a_missing_bucket() {
    let store = s3(config()).await;
    let health = S3Health::new(&store, true);
    assert_eq!(health.name(), "objects");
    health.check().await.expect("up");

    let mut cfg = config();
    cfg.bucket = format!("no-such-{}", folio_domain::testing::unique(""));
    let missing = S3ObjectStore::new(cfg).expect("store");
    let err = S3Health::new(&missing, true).check().await.expect_err("missing bucket");
    assert!(err.contains("404") && err.contains("NoSuchBucket"), "{err}");
}
