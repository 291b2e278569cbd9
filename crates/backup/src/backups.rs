//! Backups in an object store: uploading, listing and pruning them (creating: [`crate::create`]).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use folio_domain::objects::ObjectStore;

use crate::catalog::{archive_name, info_name, parse_name, BackupEntry, BackupId, BackupInfo, BackupRef, Named};
use crate::error::BackupError;
use crate::media_files::MediaStoreKind;
use crate::progress::{NoProgress, Progress};
use crate::remote;
use crate::settings::BackupSettings;

/// Backups of a database into an object store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Backups {
    pub(crate) store: Arc<dyn ObjectStore>,
    /// Where media objects live (usually the same store): `verify` looks them up there,
    /// `create --with-media` reads them and `restore` writes them back.
    pub(crate) media_store: Arc<dyn ObjectStore>,
    pub(crate) media_kind: MediaStoreKind,
    pub(crate) settings: BackupSettings,
    pub(crate) prefix: String,
    pub(crate) progress: Arc<dyn Progress>,
}

/// What `prune` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneReport {
    pub kept: Vec<BackupId>,
    pub deleted: Vec<BackupId>,
}

impl fmt::Display for PruneReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kept {} backup(s), deleted {}", self.kept.len(), self.deleted.len())?;
        if !self.deleted.is_empty() {
            let ids: Vec<&str> = self.deleted.iter().map(BackupId::as_str).collect();
            write!(f, ": {}", ids.join(", "))?;
        }
        Ok(())
    }
}

impl Backups {
    /// Backups stored in `store`; media objects are taken to be there too, in a bucket, until
    /// [`Backups::with_media_store`] says otherwise. Quiet until [`Backups::with_progress`].
    pub fn new(store: Arc<dyn ObjectStore>, settings: BackupSettings) -> Result<Backups, BackupError> {
        let prefix = settings.normalized_prefix()?;
        Ok(Backups {
            media_store: store.clone(),
            media_kind: MediaStoreKind::Bucket,
            store,
            settings,
            prefix,
            progress: Arc::new(NoProgress),
        })
    }

    /// Where media objects live, and what kind of store that is (only a disk store's objects
    /// go into archives).
    pub fn with_media_store(mut self, media_store: Arc<dyn ObjectStore>, kind: MediaStoreKind) -> Backups {
        self.media_store = media_store;
        self.media_kind = kind;
        self
    }

    /// Reports how far `create`, `verify` and `restore` are to `progress`.
    pub fn with_progress(mut self, progress: Arc<dyn Progress>) -> Backups {
        self.progress = progress;
        self
    }

    pub fn settings(&self) -> &BackupSettings {
        &self.settings
    }

    pub(crate) fn key_of(&self, name: &str) -> Result<folio_domain::objects::ObjectKey, BackupError> {
        remote::key(&format!("{}{name}", self.prefix))
    }

    pub(crate) fn local_path(&self, name: &str) -> PathBuf {
        self.settings.dir.join(name)
    }

    /// Uploads the backups left in the local directory by failed uploads, oldest first;
    /// stops at the first that fails.
    pub async fn upload_pending(&self) -> Result<Vec<BackupId>, BackupError> {
        let mut uploaded = Vec::new();
        for info in self.local_infos().await? {
            let name = archive_name(&info.id, info.encrypted);
            if !tokio::fs::try_exists(self.local_path(&name)).await.unwrap_or(false) {
                tracing::warn!(backup = %info.id, "a sidecar without its archive: removed");
                let _ = tokio::fs::remove_file(self.local_path(&info_name(&info.id))).await;
                continue;
            }
            self.upload(&info).await.map_err(|reason| BackupError::Upload {
                id: info.id.to_string(),
                local: self.local_path(&name),
                reason,
            })?;
            tracing::info!(backup = %info.id, "earlier backup uploaded");
            uploaded.push(info.id);
        }
        Ok(uploaded)
    }

    /// Stores a local backup and its sidecar, confirmed, then removes the local files.
    pub(crate) async fn upload(&self, info: &BackupInfo) -> Result<(), String> {
        let name = archive_name(&info.id, info.encrypted);
        let key = self.key_of(&name).map_err(|e| e.to_string())?;
        let content_type = if info.encrypted { "application/octet-stream" } else { "application/zstd" };
        let path = self.local_path(&name);
        remote::upload_confirmed(self.store.as_ref(), &path, &key, info.size, &info.sha256, content_type).await?;
        let info_key = self.key_of(&info_name(&info.id)).map_err(|e| e.to_string())?;
        remote::put_json(self.store.as_ref(), &info_key, info).await.map_err(|e| format!("storing {info_key}: {e}"))?;
        for local in [path, self.local_path(&info_name(&info.id))] {
            if let Err(e) = tokio::fs::remove_file(&local).await {
                tracing::warn!(path = %local.display(), error = %e, "uploaded, but the local copy could not be removed");
            }
        }
        Ok(())
    }

    pub(crate) async fn write_local_info(&self, info: &BackupInfo) -> Result<(), BackupError> {
        let path = self.local_path(&info_name(&info.id));
        let temporary = self.local_path(&format!(".{}.partial", info_name(&info.id)));
        let bytes = serde_json::to_vec_pretty(info).map_err(|e| BackupError::Io {
            context: "encoding the sidecar".into(),
            source: std::io::Error::other(e),
        })?;
        tokio::fs::write(&temporary, bytes)
            .await
            .map_err(BackupError::io(format!("writing {}", temporary.display())))?;
        tokio::fs::rename(&temporary, &path).await.map_err(BackupError::io(format!("writing {}", path.display())))
    }

