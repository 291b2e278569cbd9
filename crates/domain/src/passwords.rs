//! Argon2 off the async runtime, on a few dedicated threads of their own (as many as
//! configured, by default one per core), fed through a queue that at most `threads` callers
//! wait on at once. The threads run at a lower CPU priority than the HTTP workers, so a burst
//! of logins takes the spare CPU without stretching every other request's latency.

use std::fmt;
use std::sync::{mpsc, Arc, Mutex};

use folio_crypto::{PasswordHash, PasswordHasher};
use tokio::sync::{oneshot, Semaphore};

use crate::DomainError;

type Job = Box<dyn FnOnce(&PasswordHasher) + Send>;

#[derive(Clone)]
pub struct PasswordWorker {
    hasher: Arc<PasswordHasher>,
    jobs: mpsc::Sender<Job>,
    permits: Arc<Semaphore>,
}

impl fmt::Debug for PasswordWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordWorker").field("hasher", &self.hasher).finish_non_exhaustive()
    }
}

/// How much less CPU share the hashing threads ask for (Unix niceness, 0 to 19).
const HASHING_NICENESS: u8 = 10;

impl PasswordWorker {
    /// Starts `threads` hashing threads; they end when the last clone of this worker drops.
    pub fn new(hasher: PasswordHasher, threads: usize) -> PasswordWorker {
        let threads = threads.max(1);
        let hasher = Arc::new(hasher);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let (queue, hasher) = (queue.clone(), hasher.clone());
            let spawned = std::thread::Builder::new().name(format!("folio-argon2-{n}")).spawn(move || {
                lower_priority();
                loop {
                    let job = match queue.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(&hasher),
                        Err(_) => return,
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::error!(error = %error, "could not start a password hashing thread");
            }
        }
        PasswordWorker { hasher, jobs, permits: Arc::new(Semaphore::new(threads)) }
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
        let closed = || DomainError::Internal("password hashing threads are gone".into());
        let _permit = self.permits.acquire().await.map_err(|_| closed())?;
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |hasher| {
            let _ = reply.send(work(hasher));
        });
        self.jobs.send(job).map_err(|_| closed())?;
        answer.await.map_err(|_| closed())
    }
}

/// Best effort: where the OS refuses, hashing just keeps the default priority.
fn lower_priority() {
    use thread_priority::{set_current_thread_priority, ThreadPriority, ThreadPriorityValue};
    let Ok(value) = ThreadPriorityValue::try_from(HASHING_NICENESS) else { return };
    if let Err(error) = set_current_thread_priority(ThreadPriority::Crossplatform(value)) {
        tracing::debug!(error = ?error, "could not lower the hashing threads' priority");
    }
}

#[cfg(test)]
mod tests {
    use folio_crypto::Argon2Params;

    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_many_callers_share_the_threads() {
        let hasher = PasswordHasher::new(Argon2Params::new(256, 1, 1).expect("params")).expect("hasher");
        let worker = PasswordWorker::new(hasher, 2);
        let hash = worker.hash("secret password".into()).await.expect("hash");
        let checks: Vec<_> = (0..20)
            .map(|i| {
                let (worker, hash) = (worker.clone(), hash.clone());
                tokio::spawn(async move {
                    let password = if i % 2 == 0 { "secret password" } else { "wrong" };
                    worker.verify(password.into(), hash).await.expect("verify")
                })
            })
            .collect();
        let mut right = 0;
        for check in checks {
            if check.await.expect("join") {
                right += 1;
            }
        }
        assert_eq!(right, 10);
        worker.verify_dummy("anything".into()).await.expect("dummy");
    }
}
