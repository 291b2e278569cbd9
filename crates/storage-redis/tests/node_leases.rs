//! Snowflake node leases on a real Redis: when Redis loses its data under running instances,
//! each stops issuing IDs, then leases a node again by itself (its own, or another after a
//! whole lease) and issues IDs again, never two instances on one node.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use deadpool_redis::redis;
use folio_domain::health::HealthCheck;
use folio_domain::ids::{lease_node, LeasedIds};
use folio_domain::locks::LockManager;
use folio_id::{Epoch, IdError, IdGenerator, Snowflake, SnowflakeGenerator};
use folio_storage_redis::RedisLockManager;
use support::{direct, keys, redis, redis_url};

const LEASE: Duration = Duration::from_millis(300);

fn make(worker: u8, process: u8) -> Result<Arc<dyn IdGenerator>, IdError> {
    Ok(Arc::new(SnowflakeGenerator::new(Epoch::DEFAULT, worker, process)?))
}

fn node_of(id: Snowflake) -> (u8, u8) {
    let parts = folio_id::decode(id, Epoch::DEFAULT);
    (parts.worker_id, parts.process_id)
}

async fn wait_for(ids: &LeasedIds, within: Duration, wanted: impl Fn(&Result<Snowflake, IdError>) -> bool) {
    let deadline = Instant::now() + within;
    while !wanted(&ids.generate()) {
        assert!(Instant::now() < deadline, "not within {within:?}: {:?}", ids.generate());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn after_redis_loses_its_data_two_instances_suspend_then_issue_ids_on_distinct_nodes_again() {
    let (pool, cleanup) = redis().await;
    let locks: Arc<dyn LockManager> = Arc::new(RedisLockManager::new(pool));
    let (a, lease_a) = lease_node(locks.clone(), LEASE, make).await.expect("lease a");
    let (b, lease_b) = lease_node(locks.clone(), LEASE, make).await.expect("lease b");
    let _renew_a = lease_a.keep_alive(locks.clone(), LEASE);
    let _renew_b = lease_b.keep_alive(locks.clone(), LEASE);
    tokio::time::sleep(LEASE).await;
    let before = (a.generate().expect("a issues"), b.generate().expect("b issues"));

    // Redis restarted without persistence: every key of this deployment is gone.
    let mut conn = direct(&redis_url()).await;
    let gone = keys(&mut conn, &cleanup.prefix).await;
    assert!(gone.len() >= 2, "the two leases are in Redis: {gone:?}");
    let _: u64 = redis::cmd("DEL").arg(&gone).query_async(&mut conn).await.expect("DEL");

    for ids in [&a, &b] {
        wait_for(ids, LEASE * 2, |r| r == &Err(IdError::Suspended)).await;
    }
    for ids in [&a, &b] {
        wait_for(ids, LEASE * 8, Result::is_ok).await;
    }
    let after = (a.generate().expect("a issues again"), b.generate().expect("b issues again"));
    assert_eq!((node_of(after.0), node_of(after.1)), (node_of(before.0), node_of(before.1)), "each took its own back");
    assert!(after.0 > before.0 && after.1 > before.1);
    assert!(lease_a.health().check().await.is_ok() && lease_b.health().check().await.is_ok());

    lease_a.release(locks.as_ref()).await;
    lease_b.release(locks.as_ref()).await;
}
