//! Objects as files under a root directory (`./data/objects`): the embedded default when no
//! S3 bucket is configured.
//!
//! ```text
//! root/<key>                   the bytes, exactly as uploaded
//! root/.meta/<key>+meta.json   content type, cache control, sha256 (the etag), size
//! root/.tmp/<random>           uploads in progress
//! ```
//!
//! A put streams into `.tmp`, hashing as the bytes pass, flushes to disk and renames into
//! place. A rename within one filesystem is atomic, so readers see the old object or the new
//! one, never a part, and a failed upload leaves nothing behind but its temporary file, which
//! is removed at once. The sidecar is written and renamed the same way, after the data, both
//! under a per-key lock, so concurrent puts of one key pair the right metadata
//! with the right bytes and the last rename wins. A crash between the two renames leaves a
//! sidecar describing another version; readers notice (size, mtime, inode) and rebuild it by
//! hashing the file once. The lock lives in this process: like the rest of this crate, the
//! store serves one instance.

mod health;
mod layout;
mod locks;
mod sidecar;
mod upload;

#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::{Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use folio_domain::objects::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, ObjectStore, PutOptions};
use folio_domain::DomainError;
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;

pub use health::DiskHealth;

use layout::{io_error, is_missing, parent_of, sync_dir, Layout, ObjectPaths, META_DIR, TMP_DIR};
use locks::KeyLocks;
use sidecar::{hash_file, Sidecar};
use upload::Upload;

/// The size of the chunks read from and written to disk.
const CHUNK: usize = 64 * 1024;

/// Lookups retried when the sidecar had to be rebuilt meanwhile. One retry is the normal
/// case; more means the object keeps being replaced under the reader.
const LOOKUP_ATTEMPTS: usize = 3;

/// Objects in a directory on this machine. Cheap to clone (clones share the locks).
#[derive(Clone)]
pub struct DiskObjectStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    layout: Layout,
    locks: KeyLocks,
}

impl std::fmt::Debug for DiskObjectStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskObjectStore").field("root", &self.inner.layout.root()).finish_non_exhaustive()
    }
}

impl DiskObjectStore {
    /// Opens the store at `root`, creating the directory (and its `.tmp` and `.meta`) when
    /// missing.
    pub fn new(root: PathBuf) -> Result<Self, DomainError> {
        let layout = Layout::create(&root)?;
        Ok(Self { inner: Arc::new(Inner { layout, locks: KeyLocks::new() }) })
    }
}

/// A file opened for a get: positioned at the first byte to serve.
type Opened = (File, ObjectMeta, Option<(u64, u64)>);

impl Inner {
    fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError> {
        let paths = self.layout.paths(key)?;
        for _ in 0..LOOKUP_ATTEMPTS {
            {
                let _read = self.locks.read(key);
                let Some(file) = self.layout.stat_file(&paths.data)? else {
                    return Ok(None);
                };
                if let Some(sidecar) = self.sidecar_for(&paths, &file)? {
                    return Ok(Some(sidecar.to_meta(key, &file)));
                }
            }
            self.rebuild_sidecar(key, &paths)?;
        }
        Err(keeps_changing(key))
    }

    fn open(&self, key: &ObjectKey, range: Option<ByteRange>) -> Result<Option<Opened>, DomainError> {
        let paths = self.layout.paths(key)?;
        for _ in 0..LOOKUP_ATTEMPTS {
            let found = {
                let _read = self.locks.read(key);
                let Some((file, stat)) = self.layout.open_file(&paths.data)? else {
                    return Ok(None);
                };
                self.sidecar_for(&paths, &stat)?.map(|sidecar| (file, sidecar.to_meta(key, &stat)))
            };
            // The open file is this version's bytes whatever renames follow, so the lock
            // is not needed past this point.
            if let Some((mut file, meta)) = found {
                let range = satisfiable(range, meta.size)?;
                if let Some((start, _)) = range {
                    file.seek(SeekFrom::Start(start)).map_err(|e| io_error("seek in", &paths.data, e))?;
                }
                return Ok(Some((file, meta, range)));
            }
            self.rebuild_sidecar(key, &paths)?;
        }
        Err(keeps_changing(key))
    }

    /// The sidecar when it describes `file`; `None` when missing, unreadable or stale.
    fn sidecar_for(&self, paths: &ObjectPaths, file: &fs::Metadata) -> Result<Option<Sidecar>, DomainError> {
        Ok(Sidecar::read(&self.layout, &paths.sidecar)?.filter(|sidecar| sidecar.describes(file)))
    }

    /// Writes a sidecar for a data file that has none matching it: left by a crash between
    /// a put's two renames, or copied in by hand. The bytes are hashed once, outside the
    /// lock; the content type is unknown then. Does nothing when the file changed meanwhile:
    /// the caller looks again.
    fn rebuild_sidecar(&self, key: &ObjectKey, paths: &ObjectPaths) -> Result<(), DomainError> {
        let Some((mut file, stat)) = self.layout.open_file(&paths.data)? else {
            return Ok(());
        };
        tracing::warn!(%key, "object without a matching sidecar; hashing it to write one");
        let sidecar = Sidecar::new(&stat, hash_file(&mut file, &paths.data)?, None, None);
        let staged = sidecar.stage(&self.layout)?;
        let _write = self.locks.write(key);
        let Some(current) = self.layout.stat_file(&paths.data)? else {
            return Ok(());
        };
        if sidecar.describes(&current) && self.sidecar_for(paths, &current)?.is_none() {
            self.layout.persist(staged, &paths.sidecar)?;
        }
        Ok(())
    }

