//! Write locks for content, shared by every process on the database: one document per kind
//! in `content_locks`, `{_id: "collection_items:albums", holder, fence, expires_at}`.
//!
//! Acquiring is one atomic `findOneAndUpdate` with upsert that matches the lock only when its
//! lease has run out (or it was released): it either takes the lock, or fails with a
//! duplicate key because the lock document exists and is held, and then it waits a little
//! and tries again. Every acquisition raises `fence`, so a holder whose lease ran out and
//! whose lock was taken by another cannot confirm, extend or release it any more: each of
//! those matches on the holder's token and fence. Leases are measured by each process's
//! clock; they are long (30 s) next to any content write, so modest clock skew is harmless.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use folio_domain::content::CollectionKind;
use folio_domain::DomainError;
use mongodb::bson::{self, doc, Document};
use mongodb::options::ReturnDocument;
use mongodb::{ClientSession, Collection, Database};

use super::Fail;
use crate::errors::{is_duplicate_key, map_err, DEPENDENCY};
use crate::schema::CONTENT_LOCKS;

/// How long a lock is held without being confirmed: a process that dies holding a lock
/// delays the kind's writers this long at most.
pub(crate) const LEASE: Duration = Duration::from_secs(30);

/// The server's code for a write that collided with a transaction's.
const WRITE_CONFLICT: i32 = 112;

#[derive(Debug, Clone)]
pub(crate) struct ContentLocks {
    locks: Collection<Document>,
    lease: Duration,
    /// How long an acquirer waits before giving up with `Unavailable`.
    wait: Duration,
}

/// The locks one write holds. Released by [`LockGuard::release`], or, when the write's future
/// is dropped half-way (a client that went away), by `Drop` in the background.
#[derive(Debug)]
pub(crate) struct LockGuard {
    locks: Collection<Document>,
    lease: Duration,
    held: Vec<Held>,
}

#[derive(Debug, Clone)]
struct Held {
    name: String,
    token: String,
    fence: i64,
}

fn lock_name(kind: CollectionKind) -> String {
    format!("collection_items:{kind}")
}

fn expiry(lease: Duration) -> bson::DateTime {
    let now = bson::DateTime::now().timestamp_millis();
    bson::DateTime::from_millis(now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)))
}

fn unavailable(e: mongodb::error::Error) -> DomainError {
    map_err(e, "content lock", "id")
}

impl ContentLocks {
    pub(crate) fn new(db: &Database) -> Self {
        Self::with_lease(db, LEASE)
    }

    pub(crate) fn with_lease(db: &Database, lease: Duration) -> Self {
        Self { locks: db.collection(CONTENT_LOCKS), lease, wait: lease * 2 }
    }

    /// Takes the locks of `kinds`, always in the same order (by name), so two writers that
    /// need overlapping sets never wait for each other in a circle.
    pub(crate) async fn acquire(&self, kinds: &[CollectionKind]) -> Result<LockGuard, DomainError> {
        let names: BTreeSet<String> = kinds.iter().copied().map(lock_name).collect();
        let mut guard = LockGuard { locks: self.locks.clone(), lease: self.lease, held: Vec::new() };
        for name in names {
            // On an error the guard is dropped, which releases what it already holds.
            let held = self.acquire_one(name).await?;
            guard.held.push(held);
        }
        Ok(guard)
    }

    async fn acquire_one(&self, name: String) -> Result<Held, DomainError> {
        let token = folio_crypto::random_token(16);
        let deadline = Instant::now() + self.wait;
        let mut pause = Duration::from_millis(2);
        loop {
            let now = bson::DateTime::now();
            let taken = self
                .locks
                .find_one_and_update(
                    doc! { "_id": &name, "expires_at": { "$lte": now } },
                    doc! {
                        "$set": { "holder": &token, "expires_at": expiry(self.lease) },
                        "$inc": { "fence": 1_i64 },
                    },
                )
                .upsert(true)
                .return_document(ReturnDocument::After)
                .await;
            let lock = match taken {
                Ok(Some(lock)) => Some(lock),
                // MongoDB always returns the document it wrote; SecantusDB returns none when
                // the lock was freed between its match and its upsert, which then updated
                // the freed lock: whether this writer holds it is in the document.
                Ok(None) => self.locks.find_one(doc! { "_id": &name, "holder": &token }).await.map_err(unavailable)?,
                // Held by another writer: the upsert collided with the existing document.
                Err(e) if is_held(&e) => None,
                Err(e) => return Err(unavailable(e)),
            };
            if let Some(lock) = lock {
                let fence = lock.get_i64("fence").map_err(|e| crate::errors::corrupt("content_locks.fence", e))?;
                return Ok(Held { name, token, fence });
            }
            if Instant::now() >= deadline {
                tracing::warn!(lock = %name, waited_ms = self.wait.as_millis() as u64, "content lock not acquired in time");
                return Err(DomainError::Unavailable { dependency: DEPENDENCY });
            }
            // Jitter, so that waiting writers do not retry in step.
            tokio::time::sleep(pause + pause.mul_f64(rand::random::<f64>())).await;
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }
}

/// The lock exists and someone else holds it (or is writing it in a transaction).
fn is_held(error: &mongodb::error::Error) -> bool {
    use mongodb::error::ErrorKind;
    is_duplicate_key(error)
        || error.contains_label(mongodb::error::TRANSIENT_TRANSACTION_ERROR)
        || matches!(error.kind.as_ref(), ErrorKind::Command(c) if c.code == WRITE_CONFLICT)
}

impl LockGuard {
    /// Proves that every lock is still this guard's and extends its lease. Inside a
    /// transaction this is a write to the lock documents, so a transaction whose lock was
    /// taken over cannot commit; without one it narrows the window to the time between this
    /// check and the next write. A lost lock is `Unavailable`: the write can be tried again.
    pub(crate) async fn confirm(&self, mut session: Option<&mut ClientSession>) -> Result<(), Fail> {
        for held in &self.held {
            let filter = doc! { "_id": &held.name, "holder": &held.token, "fence": held.fence };
            let update = doc! { "$set": { "expires_at": expiry(self.lease) } };
            let action = self.locks.update_one(filter, update);
            let result = match session.as_deref_mut() {
                Some(session) => action.session(session).await,
                None => action.await,
            };
            let result = result.map_err(|e| Fail::from_db(e, "content lock", "id"))?;
            if result.matched_count == 0 {
                tracing::warn!(lock = %held.name, "content lock lost: its lease ran out and another writer took it");
                return Err(Fail::Domain(DomainError::Unavailable { dependency: DEPENDENCY }));
            }
        }
        Ok(())
    }