    /// Removes what runs that died left in the local directory (work directories, partial
    /// archives, downloads) once a day old, so that a run in progress elsewhere keeps its own.
    pub(crate) async fn remove_stale_leftovers(&self) {
        let Ok(mut read) = tokio::fs::read_dir(&self.settings.dir).await else { return };
        while let Ok(Some(entry)) = read.next_entry().await {
            let name = entry.file_name().to_string_lossy().into_owned();
            let leftover = name.starts_with(".work-") || name.starts_with(".download-") || name.ends_with(".partial");
            let stale = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(24 * 3600));
            if !(leftover && stale) {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() {
                tokio::fs::remove_dir_all(&path).await
            } else {
                tokio::fs::remove_file(&path).await
            };
            match removed {
                Ok(()) => tracing::info!(path = %path.display(), "stale backup leftover removed"),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "stale backup leftover not removed"),
            }
        }
    }

    /// The sidecars in the local directory: backups not uploaded yet, oldest first.
    async fn local_infos(&self) -> Result<Vec<BackupInfo>, BackupError> {
        let dir = &self.settings.dir;
        let mut read = match tokio::fs::read_dir(dir).await {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(BackupError::Io { context: format!("reading {}", dir.display()), source: e }),
        };
        let mut infos = Vec::new();
        while let Some(entry) =
            read.next_entry().await.map_err(BackupError::io(format!("reading {}", dir.display())))?
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(Named::Info(_)) = parse_name(&name) else { continue };
            let path = entry.path();
            match tokio::fs::read(&path).await.map(|bytes| serde_json::from_slice::<BackupInfo>(&bytes)) {
                Ok(Ok(info)) => infos.push(info),
                Ok(Err(e)) => tracing::warn!(path = %path.display(), error = %e, "unreadable backup sidecar skipped"),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "unreadable backup sidecar skipped"),
            }
        }
        infos.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(infos)
    }

    /// Every backup, newest first: those in the object store, and those still waiting in the
    /// local directory (`uploaded: false`).
    pub async fn list(&self) -> Result<Vec<BackupEntry>, BackupError> {
        let mut archives: std::collections::BTreeMap<BackupId, (bool, u64)> = Default::default();
        let mut infos = Vec::new();
        for meta in self.store.list(&self.prefix).await.map_err(BackupError::Objects)? {
            let Some(name) = meta.key.as_str().strip_prefix(&self.prefix) else { continue };
            match parse_name(name) {
                Some(Named::Archive { id, encrypted }) => {
                    archives.insert(id, (encrypted, meta.size));
                }
                Some(Named::Info(id)) => infos.push(id),
                None => {}
            }
        }
        let mut entries: Vec<BackupEntry> = Vec::new();
        for id in infos {
            if !archives.contains_key(&id) {
                continue;
            }
            let key = self.key_of(&info_name(&id))?;
            match remote::get_json::<BackupInfo>(self.store.as_ref(), &key).await {
                Ok(Some(info)) if info.id == id => {
                    archives.remove(&id);
                    entries.push(BackupEntry::from_info(&info, true));
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(backup = %id, error = %e, "unreadable backup sidecar"),
            }
        }
        // Archives without a sidecar: an upload cut short, or a sidecar lost.
        for (id, (encrypted, size)) in archives {
            let Some(created_at) = id.created_at() else { continue };
            entries.push(BackupEntry {
                id,
                created_at,
                size,
                sha256: None,
                rows: None,
                encrypted,
                verification: None,
                uploaded: true,
            });
        }
        for info in self.local_infos().await? {
            entries.retain(|e| e.id != info.id);
            entries.push(BackupEntry::from_info(&info, false));
        }
        entries.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        Ok(entries)
    }

    /// The backup `which` names.
    pub async fn find(&self, which: &BackupRef) -> Result<BackupEntry, BackupError> {
        let entries = self.list().await?;
        let found = match which {
            BackupRef::Latest => entries.into_iter().next(),
            BackupRef::Id(id) => entries.into_iter().find(|e| &e.id == id),
        };
        found.ok_or_else(|| match which {
            BackupRef::Latest => BackupError::NotFound("at all".to_owned()),
            BackupRef::Id(id) => BackupError::NotFound(id.to_string()),
        })
    }

    /// Deletes the uploaded backups the retention settings let go (never the newest verified
    /// one, nor the newest of all).
    #[tracing::instrument(skip_all)]
    pub async fn prune(&self) -> Result<PruneReport, BackupError> {
        let entries = self.list().await?;
        let doomed: Vec<BackupId> =
            self.settings.retention.to_delete(&entries, Utc::now()).into_iter().map(|e| e.id.clone()).collect();
        let mut report = PruneReport::default();
        for entry in &entries {
            if !doomed.contains(&entry.id) {
                report.kept.push(entry.id.clone());
                continue;
            }
            // The sidecar first: a backup half-deleted still lists (as an archive without one)
            // and goes at the next prune, where a lone sidecar would never be seen again.
            for name in [info_name(&entry.id), archive_name(&entry.id, true), archive_name(&entry.id, false)] {
                self.store.delete(&self.key_of(&name)?).await.map_err(BackupError::Objects)?;
            }
            tracing::info!(backup = %entry.id, "backup pruned");
            report.deleted.push(entry.id.clone());
        }
        Ok(report)
    }
}
