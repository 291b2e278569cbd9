use std::path::PathBuf;

use folio_domain::DomainError;

use crate::repositories::Counts;

/// What can go wrong with a backup, in an operator's terms. Messages name the backup and, for
/// a failed upload, where its local copy is; they never hold a secret.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A repository failed while reading or writing the database.
    #[error("database: {0}")]
    Database(DomainError),
    /// The object store failed (listing, downloading, deleting backups).
    #[error("object storage: {0}")]
    Objects(DomainError),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    /// The archive was written but could not be stored and confirmed; it stays in the local
    /// directory and the next backup uploads it first.
    #[error("backup {id} was written but not uploaded ({reason}); the local copy is kept at {}", local.display())]
    Upload { id: String, local: PathBuf, reason: String },
    /// Verification found the archive damaged, truncated, or unlike its manifest.
    #[error("backup {id} is damaged: {reason}")]
    Corrupt { id: String, reason: String },
    #[error("no backup {0}")]
    NotFound(String),
    #[error("the target database is not empty ({0}); restore with --replace to replace what it holds")]
    NotEmpty(Counts),
    #[error("backup {0} is encrypted and no private key was given to read it (ECIES_PRIVATE_KEY)")]
    KeyRequired(String),
    #[error("backup {id} cannot be decrypted with the configured private key: {reason}")]
    WrongKey { id: String, reason: String },
    /// Writing the restored data failed part-way.
    #[error("restore of backup {id} failed: {reason}")]
    Restore { id: String, reason: String },
    /// `--with-media` where media live in a bucket, which keeps them itself.
    #[error(
        "--with-media copies media files from the disk object store (DATA_DIR/objects) only; here they live in a \
         bucket (S3), which keeps them itself: back up without --with-media"
    )]
    MediaNotOnDisk,
    #[error("invalid backup settings: {0}")]
    Settings(String),
}

impl BackupError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
        let context = context.into();
        move |source| BackupError::Io { context, source }
    }
}
