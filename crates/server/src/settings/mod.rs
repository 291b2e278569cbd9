//! One typed `Settings`, loaded and validated once at start, then passed down as values.

mod keys;
mod reader;
mod sources;

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use folio_crypto::ecies::{PublicKey, SecretKey};
use folio_domain::media::MediaLimits;
use folio_domain::values::Languages;
use folio_id::{Epoch, IdLayout};
use ipnet::IpNet;
use secrecy::SecretString;

pub use keys::{redact, KEYS};
pub use reader::ConfigError;
use reader::{list, Reader};
pub use sources::{LayerInputs, Layers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
    Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: AppEnv,
    pub http: HttpSettings,
    pub log: LogSettings,
    pub data_dir: PathBuf,
    pub database: DatabaseSettings,
    pub secrets: ConfiguredSecrets,
    pub ids: IdSettings,
    pub throttle: ThrottleSettings,
    pub redis: Option<RedisSettings>,
    pub sessions: SessionSettings,
    pub auth: AuthSettings,
    pub admin: AdminSeed,
    pub objects: ObjectSettings,
    pub media: MediaSettingsRaw,
    pub languages: Languages,
    pub health_timeout: Duration,
    pub metrics_enabled: bool,
    pub cache: CacheSettings,
    pub backup: BackupConfig,
    pub compat: CompatSettings,
}

/// The old Node services' routes, served as adapters over the same services (`FOLIO_COMPAT`).
#[derive(Debug, Clone, Default)]
pub struct CompatSettings {
    /// The Lynx portfolio API: `/api/main/*`, `/api/article/*`.
    pub lynx: bool,
    /// The NestJS template's user API: `/api/user/*`, `/api/health`.
    pub nest: bool,
    pub author: String,
    pub author_url: Option<String>,
}

impl CompatSettings {
    /// The enabled sets as `FOLIO_COMPAT` writes them (`off` when none).
    pub fn describe(&self) -> String {
        let enabled: Vec<&str> = [("lynx", self.lynx), ("nest", self.nest)]
            .into_iter()
            .filter_map(|(name, on)| on.then_some(name))
            .collect();
        if enabled.is_empty() {
            "off".to_owned()
        } else {
            enabled.join(",")
        }
    }
}

/// Backups and the scheduled jobs.
#[derive(Debug, Clone)]
pub struct BackupConfig {
    pub dir: PathBuf,
    pub prefix: String,
    pub keep: usize,
    pub keep_days: u32,
    pub encrypt: bool,
    pub max_age: Duration,
    pub zstd_level: i32,
    pub backup_cron: String,
    pub prune_cron: String,
    pub sweep_cron: String,
    pub sweep_grace: Duration,
}

fn read_backup(r: &mut Reader<'_>, data_dir: &std::path::Path) -> BackupConfig {
    let cron = |raw: &str| folio_jobs::Schedule::parse(raw).map(|_| raw.to_owned());
    BackupConfig {
        dir: r.or("BACKUP_DIR", data_dir.join("backups"), |raw| Ok(PathBuf::from(raw))),
        prefix: r.or("S3_BACKUP_PATH", "backups/".to_owned(), |raw| Ok(raw.to_owned())),
        keep: r.number("BACKUP_KEEP", 7, 1, 10_000),
        keep_days: r.number("BACKUP_KEEP_DAYS", 7, 0, 36_500),
        encrypt: r.flag("BACKUP_ENCRYPT", false),
        max_age: Duration::from_secs(r.number("BACKUP_MAX_AGE_SECS", 26 * 3600, 60, 365 * 86_400)),
        zstd_level: r.number("BACKUP_ZSTD_LEVEL", 3, 1, 19),
        backup_cron: r.or("JOB_BACKUP_CRON", folio_jobs::defaults::BACKUP_CRON.to_owned(), cron),
        prune_cron: r.or("JOB_BACKUP_PRUNE_CRON", folio_jobs::defaults::BACKUP_PRUNE_CRON.to_owned(), cron),
        sweep_cron: r.or("JOB_MEDIA_SWEEP_CRON", folio_jobs::defaults::MEDIA_SWEEP_CRON.to_owned(), cron),
        sweep_grace: Duration::from_secs(r.number("MEDIA_SWEEP_GRACE_SECS", 24 * 3600, 0, 365 * 86_400)),
    }
}

