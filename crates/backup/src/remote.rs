//! Moving archives and sidecars between the local directory and the object store, streamed.

use std::path::Path;

use bytes::Bytes;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectStore, PutOptions};
use folio_domain::DomainError;
use futures_util::{stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::error::BackupError;

/// Sidecars are small; a larger one is taken for something else.
const MAX_SIDECAR: usize = 64 * 1024;

pub(crate) fn key(raw: &str) -> Result<ObjectKey, BackupError> {
    ObjectKey::parse(raw).map_err(|e| BackupError::Settings(format!("backup key {raw}: {e}")))
}

/// Uploads the file at `path` to `key`, then reads the object back to confirm its size and
/// sha256. Errors are reasons, for the message that says the local copy is kept.
pub(crate) async fn upload_confirmed(
    store: &dyn ObjectStore,
    path: &Path,
    key: &ObjectKey,
    size: u64,
    sha256: &str,
    content_type: &str,
) -> Result<(), String> {
    let file = tokio::fs::File::open(path).await.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let body: ByteStream = Box::pin(ReaderStream::with_capacity(file, 256 * 1024));
    let options = PutOptions { content_type: content_type.to_owned(), cache_control: None, content_length: Some(size) };
    let meta = store.put(key, body, options).await.map_err(|e| format!("storing {key}: {e}"))?;
    if meta.size != size {
        return Err(format!("{key} was stored with {} bytes instead of {size}", meta.size));
    }
    let head = store
        .head(key)
        .await
        .map_err(|e| format!("confirming {key}: {e}"))?
        .ok_or_else(|| format!("{key} is not in the store after its upload"))?;
    if head.size != size {
        return Err(format!("{key} holds {} bytes instead of {size}", head.size));
    }
    let stored = sha256_of(store, key).await.map_err(|e| format!("reading {key} back: {e}"))?;
    if stored != sha256 {
        return Err(format!("{key} reads back with sha256 {stored} instead of {sha256}"));
    }
    Ok(())
}

/// The hex sha256 of a stored object, read as a stream.
async fn sha256_of(store: &dyn ObjectStore, key: &ObjectKey) -> Result<String, DomainError> {
    let body = store.get(key, None).await?.ok_or(DomainError::NotFound { entity: "object" })?;
    let mut stream = body.stream;
    let mut hasher = Sha256::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| DomainError::Internal(format!("reading {key}: {e}")))?;
        hasher.update(&chunk);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Downloads `key` to `path`; returns its size and sha256. `None` when there is no such object.
pub(crate) async fn download(
    store: &dyn ObjectStore,
    key: &ObjectKey,
    path: &Path,
) -> Result<Option<(u64, String)>, BackupError> {
    let Some(body) = store.get(key, None).await.map_err(BackupError::Objects)? else {
        return Ok(None);
    };
    let context = format!("downloading {key} to {}", path.display());
    let file = tokio::fs::File::create(path).await.map_err(BackupError::io(context.clone()))?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let (mut size, mut hasher) = (0u64, Sha256::new());
    let mut stream = body.stream;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(BackupError::io(context.clone()))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        out.write_all(&chunk).await.map_err(BackupError::io(context.clone()))?;
    }
    out.flush().await.map_err(BackupError::io(context))?;
    Ok(Some((size, hex::encode(hasher.finalize()))))
}

/// Reads a small JSON object; `None` when missing.
pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
    store: &dyn ObjectStore,
    key: &ObjectKey,
) -> Result<Option<T>, BackupError> {
    let Some(body) = store.get(key, None).await.map_err(BackupError::Objects)? else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    let mut stream = body.stream;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(BackupError::io(format!("reading {key}")))?;
        if bytes.len() + chunk.len() > MAX_SIDECAR {
            return Err(BackupError::Objects(DomainError::Internal(format!("{key} is too large for a sidecar"))));
        }
        bytes.extend_from_slice(&chunk);
    }
    let value = serde_json::from_slice(&bytes)
        .map_err(|e| BackupError::Objects(DomainError::Internal(format!("{key} cannot be read: {e}"))))?;
    Ok(Some(value))
}

/// Stores a small JSON object.
pub(crate) async fn put_json<T: serde::Serialize>(
    store: &dyn ObjectStore,
    key: &ObjectKey,
    value: &T,
) -> Result<(), DomainError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| DomainError::Internal(format!("encoding {key}: {e}")))?;
    let options = PutOptions {
        content_type: "application/json".to_owned(),
        cache_control: None,
        content_length: Some(bytes.len() as u64),
    };
    let body: ByteStream = Box::pin(stream::once(async move { Ok(Bytes::from(bytes)) }));
    store.put(key, body, options).await.map(drop)
}
