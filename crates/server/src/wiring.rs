//! The only place that picks adapters: from `Settings` to ports and services.

use std::sync::Arc;

use anyhow::Context;
use folio_crypto::{Argon2Params, PasswordHasher};
use folio_domain::auth::{AuthService, LoginLimits};
use folio_domain::cache::ResponseCache;
use folio_domain::content::articles::ArticleService;
use folio_domain::content::CollectionService;
use folio_domain::health::{HealthCheck, HealthService};
use folio_domain::ids::{lease_node, NodeLease};
use folio_domain::legacy::LegacyIds;
use folio_domain::limits::{FallbackHealth, FallbackRateLimiter, Quota, RateLimiter};
use folio_domain::locks::LockManager;
use folio_domain::media::{MediaService, MediaSettings};
use folio_domain::objects::ObjectStore;
use folio_domain::passwords::PasswordWorker;
use folio_domain::sessions::{SessionPolicy, SessionStore};
use folio_domain::users::UserService;
use folio_id::IdGenerator;
use folio_storage_local::{
    DiskHealth, DiskObjectStore, InProcessRateLimiter, InProcessResponseCache, InProcessSessionStore,
};
use folio_storage_s3::{S3Config, S3Health, S3ObjectStore};
use secrecy::ExposeSecret;

use crate::database::Database;
use crate::settings::Settings;

/// A leased snowflake node id with the locks that hold it.
pub type HeldNode = (NodeLease, Arc<dyn LockManager>);

/// How long a snowflake node lease lasts without renewal (renewed every third of it).
pub const NODE_LEASE: std::time::Duration = std::time::Duration::from_secs(30);

impl Services {
    /// Keeps the node lease renewed while the process runs.
    pub fn keep_alive(&self) {
        if let Some((lease, locks)) = &self.node_lease {
            lease.keep_alive(locks.clone(), NODE_LEASE);
        }
    }

    /// Gives back what this process holds: the node lease, the database pool.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        if let Some((lease, locks)) = &self.node_lease {
            lease.release(locks.as_ref()).await;
        }
        self.db.close().await
    }
}

/// Every service, wired to the adapters the settings name.
#[derive(Debug, Clone)]
pub struct Services {
    /// SQL or MongoDB, as the settings say.
    pub db: Database,
    /// The snowflake node id leased from Redis, with the locks that hold it.
    pub node_lease: Option<HeldNode>,
    /// Counts requests and failed logins: through Redis when configured, else in process.
    pub limiter: Arc<dyn RateLimiter>,
    pub auth: AuthService,
    pub users: UserService,
    pub media: MediaService,
    pub collections: CollectionService,
    pub articles: ArticleService,
    /// Old ids of imported content (`folio import lynx`), for old links to resolve.
    pub legacy: LegacyIds,
    pub health: HealthService,
    /// Public content reads; shared invalidations through Redis when configured.
    pub cache: Option<Arc<dyn ResponseCache>>,
    pub backups: folio_backup::Backups,
    /// The repositories a backup reads and a restore writes.
    pub backup_repos: folio_backup::Repositories,
    pub scheduler: folio_jobs::Scheduler,
}

/// The object store the settings name, with its health check.
fn object_store(settings: &Settings) -> anyhow::Result<(Arc<dyn ObjectStore>, Arc<dyn HealthCheck>)> {
    let objects = &settings.objects;
    match &objects.s3 {
        Some(s3) => {
            let mut config = S3Config::new(
                s3.bucket.clone(),
                s3.region.clone(),
                s3.access_key_id.clone(),
                s3.secret_access_key.clone(),
            );
            config.endpoint = s3.endpoint.clone();
            config.kms_key_arn = s3.kms_key_arn.clone();
            config.cdn_domain = objects.cdn_domain.clone();
            let store = S3ObjectStore::new(config).map_err(|e| {
                let variable = match e.field() {
                    "bucket" => "S3_BUCKET_NAME",
                    "region" => "S3_REGION",
                    "access_key_id" => "S3_ACCESS_KEY_ID",
                    "secret_access_key" => "S3_SECRET_ACCESS_KEY",
                    "endpoint" => "S3_ENDPOINT",
                    "kms_key_arn" => "S3_KMS_KEY_ARN",
                    "cdn_domain" => "CLOUDFRONT_DOMAIN",
                    _ => "S3_*",
                };
                anyhow::anyhow!("{e} (set by {variable})")
            })?;
            let health: Arc<dyn HealthCheck> = Arc::new(S3Health::new(&store, true));
            Ok((Arc::new(store), health))
        }
        None => {
            let root = settings.data_dir.join("objects");
            let store = DiskObjectStore::new(root.clone()).context("the object directory")?;
            Ok((Arc::new(store), Arc::new(DiskHealth::new(root))))
        }
    }
}

