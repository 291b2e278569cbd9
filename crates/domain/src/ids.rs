//! Snowflake node ids leased through the lock port, so that every live instance sharing a
//! Redis has its own (worker, process) pair. The lease is renewed while the instance runs;
//! when a renewal has not succeeded for a whole lease, or finds the lease gone (Redis lost
//! its data), the instance stops issuing IDs (and reports not ready) rather than risk making
//! one another instance also makes, and keeps trying to lease a node again:
//! - its own node, when free, at once: nobody holds it, so anyone who held it meanwhile gave
//!   it back or lost it (and stopped), and its generator carries on from its last ID;
//! - else any free node, after holding it for one whole lease without issuing IDs, so that an
//!   instance that held that node before Redis lost its data has noticed and stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use folio_id::{IdError, IdGenerator, Snowflake};

use crate::health::HealthCheck;
use crate::locks::{Lease, LockManager};
use crate::DomainError;

/// 32 workers × 32 processes.
const NODES: u16 = 1024;

/// Builds the generator for a (worker, process) pair.
type MakeGenerator = Arc<dyn Fn(u8, u8) -> Result<Arc<dyn IdGenerator>, IdError> + Send + Sync>;

/// The generator of the node held, or `None` while no node is (IDs are suspended).
type Current = Arc<RwLock<Option<Arc<dyn IdGenerator>>>>;

fn node_key(node: u16) -> String {
    format!("snowflake-node:{node}")
}

fn worker_and_process(node: u16) -> (u8, u8) {
    ((node >> 5) as u8, (node & 31) as u8)
}

/// A generator that answers only while a node lease is held.
#[derive(Debug)]
pub struct LeasedIds {
    current: Current,
}

impl IdGenerator for LeasedIds {
    fn generate(&self) -> Result<Snowflake, IdError> {
        let generator = self.current.read().unwrap_or_else(PoisonError::into_inner).clone();
        generator.ok_or(IdError::Suspended)?.generate()
    }
}

/// The node this instance leased, and what it needs to lease one again.
#[derive(Clone)]
pub struct NodeLease {
    current: Current,
    held: Arc<Mutex<Held>>,
    make: MakeGenerator,
    /// Set at shutdown: the lease is given back and never taken again.
    stopped: Arc<AtomicBool>,
}

impl std::fmt::Debug for NodeLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeLease").field("held", &self.held).field("stopped", &self.stopped).finish_non_exhaustive()
    }
}

/// The last node leased (held, or lost and being sought again).
#[derive(Debug, Clone)]
struct Held {
    node: u16,
    lease: Lease,
    generator: Arc<dyn IdGenerator>,
}

/// The first node nobody holds, leased.
async fn first_free(locks: &dyn LockManager, lease_time: Duration) -> Result<Option<(u16, Lease)>, DomainError> {
    for node in 0..NODES {
        if let Some(lease) = locks.acquire(&node_key(node), lease_time).await? {
            return Ok(Some((node, lease)));
        }
    }
    Ok(None)
}

/// Takes the first free node id. `make` builds the generator for a (worker, process) pair.
pub async fn lease_node(
    locks: Arc<dyn LockManager>,
    lease_time: Duration,
    make: impl Fn(u8, u8) -> Result<Arc<dyn IdGenerator>, IdError> + Send + Sync + 'static,
) -> Result<(LeasedIds, NodeLease), DomainError> {
    let Some((node, lease)) = first_free(locks.as_ref(), lease_time).await? else {
        return Err(DomainError::Unavailable { dependency: "snowflake node ids (all 1024 are leased)" });
    };
    let (worker_id, process_id) = worker_and_process(node);
    let generator = match make(worker_id, process_id) {
        Ok(generator) => generator,
        Err(e) => {
            let _ = locks.release(&lease).await;
            return Err(DomainError::Internal(format!("id generator: {e}")));
        }
    };
    tracing::info!(worker_id, process_id, "leased a snowflake node id");
    let current: Current = Arc::new(RwLock::new(Some(generator.clone())));
    let lease = NodeLease {
        current: current.clone(),
        held: Arc::new(Mutex::new(Held { node, lease, generator })),
        make: Arc::new(make),
        stopped: Arc::new(AtomicBool::new(false)),
    };
    Ok((LeasedIds { current }, lease))
}

impl NodeLease {
    /// The (worker, process) pair of the node last leased.
    pub fn node(&self) -> (u8, u8) {
        worker_and_process(self.held().node)
    }

