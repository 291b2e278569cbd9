//! Snowflake node ids leased through the lock port, so that every live instance sharing a
//! Redis has its own (worker, process) pair. The lease is renewed while the instance runs;
//! when a renewal has not succeeded for a whole lease, the instance stops issuing IDs (and
//! reports not ready) rather than risk making one another instance also makes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_id::{IdError, IdGenerator, Snowflake};

use crate::health::HealthCheck;
use crate::locks::{Lease, LockManager};
use crate::DomainError;

/// 32 workers × 32 processes.
const NODES: u16 = 1024;

/// A generator that answers only while its node lease is held.
#[derive(Debug)]
pub struct LeasedIds {
    inner: Arc<dyn IdGenerator>,
    held: Arc<AtomicBool>,
}

impl IdGenerator for LeasedIds {
    fn generate(&self) -> Result<Snowflake, IdError> {
        if !self.held.load(Ordering::Acquire) {
            return Err(IdError::Suspended);
        }
        self.inner.generate()
    }
}

/// The node this instance leased.
#[derive(Debug, Clone)]
pub struct NodeLease {
    pub worker_id: u8,
    pub process_id: u8,
    lease: Lease,
    held: Arc<AtomicBool>,
}

/// Takes the first free node id. `make` builds the generator for a (worker, process) pair.
pub async fn lease_node(
    locks: Arc<dyn LockManager>,
    lease_time: Duration,
    make: impl FnOnce(u8, u8) -> Result<Arc<dyn IdGenerator>, IdError>,
) -> Result<(LeasedIds, NodeLease), DomainError> {
    for node in 0..NODES {
        if let Some(lease) = locks.acquire(&format!("snowflake-node:{node}"), lease_time).await? {
            let (worker_id, process_id) = ((node >> 5) as u8, (node & 31) as u8);
            let inner = make(worker_id, process_id).map_err(|e| DomainError::Internal(format!("id generator: {e}")))?;
            let held = Arc::new(AtomicBool::new(true));
            tracing::info!(worker_id, process_id, "leased a snowflake node id");
            return Ok((LeasedIds { inner, held: held.clone() }, NodeLease { worker_id, process_id, lease, held }));
        }
    }
    Err(DomainError::Unavailable { dependency: "snowflake node ids (all 1024 are leased)" })
}

impl NodeLease {
    /// Renews the lease every third of `lease_time` until the process ends. A renewal that
    /// finds the lease lost, or no success for a whole `lease_time`, suspends ID generation.
    pub fn keep_alive(&self, locks: Arc<dyn LockManager>, lease_time: Duration) -> tokio::task::JoinHandle<()> {
        let (lease, held) = (self.lease.clone(), self.held.clone());
        tokio::spawn(async move {
            let mut last_renewed = Instant::now();
            loop {
                tokio::time::sleep(lease_time / 3).await;
                match locks.extend(&lease, lease_time).await {
                    Ok(true) => last_renewed = Instant::now(),
                    Ok(false) => {
                        held.store(false, Ordering::Release);
                        tracing::error!("the snowflake node lease was lost; ID generation is suspended");
                        return;
                    }
                    Err(error) if last_renewed.elapsed() >= lease_time => {
                        held.store(false, Ordering::Release);
                        tracing::error!(error = %error, "the snowflake node lease could not be renewed in time; ID generation is suspended");
                        return;
                    }
                    Err(error) => tracing::warn!(error = %error, "renewing the snowflake node lease failed; retrying"),
                }
            }
        })
    }

    /// Gives the node id back (at shutdown), so a restart does not wait for the lease to end.
    pub async fn release(&self, locks: &dyn LockManager) {
        self.held.store(false, Ordering::Release);
        if let Err(error) = locks.release(&self.lease).await {
            tracing::warn!(error = %error, "could not release the snowflake node lease");
        }
    }

    /// `/health` entry: down (and so not ready) once the lease is lost.
    pub fn health(&self) -> LeaseHealth {
        LeaseHealth(self.held.clone())
    }
}

#[derive(Debug, Clone)]
pub struct LeaseHealth(Arc<AtomicBool>);

#[async_trait::async_trait]
impl HealthCheck for LeaseHealth {
    fn name(&self) -> &'static str {
        "snowflake_lease"
    }

    async fn check(&self) -> Result<(), String> {
        if self.0.load(Ordering::Acquire) {
            Ok(())
        } else {
            Err("this instance no longer holds its snowflake node id; it issues no IDs".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct FakeLocks {
        taken: std::sync::Mutex<std::collections::HashMap<String, u64>>,
        lose_all: AtomicBool,
    }

    #[async_trait::async_trait]
    impl LockManager for FakeLocks {
        async fn acquire(&self, key: &str, _: Duration) -> Result<Option<Lease>, DomainError> {
            let mut taken = self.taken.lock().expect("lock");
            if taken.contains_key(key) {
                return Ok(None);
            }
            taken.insert(key.to_owned(), 1);
            Ok(Some(Lease { key: key.to_owned(), token: 1 }))
        }
        async fn extend(&self, _: &Lease, _: Duration) -> Result<bool, DomainError> {
            Ok(!self.lose_all.load(Ordering::Relaxed))
        }
        async fn release(&self, lease: &Lease) -> Result<bool, DomainError> {
            Ok(self.taken.lock().expect("lock").remove(&lease.key).is_some())
        }
    }

    fn make(worker: u8, process: u8) -> Result<Arc<dyn IdGenerator>, IdError> {
        Ok(Arc::new(folio_id::SnowflakeGenerator::new(folio_id::Epoch::DEFAULT, worker, process)?))
    }

    #[tokio::test]
    async fn instances_get_distinct_nodes_and_a_lost_lease_suspends_generation() {
        let locks = Arc::new(FakeLocks::default());
        let (a, lease_a) = lease_node(locks.clone(), Duration::from_millis(90), make).await.expect("lease");
        let (b, lease_b) = lease_node(locks.clone(), Duration::from_millis(90), make).await.expect("lease");
        assert_ne!((lease_a.worker_id, lease_a.process_id), (lease_b.worker_id, lease_b.process_id));
        let (pa, pb) = (
            folio_id::decode(a.generate().expect("id"), folio_id::Epoch::DEFAULT),
            folio_id::decode(b.generate().expect("id"), folio_id::Epoch::DEFAULT),
        );
        assert_ne!((pa.worker_id, pa.process_id), (pb.worker_id, pb.process_id));

        let _renewal = lease_a.keep_alive(locks.clone(), Duration::from_millis(90));
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(a.generate().is_ok(), "renewed");
        locks.lose_all.store(true, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert_eq!(a.generate(), Err(IdError::Suspended));
        assert!(lease_a.health().check().await.is_err());

        lease_b.release(locks.as_ref()).await;
        assert_eq!(b.generate(), Err(IdError::Suspended), "released at shutdown");
        let (_, again) = lease_node(locks, Duration::from_millis(90), make).await.expect("lease");
        assert_eq!(
            (again.worker_id, again.process_id),
            (lease_b.worker_id, lease_b.process_id),
            "the freed node is reused"
        );
    }
}
