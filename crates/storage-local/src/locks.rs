use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use folio_domain::locks::{Lease, LockManager};
use folio_domain::DomainError;

/// Held locks: key → (fencing token, lease end).
type Held = HashMap<String, (u64, Instant)>;

/// Locks in this process: enough for one instance, where nothing else competes.
#[derive(Debug, Default)]
pub struct InProcessLockManager {
    held: Mutex<Held>,
    next_token: AtomicU64,
}

impl InProcessLockManager {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Held>, DomainError> {
        self.held.lock().map_err(|_| DomainError::Internal("lock table poisoned".into()))
    }
}

#[async_trait::async_trait]
impl LockManager for InProcessLockManager {
    async fn acquire(&self, key: &str, lease: Duration) -> Result<Option<Lease>, DomainError> {
        let now = Instant::now();
        let mut held = self.lock()?;
        if held.get(key).is_some_and(|(_, expires)| *expires > now) {
            return Ok(None);
        }
        let token = self.next_token.fetch_add(1, Ordering::Relaxed) + 1;
        held.insert(key.to_owned(), (token, now + lease));
        Ok(Some(Lease { key: key.to_owned(), token }))
    }

    async fn extend(&self, lease: &Lease, duration: Duration) -> Result<bool, DomainError> {
        let now = Instant::now();
        let mut held = self.lock()?;
        match held.get_mut(&lease.key) {
            Some((token, expires)) if *token == lease.token && *expires > now => {
                *expires = now + duration;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release(&self, lease: &Lease) -> Result<bool, DomainError> {
        let now = Instant::now();
        let mut held = self.lock()?;
        let ours = held.get(&lease.key).is_some_and(|(token, expires)| *token == lease.token && *expires > now);
        if ours {
            held.remove(&lease.key);
        }
        Ok(ours)
    }
}

#[cfg(test)]
mod conformance {
    use std::sync::Arc;

    use folio_domain::locks::LockManager;

    use super::InProcessLockManager;

    folio_domain::lock_manager_tests!(async { (Arc::new(InProcessLockManager::new()) as Arc<dyn LockManager>, ()) });
}
