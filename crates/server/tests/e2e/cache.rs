//! The response cache end to end: public reads are served from it with their ETags, a write
//! drops it, and with Redis a write on one instance drops it on the others.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::TestApp;

fn x_cache(response: &reqwest::Response) -> String {
    response.headers().get("x-cache").and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned()
}

async fn titles(response: reqwest::Response) -> Vec<Value> {
    let items: Vec<Value> = response.json().await.expect("json");
    items.into_iter().map(|i| i["title"]["en"].clone()).collect()
}

#[tokio::test]
async fn public_reads_come_from_the_cache_until_a_write() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let created = editor.post(app.url("/api/v1/albums")).json(&json!({"title": {"en": "One"}})).send().await;
    assert_eq!(created.expect("post").status(), 201);

    let first = app.get("/api/v1/albums").await;
    assert_eq!(x_cache(&first), "miss");
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(titles(first).await, vec![json!("One")]);
    let second = app.get("/api/v1/albums").await;
    assert_eq!(
        (x_cache(&second), second.headers()["etag"].to_str().expect("etag").to_owned()),
        ("hit".into(), etag.clone())
    );
    assert_eq!(second.headers()["cache-control"], "public, max-age=60");
    let revalidated = app.client.get(app.url("/api/v1/albums")).header("if-none-match", &etag).send().await;
    let revalidated = revalidated.expect("get");
    assert_eq!((revalidated.status().as_u16(), x_cache(&revalidated)), (304, "hit".into()));
    // A first request that revalidates still fills the cache with the whole body.
    let fresh = app.client.get(app.url("/api/v1/songs")).header("if-none-match", "\"other\"").send().await;
    let fresh = fresh.expect("get");
    assert_eq!((fresh.status().as_u16(), x_cache(&fresh)), (200, "miss".into()));
    let songs_etag = fresh.headers()["etag"].to_str().expect("etag").to_owned();
    let matched = app.client.get(app.url("/api/v1/songs")).header("if-none-match", &songs_etag).send().await;
    let matched = matched.expect("get");
    assert_eq!((matched.status().as_u16(), x_cache(&matched)), (304, "hit".into()));
    let refused = app.get("/api/v1/albums?x=1").await;
    assert_eq!((refused.status().as_u16(), x_cache(&refused)), (422, "none".into()), "errors are not stored");

    // Editors asking for hidden items bypass it; their answers are never stored.
    let hidden = editor.get(app.url("/api/v1/albums?include_hidden=true")).send().await.expect("get");
    assert_eq!((hidden.status().as_u16(), x_cache(&hidden)), (200, "none".into()));

    let added = editor.post(app.url("/api/v1/albums")).json(&json!({"title": {"en": "Two"}})).send().await;
    assert_eq!(added.expect("post").status(), 201);
    let after = app.get("/api/v1/albums").await;
    assert_eq!(x_cache(&after), "miss", "the write dropped the cache");
    assert_eq!(titles(after).await, vec![json!("One"), json!("Two")]);
    let stale = app.client.get(app.url("/api/v1/albums")).header("if-none-match", &etag).send().await;
    assert_eq!(stale.expect("get").status(), 200, "the old ETag no longer matches");
}

#[tokio::test]
async fn without_the_cache_reads_are_answered_by_the_handlers() {
    let app = TestApp::spawn_with(&[("CACHE_ENABLED", "false")]).await;
    for _ in 0..2 {
        let response = app.get("/api/v1/albums").await;
        assert_eq!((response.status().as_u16(), x_cache(&response)), (200, "none".into()));
    }
}

#[tokio::test]
async fn a_write_on_one_instance_drops_the_cache_on_the_other_within_a_second() {
    let db = folio_storage_sql::testing::postgres().await;
    let redis = std::env::var("FOLIO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let prefix = format!(
        "folio-e2e-cache-{}-{}:",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let env = [
        ("DATABASE_URL", db.url.as_str()),
        ("COOKIE_SECRET", "one-cookie-secret-shared-by-every-instance"),
        ("REDIS_URL", redis.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
    ];
    let first = TestApp::spawn_with(&env).await;
    let second = TestApp::spawn_with(&env).await;
    let (_, editor) = first.login_as("editor").await;
    // Wait until the second instance hears invalidations and caches.
    let started = Instant::now();
    while x_cache(&second.get("/api/v1/albums").await) != "hit" {
        assert!(started.elapsed() < Duration::from_secs(5), "the second instance never cached");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let created = editor.post(first.url("/api/v1/albums")).json(&json!({"title": {"en": "New"}})).send().await;
    assert_eq!(created.expect("post").status(), 201);
    let written = Instant::now();
    loop {
        let titles = titles(second.get("/api/v1/albums").await).await;
        if titles == vec![json!("New")] {
            break;
        }
        assert!(written.elapsed() < Duration::from_secs(1), "the second instance still serves {titles:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
