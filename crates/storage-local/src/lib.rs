//! Single-node adapters for Folio's ports: what the embedded default runs on when no Redis
//! or S3 is configured. State lives in this process, so these suit one instance only.

mod cache;
mod limits;
mod locks;
mod objects;
mod sessions;

pub use cache::InProcessResponseCache;
pub use limits::InProcessRateLimiter;
pub use locks::InProcessLockManager;
pub use objects::{DiskHealth, DiskObjectStore};
pub use sessions::InProcessSessionStore;