/// The response cache of public content reads.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    pub enabled: bool,
    /// Bounds how long a write made outside the API (the CLI) can go unseen.
    pub ttl: Duration,
    pub max_bytes: u64,
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub host: IpAddr,
    pub port: u16,
    /// `None`: one worker per core.
    pub workers: Option<usize>,
    pub json_limit: usize,
    /// `max-age` of public content reads, in seconds.
    pub cache_max_age: u32,
    pub shutdown_grace: Duration,
    pub trusted_proxies: Vec<IpNet>,
    /// `APP_PUBLIC_URL`: the origin clients reach this server at, without a trailing slash.
    pub public_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    /// A tracing filter: RUST_LOG's directives, or LOG_LEVEL.
    pub filter: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
    Mongo,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub kind: DatabaseKind,
    /// Holds credentials: never log it unredacted.
    pub url: SecretString,
    /// SQL only: MongoDB is migrated by `folio migrate up`, and checked at start.
    pub auto_migrate: bool,
    /// The pool size, on every kind of database.
    pub max_connections: u32,
    /// Opening one connection (for MongoDB: one socket).
    pub connect_timeout: Duration,
    pub acquire_timeout: Duration,
    pub mongo: MongoSettings,
}

/// What only MongoDB uses, under the Node service's names.
#[derive(Debug, Clone)]
pub struct MongoSettings {
    /// Added to a URI with credentials and no `authSource`.
    pub auth_source: String,
    /// Attempts to connect at start, at least one.
    pub max_retries: u32,
    /// The wait after the first failed attempt; it doubles after each further one.
    pub retry_delay: Duration,
    /// How long an operation waits for a usable server before answering 503.
    pub server_selection_timeout: Duration,
}

/// Secrets as configured; missing ones are generated (outside production) at start.
#[derive(Debug, Clone, Default)]
pub struct ConfiguredSecrets {
    pub cookie_secret: Option<SecretString>,
    pub ecies_private_key: Option<SecretKey>,
}

#[derive(Debug, Clone)]
pub struct IdSettings {
    pub layout: IdLayout,
    pub epoch: Epoch,
    pub worker_id: u8,
    pub process_id: u8,
}

/// The two rate-limit tiers of the Node services (a window and a count each).
#[derive(Debug, Clone)]
pub struct ThrottleSettings {
    pub default_window: Duration,
    pub default_limit: u32,
    pub short_window: Duration,
    pub short_limit: u32,
    pub upload_window: Duration,
    pub upload_limit: u32,
}

#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// Holds the password: never log it unredacted.
    pub url: SecretString,
    pub key_prefix: String,
    pub pool_size: usize,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct SessionSettings {
    pub cookie_name: String,
    pub cookie_secure: bool,
    pub idle_ttl: Duration,
    pub absolute_ttl: Duration,
    pub touch_interval: Duration,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub open_registration: bool,
    pub allowed_origins: Vec<String>,
    pub account_limit: u32,
    pub account_window: Duration,
    pub client_limit: u32,
    pub client_window: Duration,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    /// `None`: one per core.
    pub hash_concurrency: Option<usize>,
}

/// The first admin, for `folio seed`.
#[derive(Debug, Clone)]
pub struct AdminSeed {
    pub email: Option<String>,
    pub password: Option<SecretString>,
    pub name: String,
}

/// Where media objects go: S3 when a bucket is named, else `DATA_DIR/objects`.
#[derive(Debug, Clone)]
pub struct ObjectSettings {
    pub s3: Option<S3Settings>,
    pub upload_prefix: String,
    pub cdn_domain: Option<String>,
}

#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub endpoint: Option<String>,
    pub kms_key_arn: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MediaSettingsRaw {
    pub limits: MediaLimits,
    pub presign_ttl: Duration,
    /// `None`: one per core.
    pub image_workers: Option<usize>,
}

/// Smallest accepted cookie secret: 32 bytes, the key size of the HMAC that signs cookies.
pub const MIN_COOKIE_SECRET_LEN: usize = 32;

