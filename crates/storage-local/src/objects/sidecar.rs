//! The sidecar: an object's metadata in a small JSON file, in a tree parallel to the
//! objects. Written once per put, while the bytes stream past the hasher, so `head` and
//! `list` answer from a few hundred bytes instead of reading the object again.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

use chrono::{DateTime, Utc};
use folio_domain::objects::{ObjectKey, ObjectMeta};
use folio_domain::DomainError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::layout::{io_error, Layout};
use super::CHUNK;

/// A sidecar is a few hundred bytes; anything much larger was not written by this store.
const MAX_SIDECAR: u64 = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Sidecar {
    pub(super) size: u64,
    /// Hex sha256 of the bytes: the object's etag.
    pub(super) sha256: String,
    pub(super) content_type: Option<String>,
    pub(super) cache_control: Option<String>,
    /// The data file's modification time and inode when the sidecar was written. The data
    /// and its sidecar are renamed one after the other, so a crash between the two (or a
    /// file replaced by hand) leaves a sidecar describing another version; these tell.
    modified_ns: Option<u64>,
    inode: Option<u64>,
}

impl Sidecar {
    pub(super) fn new(
        file: &fs::Metadata,
        sha256: String,
        content_type: Option<String>,
        cache_control: Option<String>,
    ) -> Sidecar {
        Sidecar {
            size: file.len(),
            sha256,
            content_type,
            cache_control,
            modified_ns: modified_ns(file),
            inode: inode(file),
        }
    }

    /// Whether this sidecar was written for the data file `file` describes.
    pub(super) fn describes(&self, file: &fs::Metadata) -> bool {
        self.size == file.len() && self.modified_ns == modified_ns(file) && self.inode == inode(file)
    }

    pub(super) fn to_meta(&self, key: &ObjectKey, file: &fs::Metadata) -> ObjectMeta {
        ObjectMeta {
            key: key.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            etag: Some(self.sha256.clone()),
            last_modified: file.modified().ok().map(DateTime::<Utc>::from),
        }
    }

    /// The sidecar at `path`; `None` when there is none or it cannot be parsed (then it is
    /// rewritten from the data, as for a missing one).
    pub(super) fn read(layout: &Layout, path: &Path) -> Result<Option<Sidecar>, DomainError> {
        let Some((file, _)) = layout.open_file(path)? else {
            return Ok(None);
        };
        let mut raw = Vec::new();
        file.take(MAX_SIDECAR).read_to_end(&mut raw).map_err(|e| io_error("read", path, e))?;
        match serde_json::from_slice(&raw) {
            Ok(sidecar) => Ok(Some(sidecar)),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "unreadable object sidecar; it will be rebuilt");
                Ok(None)
            }
        }
    }

    /// Writes the sidecar to a temporary file, flushed to disk, ready to be renamed into
    /// place: sidecars are replaced atomically too.
    pub(super) fn stage(&self, layout: &Layout) -> Result<NamedTempFile, DomainError> {
        let tmp_dir = layout.tmp_dir()?;
        let mut file = NamedTempFile::new_in(tmp_dir).map_err(|e| io_error("create a file in", tmp_dir, e))?;
        let json = serde_json::to_vec(self).map_err(|e| DomainError::Internal(format!("object sidecar: {e}")))?;
        file.write_all(&json)
            .and_then(|()| file.as_file().sync_all())
            .map_err(|e| io_error("write", file.path(), e))?;
        Ok(file)
    }
}

/// The hex sha256 of a whole file, read in bounded chunks.
pub(super) fn hash_file(file: &mut File, path: &Path) -> Result<String, DomainError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hex::encode(hasher.finalize())),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_error("read", path, e)),
        }
    }
}

fn modified_ns(file: &fs::Metadata) -> Option<u64> {
    let since_epoch = file.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(since_epoch.as_nanos()).ok()
}

#[cfg(unix)]
fn inode(file: &fs::Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    Some(file.ino())
}

#[cfg(not(unix))]
fn inode(_file: &fs::Metadata) -> Option<u64> {
    None
}
