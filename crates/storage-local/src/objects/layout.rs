//! Where a key's files live under the root, and the filesystem moves that keep them there.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

use folio_domain::objects::ObjectKey;
use folio_domain::DomainError;
use tempfile::NamedTempFile;

/// Uploads in progress. Inside the root so that the final rename stays on one filesystem
/// and is therefore atomic.
pub(super) const TMP_DIR: &str = ".tmp";
/// The sidecar tree, parallel to the objects.
pub(super) const META_DIR: &str = ".meta";
/// Appended to the last segment to name a sidecar. `+` cannot occur in a key, so a sidecar's
/// name never equals a directory's in the sidecar tree (`a` and `a.json/b` are both keys;
/// with a plain `.json` suffix their sidecars would collide).
const SIDECAR_SUFFIX: &str = "+meta.json";

/// How often a rename is retried when its parent directory vanished under it: a delete of
/// a neighbouring key removes directories it left empty, possibly just after a put made one.
const RENAME_ATTEMPTS: usize = 3;

/// A temporary file untouched for this long belongs to no upload still running.
const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug)]
pub(super) struct Layout {
    root: PathBuf,
    tmp: PathBuf,
    meta: PathBuf,
}

/// The two files of one object.
#[derive(Debug, Clone)]
pub(super) struct ObjectPaths {
    pub(super) data: PathBuf,
    pub(super) sidecar: PathBuf,
}

impl Layout {
    /// Creates the root and its two private directories. The root is canonicalized once, so
    /// a root that is itself a symlink (`./data` on another disk) is the operator's choice
    /// and is followed here, and only here.
    pub(super) fn create(root: &Path) -> Result<Layout, DomainError> {
        fs::create_dir_all(root).map_err(|e| io_error("create", root, e))?;
        let root = fs::canonicalize(root).map_err(|e| io_error("resolve", root, e))?;
        let layout = Layout { tmp: root.join(TMP_DIR), meta: root.join(META_DIR), root };
        for dir in [&layout.tmp, &layout.meta] {
            layout.refuse_symlinks(dir)?;
            fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
        }
        layout.remove_abandoned_uploads();
        Ok(layout)
    }

    /// A crash mid-upload leaves its temporary file behind. Only old ones are removed: a
    /// second process on the same root (an admin command, say) may be uploading right now,
    /// and every write of an upload refreshes its file's modification time.
    fn remove_abandoned_uploads(&self) {
        let Ok(entries) = fs::read_dir(&self.tmp) else { return };
        let Some(cutoff) = SystemTime::now().checked_sub(ABANDONED_AFTER) else { return };
        for entry in entries.flatten() {
            let abandoned = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .is_ok_and(|modified| modified < cutoff && entry.file_type().is_ok_and(|t| t.is_file()));
            if abandoned && fs::remove_file(entry.path()).is_ok() {
                tracing::info!(path = %entry.path().display(), "removed an abandoned upload");
            }
        }
    }

    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    pub(super) fn meta_root(&self) -> &Path {
        &self.meta
    }

    /// The directory for temporary files, made again if an operator removed it.
    pub(super) fn tmp_dir(&self) -> Result<&Path, DomainError> {
        self.refuse_symlinks(&self.tmp)?;
        fs::create_dir_all(&self.tmp).map_err(|e| io_error("create", &self.tmp, e))?;
        Ok(&self.tmp)
    }

    /// Maps a key to its files. `ObjectKey` already rules out `..`, absolute paths and odd
    /// bytes; this checks again that each segment is one plain name and that both paths stay
    /// under the root, so a future loosening of `ObjectKey` cannot open a way out.
    pub(super) fn paths(&self, key: &ObjectKey) -> Result<ObjectPaths, DomainError> {
        let segments: Vec<&str> = key.as_str().split('/').collect();
        if matches!(segments.first(), Some(&TMP_DIR) | Some(&META_DIR)) {
            return Err(DomainError::invalid(
                "key",
                "reserved",
                format!("object keys cannot start with `{TMP_DIR}/` or `{META_DIR}/`"),
            ));
        }
        let mut data = self.root.clone();
        let mut sidecar = self.meta.clone();
        for (i, segment) in segments.iter().enumerate() {
            let mut components = Path::new(segment).components();
            if !matches!((components.next(), components.next()), (Some(Component::Normal(_)), None)) {
                return Err(DomainError::Internal(format!("object key {key} does not map to a plain path")));
            }
            data.push(segment);
            if i + 1 == segments.len() {
                sidecar.push(format!("{segment}{SIDECAR_SUFFIX}"));
            } else {
                sidecar.push(segment);
            }
        }
        if !data.starts_with(&self.root) || !sidecar.starts_with(&self.meta) {
            return Err(DomainError::Internal(format!("object key {key} resolves outside {}", self.root.display())));
        }
        Ok(ObjectPaths { data, sidecar })
    }