impl Settings {
    /// Loads the layers of the real process and reads them.
    pub fn load() -> Result<Settings, Vec<String>> {
        let layers =
            Layers::load(&LayerInputs::from_process()).map_err(|e| vec![format!("invalid configuration: {e}")])?;
        Settings::from_layers(&layers).map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    pub fn from_layers(layers: &Layers) -> Result<Settings, Vec<ConfigError>> {
        let mut r = Reader::new(layers);
        let env = r.or("APP_ENV", AppEnv::Development, |raw| match raw.to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(AppEnv::Development),
            "production" | "prod" => Ok(AppEnv::Production),
            "test" => Ok(AppEnv::Test),
            _ => Err("development, production or test".to_owned()),
        });
        let http = read_http(&mut r);
        let log = read_log(&mut r);
        let data_dir = PathBuf::from(r.raw("DATA_DIR").unwrap_or("./data"));
        let database = read_database(&mut r, &data_dir);
        let secrets = read_secrets(&mut r);
        if env == AppEnv::Production {
            // Generated secrets would differ per instance and live on local disk.
            for (key, missing) in [
                ("COOKIE_SECRET", secrets.cookie_secret.is_none()),
                ("ECIES_PRIVATE_KEY", secrets.ecies_private_key.is_none()),
            ] {
                if missing && r.raw(key).is_none() {
                    r.fail(key, "a value when APP_ENV=production (generate one with `folio keys generate`)");
                }
            }
        }
        let ids = IdSettings {
            layout: r.or("SNOWFLAKE_LAYOUT", IdLayout::Snowflake, |raw| {
                raw.parse().map_err(|_| "snowflake or sonyflake".to_owned())
            }),
            epoch: r.or("SNOWFLAKE_EPOCH", Epoch::DEFAULT, |raw| {
                Epoch::parse(raw).map_err(|_| "an RFC 3339 time or Unix milliseconds, not in the future".to_owned())
            }),
            worker_id: r.number("SNOWFLAKE_WORKER_ID", 0, 0, 31),
            process_id: r.number("SNOWFLAKE_PROCESS_ID", 0, 0, 31),
        };
        let throttle = ThrottleSettings {
            default_window: Duration::from_millis(r.number("THROTTLE_TTL", 60_000, 1, 86_400_000)),
            default_limit: r.number("THROTTLE_LIMIT", 60, 1, 1_000_000),
            short_window: Duration::from_millis(r.number("SHORT_THROTTLE_TTL", 10_000, 1, 86_400_000)),
            short_limit: r.number("SHORT_THROTTLE_LIMIT", 20, 1, 1_000_000),
            upload_window: Duration::from_millis(r.number("UPLOAD_THROTTLE_TTL", 600_000, 1, 86_400_000)),
            upload_limit: r.number("UPLOAD_THROTTLE_LIMIT", 60, 1, 1_000_000),
        };
        let redis = read_redis(&mut r);
        let sessions = read_sessions(&mut r, env);
        let auth = read_auth(&mut r);
        let admin = AdminSeed {
            email: r.raw("FOLIO_ADMIN_EMAIL").map(str::to_owned),
            password: r.raw("FOLIO_ADMIN_PASSWORD").map(|p| SecretString::from(p.to_owned())),
            name: r.raw("FOLIO_ADMIN_NAME").unwrap_or("Admin").to_owned(),
        };
        let objects = read_objects(&mut r);
        let media = read_media(&mut r);
        let languages = read_languages(&mut r);
        let health_timeout = Duration::from_millis(r.number("HEALTH_TIMEOUT_MS", 2_000, 1, 60_000));
        let metrics_enabled = r.flag("METRICS_ENABLED", true);
        let backup = read_backup(&mut r, &data_dir);
        let cache = CacheSettings {
            enabled: r.flag("CACHE_ENABLED", true),
            ttl: Duration::from_secs(r.number("CACHE_TTL_SECS", 300, 1, 86_400)),
            max_bytes: r.number::<u64>("CACHE_MAX_MB", 64, 1, 65_536) * 1024 * 1024,
        };
        let compat = read_compat(&mut r);

        if r.errors.is_empty() {
            Ok(Settings {
                env,
                http,
                log,
                data_dir,
                database,
                secrets,
                ids,
                throttle,
                redis,
                sessions,
                auth,
                admin,
                objects,
                media,
                languages,
                health_timeout,
                metrics_enabled,
                cache,
                backup,
                compat,
            })
        } else {
            Err(r.errors)
        }
    }
}

