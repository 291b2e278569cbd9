//! Redis adapters for Folio's ports: what several `folio` instances behind one load balancer
//! share, so that a session, a rate-limit counter or a health answer is the same whichever
//! instance serves the request.
//!
//! Every key starts with the configured prefix (`folio:` by default), so Folio can share a
//! Redis database with other applications. Standalone Redis only: scripts name keys that
//! live in different hash slots, which Redis Cluster refuses.

mod cache;
mod error;
mod health;
mod limits;
mod locks;
mod pool;
mod sessions;

pub use cache::RedisResponseCache;
pub use error::RedisError;
pub use health::RedisHealth;
pub use limits::RedisRateLimiter;
pub use locks::RedisLockManager;
pub use pool::{connect, url_from_parts, RedisConfig, RedisPool};
pub use sessions::RedisSessionStore;