    /// Fails when any existing component of `path` below the root is a symbolic link, so
    /// nothing is read or written through one. Components that do not exist yet are fine:
    /// nothing exists beyond them either. Final opens add `O_NOFOLLOW`; what remains is a
    /// race with someone who can already write inside the root.
    pub(super) fn refuse_symlinks(&self, path: &Path) -> Result<(), DomainError> {
        let relative = path
            .strip_prefix(&self.root)
            .map_err(|_| DomainError::Internal(format!("{} is outside {}", path.display(), self.root.display())))?;
        let mut current = self.root.clone();
        for component in relative.components() {
            current.push(component);
            match fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(DomainError::Internal(format!(
                        "{} is a symbolic link; the object store never follows one",
                        current.display()
                    )));
                }
                Ok(_) => {}
                Err(e) if is_missing(&e) => return Ok(()),
                Err(e) => return Err(io_error("inspect", &current, e)),
            }
        }
        Ok(())
    }

    /// The metadata of the regular file at `path`; `None` when there is none (a directory
    /// is a prefix of other keys, not an object).
    pub(super) fn stat_file(&self, path: &Path) -> Result<Option<fs::Metadata>, DomainError> {
        self.refuse_symlinks(path)?;
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => Ok(Some(meta)),
            Ok(_) => Ok(None),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(io_error("inspect", path, e)),
        }
    }

    /// Opens the regular file at `path` for reading; `None` when there is none.
    pub(super) fn open_file(&self, path: &Path) -> Result<Option<(File, fs::Metadata)>, DomainError> {
        self.refuse_symlinks(path)?;
        let file = match open_nofollow(path) {
            Ok(file) => file,
            Err(e) if is_missing(&e) => return Ok(None),
            Err(e) => return Err(io_error("open", path, e)),
        };
        let meta = file.metadata().map_err(|e| io_error("inspect", path, e))?;
        Ok(meta.is_file().then_some((file, meta)))
    }

    /// Renames a finished temporary file to `target`, making the parent directories. A
    /// rename is atomic: readers of `target` see the old file or the new one, never a part.
    pub(super) fn persist(&self, mut file: NamedTempFile, target: &Path) -> Result<(), DomainError> {
        let parent = parent_of(target)?;
        let mut attempt = 1;
        loop {
            // Checked before `create_dir_all`, which would follow a symlinked directory.
            self.refuse_symlinks(target)?;
            let error = match fs::create_dir_all(parent) {
                Err(e) => e,
                Ok(()) => match file.persist(target) {
                    Ok(_) => return Ok(()),
                    Err(e) => {
                        file = e.file;
                        e.error
                    }
                },
            };
            if error.kind() == io::ErrorKind::NotFound && attempt < RENAME_ATTEMPTS {
                attempt += 1;
            } else {
                return Err(io_error("move into place", target, error));
            }
        }
    }

    /// Removes the file at `path` if there is one (a directory there is not an object).
    pub(super) fn remove_file(&self, path: &Path) -> Result<(), DomainError> {
        if self.stat_file(path)?.is_none() {
            return Ok(());
        }
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if is_missing(&e) => Ok(()),
            Err(e) => Err(io_error("remove", path, e)),
        }
    }

    /// Removes the directories above `path` that are left empty, up to (not including)
    /// `base`, so deleted media leave no trail of empty year/month directories. Best effort:
    /// the first non-empty (or busy) directory stops it.
    pub(super) fn remove_empty_parents(&self, base: &Path, path: &Path) {
        let mut dir = path.parent();
        while let Some(current) = dir {
            if current == base || !current.starts_with(base) || fs::remove_dir(current).is_err() {
                break;
            }
            dir = current.parent();
        }
    }
}

/// Makes a rename inside `dir` durable, not just atomic.
pub(super) fn sync_dir(dir: &Path) -> Result<(), DomainError> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io_error("flush", dir, e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

pub(super) fn parent_of(path: &Path) -> Result<&Path, DomainError> {
    path.parent().ok_or_else(|| DomainError::Internal(format!("{} has no parent directory", path.display())))
}

/// Opens for reading without following a symlink in the last component.
fn open_nofollow(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Missing, or a file where the key needs a directory (`a` is an object, `a/b` is asked):
/// either way there is no object.
pub(super) fn is_missing(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

/// IO errors name the path (under the root, built from a validated key) for the log.
pub(super) fn io_error(action: &str, path: &Path, e: io::Error) -> DomainError {
    DomainError::Internal(format!("object store: cannot {action} {}: {e}", path.display()))
}
