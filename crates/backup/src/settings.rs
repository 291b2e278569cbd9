use std::path::PathBuf;

use folio_crypto::{PublicKey, SecretKey};

use crate::error::BackupError;
use crate::retention::Retention;

/// What backups need from configuration; the binary builds it once from its settings.
#[derive(Debug, Clone)]
pub struct BackupSettings {
    /// `BACKUP_DIR`: where an archive is written before its upload, and kept when the upload
    /// fails.
    pub dir: PathBuf,
    /// `S3_BACKUP_PATH` (default `backups/`): the key prefix of backups in the object store.
    pub prefix: String,
    /// `BACKUP_KEEP` (7) and `BACKUP_KEEP_DAYS` (7).
    pub retention: Retention,
    /// With `BACKUP_ENCRYPT=true`: the configured `ECIES_PUBLIC_KEY`, which every new archive
    /// is encrypted to.
    pub encrypt_to: Option<PublicKey>,
    /// The configured `ECIES_PRIVATE_KEY`, when there is one: what reads encrypted archives
    /// (verify, restore). A server may hold only the public key; then those run elsewhere.
    pub private_key: Option<SecretKey>,
    /// zstd level (`BACKUP_ZSTD_LEVEL`, 3): 1 is fastest, 19 smallest.
    pub compression_level: i32,
    /// What the manifest says about the source: `sqlite`, `postgres`, `mongodb`.
    pub source_backend: String,
    /// The newest applied migration.
    pub schema_version: String,
    pub folio_version: String,
}

impl BackupSettings {
    pub const DEFAULT_PREFIX: &'static str = "backups/";
    pub const DEFAULT_COMPRESSION_LEVEL: i32 = 3;

    /// The defaults, for a database of `source_backend` at `schema_version`.
    pub fn new(dir: impl Into<PathBuf>, source_backend: impl Into<String>, schema_version: impl Into<String>) -> Self {
        BackupSettings {
            dir: dir.into(),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            retention: Retention::default(),
            encrypt_to: None,
            private_key: None,
            compression_level: Self::DEFAULT_COMPRESSION_LEVEL,
            source_backend: source_backend.into(),
            schema_version: schema_version.into(),
            folio_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }

    /// The prefix as used: empty, or `/`-separated segments of object-key characters ending
    /// in `/` (one is added when missing).
    pub(crate) fn normalized_prefix(&self) -> Result<String, BackupError> {
        let raw = self.prefix.trim();
        if raw.is_empty() {
            return Ok(String::new());
        }
        let prefix = if raw.ends_with('/') { raw.to_owned() } else { format!("{raw}/") };
        folio_domain::objects::ObjectKey::parse(&format!("{prefix}x"))
            .map_err(|e| BackupError::Settings(format!("S3_BACKUP_PATH={:?}: {e}", self.prefix)))?;
        Ok(prefix)
    }
}
