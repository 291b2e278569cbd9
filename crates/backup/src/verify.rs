//! Verifying a backup: the archive is whole and matches its manifest, it restores into an
//! empty database, and what that database then holds reads back to the very bytes the
//! manifest hashed. The media objects it names are looked up too.

use std::any::Any;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::archive::{self, ReadError};
use crate::backups::Backups;
use crate::catalog::{archive_name, info_name, BackupEntry, BackupId, BackupInfo, BackupRef, Verification};
use crate::dump::Dump;
use crate::error::BackupError;
use crate::load::{load, Load, LoadError, ObjectsCheck};
use crate::manifest::{FileEntry, IncludedMedia, Manifest};
use crate::progress::{phase, Phase};
use crate::remote;
use crate::repositories::Repositories;

/// Makes the empty databases that `verify` restores into: a temporary SQLite database, say.
#[async_trait::async_trait]
pub trait ScratchTarget: Send + Sync + fmt::Debug {
    async fn create(&self) -> Result<Scratch, BackupError>;
}

/// An empty, migrated database, and what must live as long as it does (its temporary
/// directory, say); dropped when the verification ends.
pub struct Scratch {
    pub repos: Repositories,
    pub guard: Box<dyn Any + Send + Sync>,
}

impl fmt::Debug for Scratch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scratch").field("repos", &self.repos).finish_non_exhaustive()
    }
}

/// What `verify` found: the backup is sound (a damaged one is an error).
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub id: BackupId,
    pub created_at: DateTime<Utc>,
    pub source_backend: String,
    pub encrypted: bool,
    /// Rows restored into the scratch database.
    pub rows: u64,
    pub files: Vec<FileEntry>,
    /// The media objects the backup names, looked up in the media store (not when it carries
    /// their bytes: see `media`).
    pub objects: ObjectsCheck,
    /// The media bytes the backup carries, checked against its manifest.
    pub media: Option<IncludedMedia>,
    pub duration: Duration,
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "backup {} (from {}, {}) verified: {} files, {} rows restored and read back identical",
            self.id,
            self.source_backend,
            self.created_at.to_rfc3339(),
            self.files.len(),
            self.rows
        )?;
        match &self.media {
            Some(media) => {
                write!(f, "; {} media objects ({} bytes) in the archive match it", media.objects, media.bytes)?;
                if media.missing > 0 {
                    let sample = media.missing_sample.join(", ");
                    write!(f, ", {} were missing from the store when it was made (e.g. {sample})", media.missing)?;
                }
            }
            None => {
                write!(f, "; {} media objects checked", self.objects.checked)?;
                if self.objects.missing > 0 {
                    write!(f, ", {} missing (e.g. {})", self.objects.missing, self.objects.sample.join(", "))?;
                }
                if self.objects.unchecked > 0 {
                    write!(f, ", {} could not be checked", self.objects.unchecked)?;
                }
            }
        }
        write!(f, " in {:.1} s", self.duration.as_secs_f64())
    }
}

/// An archive on local disk for reading; a downloaded one is removed afterwards.
pub(crate) struct Fetched {
    pub path: PathBuf,
    temporary: bool,
}

impl Fetched {
    pub(crate) async fn cleanup(self) {
        if self.temporary {
            let _ = tokio::fs::remove_file(&self.path).await;
        }
    }
}

impl Backups {
    /// Verifies `which` (see the module comment) and records the outcome with the backup, for
    /// `list` and for `prune`, which never deletes the newest verified backup.
    #[tracing::instrument(skip_all)]
    pub async fn verify(&self, which: &BackupRef, scratch: &dyn ScratchTarget) -> Result<VerifyReport, BackupError> {
        let started = Instant::now();
        let entry = self.find(which).await?;
        let fetched = self.fetch(&entry).await?;
        let outcome = self.verify_fetched(&entry, &fetched.path, scratch, started).await;
        fetched.cleanup().await;
        // Only a verdict on the archive is recorded: not a missing key or a failing database.
        let verdict = match &outcome {
            Ok(report) => Some(Verification { at: Utc::now(), ok: true, message: report.to_string() }),
            Err(e @ BackupError::Corrupt { .. }) => {
                Some(Verification { at: Utc::now(), ok: false, message: e.to_string() })
            }
            Err(_) => None,
        };
        if let Some(verdict) = verdict {
            if let Err(e) = self.record(&entry, verdict).await {
                tracing::warn!(backup = %entry.id, error = %e, "the verification could not be recorded");
            }
        }
        outcome
    }

    async fn verify_fetched(
        &self,
        entry: &BackupEntry,
        path: &Path,
        scratch: &dyn ScratchTarget,
        started: Instant,
    ) -> Result<VerifyReport, BackupError> {
        let manifest = self.check(&entry.id, path).await?;
        let scratch = scratch.create().await?;
        let progress = self.progress.as_ref();
        // An archive that carries the media bytes needs no store to restore them from.
        let check_objects_in = manifest.media.is_none().then_some(self.media_store.as_ref());
        let plan = Load { target: Some(&scratch.repos), check_objects_in, media_to: None, progress };
        let loaded = load(path.to_owned(), self.settings.private_key.clone(), &manifest, plan)
            .await
            .map_err(|e| load_error(&entry.id, e))?;
        let reread =
            phase(progress, Phase::ReadBack, Some(loaded.rows), crate::dump::dump(&scratch.repos, None, progress))
                .await?;
        let differences = differences(&manifest, &reread);
        if !differences.is_empty() {
            return Err(BackupError::Corrupt {
                id: entry.id.to_string(),
                reason: format!("restored into an empty database, it reads back otherwise: {}", differences.join("; ")),
            });
        }
        Ok(VerifyReport {
            id: entry.id.clone(),
            created_at: manifest.created_at,
            source_backend: manifest.source_backend.clone(),
            encrypted: entry.encrypted,
            rows: loaded.rows,
            files: manifest.files,
            objects: loaded.objects,
            media: manifest.media,
            duration: started.elapsed(),
        })
    }

