//! The `ObjectStore` conformance suite.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use crate::objects::{ByteRange, ByteStream, ObjectKey, ObjectStore, PutOptions};
use crate::DomainError;

use super::unique;

fn key(name: &str) -> ObjectKey {
    ObjectKey::parse(&format!("{}/{name}", unique("conformance-"))).expect("valid key")
}

fn options(content_type: &str) -> PutOptions {
    PutOptions {
        content_type: content_type.to_owned(),
        cache_control: Some("public, max-age=60".to_owned()),
        content_length: None,
    }
}

/// `bytes` delivered in chunks of `chunk` bytes.
pub fn chunked(bytes: Vec<u8>, chunk: usize) -> ByteStream {
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        bytes.chunks(chunk.max(1)).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
    Box::pin(stream::iter(chunks))
}

/// A deterministic pattern, so large bodies can be checked without keeping a copy.
fn pattern_byte(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// `len` bytes of the pattern, generated chunk by chunk as the stream is read.
fn pattern_stream(len: u64, chunk: u64) -> ByteStream {
    Box::pin(stream::unfold(0u64, move |offset| async move {
        if offset >= len {
            return None;
        }
        let n = chunk.min(len - offset);
        let bytes: Vec<u8> = (offset..offset + n).map(pattern_byte).collect();
        Some((Ok(Bytes::from(bytes)), offset + n))
    }))
}

async fn read_all(mut stream: ByteStream) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    out
}

pub async fn a_stored_object_reads_back_with_its_metadata(store: Arc<dyn ObjectStore>) {
    let k = key("hello.txt");
    let meta = store.put(&k, chunked(b"hello, objects".to_vec(), 4), options("text/plain")).await.expect("put");
    assert_eq!(meta.size, 14);
    assert_eq!(meta.key, k);
    let head = store.head(&k).await.expect("head").expect("present");
    assert_eq!(head.size, 14);
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert!(head.etag.as_deref().is_some_and(|e| !e.is_empty() && !e.contains('"')), "{:?}", head.etag);
    let body = store.get(&k, None).await.expect("get").expect("present");
    assert_eq!(body.meta.size, 14);
    assert_eq!(body.range, None);
    assert_eq!(read_all(body.stream).await, b"hello, objects");
}

pub async fn a_missing_object_is_none(store: Arc<dyn ObjectStore>) {
    let k = key("missing.bin");
    assert!(store.head(&k).await.expect("head").is_none());
    assert!(store.get(&k, None).await.expect("get").is_none());
}

pub async fn put_replaces_an_object(store: Arc<dyn ObjectStore>) {
    let k = key("replace.txt");
    store.put(&k, chunked(b"first version".to_vec(), 64), options("text/plain")).await.expect("put");
    store.put(&k, chunked(b"second".to_vec(), 64), options("application/octet-stream")).await.expect("put");
    let body = store.get(&k, None).await.expect("get").expect("present");
    assert_eq!(body.meta.content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(read_all(body.stream).await, b"second");
}

pub async fn ranges_serve_the_bytes_asked_for(store: Arc<dyn ObjectStore>) {
    let k = key("range.bin");
    let data: Vec<u8> = (0u8..100).collect();
    store.put(&k, chunked(data.clone(), 7), options("application/octet-stream")).await.expect("put");

    let read = |start, end| {
        let store = store.clone();
        let k = k.clone();
        async move {
            let body = store.get(&k, Some(ByteRange { start, end })).await.expect("get").expect("present");
            (body.range, body.meta.size, read_all(body.stream).await)
        }
    };
    let (range, size, bytes) = read(10, Some(19)).await;
    assert_eq!((range, size), (Some((10, 19)), 100));
    assert_eq!(bytes, data[10..=19]);
    let (range, _, bytes) = read(90, None).await;
    assert_eq!(range, Some((90, 99)));
    assert_eq!(bytes, data[90..]);
    let (range, _, bytes) = read(95, Some(1000)).await;
    assert_eq!(range, Some((95, 99)), "an end past the object is clipped");
    assert_eq!(bytes, data[95..]);
    let err = store.get(&k, Some(ByteRange { start: 100, end: None })).await.expect_err("unsatisfiable");
    assert!(matches!(err, DomainError::Invalid(_)), "{err:?}");
}

pub async fn delete_removes_and_is_idempotent(store: Arc<dyn ObjectStore>) {
    let k = key("delete.txt");
    store.put(&k, chunked(b"bye".to_vec(), 64), options("text/plain")).await.expect("put");
    store.delete(&k).await.expect("delete");
    assert!(store.head(&k).await.expect("head").is_none());
    store.delete(&k).await.expect("delete again");
}

/// 17 MiB in 64 KiB chunks: past S3's multipart threshold, streamed both ways.
pub async fn a_large_object_streams_through_intact(store: Arc<dyn ObjectStore>) {
    let k = key("large.bin");
    let len: u64 = 17 * 1024 * 1024 + 123;
    let meta = store.put(&k, pattern_stream(len, 64 * 1024), options("application/octet-stream")).await.expect("put");
    assert_eq!(meta.size, len);
    let body = store.get(&k, None).await.expect("get").expect("present");
    assert_eq!(body.meta.size, len);
    let mut stream = body.stream;
    let mut offset = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        for (i, byte) in chunk.iter().enumerate() {
            assert_eq!(*byte, pattern_byte(offset + i as u64), "byte {}", offset + i as u64);
        }
        offset += chunk.len() as u64;
    }
    assert_eq!(offset, len);
    let tail = store.get(&k, Some(ByteRange { start: len - 10, end: None })).await.expect("get").expect("present");
    let expected: Vec<u8> = (len - 10..len).map(pattern_byte).collect();
    assert_eq!(read_all(tail.stream).await, expected);
    store.delete(&k).await.expect("delete");
}

pub async fn a_failed_upload_stores_nothing(store: Arc<dyn ObjectStore>) {
    let k = key("broken.bin");
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"part one")), Err(std::io::Error::other("client went away"))];
    let result = store.put(&k, Box::pin(stream::iter(chunks)), options("application/octet-stream")).await;
    assert!(result.is_err());
    assert!(store.head(&k).await.expect("head").is_none(), "no partial object");
}

pub async fn list_finds_objects_by_prefix(store: Arc<dyn ObjectStore>) {
    let prefix = unique("list-");
    for name in ["a.txt", "b.txt", "sub/c.txt"] {
        let k = ObjectKey::parse(&format!("{prefix}/{name}")).expect("key");
        store.put(&k, chunked(name.as_bytes().to_vec(), 64), options("text/plain")).await.expect("put");
    }
    let other = ObjectKey::parse(&format!("{prefix}x/d.txt")).expect("key");
    store.put(&other, chunked(b"d".to_vec(), 64), options("text/plain")).await.expect("put");
    let mut keys: Vec<String> =
        store.list(&format!("{prefix}/")).await.expect("list").into_iter().map(|m| m.key.to_string()).collect();
    keys.sort();
    assert_eq!(keys, vec![format!("{prefix}/a.txt"), format!("{prefix}/b.txt"), format!("{prefix}/sub/c.txt")]);
}