    fn commit(&self, key: &ObjectKey, upload: Upload, options: PutOptions) -> Result<ObjectMeta, DomainError> {
        let paths = self.layout.paths(key)?;
        let (data, stat, sha256) = upload.finish()?;
        let sidecar = Sidecar::new(&stat, sha256, Some(options.content_type), options.cache_control);
        let staged = sidecar.stage(&self.layout)?;
        {
            let _write = self.locks.write(key);
            self.layout.persist(data, &paths.data)?;
            self.layout.persist(staged, &paths.sidecar)?;
        }
        sync_dir(parent_of(&paths.data)?)?;
        sync_dir(parent_of(&paths.sidecar)?)?;
        Ok(sidecar.to_meta(key, &stat))
    }

    /// Data first, then the sidecar: a crash between leaves an orphan sidecar, which no
    /// lookup reaches without its data file.
    fn delete(&self, key: &ObjectKey) -> Result<(), DomainError> {
        let paths = self.layout.paths(key)?;
        {
            let _write = self.locks.write(key);
            self.layout.remove_file(&paths.data)?;
            self.layout.remove_file(&paths.sidecar)?;
        }
        self.layout.remove_empty_parents(self.layout.root(), &paths.data);
        self.layout.remove_empty_parents(self.layout.meta_root(), &paths.sidecar);
        Ok(())
    }

    /// Walks the tree, descending only into directories the prefix can reach. The prefix is
    /// compared with keys, never joined onto a path, so any string is safe here.
    fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, DomainError> {
        let mut keys = Vec::new();
        let mut dirs = vec![(self.layout.root().to_path_buf(), String::new())];
        while let Some((dir, dir_key)) = dirs.pop() {
            let entries = match fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if is_missing(&e) => continue,
                Err(e) => return Err(io_error("list", &dir, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| io_error("list", &dir, e))?;
                let Ok(name) = entry.file_name().into_string() else { continue };
                if dir_key.is_empty() && (name == TMP_DIR || name == META_DIR) {
                    continue;
                }
                let key = format!("{dir_key}{name}");
                // `DirEntry::file_type` does not follow symlinks: a link is neither, and skipped.
                let file_type = entry.file_type().map_err(|e| io_error("inspect", &entry.path(), e))?;
                if file_type.is_dir() {
                    let sub = format!("{key}/");
                    if sub.starts_with(prefix) || prefix.starts_with(&sub) {
                        dirs.push((entry.path(), sub));
                    }
                } else if file_type.is_file() && key.starts_with(prefix) {
                    // Files no put could have made (odd names) are not objects.
                    if let Ok(key) = ObjectKey::parse(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        keys.sort();
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            // Deleted since the walk: skipped.
            if let Some(meta) = self.head(&key)? {
                found.push(meta);
            }
        }
        Ok(found)
    }
}

/// The bytes to serve for `range` of an object of `size` bytes: `start..=end`, the end
/// clipped to the object.
fn satisfiable(range: Option<ByteRange>, size: u64) -> Result<Option<(u64, u64)>, DomainError> {
    let Some(ByteRange { start, end }) = range else {
        return Ok(None);
    };
    if start >= size || end.is_some_and(|end| end < start) {
        return Err(DomainError::invalid("range", "unsatisfiable", format!("the object has {size} bytes")));
    }
    Ok(Some((start, end.map_or(size - 1, |end| end.min(size - 1)))))
}

fn keeps_changing(key: &ObjectKey) -> DomainError {
    DomainError::Internal(format!("object {key} kept changing while being read"))
}

/// Runs filesystem work on the blocking pool.
async fn blocking<T, F>(work: F) -> Result<T, DomainError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, DomainError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DomainError::Internal(format!("object store task failed: {e}")))?
}

#[async_trait::async_trait]
impl ObjectStore for DiskObjectStore {
    async fn put(&self, key: &ObjectKey, body: ByteStream, options: PutOptions) -> Result<ObjectMeta, DomainError> {
        // A reserved key fails before a byte is read.
        self.inner.layout.paths(key)?;
        let inner = self.inner.clone();
        let upload = blocking(move || Upload::begin(&inner.layout)).await?;
        let upload = upload::receive(upload, body, options.content_length).await?;
        let (inner, key) = (self.inner.clone(), key.clone());
        blocking(move || inner.commit(&key, upload, options)).await
    }

    async fn get(&self, key: &ObjectKey, range: Option<ByteRange>) -> Result<Option<ObjectBody>, DomainError> {
        let (inner, owned_key) = (self.inner.clone(), key.clone());
        let Some((file, meta, range)) = blocking(move || inner.open(&owned_key, range)).await? else {
            return Ok(None);
        };
        let len = range.map_or(meta.size, |(start, end)| end - start + 1);
        // `take` holds the stream to the size in the sidecar even if the file is edited in
        // place meanwhile; the file is already positioned at the range's start.
        let reader = tokio::fs::File::from_std(file).take(len);
        Ok(Some(ObjectBody { meta, range, stream: Box::pin(ReaderStream::with_capacity(reader, CHUNK)) }))
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError> {
        let (inner, key) = (self.inner.clone(), key.clone());
        blocking(move || inner.head(&key)).await
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), DomainError> {
        let (inner, key) = (self.inner.clone(), key.clone());
        blocking(move || inner.delete(&key)).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, DomainError> {
        let (inner, prefix) = (self.inner.clone(), prefix.to_owned());
        blocking(move || inner.list(&prefix)).await
    }

    /// None: disk objects have no URL of their own; the API streams them.
    fn public_url(&self, _key: &ObjectKey) -> Option<String> {
        None
    }

    /// None, for the same reason as [`Self::public_url`].
    async fn presigned_get_url(&self, _key: &ObjectKey, _expires: Duration) -> Result<Option<String>, DomainError> {
        Ok(None)
    }
}
