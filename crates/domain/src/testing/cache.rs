//! The `ResponseCache` conformance suite.

use std::sync::Arc;

use bytes::Bytes;

use crate::cache::{CachedResponse, FillTicket, Lookup, ResponseCache};

pub fn response(body: &str) -> CachedResponse {
    CachedResponse {
        body: Bytes::from(body.to_owned()),
        etag: format!("\"{}\"", body.len()),
        content_type: "application/json".to_owned(),
        cache_control: "public, max-age=60".to_owned(),
    }
}

/// Scopes unique to one run, so suites sharing a Redis never see each other's entries.
fn scope(name: &str) -> String {
    format!("{name}-{}", super::unique_id())
}

/// The ticket of a miss (panics on a hit or a miss without one).
pub async fn ticket(cache: &Arc<dyn ResponseCache>, scope: &str, key: &str) -> FillTicket {
    match cache.lookup(scope, key).await {
        Lookup::Miss(Some(ticket)) => ticket,
        other => panic!("expected a fillable miss for {key}, got {other:?}"),
    }
}

pub async fn hit(cache: &Arc<dyn ResponseCache>, scope: &str, key: &str) -> Option<CachedResponse> {
    match cache.lookup(scope, key).await {
        Lookup::Hit(response) => Some(response),
        Lookup::Miss(_) => None,
    }
}

pub async fn a_filled_entry_reads_back(cache: Arc<dyn ResponseCache>) {
    let scope = scope("content");
    let first = ticket(&cache, &scope, "/albums").await;
    cache.fill(first, response("[1]")).await;
    assert_eq!(hit(&cache, &scope, "/albums").await, Some(response("[1]")));
    assert_eq!(hit(&cache, &scope, "/songs").await, None, "keys are apart");
}

pub async fn invalidating_a_scope_drops_its_entries_only(cache: Arc<dyn ResponseCache>) {
    let (content, other) = (scope("content"), scope("other"));
    for (scope, key, body) in [(&content, "/a", "a"), (&content, "/b", "b"), (&other, "/a", "kept")] {
        let ticket = ticket(&cache, scope, key).await;
        cache.fill(ticket, response(body)).await;
    }
    cache.invalidate(&content).await;
    assert_eq!(hit(&cache, &content, "/a").await, None);
    assert_eq!(hit(&cache, &content, "/b").await, None);
    assert_eq!(hit(&cache, &other, "/a").await, Some(response("kept")));
    let again = ticket(&cache, &content, "/a").await;
    cache.fill(again, response("fresh")).await;
    assert_eq!(hit(&cache, &content, "/a").await, Some(response("fresh")), "the scope is usable again");
}

/// A response computed before a write must not be stored after the write's invalidation.
pub async fn a_ticket_from_before_an_invalidation_fills_nothing(cache: Arc<dyn ResponseCache>) {
    let scope = scope("content");
    let stale = ticket(&cache, &scope, "/albums").await;
    cache.invalidate(&scope).await;
    cache.fill(stale, response("stale")).await;
    assert_eq!(hit(&cache, &scope, "/albums").await, None);
}

pub async fn concurrent_fills_and_invalidations_leave_no_stale_entry(cache: Arc<dyn ResponseCache>) {
    let scope = scope("content");
    let mut tasks = Vec::new();
    for i in 0..16 {
        let cache = cache.clone();
        let scope = scope.clone();
        tasks.push(tokio::spawn(async move {
            if let Lookup::Miss(Some(ticket)) = cache.lookup(&scope, &format!("/k{}", i % 4)).await {
                cache.fill(ticket, response(&format!("v{i}"))).await;
            }
            if i % 5 == 0 {
                cache.invalidate(&scope).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("join");
    }
    cache.invalidate(&scope).await;
    for k in 0..4 {
        assert_eq!(hit(&cache, &scope, &format!("/k{k}")).await, None);
    }
}
