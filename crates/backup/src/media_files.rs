//! Media bytes in an archive (`--with-media`), from a disk object store only: a bucket keeps
//! its objects itself, and copying them into every backup would only double what is stored.
//!
//! A backup reads each object twice: once here, to hash it for the listing that the manifest
//! describes (the manifest comes first in the archive, so its figures must be known before any
//! byte is written), and once into the archive, where the bytes are hashed again and must
//! match. Objects are immutable under their keys, so a mismatch means one was replaced while
//! the backup ran, and the backup fails rather than carry bytes unlike its manifest.

use std::collections::HashSet;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectStore, PutOptions};
use folio_domain::DomainError;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::dump::TableWriter;
use crate::error::BackupError;
use crate::manifest::IncludedMedia;
use crate::progress::{Phase, Progress};
use crate::records::MediaObjectRecord;

/// Where media bytes are in the archive: `media/<key>`.
pub(crate) const ENTRY_PREFIX: &str = "media/";
/// The listing's name in the archive.
pub(crate) const LISTING: &str = "media-files.ndjson";
/// How many missing keys a manifest names.
const SAMPLE: usize = 20;
/// Media objects are written once under keys of their own; `MediaService` stores them with
/// this cache policy, and a restored object gets the same.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// Where media objects live, as the binary configured them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaStoreKind {
    /// Files in this machine's data directory: a backup can carry them (`--with-media`).
    Disk,
    /// A bucket (S3), which keeps them itself: backups list them and never copy them.
    Bucket,
}

/// A line of the listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MediaFileRecord {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The records name it and the store did not have it: its bytes are not in the archive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
}

/// An object whose bytes are in the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IncludedObject {
    pub key: String,
    pub size: u64,
    pub sha256: String,
    pub content_type: Option<String>,
}

impl IncludedObject {
    pub(crate) fn entry_name(&self) -> String {
        format!("{ENTRY_PREFIX}{}", self.key)
    }
}

impl MediaFileRecord {
    /// The object, when its bytes are included; an error for a line that is neither.
    pub(crate) fn included(self) -> Result<Option<IncludedObject>, String> {
        match (self.missing, self.size, self.sha256) {
            (true, None, None) => Ok(None),
            (false, Some(size), Some(sha256)) => {
                Ok(Some(IncludedObject { key: self.key, size, sha256, content_type: self.content_type }))
            }
            _ => Err(format!("{}: a media file is either missing or has a size and a sha256", self.key)),
        }
    }
}

/// What [`survey`] found.
#[derive(Debug)]
pub(crate) struct Survey {
    pub media: IncludedMedia,
    pub listing_path: PathBuf,
    pub objects: Vec<IncludedObject>,
}