    fn held(&self) -> Held {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn issue_with(&self, generator: Option<Arc<dyn IdGenerator>>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = generator;
    }

    fn is_held(&self) -> bool {
        self.current.read().unwrap_or_else(PoisonError::into_inner).is_some()
    }

    /// Renews the lease every third of `lease_time` until the process ends. When it is lost
    /// (see the module comment), suspends ID generation and seeks a node again.
    pub fn keep_alive(&self, locks: Arc<dyn LockManager>, lease_time: Duration) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                this.renew_until_lost(locks.as_ref(), lease_time).await;
                if this.stopped.load(Ordering::Acquire) {
                    return;
                }
                this.issue_with(None);
                this.lease_again(locks.as_ref(), lease_time).await;
                if this.stopped.load(Ordering::Acquire) {
                    return;
                }
            }
        })
    }

    async fn renew_until_lost(&self, locks: &dyn LockManager, lease_time: Duration) {
        let mut last_renewed = Instant::now();
        loop {
            tokio::time::sleep(lease_time / 3).await;
            if self.stopped.load(Ordering::Acquire) {
                return;
            }
            match locks.extend(&self.held().lease, lease_time).await {
                Ok(true) => last_renewed = Instant::now(),
                Ok(false) => {
                    tracing::error!(
                        "the snowflake node lease was lost; ID generation is suspended until a node is leased again"
                    );
                    return;
                }
                Err(error) if last_renewed.elapsed() >= lease_time => {
                    tracing::error!(error = %error, "the snowflake node lease could not be renewed in time; ID generation is suspended until a node is leased again");
                    return;
                }
                Err(error) => tracing::warn!(error = %error, "renewing the snowflake node lease failed; retrying"),
            }
        }
    }

    /// Tries every third of `lease_time` until a node is held again and IDs flow.
    async fn lease_again(&self, locks: &dyn LockManager, lease_time: Duration) {
        loop {
            tokio::time::sleep(lease_time / 3).await;
            if self.stopped.load(Ordering::Acquire) {
                return;
            }
            match self.try_lease_again(locks, lease_time).await {
                Ok(true) => return,
                Ok(false) => tracing::warn!("no snowflake node id could be leased yet; retrying"),
                Err(error) => tracing::warn!(error = %error, "leasing a snowflake node id again failed; retrying"),
            }
        }
    }

    async fn try_lease_again(&self, locks: &dyn LockManager, lease_time: Duration) -> Result<bool, DomainError> {
        let last = self.held();
        if let Some(lease) = locks.acquire(&node_key(last.node), lease_time).await? {
            if self.stopped.load(Ordering::Acquire) {
                let _ = locks.release(&lease).await;
                return Ok(true);
            }
            let (worker_id, process_id) = worker_and_process(last.node);
            tracing::info!(worker_id, process_id, "leased the same snowflake node id again; issuing IDs");
            self.resume(Held { lease, ..last });
            return Ok(true);
        }
        let Some((node, lease)) = first_free(locks, lease_time).await? else { return Ok(false) };
        let (worker_id, process_id) = worker_and_process(node);
        let generator = match (self.make)(worker_id, process_id) {
            Ok(generator) => generator,
            Err(e) => {
                let _ = locks.release(&lease).await;
                return Err(DomainError::Internal(format!("id generator: {e}")));
            }
        };
        tracing::info!(worker_id, process_id, "leased another snowflake node id; issuing IDs after one lease");
        for _ in 0..3 {
            tokio::time::sleep(lease_time / 3).await;
            if self.stopped.load(Ordering::Acquire) || !matches!(locks.extend(&lease, lease_time).await, Ok(true)) {
                let _ = locks.release(&lease).await;
                return Ok(false);
            }
        }
        self.resume(Held { node, lease, generator });
        tracing::info!(worker_id, process_id, "issuing IDs on the new snowflake node id");
        Ok(true)
    }

    fn resume(&self, held: Held) {
        let generator = held.generator.clone();
        *self.held.lock().unwrap_or_else(PoisonError::into_inner) = held;
        self.issue_with(Some(generator));
    }

    /// Gives the node id back (at shutdown), so a restart does not wait for the lease to end;
    /// the renewal task stops seeking one.
    pub async fn release(&self, locks: &dyn LockManager) {
        self.stopped.store(true, Ordering::Release);
        self.issue_with(None);
        if let Err(error) = locks.release(&self.held().lease).await {
            tracing::warn!(error = %error, "could not release the snowflake node lease");
        }
    }

    /// `/health` entry: down (and so not ready) while no node is held.
    pub fn health(&self) -> LeaseHealth {
        LeaseHealth(self.clone())
    }
}

#[derive(Debug, Clone)]
pub struct LeaseHealth(NodeLease);