fn read_http(r: &mut Reader<'_>) -> HttpSettings {
    let host = r.or("APP_HOST", IpAddr::from([127, 0, 0, 1]), |raw| {
        let raw = if raw == "localhost" { "127.0.0.1" } else { raw };
        raw.parse().map_err(|_| "an IP address such as 0.0.0.0 or 127.0.0.1".to_owned())
    });
    let trusted_proxies = r.or("TRUSTED_PROXIES", Vec::new(), |raw| {
        list(raw)
            .iter()
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("comma-separated CIDRs such as 10.0.0.0/8 (`{item}` is not one)"))
            })
            .collect()
    });
    let workers: usize = r.number("HTTP_WORKERS", 0, 0, 1024);
    let public_url = r.optional("APP_PUBLIC_URL", |raw| match url::Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() && u.query().is_none() => {
            Ok(raw.trim_end_matches('/').to_owned())
        }
        _ => Err("an http(s) URL such as https://api.example.com".to_owned()),
    });
    HttpSettings {
        host,
        port: r.number("APP_PORT", 3000, 0, 65535),
        workers: (workers > 0).then_some(workers),
        json_limit: r.number("HTTP_JSON_LIMIT", 1024 * 1024, 1024, 64 * 1024 * 1024),
        cache_max_age: r.number("HTTP_CACHE_MAX_AGE", 60, 0, 86_400),
        shutdown_grace: Duration::from_secs(r.number("HTTP_SHUTDOWN_GRACE_SECS", 30, 0, 3600)),
        trusted_proxies,
        public_url,
    }
}

fn read_log(r: &mut Reader<'_>) -> LogSettings {
    let level = r.or("LOG_LEVEL", "info".to_owned(), |raw| {
        let level = raw.to_ascii_lowercase();
        match level.as_str() {
            "trace" | "debug" | "info" | "warn" | "error" => Ok(level),
            _ => Err("trace, debug, info, warn or error".to_owned()),
        }
    });
    let filter = r
        .optional("RUST_LOG", |raw| {
            tracing_subscriber::EnvFilter::try_new(raw)
                .map(|_| raw.to_owned())
                .map_err(|_| "tracing directives such as `info,folio_api=debug`".to_owned())
        })
        .unwrap_or(level);
    let format = r.or("LOG_FORMAT", LogFormat::Pretty, |raw| match raw.to_ascii_lowercase().as_str() {
        "json" => Ok(LogFormat::Json),
        "pretty" | "text" => Ok(LogFormat::Pretty),
        _ => Err("json or pretty".to_owned()),
    });
    LogSettings { filter, format }
}

fn read_database(r: &mut Reader<'_>, data_dir: &std::path::Path) -> DatabaseSettings {
    let embedded = format!("sqlite://{}/folio.db?mode=rwc", data_dir.display());
    let (kind, url) = if let Some(url) = r.optional("DATABASE_URL", classify_database_url) {
        url
    } else if r.raw("DATABASE_URL").is_some() {
        (DatabaseKind::Sqlite, embedded) // already reported
    } else if let Some(uri) = r.raw("MONGO_URI") {
        (DatabaseKind::Mongo, uri.to_owned())
    } else if r.raw("POSTGRE_HOST").is_some() {
        (DatabaseKind::Postgres, postgres_url_from_parts(r))
    } else {
        (DatabaseKind::Sqlite, embedded)
    };
    DatabaseSettings {
        kind,
        url: SecretString::from(url),
        auto_migrate: r.flag("DATABASE_AUTO_MIGRATE", true),
        max_connections: r.number("DATABASE_MAX_CONNECTIONS", 10, 1, 1000),
        connect_timeout: Duration::from_millis(r.number("DATABASE_CONNECT_TIMEOUT_MS", 5000, 1, 600_000)),
        acquire_timeout: Duration::from_millis(r.number("DATABASE_ACQUIRE_TIMEOUT_MS", 5000, 1, 600_000)),
        mongo: read_mongo(r),
    }
}

fn read_mongo(r: &mut Reader<'_>) -> MongoSettings {
    let auth_source = r.or("MONGO_AUTH_SOURCE", "admin".to_owned(), |raw| {
        // A database name: no separators that would change the URI's meaning.
        if raw.chars().any(|c| matches!(c, '/' | '\\' | '.' | ' ' | '"' | '$' | '&' | '?' | '#')) {
            Err("a database name such as admin".to_owned())
        } else {
            Ok(raw.to_owned())
        }
    });
    MongoSettings {
        auth_source,
        max_retries: r.number("MONGO_MAX_RETRIES", 10, 1, 1000),
        retry_delay: Duration::from_millis(r.number("MONGO_RETRY_DELAY_MS", 3000, 0, 600_000)),
        server_selection_timeout: Duration::from_millis(r.number(
            "MONGO_SERVER_SELECTION_TIMEOUT_MS",
            5000,
            1,
            600_000,
        )),
    }
}

