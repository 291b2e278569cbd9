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