#[async_trait::async_trait]
impl HealthCheck for LeaseHealth {
    fn name(&self) -> &'static str {
        "snowflake_lease"
    }

    async fn check(&self) -> Result<(), String> {
        if self.0.is_held() {
            Ok(())
        } else {
            Err("this instance holds no snowflake node id (its lease was lost); it issues no IDs until it leases one again".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const LEASE: Duration = Duration::from_millis(90);

    /// Locks as Redis keeps them: a token per key, checked on extend and release; `forget_all`
    /// is Redis restarting without its data.
    #[derive(Debug, Default)]
    struct FakeLocks {
        taken: Mutex<HashMap<String, u64>>,
        tokens: std::sync::atomic::AtomicU64,
    }

    impl FakeLocks {
        fn forget_all(&self) {
            self.taken.lock().expect("lock").clear();
        }
        fn holders(&self) -> usize {
            self.taken.lock().expect("lock").len()
        }
    }

    #[async_trait::async_trait]
    impl LockManager for FakeLocks {
        async fn acquire(&self, key: &str, _: Duration) -> Result<Option<Lease>, DomainError> {
            let mut taken = self.taken.lock().expect("lock");
            if taken.contains_key(key) {
                return Ok(None);
            }
            let token = self.tokens.fetch_add(1, Ordering::Relaxed) + 1;
            taken.insert(key.to_owned(), token);
            Ok(Some(Lease { key: key.to_owned(), token }))
        }
        async fn extend(&self, lease: &Lease, _: Duration) -> Result<bool, DomainError> {
            Ok(self.taken.lock().expect("lock").get(&lease.key) == Some(&lease.token))
        }
        async fn release(&self, lease: &Lease) -> Result<bool, DomainError> {
            let mut taken = self.taken.lock().expect("lock");
            if taken.get(&lease.key) == Some(&lease.token) {
                taken.remove(&lease.key);
                return Ok(true);
            }
            Ok(false)
        }
    }

    fn make(worker: u8, process: u8) -> Result<Arc<dyn IdGenerator>, IdError> {
        Ok(Arc::new(folio_id::SnowflakeGenerator::new(folio_id::Epoch::DEFAULT, worker, process)?))
    }

    fn node_of(id: Snowflake) -> (u8, u8) {
        let parts = folio_id::decode(id, folio_id::Epoch::DEFAULT);
        (parts.worker_id, parts.process_id)
    }

    /// Polls `ids` until `wanted` says yes of what it answers, for at most `within`.
    async fn wait_for(ids: &LeasedIds, within: Duration, wanted: impl Fn(&Result<Snowflake, IdError>) -> bool) {
        let deadline = Instant::now() + within;
        loop {
            if wanted(&ids.generate()) {
                return;
            }
            assert!(Instant::now() < deadline, "not within {within:?}: {:?}", ids.generate());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn instances_get_distinct_nodes_and_a_released_node_is_reused() {
        let locks = Arc::new(FakeLocks::default());
        let (a, lease_a) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        let (b, lease_b) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        assert_ne!(lease_a.node(), lease_b.node());
        assert_eq!(node_of(a.generate().expect("id")), lease_a.node());
        assert_eq!(node_of(b.generate().expect("id")), lease_b.node());

        lease_b.release(locks.as_ref()).await;
        assert_eq!(b.generate(), Err(IdError::Suspended), "released at shutdown");
        let (_, again) = lease_node(locks, LEASE, make).await.expect("lease");
        assert_eq!(again.node(), lease_b.node(), "the freed node is reused");
    }

    #[tokio::test]
    async fn after_redis_loses_its_data_an_instance_suspends_then_leases_its_own_node_again() {
        let locks = Arc::new(FakeLocks::default());
        let (ids, lease) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        let _renewal = lease.keep_alive(locks.clone(), LEASE);
        tokio::time::sleep(LEASE * 2).await;
        let before = ids.generate().expect("renewed, still issuing");

        locks.forget_all();
        wait_for(&ids, LEASE * 2, |r| r == &Err(IdError::Suspended)).await;
        assert!(lease.health().check().await.is_err(), "not ready while suspended");
        wait_for(&ids, LEASE * 3, Result::is_ok).await;
        let after = ids.generate().expect("issuing again");
        assert_eq!(node_of(after), node_of(before), "the same node");
        assert!(after > before, "its generator carried on");
        assert!(lease.health().check().await.is_ok());
        assert_eq!(locks.holders(), 1);
    }

    #[tokio::test]
    async fn when_its_node_was_taken_meanwhile_it_holds_another_a_whole_lease_before_issuing() {
        let locks = Arc::new(FakeLocks::default());
        let (ids, lease) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        let first = lease.node();
        let _renewal = lease.keep_alive(locks.clone(), LEASE);

        locks.forget_all();
        // Another instance starting now takes the first free node: this one's.
        let (other, other_lease) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        assert_eq!(other_lease.node(), first);
        wait_for(&ids, LEASE * 2, |r| r == &Err(IdError::Suspended)).await;
        let suspended_at = Instant::now();
        wait_for(&ids, LEASE * 6, Result::is_ok).await;
        assert!(suspended_at.elapsed() >= LEASE, "issued again after {:?}", suspended_at.elapsed());
        let id = ids.generate().expect("issuing again");
        assert_ne!(node_of(id), first, "another node");
        assert_eq!(node_of(id), lease.node());
        assert_eq!(node_of(other.generate().expect("id")), first);
    }

    #[tokio::test]
    async fn a_released_lease_is_not_sought_again() {
        let locks = Arc::new(FakeLocks::default());
        let (ids, lease) = lease_node(locks.clone(), LEASE, make).await.expect("lease");
        let renewal = lease.keep_alive(locks.clone(), LEASE);
        lease.release(locks.as_ref()).await;
        tokio::time::sleep(LEASE * 3).await;
        assert_eq!(ids.generate(), Err(IdError::Suspended));
        assert_eq!(locks.holders(), 0, "nothing leased after shutdown");
        assert!(renewal.is_finished(), "the renewal task ended");
    }
}