fn classify_database_url(raw: &str) -> Result<(DatabaseKind, String), String> {
    let expected = "a URL starting with sqlite:, postgres://, postgresql:// or mongodb://".to_owned();
    let scheme = raw.split(':').next().unwrap_or_default().to_ascii_lowercase();
    let kind = match scheme.as_str() {
        "sqlite" => DatabaseKind::Sqlite,
        "postgres" | "postgresql" => DatabaseKind::Postgres,
        "mongodb" | "mongodb+srv" => DatabaseKind::Mongo,
        _ => return Err(expected),
    };
    if !matches!(kind, DatabaseKind::Sqlite) && url::Url::parse(raw).is_err() {
        return Err(expected);
    }
    let url = match kind {
        // Create the file when missing, as the embedded default does.
        DatabaseKind::Sqlite if !raw.contains("mode=") => {
            format!("{raw}{}mode=rwc", if raw.contains('?') { '&' } else { '?' })
        }
        _ => raw.to_owned(),
    };
    Ok((kind, url))
}

/// The Node template's `POSTGRE_*` variables as one URL.
fn postgres_url_from_parts(r: &mut Reader<'_>) -> String {
    let host = r.raw("POSTGRE_HOST").unwrap_or("127.0.0.1").to_owned();
    let port: u16 = r.number("POSTGRE_PORT", 5432, 1, 65535);
    let user = r.raw("POSTGRE_USER").unwrap_or("postgres").to_owned();
    let password = r.raw("POSTGRE_PASSWORD").map(str::to_owned);
    let name = r.raw("POSTGRE_NAME").unwrap_or("folio").to_owned();
    let mut url = match url::Url::parse(&format!("postgres://{host}:{port}/")) {
        Ok(url) => url,
        Err(_) => {
            r.fail("POSTGRE_HOST", "a host name or IP address");
            return String::new();
        }
    };
    let _ = url.set_username(&user);
    let _ = url.set_password(password.as_deref());
    url.set_path(&name);
    url.to_string()
}

fn read_redis(r: &mut Reader<'_>) -> Option<RedisSettings> {
    let url = if let Some(url) = r.optional("REDIS_URL", |raw| {
        let ok = url::Url::parse(raw).is_ok_and(|u| matches!(u.scheme(), "redis" | "rediss"));
        if ok {
            Ok(raw.to_owned())
        } else {
            Err("a URL such as redis://:password@127.0.0.1:6379/10".to_owned())
        }
    }) {
        url
    } else if let Some(host) = r.raw("REDIS_HOST") {
        let port: u16 = r.number("REDIS_PORT", 6379, 1, 65535);
        let db: u8 = r.number("REDIS_DB", 10, 0, 255);
        let mut url = match url::Url::parse(&format!("redis://{host}:{port}/{db}")) {
            Ok(url) => url,
            Err(_) => {
                r.fail("REDIS_HOST", "a host name or IP address");
                return None;
            }
        };
        if let Some(password) = r.raw("REDIS_PASSWORD") {
            let _ = url.set_password(Some(password));
        }
        url.to_string()
    } else {
        return None;
    };
    Some(RedisSettings {
        url: SecretString::from(url),
        key_prefix: r.raw("REDIS_KEY_PREFIX").unwrap_or("folio:").to_owned(),
        pool_size: r.number("REDIS_POOL_SIZE", 16, 1, 1024),
        timeout: Duration::from_millis(r.number("REDIS_TIMEOUT_MS", 2000, 1, 600_000)),
    })
}

