//! Object storage for Folio on Amazon S3 or an S3-compatible service (MinIO, R2, s3s-fs…),
//! through `rust-s3`.
//!
//! Bodies stream both ways: an upload is held one part at a time (8 MiB by default) and goes
//! as a multipart upload past one part; a download is the HTTP response body, passed on chunk
//! by chunk. With an endpoint configured the bucket is addressed path-style
//! (`{endpoint}/{bucket}/{key}`), as S3-compatible services expect; on AWS, virtual-host style.
//! With a KMS key configured every object is stored SSE-KMS; the requests that say so are
//! signed by this crate (`signing`), as `rust-s3` signs them wrongly.

mod config;
mod download;
mod error;
mod health;
mod signing;
mod store;
mod upload;
mod urls;

pub use config::S3Config;
pub use error::S3ConfigError;
pub use health::S3Health;
pub use store::S3ObjectStore;