    /// Gives the locks back (only those still this guard's).
    pub(crate) async fn release(mut self) {
        let held = std::mem::take(&mut self.held);
        release(&self.locks, held).await;
    }

    /// Forgets the locks without releasing them, as a process that dies does.
    #[cfg(test)]
    pub(crate) fn abandon(mut self) {
        self.held.clear();
    }
}

async fn release(locks: &Collection<Document>, held: Vec<Held>) {
    for held in held.into_iter().rev() {
        let filter = doc! { "_id": &held.name, "holder": &held.token, "fence": held.fence };
        let update = doc! { "$set": { "expires_at": bson::DateTime::from_millis(0) } };
        if let Err(e) = locks.update_one(filter, update).await {
            // Its lease runs out by itself.
            tracing::warn!(lock = %held.name, error = %crate::errors::describe(&e), "content lock not released");
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        let locks = self.locks.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { release(&locks, held).await });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    async fn lock_document(test: &TestDatabase, kind: CollectionKind) -> Document {
        test.db()
            .collection::<Document>(CONTENT_LOCKS)
            .find_one(doc! { "_id": lock_name(kind) })
            .await
            .expect("find")
            .expect("lock document")
    }

    #[tokio::test]
    async fn a_held_lock_waits_until_released_and_each_acquisition_raises_the_fence() {
        let test = TestDatabase::migrated().await;
        let locks = ContentLocks::new(test.db());
        let first = locks.acquire(&[CollectionKind::Albums]).await.expect("acquire");
        let fence = first.held[0].fence;

        let waiting = {
            let locks = locks.clone();
            tokio::spawn(async move { locks.acquire(&[CollectionKind::Albums]).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "the lock is held");
        // Another kind is not held.
        locks.acquire(&[CollectionKind::Songs]).await.expect("another kind").release().await;

        first.release().await;
        let second = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("acquired once released")
            .expect("join")
            .expect("acquire");
        assert_eq!(second.held[0].fence, fence + 1);
        second.confirm(None).await.expect("still held");
        second.release().await;
    }

    #[tokio::test]
    async fn a_dead_holders_lease_runs_out_and_it_can_neither_confirm_nor_release_its_successors_lock() {
        let test = TestDatabase::migrated().await;
        let locks = ContentLocks::with_lease(test.db(), Duration::from_millis(400));
        let dead = locks.acquire(&[CollectionKind::Videos]).await.expect("acquire");
        let stale = LockGuard { locks: dead.locks.clone(), lease: dead.lease, held: dead.held.clone() };
        dead.abandon();

        let started = Instant::now();
        let successor = locks.acquire(&[CollectionKind::Videos]).await.expect("acquired after the lease");
        assert!(started.elapsed() >= Duration::from_millis(200), "waited for the lease: {:?}", started.elapsed());

        assert!(matches!(
            stale.confirm(None).await,
            Err(Fail::Domain(DomainError::Unavailable { dependency: "database" }))
        ));
        stale.release().await;
        let document = lock_document(&test, CollectionKind::Videos).await;
        assert_eq!(document.get_str("holder").expect("holder"), successor.held[0].token);
        assert!(document.get_datetime("expires_at").expect("expiry") > &bson::DateTime::now(), "still held");
        successor.confirm(None).await.expect("the successor holds it");
        successor.release().await;
    }

    #[tokio::test]
    async fn a_dropped_guard_releases_its_locks() {
        let test = TestDatabase::migrated().await;
        let locks = ContentLocks::new(test.db());
        drop(locks.acquire(&[CollectionKind::Websites, CollectionKind::Albums]).await.expect("acquire"));
        let again = tokio::time::timeout(Duration::from_secs(5), locks.acquire(&[CollectionKind::Albums]))
            .await
            .expect("released in the background")
            .expect("acquire");
        again.release().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn racing_acquirers_hold_the_lock_one_at_a_time_and_none_is_lost() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;

        let test = TestDatabase::migrated().await;
        let locks = ContentLocks::new(test.db());
        let inside = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (locks, inside) = (locks.clone(), inside.clone());
            tasks.push(tokio::spawn(async move {
                let guard = locks.acquire(&[CollectionKind::Albums]).await.expect("acquire");
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders at once");
                tokio::time::sleep(Duration::from_millis(10)).await;
                inside.fetch_sub(1, Ordering::SeqCst);
                guard.release().await;
            }));
        }
        for task in tasks {
            task.await.expect("holder");
        }
        // A lock taken but not recognised as taken would only be freed by its lease (30 s).
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    }
}
