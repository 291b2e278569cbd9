//! Backups of a Folio site: a logical, backend-independent archive (one NDJSON file per table
//! and a manifest, with the media bytes when asked and the media live on disk, in a
//! zstd-compressed tar, optionally encrypted to an ECIES public key),
//! written locally, uploaded to the object store and confirmed there, listed, verified by
//! restoring it into a scratch database, restored into any backend, and pruned.
//!
//! ```text
//! let backups = Backups::new(object_store, settings)?;
//! let report = backups.create(&repositories).await?;          // folio backup create
//! let verified = backups.verify(&BackupRef::Latest, &scratch).await?;
//! let restored = backups.restore(&"folio-…".parse()?, &repositories, RestoreOptions::default()).await?;
//! backups.prune().await?;
//! ```

mod archive;
mod backups;
mod catalog;
mod create;
mod dump;
mod encryption;
mod error;
mod load;
mod manifest;
mod media_files;
mod progress;
mod records;
mod remote;
mod repositories;
mod restore;
mod retention;
mod settings;
mod verify;

pub use backups::{Backups, PruneReport};
pub use catalog::{BackupEntry, BackupId, BackupInfo, BackupRef, Verification};
pub use create::{BackupReport, CreateOptions};
pub use error::BackupError;
pub use load::{MediaWritten, ObjectsCheck};
pub use manifest::{FileEntry, IncludedMedia, Manifest, FORMAT, FORMAT_VERSION};
pub use media_files::MediaStoreKind;
pub use progress::{NoProgress, Phase, Progress, Unit};
pub use repositories::{Counts, Repositories};
pub use restore::{RestoreOptions, RestoreReport, SafetyBackup};
pub use retention::Retention;
pub use settings::BackupSettings;
pub use verify::{Scratch, ScratchTarget, VerifyReport};
