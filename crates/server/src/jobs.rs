//! Backups and the scheduled jobs, built from the settings over whichever database and
//! object store Folio runs on.

use std::sync::Arc;

use anyhow::Context;
use folio_backup::{BackupSettings, Backups, MediaStoreKind, Repositories, Retention, Scratch, ScratchTarget};
use folio_domain::locks::LockManager;
use folio_domain::media::MediaRepository;
use folio_domain::objects::ObjectStore;
use folio_jobs::{names, Job, MediaSweep, Scheduler};

use crate::settings::{DatabaseKind, Settings};

/// Backups to the object store media live in.
pub fn backups(settings: &Settings, objects: Arc<dyn ObjectStore>) -> anyhow::Result<Backups> {
    let media_kind = if settings.objects.s3.is_some() { MediaStoreKind::Bucket } else { MediaStoreKind::Disk };
    let source = match settings.database.kind {
        DatabaseKind::Sqlite => "sqlite",
        DatabaseKind::Postgres => "postgres",
        DatabaseKind::Mongo => "mongodb",
    };
    let newest_migration = {
        use folio_migrations::MigratorTrait;
        folio_migrations::Migrator::migrations().last().map(|m| m.name().to_owned()).unwrap_or_default()
    };
    let mut config = BackupSettings::new(&settings.backup.dir, source, newest_migration);
    config.prefix = settings.backup.prefix.clone();
    config.retention = Retention { keep: settings.backup.keep, keep_days: settings.backup.keep_days };
    config.compression_level = settings.backup.zstd_level;
    let secrets = crate::secrets::resolve(settings).map_err(anyhow::Error::msg)?;
    if settings.backup.encrypt {
        config.encrypt_to = Some(secrets.ecies_public_key);
    }
    config.private_key = Some(secrets.ecies_private_key.clone());
    Ok(Backups::new(objects.clone(), config).context("backup settings")?.with_media_store(objects, media_kind))
}

/// The jobs, on their schedules, taking `locks` so that one instance runs each.
pub fn scheduler(
    settings: &Settings,
    locks: Arc<dyn LockManager>,
    backups: Backups,
    repos: Repositories,
    media: Arc<dyn MediaRepository>,
    objects: Arc<dyn ObjectStore>,
) -> anyhow::Result<Scheduler> {
    let config = &settings.backup;
    let (for_backup, for_prune) = (backups.clone(), backups);
    let backup = Job::new(names::BACKUP, &config.backup_cron, move || {
        let (backups, repos) = (for_backup.clone(), repos.clone());
        async move { backups.create(&repos).await.map(|r| r.to_string()).map_err(|e| e.to_string()) }
    })?;
    let prune = Job::new(names::BACKUP_PRUNE, &config.prune_cron, move || {
        let backups = for_prune.clone();
        async move { backups.prune().await.map(|r| r.to_string()).map_err(|e| e.to_string()) }
    })?;
    let sweep =
        MediaSweep { media, objects, upload_prefix: settings.objects.upload_prefix.clone(), grace: config.sweep_grace };
    let media_sweep = Job::new(names::MEDIA_SWEEP, &config.sweep_cron, move || {
        let sweep = sweep.clone();
        async move { sweep.run().await.map(|r| format!("{r:?}")).map_err(|e| e.to_string()) }
    })?;
    Ok(Scheduler::new(locks, vec![backup, prune, media_sweep])?)
}

/// `verify` restores into an empty SQLite database in a temporary directory.
#[derive(Debug)]
pub struct SqliteScratch;

#[async_trait::async_trait]
impl ScratchTarget for SqliteScratch {
    async fn create(&self) -> Result<Scratch, folio_backup::BackupError> {
        let failed = |e: String| {
            folio_backup::BackupError::Database(folio_domain::DomainError::Internal(format!("scratch database: {e}")))
        };
        let dir = tempfile::tempdir().map_err(|e| failed(e.to_string()))?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("scratch.db").display());
        let db = folio_storage_sql::connect(&url, &folio_storage_sql::PoolOptions::default())
            .await
            .map_err(|e| failed(e.to_string()))?;
        folio_storage_sql::migrate(&db).await.map_err(|e| failed(e.to_string()))?;
        let content = folio_storage_sql::SqlContent::new(db.clone());
        let repos = Repositories {
            users: Arc::new(folio_storage_sql::SqlUserRepository::new(db.clone())),
            media: Arc::new(folio_storage_sql::SqlMediaRepository::new(db)),
            items: Arc::new(content.collections()),
            articles: Arc::new(content.articles()),
        };
        Ok(Scratch { repos, guard: Box::new(dir) })
    }
}
