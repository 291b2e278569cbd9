//! The `LockManager` conformance suite.

use std::sync::Arc;
use std::time::Duration;

use crate::locks::LockManager;

use super::unique;

const LONG: Duration = Duration::from_secs(30);

pub async fn a_held_lock_cannot_be_taken_until_released(locks: Arc<dyn LockManager>) {
    let key = unique("lock:");
    let lease = locks.acquire(&key, LONG).await.expect("acquire").expect("free");
    assert!(locks.acquire(&key, LONG).await.expect("acquire").is_none());
    assert!(locks.release(&lease).await.expect("release"));
    let again = locks.acquire(&key, LONG).await.expect("acquire").expect("free again");
    assert!(again.token > lease.token, "fencing tokens grow");
    assert!(locks.acquire(&unique("other:"), LONG).await.expect("acquire").is_some(), "keys are apart");
}

pub async fn a_dead_holders_lease_runs_out_and_its_release_frees_nothing(locks: Arc<dyn LockManager>) {
    let key = unique("lock:");
    let dead = locks.acquire(&key, Duration::from_millis(200)).await.expect("acquire").expect("free");
    tokio::time::sleep(Duration::from_millis(350)).await;
    let next = locks.acquire(&key, LONG).await.expect("acquire").expect("expired");
    assert!(next.token > dead.token);
    assert!(!locks.extend(&dead, LONG).await.expect("extend"), "a lost lease cannot be extended");
    assert!(!locks.release(&dead).await.expect("release"), "the old holder cannot free it");
    assert!(locks.acquire(&key, LONG).await.expect("acquire").is_none(), "still the new holder's");
}

pub async fn extending_keeps_the_lock_past_its_first_lease(locks: Arc<dyn LockManager>) {
    let key = unique("lock:");
    let lease = locks.acquire(&key, Duration::from_millis(300)).await.expect("acquire").expect("free");
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(locks.extend(&lease, Duration::from_millis(300)).await.expect("extend"));
    }
    assert!(locks.acquire(&key, LONG).await.expect("acquire").is_none(), "held 450 ms after a 300 ms lease");
}

pub async fn of_many_racing_acquirers_exactly_one_wins(locks: Arc<dyn LockManager>) {
    let key = unique("race:");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (locks, key) = (locks.clone(), key.clone());
            tokio::spawn(async move { locks.acquire(&key, LONG).await.expect("acquire").is_some() })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.expect("join") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}
