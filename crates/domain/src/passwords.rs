//! Argon2 off the async runtime: every hash and verify runs in `spawn_blocking`, at most
//! `max_concurrent` at once, so a burst of logins queues instead of starving the runtime.

use std::sync::Arc;

use folio_crypto::{PasswordHash, PasswordHasher};
use tokio::sync::Semaphore;

use crate::DomainError;

#[derive(Debug, Clone)]
pub struct PasswordWorker {
    hasher: Arc<PasswordHasher>,
    permits: Arc<Semaphore>,
}

impl PasswordWorker {
    pub fn new(hasher: PasswordHasher, max_concurrent: usize) -> PasswordWorker {
        PasswordWorker { hasher: Arc::new(hasher), permits: Arc::new(Semaphore::new(max_concurrent.max(1))) }
    }

    pub async fn hash(&self, password: String) -> Result<PasswordHash, DomainError> {
        self.run(move |h| h.hash(&password).map_err(|e| DomainError::Internal(format!("hashing: {e}")))).await?
    }

    /// `Ok(false)` for a wrong password; an error only when the stored hash is unreadable.
    pub async fn verify(&self, password: String, hash: PasswordHash) -> Result<bool, DomainError> {
        self.run(move |h| {
            h.verify(&password, &hash)
                .map_err(|e| DomainError::Internal(format!("stored password hash is unreadable: {e}")))
        })
        .await?
    }

    /// The same work as a verify, for an unknown account.
    pub async fn verify_dummy(&self, password: String) -> Result<(), DomainError> {
        self.run(move |h| h.verify_dummy(&password)).await
    }

    pub fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        self.hasher.needs_rehash(hash)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&PasswordHasher) -> T + Send + 'static,
    ) -> Result<T, DomainError> {
        let _permit =
            self.permits.acquire().await.map_err(|_| DomainError::Internal("password worker closed".into()))?;
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || work(&hasher))
            .await
            .map_err(|e| DomainError::Internal(format!("password task failed: {e}")))
    }
}
