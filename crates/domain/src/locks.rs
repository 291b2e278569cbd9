//! Locks with a lease: what lets one instance of several run a scheduled job. A holder that
//! dies loses the lock when its lease runs out; every acquisition gets a larger fencing token,
//! so work done under a lost lease can be told apart from the current holder's.

use std::time::Duration;

use crate::DomainError;

/// A held lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub key: String,
    /// Larger for every acquisition of the same key.
    pub token: u64,
}

#[async_trait::async_trait]
pub trait LockManager: Send + Sync + std::fmt::Debug {
    /// Takes `key` for `lease` when nobody holds it; `None` when someone does.
    async fn acquire(&self, key: &str, lease: Duration) -> Result<Option<Lease>, DomainError>;
    /// Restarts the lease for `lease`; `false` when the lock was lost (expired, maybe taken).
    async fn extend(&self, lease: &Lease, duration: Duration) -> Result<bool, DomainError>;
    /// Frees the lock if `lease` still holds it; `false` (and nothing freed) otherwise.
    async fn release(&self, lease: &Lease) -> Result<bool, DomainError>;
}