fn read_sessions(r: &mut Reader<'_>, env: AppEnv) -> SessionSettings {
    let cookie_name = r.or("SESSION_COOKIE_NAME", "folio_session".to_owned(), |raw| {
        if raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            Ok(raw.to_owned())
        } else {
            Err("letters, digits, `_` and `-`".to_owned())
        }
    });
    let idle_ttl = Duration::from_secs(r.number("SESSION_IDLE_TTL_SECS", 7 * 86_400, 1, 365 * 86_400));
    let absolute_ttl = Duration::from_secs(r.number("SESSION_ABSOLUTE_TTL_SECS", 30 * 86_400, 1, 3650 * 86_400));
    SessionSettings {
        cookie_name,
        cookie_secure: r.flag("COOKIE_SECURE", env == AppEnv::Production),
        idle_ttl,
        absolute_ttl,
        touch_interval: Duration::from_secs(r.number("SESSION_TOUCH_INTERVAL_SECS", 60, 0, 86_400)),
    }
}

fn read_auth(r: &mut Reader<'_>) -> AuthSettings {
    let allowed_origins = r.or("CORS_ORIGINS", Vec::new(), |raw| {
        list(raw)
            .into_iter()
            .map(|origin| match url::Url::parse(&origin) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.path() == "/" && u.query().is_none() => {
                    Ok(origin.trim_end_matches('/').to_owned())
                }
                _ => Err(format!("comma-separated origins such as https://example.com (`{origin}` is not one)")),
            })
            .collect()
    });
    let hash_concurrency: usize = r.number("PASSWORD_HASH_CONCURRENCY", 0, 0, 1024);
    AuthSettings {
        open_registration: r.flag("AUTH_OPEN_REGISTRATION", false),
        allowed_origins,
        account_limit: r.number("AUTH_LOGIN_ACCOUNT_LIMIT", 5, 1, 1_000_000),
        account_window: Duration::from_secs(r.number("AUTH_LOGIN_ACCOUNT_WINDOW_SECS", 900, 1, 86_400)),
        client_limit: r.number("AUTH_LOGIN_CLIENT_LIMIT", 20, 1, 1_000_000),
        client_window: Duration::from_secs(r.number("AUTH_LOGIN_CLIENT_WINDOW_SECS", 900, 1, 86_400)),
        argon2_memory_kib: r.number("ARGON2_MEMORY_KIB", 19_456, 8, 4 * 1024 * 1024),
        argon2_iterations: r.number("ARGON2_ITERATIONS", 2, 1, 100),
        argon2_parallelism: r.number("ARGON2_PARALLELISM", 1, 1, 64),
        hash_concurrency: (hash_concurrency > 0).then_some(hash_concurrency),
    }
}

fn read_objects(r: &mut Reader<'_>) -> ObjectSettings {
    let upload_prefix = r.or("S3_UPLOAD_PREFIX", String::new(), |raw| {
        let trimmed = raw.trim_matches('/');
        if trimmed.is_empty() {
            return Ok(String::new());
        }
        folio_domain::objects::ObjectKey::parse(trimmed)
            .map(|_| format!("{trimmed}/"))
            .map_err(|_| "a key prefix of letters, digits, `.`, `_`, `-` and `/`, such as uploads/".to_owned())
    });
    let cdn_domain = r.optional("CLOUDFRONT_DOMAIN", |raw| {
        let host = raw.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        if !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':')) {
            Ok(host.to_owned())
        } else {
            Err("a host name such as d111111abcdef8.cloudfront.net".to_owned())
        }
    });
    let s3 = r.raw("S3_BUCKET_NAME").map(str::to_owned).map(|bucket| {
        let access_key_id = r.raw("S3_ACCESS_KEY_ID").unwrap_or_default().to_owned();
        if access_key_id.is_empty() {
            r.fail("S3_ACCESS_KEY_ID", "an access key id when S3_BUCKET_NAME is set");
        }
        let secret = r.raw("S3_SECRET_ACCESS_KEY").unwrap_or_default().to_owned();
        if secret.is_empty() {
            r.fail("S3_SECRET_ACCESS_KEY", "a secret access key when S3_BUCKET_NAME is set");
        }
        let endpoint = r.optional("S3_ENDPOINT", |raw| match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(raw.trim_end_matches('/').to_owned()),
            _ => Err("an http(s) URL such as http://127.0.0.1:9000".to_owned()),
        });
        S3Settings {
            bucket,
            region: r.raw("S3_REGION").unwrap_or("us-east-1").to_owned(),
            access_key_id,
            secret_access_key: SecretString::from(secret),
            endpoint,
            kms_key_arn: r.raw("S3_KMS_KEY_ARN").map(str::to_owned),
        }
    });
    ObjectSettings { s3, upload_prefix, cdn_domain }
}

