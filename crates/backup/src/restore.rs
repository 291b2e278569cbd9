//! Restoring a backup into a database of any backend, through its ports.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::backups::Backups;
use crate::catalog::{BackupEntry, BackupId, BackupRef};
use crate::error::BackupError;
use crate::load::{load, Load, LoadError, MediaWritten};
use crate::progress::{phase, Phase};
use crate::repositories::{Counts, Repositories};
use crate::verify::{differences, read_error};

/// How `restore` treats a database that holds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreOptions {
    /// Replace what the target holds (`--replace`); without it a non-empty target is refused.
    pub replace: bool,
    /// Back the target up before replacing what it holds (on by default).
    pub safety_backup: bool,
}

impl Default for RestoreOptions {
    fn default() -> Self {
        RestoreOptions { replace: false, safety_backup: true }
    }
}

/// The backup taken of a target before its content was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyBackup {
    pub id: BackupId,
    /// `false` when the object store refused it: it is then only in the local directory.
    pub uploaded: bool,
    /// Where it stays when not uploaded.
    pub local: Option<PathBuf>,
}

/// What `restore` did.
#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub id: BackupId,
    pub rows: u64,
    /// What the target held before (empty unless replaced).
    pub replaced: Counts,
    pub safety_backup: Option<SafetyBackup>,
    /// The media objects written back, when the backup carries their bytes.
    pub media: Option<MediaWritten>,
    /// Tables that read back otherwise than the backup has them (none, unless the target
    /// backend keeps less than the source did).
    pub differences: Vec<String>,
    pub duration: Duration,
}

impl fmt::Display for RestoreReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "backup {} restored: {} rows in {:.1} s", self.id, self.rows, self.duration.as_secs_f64())?;
        if !self.replaced.is_empty() {
            write!(f, "; replaced {}", self.replaced)?;
        }
        if let Some(media) = &self.media {
            write!(f, "; {} media objects written, {} already in the store", media.written, media.skipped)?;
        }
        if let Some(safety) = &self.safety_backup {
            match &safety.local {
                Some(local) if !safety.uploaded => {
                    write!(f, "; safety backup {} kept at {} (not uploaded)", safety.id, local.display())?
                }
                _ => write!(f, "; safety backup {}", safety.id)?,
            }
        }
        if self.differences.is_empty() {
            write!(f, "; the database reads back identical to the backup")
        } else {
            write!(f, "; it reads back otherwise: {}", self.differences.join("; "))
        }
    }
}

impl Backups {
    /// Restores `which` into `target`, whatever backend either came from. The archive is read
    /// and checked whole before anything is written, so a damaged one is refused with the
    /// target untouched. A target holding anything is refused unless `options.replace`; then
    /// (with `options.safety_backup`) it is backed up first and emptied. Items are inserted in
    /// position order, each checked to land where it was. A backup that carries media bytes
    /// writes them back into the media store after the rows (objects already there with the
    /// same size and sha256 are left be).
    #[tracing::instrument(skip_all)]
    pub async fn restore(
        &self,
        which: &BackupRef,
        target: &Repositories,
        options: RestoreOptions,
    ) -> Result<RestoreReport, BackupError> {
        let started = Instant::now();
        let entry = self.find(which).await?;
        let fetched = self.fetch(&entry).await?;
        let outcome = self.restore_fetched(&entry, &fetched.path, target, options, started).await;
        fetched.cleanup().await;
        outcome
    }

    async fn restore_fetched(
        &self,
        entry: &BackupEntry,
        path: &Path,
        target: &Repositories,
        options: RestoreOptions,
        started: Instant,
    ) -> Result<RestoreReport, BackupError> {
        let manifest = self.check(&entry.id, path).await?;
        let held = target.counts().await.map_err(BackupError::Database)?;
        let mut safety_backup = None;
        if !held.is_empty() {
            if !options.replace {
                return Err(BackupError::NotEmpty(held));
            }
            if options.safety_backup {
                safety_backup = Some(self.safety_backup(target).await?);
            }
            target.clear().await.map_err(|e| BackupError::Restore {
                id: entry.id.to_string(),
                reason: format!("emptying the target failed: {e}"),
            })?;
        }
        let progress = self.progress.as_ref();
        let media_to = manifest.media.is_some().then(|| self.media_store.clone());
        let plan = Load { target: Some(target), check_objects_in: None, media_to, progress };
        let key = self.settings.private_key.clone();
        let loaded = load(path.to_owned(), key, &manifest, plan).await.map_err(|e| match e {
            LoadError::Read(e) => read_error(&entry.id, e),
            LoadError::Write(reason) => BackupError::Restore {
                id: entry.id.to_string(),
                reason: format!(
                    "{reason}; the database now holds part of the backup: restore again with --replace{}",
                    safety_backup.as_ref().map(|s| format!(" (what it held is in {})", s.id)).unwrap_or_default()
                ),
            },
        })?;
        let reread =
            phase(progress, Phase::ReadBack, Some(loaded.rows), crate::dump::dump(target, None, progress)).await?;
        let differences = differences(&manifest, &reread);
        if !differences.is_empty() {
            tracing::warn!(backup = %entry.id, ?differences, "the restored database reads back otherwise");
        }
        tracing::info!(backup = %entry.id, rows = loaded.rows, "backup restored");
        Ok(RestoreReport {
            id: entry.id.clone(),
            rows: loaded.rows,
            replaced: held,
            safety_backup,
            media: manifest.media.is_some().then_some(loaded.media),
            differences,
            duration: started.elapsed(),
        })
    }

    /// Backs `target` up before its content is replaced. A backup that was written but not
    /// uploaded still counts (it stays in the local directory); any other failure is an error.
    pub async fn safety_backup(&self, target: &Repositories) -> Result<SafetyBackup, BackupError> {
        match self.create(target).await {
            Ok(report) => Ok(SafetyBackup { id: report.id, uploaded: true, local: None }),
            Err(BackupError::Upload { id, local, reason }) => {
                tracing::warn!(backup = %id, %reason, "the safety backup stays local");
                let id = BackupId::parse(&id).map_err(BackupError::Settings)?;
                Ok(SafetyBackup { id, uploaded: false, local: Some(local) })
            }
            Err(e) => Err(e),
        }
    }
}
