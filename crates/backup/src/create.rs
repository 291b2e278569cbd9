//! Creating a backup: the database read into NDJSON files, with the media bytes when asked,
//! written into an archive locally, uploaded and confirmed.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::backups::Backups;
use crate::catalog::{archive_name, BackupId, BackupInfo};
use crate::dump::dump;
use crate::error::BackupError;
use crate::manifest::{
    FileEntry, IncludedMedia, Manifest, Table, FORMAT, FORMAT_VERSION, FORMAT_VERSION_WITHOUT_MEDIA,
};
use crate::media_files::{self, MediaStoreKind};
use crate::progress::{phase, Phase};
use crate::repositories::Repositories;

/// How `create` backs up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateOptions {
    /// Put the media objects' bytes into the archive too (`--with-media`): only from a disk
    /// store ([`MediaStoreKind::Disk`]).
    pub with_media: bool,
}

/// What `create` did.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub id: BackupId,
    pub created_at: DateTime<Utc>,
    pub files: Vec<FileEntry>,
    /// Rows a restore writes.
    pub rows: u64,
    /// Bytes of the archive.
    pub size: u64,
    pub sha256: String,
    pub encrypted: bool,
    /// Where it is in the object store.
    pub key: String,
    pub duration: Duration,
    /// Earlier backups that had stayed local and were uploaded first.
    pub uploaded_earlier: Vec<BackupId>,
    /// The media bytes it carries (`--with-media`).
    pub media: Option<IncludedMedia>,
    pub warnings: Vec<String>,
}

impl fmt::Display for BackupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "backup {}: {} rows, {} bytes{}, stored as {} in {:.1} s",
            self.id,
            self.rows,
            self.size,
            if self.encrypted { ", encrypted" } else { "" },
            self.key,
            self.duration.as_secs_f64()
        )?;
        if let Some(media) = &self.media {
            write!(f, "; with {} media objects ({} bytes)", media.objects, media.bytes)?;
        }
        if !self.uploaded_earlier.is_empty() {
            write!(f, "; uploaded {} earlier backup(s) first", self.uploaded_earlier.len())?;
        }
        for warning in &self.warnings {
            write!(f, "; {warning}")?;
        }
        Ok(())
    }
}

/// An archive written locally, with its sidecar.
struct Local {
    info: BackupInfo,
    manifest: Manifest,
}

impl Backups {
    /// Backs `repos` up: uploads what earlier runs left behind, writes a new archive locally,
    /// uploads it, confirms the stored object's size and sha256, and only then removes the
    /// local copy. When the upload fails the local copy stays, and the error says where.
    pub async fn create(&self, repos: &Repositories) -> Result<BackupReport, BackupError> {
        self.create_with(repos, CreateOptions::default()).await
    }

    /// [`Backups::create`], with media bytes when `options` asks for them: then a media store
    /// other than a disk store is refused before anything is written.
    #[tracing::instrument(skip_all, fields(with_media = options.with_media))]
    pub async fn create_with(&self, repos: &Repositories, options: CreateOptions) -> Result<BackupReport, BackupError> {
        if options.with_media && self.media_kind != MediaStoreKind::Disk {
            return Err(BackupError::MediaNotOnDisk);
        }
        let started = Instant::now();
        let dir = &self.settings.dir;
        tokio::fs::create_dir_all(dir).await.map_err(BackupError::io(format!("creating {}", dir.display())))?;
        self.remove_stale_leftovers().await;
        let mut warnings = Vec::new();
        let uploaded_earlier = match self.upload_pending().await {
            Ok(ids) => ids,
            Err(e) => {
                warnings.push(format!("an earlier backup is still waiting: {e}"));
                Vec::new()
            }
        };
        let local = self.write_local(repos, options).await?;
        warnings.extend(local.manifest.warnings.iter().cloned());
        let info = local.info;
        let name = archive_name(&info.id, info.encrypted);
        self.upload(&info).await.map_err(|reason| BackupError::Upload {
            id: info.id.to_string(),
            local: self.local_path(&name),
            reason,
        })?;
        tracing::info!(backup = %info.id, rows = info.rows, bytes = info.size, "backup stored");
        Ok(BackupReport {
            key: format!("{}{name}", self.prefix),
            id: info.id,
            created_at: info.created_at,
            files: local.manifest.files,
            rows: info.rows,
            size: info.size,
            sha256: info.sha256,
            encrypted: info.encrypted,
            duration: started.elapsed(),
            uploaded_earlier,
            media: local.manifest.media,
            warnings,
        })
    }