/// Reads every object the dump's object listing (`objects_listing`, `rows` lines) names from
/// `store`, hashing it, and writes the media listing into `dir`.
pub(crate) async fn survey(
    store: &dyn ObjectStore,
    objects_listing: &Path,
    rows: u64,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<Survey, BackupError> {
    let context = format!("reading {}", objects_listing.display());
    let file = tokio::fs::File::open(objects_listing).await.map_err(BackupError::io(context.clone()))?;
    let mut lines = BufReader::new(file).lines();
    let mut listing = TableWriter::named(Some(dir), LISTING.to_owned(), "media-files".to_owned()).await?;
    let mut seen = HashSet::new();
    let (mut objects, mut missing) = (Vec::new(), Vec::new());
    progress.start(Phase::HashMedia, Some(rows));
    while let Some(line) = lines.next_line().await.map_err(BackupError::io(context.clone()))? {
        progress.advance(1);
        let record: MediaObjectRecord = serde_json::from_str(&line)
            .map_err(|e| BackupError::Io { context: context.clone(), source: io::Error::other(e) })?;
        if !seen.insert(record.key.clone()) {
            continue;
        }
        let line = match hash_object(store, &record.key).await? {
            Some(object) => {
                let line = MediaFileRecord {
                    key: object.key.clone(),
                    size: Some(object.size),
                    sha256: Some(object.sha256.clone()),
                    content_type: object.content_type.clone(),
                    missing: false,
                };
                objects.push(object);
                line
            }
            None => {
                missing.push(record.key.clone());
                MediaFileRecord { key: record.key, size: None, sha256: None, content_type: None, missing: true }
            }
        };
        listing.row(&line).await?;
    }
    progress.finish();
    let (listing, listing_path) = listing.finish().await?;
    let listing_path = listing_path.ok_or_else(|| BackupError::Settings("the media listing was not written".into()))?;
    let media = IncludedMedia {
        listing,
        objects: objects.len() as u64,
        bytes: objects.iter().map(|o| o.size).sum(),
        missing: missing.len() as u64,
        missing_sample: missing.into_iter().take(SAMPLE).collect(),
    };
    Ok(Survey { media, listing_path, objects })
}

/// The object under `raw_key`, read whole and hashed; `None` when the store has none.
async fn hash_object(store: &dyn ObjectStore, raw_key: &str) -> Result<Option<IncludedObject>, BackupError> {
    let key = ObjectKey::parse(raw_key)
        .map_err(|e| BackupError::Objects(DomainError::Internal(format!("media object key {raw_key}: {e}"))))?;
    let Some(body) = store.get(&key, None).await.map_err(BackupError::Objects)? else {
        return Ok(None);
    };
    let content_type = body.meta.content_type.clone();
    let (size, sha256) = digest(body.stream).await.map_err(BackupError::io(format!("reading media object {key}")))?;
    Ok(Some(IncludedObject { key: raw_key.to_owned(), size, sha256, content_type }))
}

async fn digest(mut stream: ByteStream) -> io::Result<(u64, String)> {
    let (mut size, mut hasher) = (0u64, Sha256::new());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Opens objects of `store` for the archive writer's blocking thread, as plain readers.
pub(crate) fn opener(
    store: Arc<dyn ObjectStore>,
) -> impl FnMut(&IncludedObject) -> io::Result<Box<dyn Read + Send>> + Send + 'static {
    let handle = tokio::runtime::Handle::current();
    move |object| {
        let key = ObjectKey::parse(&object.key).map_err(|e| io::Error::other(format!("{}: {e}", object.key)))?;
        let body = handle
            .block_on(store.get(&key, None))
            .map_err(|e| io::Error::other(format!("reading media object {key}: {e}")))?
            .ok_or_else(|| io::Error::other(format!("media object {key} was deleted while it was backed up")))?;
        Ok(Box::new(SyncIoBridge::new_with_handle(StreamReader::new(body.stream), handle.clone())))
    }
}

/// Whether `store` already holds `object`'s very bytes (then a restore leaves it be).
pub(crate) async fn holds(store: &dyn ObjectStore, object: &IncludedObject) -> Result<bool, DomainError> {
    let key = ObjectKey::parse(&object.key).map_err(|e| DomainError::Internal(format!("{}: {e}", object.key)))?;
    match store.head(&key).await? {
        Some(meta) if meta.size == object.size => {}
        _ => return Ok(false),
    }
    let Some(body) = store.get(&key, None).await? else { return Ok(false) };
    let (size, sha256) =
        digest(body.stream).await.map_err(|e| DomainError::Internal(format!("reading media object {key}: {e}")))?;
    Ok(size == object.size && sha256 == object.sha256)
}

/// Stores `object` in `store` from `chunks`; a stream that ends in an error stores nothing.
pub(crate) async fn put(
    store: Arc<dyn ObjectStore>,
    object: IncludedObject,
    chunks: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
) -> Result<(), String> {
    let key = ObjectKey::parse(&object.key).map_err(|e| format!("{}: {e}", object.key))?;
    let body: ByteStream =
        Box::pin(futures_util::stream::unfold(chunks, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }));
    let options = PutOptions {
        content_type: object.content_type.clone().unwrap_or_else(|| "application/octet-stream".to_owned()),
        cache_control: Some(CACHE_FOREVER.to_owned()),
        content_length: Some(object.size),
    };
    let meta = store.put(&key, body, options).await.map_err(|e| format!("storing media object {key}: {e}"))?;
    if meta.size != object.size {
        return Err(format!("media object {key} was stored with {} bytes instead of {}", meta.size, object.size));
    }
    Ok(())
}
