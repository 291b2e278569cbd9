//! The ports' shared conformance suites, run against a real Redis.

mod support;

mod sessions {
    use std::sync::Arc;

    use folio_domain::sessions::SessionStore;
    use folio_storage_redis::RedisSessionStore;

    folio_domain::session_store_tests!(async {
        let (pool, cleanup) = super::support::redis().await;
        (Arc::new(RedisSessionStore::new(pool)) as Arc<dyn SessionStore>, cleanup)
    });
}

mod limits {
    use std::sync::Arc;

    use folio_domain::limits::RateLimiter;
    use folio_storage_redis::RedisRateLimiter;

    folio_domain::rate_limiter_tests!(async {
        let (pool, cleanup) = super::support::redis().await;
        (Arc::new(RedisRateLimiter::new(pool)) as Arc<dyn RateLimiter>, cleanup)
    });
}

mod locks {
    use std::sync::Arc;

    use folio_domain::locks::LockManager;
    use folio_storage_redis::RedisLockManager;

    folio_domain::lock_manager_tests!(async {
        let (pool, cleanup) = super::support::redis().await;
        (Arc::new(RedisLockManager::new(pool)) as Arc<dyn LockManager>, cleanup)
    });
}

mod cache {
    use std::sync::Arc;
    use std::time::Duration;

    use folio_domain::cache::{Lookup, ResponseCache};
    use folio_domain::testing::cache::{hit, response, ticket};
    use folio_storage_local::InProcessResponseCache;
    use folio_storage_redis::{RedisPool, RedisResponseCache};

    async fn listening(pool: RedisPool) -> RedisResponseCache {
        let cache = RedisResponseCache::start(pool, InProcessResponseCache::new(1 << 20, Duration::from_secs(60)));
        for _ in 0..100 {
            if cache.is_listening() {
                return cache;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the cache never subscribed");
    }

    folio_domain::response_cache_tests!(async {
        let (pool, cleanup) = super::support::redis().await;
        (Arc::new(listening(pool).await) as Arc<dyn ResponseCache>, cleanup)
    });

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_invalidation_on_one_instance_reaches_the_others_within_a_second() {
        let (pool, _cleanup) = super::support::redis().await;
        let a: Arc<dyn ResponseCache> = Arc::new(listening(pool.clone()).await);
        let b: Arc<dyn ResponseCache> = Arc::new(listening(pool).await);
        let filled = ticket(&b, "content", "/albums").await;
        b.fill(filled, response("old")).await;
        assert_eq!(hit(&b, "content", "/albums").await, Some(response("old")));
        a.invalidate("content").await;
        let started = std::time::Instant::now();
        while hit(&b, "content", "/albums").await.is_some() {
            assert!(started.elapsed() < Duration::from_secs(1), "b still serves the old entry");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The echo of an instance's own invalidation must not void what it cached since.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_instances_own_invalidation_echo_changes_nothing() {
        let (pool, _cleanup) = super::support::redis().await;
        let cache: Arc<dyn ResponseCache> = Arc::new(listening(pool).await);
        cache.invalidate("content").await;
        let filled = ticket(&cache, "content", "/albums").await;
        cache.fill(filled, response("new")).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(hit(&cache, "content", "/albums").await, Some(response("new")));
    }

    #[tokio::test]
    async fn without_redis_nothing_is_served_or_stored() {
        let config = folio_storage_redis::RedisConfig {
            url: "redis://127.0.0.1:1/0".to_owned(),
            key_prefix: "folio-test:".to_owned(),
            pool_size: 2,
            timeout: Duration::from_millis(200),
        };
        let pool = folio_storage_redis::connect(config).await.expect("pool");
        let cache = RedisResponseCache::start(pool, InProcessResponseCache::new(1 << 20, Duration::from_secs(60)));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!cache.is_listening());
        assert_eq!(cache.lookup("content", "/albums").await, Lookup::Miss(None));
        cache.invalidate("content").await; // logged, never an error
    }
}

mod cache_subscription {
    use std::time::Duration;

    use folio_storage_local::InProcessResponseCache;
    use folio_storage_redis::RedisResponseCache;

    /// An idle subscription stays up: the cache keeps serving between writes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_idle_subscription_stays_up() {
        let (pool, _cleanup) = super::support::redis().await;
        let cache = RedisResponseCache::start(pool, InProcessResponseCache::new(1 << 20, Duration::from_secs(60)));
        for _ in 0..100 {
            if cache.is_listening() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for tick in 0..60 {
            assert!(cache.is_listening(), "the subscription dropped after {} ms", tick * 50);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