fn read_media(r: &mut Reader<'_>) -> MediaSettingsRaw {
    const GB: u64 = 1_000_000_000;
    let defaults = MediaLimits::default();
    let limits = MediaLimits {
        image: r.number("MEDIA_MAX_IMAGE_BYTES", defaults.image, 1, 10 * GB),
        audio: r.number("MEDIA_MAX_AUDIO_BYTES", defaults.audio, 1, 10 * GB),
        video: r.number("MEDIA_MAX_VIDEO_BYTES", defaults.video, 1, 50 * GB),
        document: r.number("MEDIA_MAX_DOCUMENT_BYTES", defaults.document, 1, 10 * GB),
    };
    let workers: usize = r.number("MEDIA_IMAGE_WORKERS", 0, 0, 256);
    MediaSettingsRaw {
        limits,
        presign_ttl: Duration::from_secs(r.number("MEDIA_PRESIGN_TTL_SECS", 900, 1, 7 * 86_400)),
        image_workers: (workers > 0).then_some(workers),
    }
}

fn read_compat(r: &mut Reader<'_>) -> CompatSettings {
    let (lynx, nest) = r.or("FOLIO_COMPAT", (false, false), |raw| {
        let mut sets = (false, false);
        for name in list(raw) {
            match name.to_ascii_lowercase().as_str() {
                "lynx" => sets.0 = true,
                "nest" => sets.1 = true,
                "off" | "none" => {}
                _ => return Err("lynx, nest, lynx,nest or off".to_owned()),
            }
        }
        Ok(sets)
    });
    let author_url = r.optional("FOLIO_COMPAT_AUTHOR_URL", |raw| {
        folio_domain::content::HttpUrl::parse(raw)
            .map(|url| url.as_str().to_owned())
            .map_err(|_| "an http(s) URL such as https://example.com".to_owned())
    });
    CompatSettings { lynx, nest, author: r.raw("FOLIO_COMPAT_AUTHOR").unwrap_or("Folio").to_owned(), author_url }
}

fn read_languages(r: &mut Reader<'_>) -> Languages {
    let supported = r.or("CONTENT_LANGUAGES", vec!["es".to_owned(), "en".to_owned()], |raw| {
        let tags: Vec<String> = list(raw).into_iter().map(|t| t.to_ascii_lowercase()).collect();
        let valid = !tags.is_empty()
            && tags
                .iter()
                .all(|t| folio_domain::values::Localized::parse([(t.clone(), "x".to_owned())].into()).is_ok());
        if valid {
            Ok(tags)
        } else {
            Err("comma-separated language tags such as es,en".to_owned())
        }
    });
    let default = r.raw("CONTENT_DEFAULT_LANGUAGE").map_or_else(|| supported[0].clone(), str::to_ascii_lowercase);
    if !supported.contains(&default) {
        r.fail("CONTENT_DEFAULT_LANGUAGE", format!("one of CONTENT_LANGUAGES ({})", supported.join(", ")));
    }
    Languages { supported, default }
}

fn read_secrets(r: &mut Reader<'_>) -> ConfiguredSecrets {
    let cookie_secret = r.optional("COOKIE_SECRET", |raw| {
        if raw.len() < MIN_COOKIE_SECRET_LEN {
            Err(format!("at least {MIN_COOKIE_SECRET_LEN} characters (generate one with `folio keys generate`)"))
        } else {
            Ok(SecretString::from(raw.to_owned()))
        }
    });
    let ecies_private_key = r.optional("ECIES_PRIVATE_KEY", |raw| {
        SecretKey::from_hex(raw).map_err(|_| "a secp256k1 private key as 64 hex characters".to_owned())
    });
    let ecies_public_key = r.optional("ECIES_PUBLIC_KEY", |raw| {
        PublicKey::from_hex(raw)
            .map_err(|_| "a secp256k1 public key as hex (66 characters compressed or 130 uncompressed)".to_owned())
    });
    if let (Some(private), Some(public)) = (&ecies_private_key, &ecies_public_key) {
        if private.public_key() != *public {
            r.fail("ECIES_PUBLIC_KEY", "the public key of ECIES_PRIVATE_KEY");
        }
    }
    ConfiguredSecrets { cookie_secret, ecies_private_key }
}

#[cfg(test)]
mod tests;