pub async fn build(settings: &Settings) -> anyhow::Result<Services> {
    let db = Database::open(settings).await?;
    let repositories = db.repositories();
    let mut checks: Vec<Arc<dyn HealthCheck>> = vec![repositories.health.clone()];

    let local_limiter: Arc<dyn RateLimiter> = Arc::new(InProcessRateLimiter::new());
    let mut redis_pool = None;
    let (sessions, limiter): (Arc<dyn SessionStore>, Arc<dyn RateLimiter>) = match &settings.redis {
        Some(redis) => {
            let pool = folio_storage_redis::connect(folio_storage_redis::RedisConfig {
                url: redis.url.expose_secret().to_owned(),
                key_prefix: redis.key_prefix.clone(),
                pool_size: redis.pool_size,
                timeout: redis.timeout,
            })
            .await
            .context("Redis")?;
            checks.push(Arc::new(folio_storage_redis::RedisHealth::new(pool.clone(), true)));
            // Limits are shared by every instance through Redis, and fall back to this
            // process's own counters while Redis is away.
            let shared = Arc::new(FallbackRateLimiter::new(
                Arc::new(folio_storage_redis::RedisRateLimiter::new(pool.clone())),
                local_limiter,
            ));
            checks.push(Arc::new(FallbackHealth(shared.clone())));
            redis_pool = Some(pool.clone());
            (Arc::new(folio_storage_redis::RedisSessionStore::new(pool)), shared)
        }
        None => (Arc::new(InProcessSessionStore::new()), local_limiter),
    };

    let auth_settings = &settings.auth;
    let params = Argon2Params::new(
        auth_settings.argon2_memory_kib,
        auth_settings.argon2_iterations,
        auth_settings.argon2_parallelism,
    )
    .context("argon2 parameters (ARGON2_*)")?;
    let hasher = PasswordHasher::new(params).context("argon2 parameters (ARGON2_*)")?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let passwords = PasswordWorker::new(hasher, auth_settings.hash_concurrency.unwrap_or(cores));

    // Locks: shared through Redis by every instance, else this process's own.
    let locks: Arc<dyn LockManager> = match &redis_pool {
        Some(pool) => Arc::new(folio_storage_redis::RedisLockManager::new(pool.clone())),
        None => Arc::new(folio_storage_local::InProcessLockManager::new()),
    };
    let (layout, epoch) = (settings.ids.layout, settings.ids.epoch);
    let (ids, node_lease): (Arc<dyn IdGenerator>, Option<HeldNode>) = match &redis_pool {
        // Several instances share this Redis: each leases a node id of its own.
        Some(_) => {
            let (ids, lease) =
                lease_node(locks.clone(), NODE_LEASE, move |w, p| folio_id::build_generator(layout, epoch, w, p))
                    .await?;
            checks.push(Arc::new(lease.health()));
            (Arc::new(ids), Some((lease, locks.clone())))
        }
        None => (
            folio_id::build_generator(layout, epoch, settings.ids.worker_id, settings.ids.process_id)
                .context("ID generator (SNOWFLAKE_*)")?,
            None,
        ),
    };
    let cache: Option<Arc<dyn ResponseCache>> = settings.cache.enabled.then(|| {
        let local = InProcessResponseCache::new(settings.cache.max_bytes, settings.cache.ttl);
        match &redis_pool {
            Some(pool) => Arc::new(folio_storage_redis::RedisResponseCache::start(pool.clone(), local)) as Arc<_>,
            None => Arc::new(local) as Arc<_>,
        }
    });
    let (store, store_health) = object_store(settings)?;
    checks.push(store_health);
    let backups = crate::jobs::backups(settings, store.clone())?;
    let backup_repos = folio_backup::Repositories {
        users: repositories.users.clone(),
        media: repositories.media.clone(),
        items: repositories.collections.clone(),
        articles: repositories.articles.clone(),
    };
    let scheduler = crate::jobs::scheduler(
        settings,
        locks.clone(),
        backups.clone(),
        backup_repos.clone(),
        repositories.media.clone(),
        store.clone(),
    )?;
    checks.push(Arc::new(folio_jobs::JobAgeCheck::new(
        "backups",
        scheduler.clone(),
        folio_jobs::names::BACKUP,
        settings.backup.max_age,
    )));
    let media = MediaService::new(
        repositories.media.clone(),
        store,
        ids.clone(),
        MediaSettings {
            limits: settings.media.limits,
            key_prefix: settings.objects.upload_prefix.clone(),
            prefer_public_urls: settings.objects.cdn_domain.is_some(),
            presign_ttl: settings.media.presign_ttl,
            languages: settings.languages.clone(),
            image_workers: settings.media.image_workers.unwrap_or(cores),
        },
    );
    let collections = CollectionService::new(
        repositories.collections.clone(),
        media.clone(),
        ids.clone(),
        settings.languages.clone(),
    );
    let users = repositories.users.clone();
    let policy = SessionPolicy {
        idle_ttl: settings.sessions.idle_ttl,
        absolute_ttl: settings.sessions.absolute_ttl,
        touch_interval: settings.sessions.touch_interval,
    };
    let limits = LoginLimits {
        per_account: Quota { limit: auth_settings.account_limit, window: auth_settings.account_window },
        per_client: Quota { limit: auth_settings.client_limit, window: auth_settings.client_window },
    };
    Ok(Services {
        auth: AuthService::new(users.clone(), sessions.clone(), passwords.clone(), limiter.clone(), policy, limits),
        limiter,
        node_lease,
        users: UserService::new(users, sessions, passwords, ids),
        media,
        articles: ArticleService::new(repositories.articles.clone(), collections.clone()),
        legacy: LegacyIds::new(repositories.legacy.clone()),
        collections,
        health: HealthService::new(checks, settings.health_timeout),
        cache,
        backups,
        backup_repos,
        scheduler,
        db,
    })
}
