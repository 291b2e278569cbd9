//! Every configuration variable Folio reads, with whether it is a secret. `config check`
//! prints them in this order, and a test keeps `.env.sample` in step with this list.

/// (name, secret, what it is)
pub const KEYS: &[(&str, bool, &str)] = &[
    ("APP_ENV", false, "development, production or test"),
    ("APP_HOST", false, "address to listen on"),
    ("APP_PORT", false, "port to listen on (0 picks a free one)"),
    ("LOG_LEVEL", false, "trace, debug, info, warn or error"),
    ("LOG_FORMAT", false, "json or pretty"),
    ("RUST_LOG", false, "tracing directives; override LOG_LEVEL"),
    ("DATA_DIR", false, "directory of the embedded default's files"),
    ("HTTP_WORKERS", false, "HTTP worker threads; 0 = one per core"),
    ("HTTP_JSON_LIMIT", false, "largest JSON body in bytes"),
    ("HTTP_CACHE_MAX_AGE", false, "seconds browsers and CDNs may keep public content reads"),
    ("HTTP_SHUTDOWN_GRACE_SECS", false, "seconds in-flight requests get at shutdown"),
    ("TRUSTED_PROXIES", false, "CIDRs whose forwarding headers are believed"),
    ("APP_PUBLIC_URL", false, "the URL clients reach this server at; absolute file links of the compatibility routes"),
    ("DATABASE_URL", true, "sqlite:…, postgres://… or mongodb://…"),
    ("POSTGRE_HOST", false, "PostgreSQL host (used when DATABASE_URL is unset)"),
    ("POSTGRE_PORT", false, "PostgreSQL port"),
    ("POSTGRE_USER", false, "PostgreSQL user"),
    ("POSTGRE_PASSWORD", true, "PostgreSQL password"),
    ("POSTGRE_NAME", false, "PostgreSQL database name"),
    ("MONGO_URI", true, "MongoDB connection string (used when DATABASE_URL is unset)"),
    ("MONGO_AUTH_SOURCE", false, "MongoDB authentication database, added to a URI with credentials but no authSource"),
    ("MONGO_MAX_RETRIES", false, "attempts to reach MongoDB at start"),
    (
        "MONGO_RETRY_DELAY_MS",
        false,
        "wait after the first failed attempt; doubles after each further one (at most 30 s)",
    ),
    ("MONGO_SERVER_SELECTION_TIMEOUT_MS", false, "how long a MongoDB operation waits for a usable server"),
    ("DATABASE_AUTO_MIGRATE", false, "apply pending SQL migrations at start (MongoDB: run `folio migrate up`)"),
    ("DATABASE_MAX_CONNECTIONS", false, "database pool size"),
    ("DATABASE_CONNECT_TIMEOUT_MS", false, "database connect timeout"),
    ("DATABASE_ACQUIRE_TIMEOUT_MS", false, "wait for a pooled connection"),
    ("COOKIE_SECRET", true, "key that signs session cookies (at least 32 bytes)"),
    ("ECIES_PRIVATE_KEY", true, "secp256k1 private key, 64 hex characters"),
    ("ECIES_PUBLIC_KEY", false, "secp256k1 public key, hex (compressed or not)"),
    ("SNOWFLAKE_EPOCH", false, "ID epoch: RFC 3339 time or Unix milliseconds"),
    ("SNOWFLAKE_LAYOUT", false, "snowflake or sonyflake"),
    ("SNOWFLAKE_WORKER_ID", false, "worker id, 0-31"),
    ("SNOWFLAKE_PROCESS_ID", false, "process id, 0-31"),
    ("THROTTLE_TTL", false, "default rate-limit window in milliseconds"),
    ("THROTTLE_LIMIT", false, "requests per default window"),
    ("SHORT_THROTTLE_TTL", false, "short rate-limit window in milliseconds"),
    ("SHORT_THROTTLE_LIMIT", false, "requests per short window"),
    ("UPLOAD_THROTTLE_TTL", false, "upload rate-limit window in milliseconds"),
    ("UPLOAD_THROTTLE_LIMIT", false, "uploads per client per upload window"),
    ("REDIS_URL", true, "redis://[:password@]host:port/db; sessions go to Redis when set"),
    ("REDIS_HOST", false, "Redis host (used when REDIS_URL is unset)"),
    ("REDIS_PORT", false, "Redis port"),
    ("REDIS_PASSWORD", true, "Redis password"),
    ("REDIS_DB", false, "Redis database number"),
    ("REDIS_KEY_PREFIX", false, "prefix of every Redis key Folio writes"),
    ("REDIS_POOL_SIZE", false, "Redis connections per instance"),
    ("REDIS_TIMEOUT_MS", false, "Redis connect and command timeout"),
    ("SESSION_COOKIE_NAME", false, "name of the session cookie"),
    ("SESSION_IDLE_TTL_SECS", false, "a session unused this long expires"),
    ("SESSION_ABSOLUTE_TTL_SECS", false, "a session expires this long after sign-in"),
    ("SESSION_TOUCH_INTERVAL_SECS", false, "how often a session's idle TTL is extended"),
    ("COOKIE_SECURE", false, "mark the session cookie Secure (default: true in production)"),
    ("CORS_ORIGINS", false, "browser origins allowed to call the API, comma-separated"),
    ("AUTH_OPEN_REGISTRATION", false, "anyone may register as an editor"),
    ("AUTH_LOGIN_ACCOUNT_LIMIT", false, "failed logins per account per window"),
    ("AUTH_LOGIN_ACCOUNT_WINDOW_SECS", false, "window of the per-account login limit"),
    ("AUTH_LOGIN_CLIENT_LIMIT", false, "failed logins per client address per window"),
    ("AUTH_LOGIN_CLIENT_WINDOW_SECS", false, "window of the per-client login limit"),
    ("ARGON2_MEMORY_KIB", false, "argon2id memory cost"),
    ("ARGON2_ITERATIONS", false, "argon2id time cost"),
    ("ARGON2_PARALLELISM", false, "argon2id lanes"),
    ("PASSWORD_HASH_CONCURRENCY", false, "password hashes at once; 0 = one per core"),
    ("FOLIO_ADMIN_EMAIL", false, "email of the first admin, for `folio seed`"),
    ("FOLIO_ADMIN_PASSWORD", true, "its password; generated and printed once when unset"),
    ("FOLIO_ADMIN_NAME", false, "its display name"),
    ("S3_BUCKET_NAME", false, "S3 bucket for media; files go to DATA_DIR/objects when unset"),
    ("S3_REGION", false, "S3 region"),
    ("S3_ACCESS_KEY_ID", false, "S3 access key id"),
    ("S3_SECRET_ACCESS_KEY", true, "S3 secret access key"),
    ("S3_ENDPOINT", false, "S3-compatible service URL (path-style addressing)"),
    ("S3_KMS_KEY_ARN", false, "KMS key: every object is stored with SSE-KMS"),
    ("S3_UPLOAD_PREFIX", false, "prefix of every object key, e.g. uploads/"),
    ("CLOUDFRONT_DOMAIN", false, "CDN host serving the bucket; files redirect there"),
    ("MEDIA_MAX_IMAGE_BYTES", false, "largest image upload"),
    ("MEDIA_MAX_AUDIO_BYTES", false, "largest audio upload"),
    ("MEDIA_MAX_VIDEO_BYTES", false, "largest video upload"),
    ("MEDIA_MAX_DOCUMENT_BYTES", false, "largest document upload"),
    ("MEDIA_PRESIGN_TTL_SECS", false, "lifetime of presigned file URLs"),
    ("MEDIA_IMAGE_WORKERS", false, "images processed at once; 0 = one per core"),
    ("CONTENT_LANGUAGES", false, "languages of localized text, comma-separated"),
    ("CONTENT_DEFAULT_LANGUAGE", false, "the default language (one of CONTENT_LANGUAGES)"),
    ("HEALTH_TIMEOUT_MS", false, "deadline of each health check"),
    ("METRICS_ENABLED", false, "serve /metrics"),
    ("BACKUP_DIR", false, "where backups are written before upload (default DATA_DIR/backups)"),
    ("S3_BACKUP_PATH", false, "key prefix of backups in the object store (backups/)"),
    ("BACKUP_KEEP", false, "newest backups kept by backup-prune (7)"),
    ("BACKUP_KEEP_DAYS", false, "backups younger than this many days are kept too (7)"),
    ("BACKUP_ENCRYPT", false, "encrypt backups to ECIES_PUBLIC_KEY"),
    ("BACKUP_MAX_AGE_SECS", false, "/health degrades when the last backup is older (26 h)"),
    ("BACKUP_ZSTD_LEVEL", false, "zstd level of backup archives (3)"),
    ("JOB_BACKUP_CRON", false, "cron (UTC) of the backup job (0 3 * * *)"),
    ("JOB_BACKUP_PRUNE_CRON", false, "cron (UTC) of the backup-prune job (30 3 * * *)"),
    ("JOB_MEDIA_SWEEP_CRON", false, "cron (UTC) of the media-sweep job (0 4 * * *)"),
    ("MEDIA_SWEEP_GRACE_SECS", false, "age before an object without a record is swept (24 h)"),
    ("CACHE_ENABLED", false, "serve public content reads from the response cache"),
    ("CACHE_TTL_SECS", false, "longest a cached response lives (writes through the API drop it at once)"),
    ("CACHE_MAX_MB", false, "memory the response cache may use per instance"),
    ("FOLIO_COMPAT", false, "the old services' routes to serve: lynx, nest, or lynx,nest (off by default)"),
    ("FOLIO_COMPAT_AUTHOR", false, "author name the Lynx `datos-autor` routes answer"),
    ("FOLIO_COMPAT_AUTHOR_URL", false, "author URL the Lynx `datos-autor` routes answer"),
];

pub fn is_secret(key: &str) -> bool {
    KEYS.iter().any(|(name, secret, _)| *name == key && *secret)
}

/// A value safe to print: secrets are replaced, and a URL keeps everything but its password.
pub fn redact(key: &str, raw: &str) -> String {
    if !is_secret(key) {
        return raw.to_owned();
    }
    match url::Url::parse(raw) {
        Ok(mut url) if url.has_host() || url.scheme() == "sqlite" => {
            if url.password().is_some() {
                let _ = url.set_password(Some("*****"));
            }
            url.to_string()
        }
        _ => "<redacted>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_everything_but_the_password() {
        assert_eq!(
            redact("DATABASE_URL", "postgres://folio:hunter2@db:5432/folio"),
            "postgres://folio:*****@db:5432/folio"
        );
        assert_eq!(redact("COOKIE_SECRET", "abc"), "<redacted>");
        assert_eq!(redact("APP_PORT", "3000"), "3000");
    }
}
