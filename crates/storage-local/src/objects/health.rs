//! Whether the object root can take a write, for `/health` and readiness.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use folio_domain::health::HealthCheck;
use tempfile::NamedTempFile;

use super::layout::TMP_DIR;

/// Creates, writes and removes a probe file in the root's `.tmp`: the cheapest proof that
/// puts can succeed (the directory exists, is writable, and the disk takes a write).
#[derive(Debug, Clone)]
pub struct DiskHealth {
    root: PathBuf,
}

impl DiskHealth {
    /// `root` is the directory given to [`DiskObjectStore::new`](super::DiskObjectStore::new).
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }
}

#[async_trait::async_trait]
impl HealthCheck for DiskHealth {
    fn name(&self) -> &'static str {
        "objects"
    }

    async fn check(&self) -> Result<(), String> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || probe(&root)).await.map_err(|e| format!("health probe failed: {e}"))?
    }
}

fn probe(root: &Path) -> Result<(), String> {
    let failed = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    if !fs::metadata(root).map_err(|e| failed(root, e))?.is_dir() {
        return Err(format!("{} is not a directory", root.display()));
    }
    let tmp = root.join(TMP_DIR);
    if fs::symlink_metadata(&tmp).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!("{} is a symbolic link; the object store refuses it", tmp.display()));
    }
    fs::create_dir_all(&tmp).map_err(|e| failed(&tmp, e))?;
    let mut file = NamedTempFile::new_in(&tmp).map_err(|e| failed(&tmp, e))?;
    file.write_all(b"probe").map_err(|e| failed(file.path(), e))?;
    file.close().map_err(|e| failed(&tmp, e))
}