    /// The archive on local disk: the local copy when there is one, else downloaded and
    /// checked against the sidecar's size and sha256.
    pub(crate) async fn fetch(&self, entry: &BackupEntry) -> Result<Fetched, BackupError> {
        let name = archive_name(&entry.id, entry.encrypted);
        let local = self.local_path(&name);
        if tokio::fs::try_exists(&local).await.unwrap_or(false) {
            return Ok(Fetched { path: local, temporary: false });
        }
        let dir = &self.settings.dir;
        tokio::fs::create_dir_all(dir).await.map_err(BackupError::io(format!("creating {}", dir.display())))?;
        let path = self.local_path(&format!(".download-{name}"));
        let fetched = Fetched { path: path.clone(), temporary: true };
        let downloaded = match remote::download(self.store.as_ref(), &self.key_of(&name)?, &path).await {
            Ok(Some(downloaded)) => downloaded,
            Ok(None) => {
                fetched.cleanup().await;
                return Err(BackupError::NotFound(entry.id.to_string()));
            }
            Err(e) => {
                fetched.cleanup().await;
                return Err(e);
            }
        };
        if let Some(expected) = &entry.sha256 {
            if (downloaded.0, &downloaded.1) != (entry.size, expected) {
                fetched.cleanup().await;
                return Err(BackupError::Corrupt {
                    id: entry.id.to_string(),
                    reason: format!(
                        "the stored archive has {} bytes and sha256 {}; it was written with {} bytes and sha256 {}",
                        downloaded.0, downloaded.1, entry.size, expected
                    ),
                });
            }
        }
        Ok(fetched)
    }

    /// Reads the whole archive, checking it against its manifest, without writing anything.
    pub(crate) async fn check(&self, id: &BackupId, path: &Path) -> Result<Manifest, BackupError> {
        let (path, key, progress) = (path.to_owned(), self.settings.private_key.clone(), self.progress.clone());
        let read = tokio::task::spawn_blocking(move || {
            archive::read(&path, key.as_ref(), &mut archive::CheckOnly, progress.as_ref())
        })
        .await
        .map_err(|e| BackupError::Io { context: "the archive reader".into(), source: std::io::Error::other(e) })?;
        read.map_err(|e| read_error(id, e))
    }

    /// Keeps the outcome of a verification in the backup's sidecar.
    async fn record(&self, entry: &BackupEntry, verdict: Verification) -> Result<(), BackupError> {
        if !entry.uploaded {
            let path = self.local_path(&info_name(&entry.id));
            let bytes = tokio::fs::read(&path).await.map_err(BackupError::io(format!("reading {}", path.display())))?;
            let mut info: BackupInfo = serde_json::from_slice(&bytes).map_err(|e| BackupError::Io {
                context: format!("reading {}", path.display()),
                source: std::io::Error::other(e),
            })?;
            info.verification = Some(verdict);
            return self.write_local_info(&info).await;
        }
        let key = self.key_of(&info_name(&entry.id))?;
        let Some(mut info) = remote::get_json::<BackupInfo>(self.store.as_ref(), &key).await? else {
            return Ok(());
        };
        info.verification = Some(verdict);
        remote::put_json(self.store.as_ref(), &key, &info).await.map_err(BackupError::Objects)
    }
}

pub(crate) fn read_error(id: &BackupId, e: ReadError) -> BackupError {
    match e {
        ReadError::KeyRequired => BackupError::KeyRequired(id.to_string()),
        ReadError::WrongKey(reason) => BackupError::WrongKey { id: id.to_string(), reason },
        ReadError::Corrupt(reason) | ReadError::Handler(reason) => BackupError::Corrupt { id: id.to_string(), reason },
    }
}

/// A row that an empty database refuses makes the backup unrestorable: damaged.
fn load_error(id: &BackupId, e: LoadError) -> BackupError {
    match e {
        LoadError::Read(e) => read_error(id, e),
        LoadError::Write(reason) => {
            BackupError::Corrupt { id: id.to_string(), reason: format!("it does not restore: {reason}") }
        }
    }
}

/// Where what a database reads back differs from the manifest.
pub(crate) fn differences(manifest: &Manifest, reread: &Dump) -> Vec<String> {
    let mut out = Vec::new();
    for expected in &manifest.files {
        match reread.files.iter().find(|(f, _)| f.name == expected.name) {
            Some((found, _)) if found.rows == expected.rows && found.sha256 == expected.sha256 => {}
            Some((found, _)) => out.push(format!(
                "{}: {} rows (sha256 {}) where the backup has {} (sha256 {})",
                expected.name, found.rows, found.sha256, expected.rows, expected.sha256
            )),
            None => out.push(format!("{}: not read back", expected.name)),
        }
    }
    out
}
