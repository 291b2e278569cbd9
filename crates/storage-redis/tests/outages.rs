//! Redis down, silent, or coming back: operations fail fast with `Unavailable` and recover by
//! themselves, and building the pool never needs Redis.

mod support;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio_domain::health::HealthCheck;
use folio_domain::limits::{Quota, RateLimiter};
use folio_domain::sessions::{Session, SessionId, SessionStore};
use folio_domain::users::{Role, UserId};
use folio_domain::DomainError;
use folio_storage_redis::{connect, RedisHealth, RedisRateLimiter, RedisSessionStore};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const QUOTA: Quota = Quota { limit: 5, window: Duration::from_secs(60) };

/// Runs `op`, failing the test if it takes longer than a few timeouts (a hang).
async fn quickly<T>(op: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = tokio::time::timeout(support::TIMEOUT * 6, op).await.expect("no answer: the operation hung");
    (out, started.elapsed())
}

fn assert_unavailable<T: std::fmt::Debug>(result: Result<T, DomainError>) {
    assert!(
        matches!(result, Err(DomainError::Unavailable { dependency: "redis" })),
        "expected Unavailable, got {result:?}"
    );
}

async fn assert_every_port_is_unavailable(url: String) {
    let pool = connect(support::config(url, "folio-test-down:".into())).await.expect("the pool builds without Redis");
    let store = RedisSessionStore::new(pool.clone());
    let limiter = RedisRateLimiter::new(pool.clone());
    let health = RedisHealth::new(pool, true);

    let (result, took) = quickly(store.get(&SessionId::generate())).await;
    assert_unavailable(result);
    assert!(took < support::TIMEOUT * 4, "took {took:?}");
    let (result, _) = quickly(store.create(&SessionId::generate(), &session(1), Duration::from_secs(60))).await;
    assert_unavailable(result);
    let (result, _) = quickly(limiter.hit("k", QUOTA)).await;
    assert_unavailable(result);
    let (result, _) = quickly(health.check()).await;
    assert!(result.is_err());
}

#[tokio::test]
async fn a_closed_port_is_unavailable_at_once() {
    assert_every_port_is_unavailable("redis://127.0.0.1:1".into()).await;
}

#[tokio::test]
async fn a_server_that_never_answers_is_unavailable_within_the_timeout() {
    // Accepts connections and holds them open without a word: only timeouts end the wait.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    assert_every_port_is_unavailable(format!("redis://127.0.0.1:{port}")).await;
    silent.abort();
}

#[tokio::test]
async fn operations_recover_when_redis_comes_back() {
    let (_, cleanup) = support::redis().await;
    let target = support::redis_url();
    let parsed = url::Url::parse(&target).expect("FOLIO_TEST_REDIS_URL parses");
    let upstream =
        format!("{}:{}", parsed.host_str().expect("FOLIO_TEST_REDIS_URL names a host"), parsed.port().unwrap_or(6379));
    let port = free_port().await;
    let mut through_proxy = parsed.clone();
    through_proxy.set_host(Some("127.0.0.1")).expect("host");
    through_proxy.set_port(Some(port)).expect("port");

    let pool = connect(support::config(through_proxy.to_string(), cleanup.prefix.clone()))
        .await
        .expect("the pool builds while Redis is away");
    let store: Arc<dyn SessionStore> = Arc::new(RedisSessionStore::new(pool));
    let id = SessionId::generate();
    let s = session(3);

    assert_unavailable(quickly(store.create(&id, &s, Duration::from_secs(60))).await.0);

    let proxy = Proxy::start(port, upstream.clone()).await;
    quickly(store.create(&id, &s, Duration::from_secs(60))).await.0.expect("create once Redis is there");
    assert_eq!(quickly(store.get(&id)).await.0.expect("get"), Some(s.clone()));

    // Redis goes away with the pool's connections open.
    proxy.stop().await;
    assert_unavailable(quickly(store.get(&id)).await.0);

    let proxy = Proxy::start(port, upstream).await;
    assert_eq!(quickly(store.get(&id)).await.0.expect("the pool replaces its broken connections"), Some(s));
    proxy.stop().await;
}

fn session(user: u64) -> Session {
    let now = folio_domain::clock::now();
    Session {
        user_id: UserId(folio_id::Snowflake::from_u64(user)),
        role: Role::Editor,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + chrono::Duration::days(1),
        user_agent: None,
        ip: None,
    }
}

async fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A TCP relay to the real Redis that can be switched off, taking its connections with it.
struct Proxy {
    task: JoinHandle<()>,
}

impl Proxy {
    async fn start(port: u16, upstream: String) -> Proxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind the proxy port");
        let task = tokio::spawn(async move {
            // Dropped with the task when the proxy stops, which aborts every relay.
            let mut relays = JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                relays.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Proxy { task }
    }

    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}
