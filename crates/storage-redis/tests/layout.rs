//! What the adapters leave in Redis: keys under the prefix, expiries that bound memory, and
//! errors for data they cannot read.

mod support;

use std::time::Duration;

use deadpool_redis::redis::{self, AsyncCommands};
use folio_domain::health::HealthCheck;
use folio_domain::limits::{Quota, RateLimiter};
use folio_domain::sessions::{Session, SessionId, SessionStore};
use folio_domain::users::{Role, UserId};
use folio_domain::DomainError;
use folio_storage_redis::{RedisHealth, RedisRateLimiter, RedisSessionStore};

fn session(user: u64) -> Session {
    let now = folio_domain::clock::now();
    Session {
        user_id: UserId(folio_id::Snowflake::from_u64(user)),
        role: Role::Editor,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + chrono::Duration::days(30),
        user_agent: None,
        ip: None,
    }
}

async fn pttl(conn: &mut redis::aio::MultiplexedConnection, key: &str) -> i64 {
    conn.pttl(key).await.expect("PTTL")
}

#[tokio::test]
async fn every_key_starts_with_the_prefix() {
    let (pool, cleanup) = support::redis().await;
    let p = pool.key_prefix().to_owned();
    let store = RedisSessionStore::new(pool.clone());
    let limiter = RedisRateLimiter::new(pool);
    let id = SessionId::generate();
    store.create(&id, &session(42), Duration::from_secs(60)).await.expect("create");
    let quota = Quota { limit: 5, window: Duration::from_secs(60) };
    limiter.hit("login:alice", quota).await.expect("hit");

    let mut conn = support::direct(&cleanup.url).await;
    let mut expected =
        vec![format!("{p}rl:login:alice"), format!("{p}session:{}", id.as_str()), format!("{p}user-sessions:42")];
    expected.sort();
    assert_eq!(support::keys(&mut conn, &p).await, expected);
}

#[tokio::test]
async fn a_users_set_lives_as_long_as_their_longest_session() {
    let (pool, cleanup) = support::redis().await;
    let p = pool.key_prefix().to_owned();
    let store = RedisSessionStore::new(pool);
    let mut conn = support::direct(&cleanup.url).await;
    let set = format!("{p}user-sessions:7");

    let (long, short) = (SessionId::generate(), SessionId::generate());
    store.create(&long, &session(7), Duration::from_secs(600)).await.expect("create");
    store.create(&short, &session(7), Duration::from_secs(60)).await.expect("create");
    let ttl = pttl(&mut conn, &set).await;
    assert!(ttl > 590_000 && ttl <= 600_000, "a shorter session must not shorten the set: {ttl}");

    store.touch(&short, &session(7), Duration::from_secs(900)).await.expect("touch");
    let ttl = pttl(&mut conn, &set).await;
    assert!(ttl > 890_000 && ttl <= 900_000, "touch extends the set with the session: {ttl}");
}

#[tokio::test]
async fn ended_sessions_leave_their_users_set() {
    let (pool, cleanup) = support::redis().await;
    let p = pool.key_prefix().to_owned();
    let store = RedisSessionStore::new(pool);
    let mut conn = support::direct(&cleanup.url).await;
    let set = format!("{p}user-sessions:9");

    let (a, b, c) = (SessionId::generate(), SessionId::generate(), SessionId::generate());
    store.create(&a, &session(9), Duration::from_secs(60)).await.expect("create");
    store.create(&b, &session(9), Duration::from_millis(50)).await.expect("create");
    store.delete(&a).await.expect("delete");
    let members: Vec<String> = conn.smembers(&set).await.expect("SMEMBERS");
    assert_eq!(members, vec![b.as_str().to_owned()], "delete removes the id");

    tokio::time::sleep(Duration::from_millis(100)).await;
    store.create(&c, &session(9), Duration::from_secs(60)).await.expect("create");
    let members: Vec<String> = conn.smembers(&set).await.expect("SMEMBERS");
    assert_eq!(members, vec![c.as_str().to_owned()], "signing in prunes expired ids");

    assert_eq!(store.delete_for_user(UserId(folio_id::Snowflake::from_u64(9)), None).await.expect("end"), 1);
    let exists: bool = conn.exists(&set).await.expect("EXISTS");
    assert!(!exists, "an emptied set is gone");
}

#[tokio::test]
async fn an_undecodable_session_is_an_internal_error_and_can_be_deleted() {
    let (pool, cleanup) = support::redis().await;
    let p = pool.key_prefix().to_owned();
    let store = RedisSessionStore::new(pool);
    let mut conn = support::direct(&cleanup.url).await;
    let id = SessionId::generate();
    let _: () = conn.set(format!("{p}session:{}", id.as_str()), "{not json").await.expect("SET");
    let err = store.get(&id).await.expect_err("undecodable");
    assert!(matches!(err, DomainError::Internal(_)), "{err:?}");
    store.delete(&id).await.expect("delete");
    assert_eq!(store.get(&id).await.expect("get"), None);
}

#[tokio::test]
async fn an_arrival_time_expires_when_it_stops_mattering_and_peek_writes_nothing() {
    let (pool, cleanup) = support::redis().await;
    let p = pool.key_prefix().to_owned();
    let limiter = RedisRateLimiter::new(pool);
    let mut conn = support::direct(&cleanup.url).await;
    let quota = Quota { limit: 4, window: Duration::from_secs(60) };

    limiter.peek("fresh", quota).await.expect("peek");
    assert!(support::keys(&mut conn, &p).await.is_empty(), "peek wrote a key");

    limiter.hit("k", quota).await.expect("hit");
    let ttl = pttl(&mut conn, &format!("{p}rl:k")).await;
    assert!(ttl > 14_000 && ttl <= 15_000, "one hit matters for window / limit: {ttl}");
    limiter.hit("k", quota).await.expect("hit");
    let ttl = pttl(&mut conn, &format!("{p}rl:k")).await;
    assert!(ttl > 29_000 && ttl <= 30_000, "two hits matter twice as long: {ttl}");

    limiter.reset("k").await.expect("reset");
    assert!(support::keys(&mut conn, &p).await.is_empty(), "reset deletes the key");
}

#[tokio::test]
async fn decisions_report_what_the_headers_need() {
    let (pool, _cleanup) = support::redis().await;
    let limiter = RedisRateLimiter::new(pool);
    let quota = Quota { limit: 2, window: Duration::from_secs(10) };
    let first = limiter.hit("h", quota).await.expect("hit");
    assert_eq!((first.allowed, first.remaining, first.retry_after), (true, 1, None));
    assert!(first.reset_after > Duration::from_millis(4_900) && first.reset_after <= Duration::from_secs(5));
    let peeked = limiter.peek("h", quota).await.expect("peek");
    assert_eq!((peeked.allowed, peeked.remaining), (true, 1), "peek reports the hit it did not spend");
    limiter.hit("h", quota).await.expect("hit");
    let denied = limiter.hit("h", quota).await.expect("hit");
    assert!(!denied.allowed);
    let retry = denied.retry_after.expect("retry_after");
    assert!(retry > Duration::from_millis(4_900) && retry <= Duration::from_secs(5), "{retry:?}");
    assert!(denied.reset_after > Duration::from_millis(9_900) && denied.reset_after <= Duration::from_secs(10));
}

#[tokio::test]
async fn the_health_check_pings() {
    let (pool, _cleanup) = support::redis().await;
    let health = RedisHealth::new(pool, false);
    assert_eq!(health.name(), "redis");
    assert!(!health.required());
    health.check().await.expect("PONG");
}
