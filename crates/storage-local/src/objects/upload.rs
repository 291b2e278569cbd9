//! A put's body on its way in: chunk by chunk into a temporary file, hashed as it passes.

use std::fs;
use std::io::Write;

use bytes::Bytes;
use folio_domain::objects::ByteStream;
use folio_domain::DomainError;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::layout::{io_error, Layout};
use super::{blocking, CHUNK};

/// A temporary file in `.tmp` and the hash of what it holds so far. Dropping it (a failed
/// stream, a cancelled request, a panic) removes the file.
#[derive(Debug)]
pub(super) struct Upload {
    file: NamedTempFile,
    hasher: Sha256,
}

impl Upload {
    pub(super) fn begin(layout: &Layout) -> Result<Upload, DomainError> {
        let tmp_dir = layout.tmp_dir()?;
        let file = NamedTempFile::new_in(tmp_dir).map_err(|e| io_error("create a file in", tmp_dir, e))?;
        Ok(Upload { file, hasher: Sha256::new() })
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), DomainError> {
        self.hasher.update(chunk);
        self.file.write_all(chunk).map_err(|e| io_error("write", self.file.path(), e))
    }

    /// Flushes the file to disk (the rename that follows must not publish a file whose bytes
    /// a crash could still lose) and returns it with its metadata and hex sha256.
    pub(super) fn finish(self) -> Result<(NamedTempFile, fs::Metadata, String), DomainError> {
        let Upload { file, hasher } = self;
        file.as_file().sync_all().map_err(|e| io_error("flush", file.path(), e))?;
        let meta = file.as_file().metadata().map_err(|e| io_error("inspect", file.path(), e))?;
        Ok((file, meta, hex::encode(hasher.finalize())))
    }
}

/// Streams `body` into `upload`. Hashing and writing run on the blocking pool, one chunk per
/// hop, so the runtime's threads only move bytes, and no thread waits on a slow client.
/// Small chunks are gathered up to [`CHUNK`] bytes first so each hop carries a useful amount;
/// memory stays at about two chunks whatever the body's size.
pub(super) async fn receive(
    mut upload: Upload,
    mut body: ByteStream,
    expected_len: Option<u64>,
) -> Result<Upload, DomainError> {
    let mut pending: Vec<u8> = Vec::new();
    let mut received: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::debug!(error = %e, "upload stream failed");
            DomainError::invalid("body", "incomplete", "the upload ended before it was complete")
        })?;
        received += chunk.len() as u64;
        if let Some(expected) = expected_len.filter(|&n| received > n) {
            return Err(length_mismatch(expected));
        }
        if pending.is_empty() && chunk.len() >= CHUNK {
            upload = write(upload, chunk).await?;
        } else {
            pending.extend_from_slice(&chunk);
            if pending.len() >= CHUNK {
                upload = write(upload, Bytes::from(std::mem::take(&mut pending))).await?;
            }
        }
    }
    if !pending.is_empty() {
        upload = write(upload, Bytes::from(pending)).await?;
    }
    match expected_len {
        Some(expected) if received != expected => Err(length_mismatch(expected)),
        _ => Ok(upload),
    }
}

async fn write(mut upload: Upload, chunk: Bytes) -> Result<Upload, DomainError> {
    blocking(move || {
        upload.write(&chunk)?;
        Ok(upload)
    })
    .await
}

fn length_mismatch(expected: u64) -> DomainError {
    DomainError::invalid("body", "length_mismatch", format!("the body is not the {expected} bytes announced"))
}
