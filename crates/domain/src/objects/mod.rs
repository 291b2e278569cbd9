//! Object storage: where media bytes live (a directory on disk, or an S3 bucket). Bodies
//! stream in both directions; nothing here holds a whole object in memory.

mod key;

use std::fmt;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::Stream;

pub use key::ObjectKey;

use crate::DomainError;

/// A body as a stream of chunks.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// What `put` stores besides the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOptions {
    pub content_type: String,
    /// e.g. `public, max-age=31536000, immutable`.
    pub cache_control: Option<String>,
    /// The exact length when known (lets S3 take a single PUT below the multipart size).
    pub content_length: Option<u64>,
}

/// A stored object's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    pub key: ObjectKey,
    pub size: u64,
    pub content_type: Option<String>,
    /// The store's entity tag (S3's ETag, quotes removed; a content hash on disk).
    pub etag: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
}

/// A byte range: `start..=end` (inclusive, as HTTP ranges are), `end` open when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub start: u64,
    pub end: Option<u64>,
}

/// An object being read.
pub struct ObjectBody {
    pub meta: ObjectMeta,
    /// The bytes served: the whole object, or the satisfiable part of the range asked for.
    pub range: Option<(u64, u64)>,
    pub stream: ByteStream,
}

impl fmt::Debug for ObjectBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectBody").field("meta", &self.meta).field("range", &self.range).finish_non_exhaustive()
    }
}

/// Where objects are kept. Every adapter passes `testing::objects`.
#[async_trait::async_trait]
pub trait ObjectStore: Send + Sync + fmt::Debug {
    /// Stores `body` under `key`, replacing any object there. Readers never see a partial
    /// object: it appears whole or not at all. A failed stream stores nothing.
    async fn put(&self, key: &ObjectKey, body: ByteStream, options: PutOptions) -> Result<ObjectMeta, DomainError>;
    /// The object (or the part `range` names), `None` when there is none. A range that
    /// starts past the end is `DomainError::Invalid` with field `range`.
    async fn get(&self, key: &ObjectKey, range: Option<ByteRange>) -> Result<Option<ObjectBody>, DomainError>;
    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError>;
    /// Removes the object; removing a missing one is not an error.
    async fn delete(&self, key: &ObjectKey) -> Result<(), DomainError>;
    /// Every object whose key starts with `prefix`.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, DomainError>;
    /// A permanent public URL (a CDN, or the bucket's URL), when the store has one.
    fn public_url(&self, key: &ObjectKey) -> Option<String>;
    /// A time-limited URL a client can GET directly, when the store can make one.
    async fn presigned_get_url(&self, key: &ObjectKey, expires: Duration) -> Result<Option<String>, DomainError>;
}