    /// Writes a new archive and its sidecar into the local directory.
    async fn write_local(&self, repos: &Repositories, options: CreateOptions) -> Result<Local, BackupError> {
        let created_at = folio_domain::clock::now();
        let id = BackupId::generate(created_at);
        let work = self.local_path(&format!(".work-{id}"));
        tokio::fs::create_dir_all(&work).await.map_err(BackupError::io(format!("creating {}", work.display())))?;
        let written = self.write_archive(&work, &id, created_at, repos, options).await;
        if let Err(e) = tokio::fs::remove_dir_all(&work).await {
            tracing::warn!(path = %work.display(), error = %e, "could not remove the work directory");
        }
        let (manifest, size, sha256) = written?;
        let info = BackupInfo {
            id,
            created_at,
            size,
            sha256,
            encrypted: self.settings.encrypt_to.is_some(),
            rows: manifest.rows(),
            format_version: manifest.format_version,
            source_backend: manifest.source_backend.clone(),
            folio_version: manifest.folio_version.clone(),
            verification: None,
        };
        self.write_local_info(&info).await?;
        Ok(Local { info, manifest })
    }

    async fn write_archive(
        &self,
        work: &Path,
        id: &BackupId,
        created_at: DateTime<Utc>,
        repos: &Repositories,
        options: CreateOptions,
    ) -> Result<(Manifest, u64, String), BackupError> {
        let progress = self.progress.as_ref();
        let dumped = phase(progress, Phase::Dump, None, dump(repos, Some(work), progress)).await?;
        let mut files = Vec::new();
        let mut entries = Vec::new();
        for (entry, path) in dumped.files {
            let path = path.ok_or_else(|| BackupError::Settings("a table was not written to disk".into()))?;
            entries.push(entry.clone());
            files.push((entry, path));
        }
        let mut warnings = dumped.warnings;
        let media_objects = Table::MediaObjects.file_name();
        let survey = if options.with_media {
            let (listing, path) = files
                .iter()
                .find(|(entry, _)| entry.name == media_objects)
                .ok_or_else(|| BackupError::Settings("the media object listing was not written".into()))?;
            let survey = media_files::survey(self.media_store.as_ref(), path, listing.rows, work, progress).await?;
            if survey.media.missing > 0 {
                let warning = format!(
                    "{} media object(s) the records name are not in the store, so not in the backup: {}",
                    survey.media.missing,
                    survey.media.missing_sample.join(", ")
                );
                tracing::warn!(missing = survey.media.missing, "{warning}");
                warnings.push(warning);
            }
            Some(survey)
        } else {
            None
        };
        let manifest = Manifest {
            format: FORMAT.to_owned(),
            format_version: if survey.is_some() { FORMAT_VERSION } else { FORMAT_VERSION_WITHOUT_MEDIA },
            id: id.to_string(),
            schema_version: self.settings.schema_version.clone(),
            folio_version: self.settings.folio_version.clone(),
            source_backend: self.settings.source_backend.clone(),
            created_at,
            files: entries,
            media_objects,
            media: survey.as_ref().map(|s| s.media.clone()),
            warnings,
        };
        let media = survey.map(|s| crate::archive::MediaPart {
            listing: s.listing_path,
            objects: s.objects,
            open: media_files::opener(self.media_store.clone()),
        });
        let name = archive_name(id, self.settings.encrypt_to.is_some());
        let (final_path, partial) = (self.local_path(&name), self.local_path(&format!(".{name}.partial")));
        let (level, encrypt_to) = (self.settings.compression_level, self.settings.encrypt_to);
        let task = {
            let (manifest, partial, progress) = (manifest.clone(), partial.clone(), self.progress.clone());
            tokio::task::spawn_blocking(move || {
                crate::archive::write(&partial, &manifest, &files, media, level, encrypt_to.as_ref(), progress.as_ref())
            })
        };
        let written = match task.await {
            Ok(Ok(written)) => written,
            Ok(Err(e)) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(BackupError::Io { context: format!("writing {}", partial.display()), source: e });
            }
            Err(e) => {
                return Err(BackupError::Io { context: "the archive writer".into(), source: std::io::Error::other(e) })
            }
        };
        tokio::fs::rename(&partial, &final_path)
            .await
            .map_err(BackupError::io(format!("moving the archive to {}", final_path.display())))?;
        Ok((manifest, written.size, written.sha256))
    }
}
