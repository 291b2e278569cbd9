use serde_json::Value;

use crate::support::TestApp;

async fn problem(response: reqwest::Response) -> Value {
    assert_eq!(response.headers()["content-type"], "application/problem+json", "every error is problem details");
    let request_id = response.headers()["x-request-id"].to_str().expect("ascii").to_owned();
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["request_id"], request_id.as_str(), "the body names the request");
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("urn:folio:problem:")));
    assert!(body["title"].is_string());
    body
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/route").await;
    assert_eq!(response.status(), 404);
    let body = problem(response).await;
    assert_eq!(body["status"], 404);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem() {
    let app = TestApp::spawn().await;
    let response = app.client.delete(app.url("/health/live")).send().await.expect("request");
    assert_eq!(response.status(), 405);
    let body = problem(response).await;
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_eq!(problem(response).await["code"], "malformed_json");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a&password=b")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 415);
    assert_eq!(problem(response).await["code"], "unsupported_media_type");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = TestApp::spawn_with(&[("HTTP_JSON_LIMIT", "2048")]).await;
    let big = format!("{{\"email\":\"{}\",\"password\":\"x\"}}", "a".repeat(4096));
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 413);
    assert_eq!(problem(response).await["code"], "payload_too_large");
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_a_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "a@example.com", "password": 12}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "invalid_type");
}

#[tokio::test]
async fn api_requests_over_a_tier_get_429_with_rate_limit_headers_and_health_is_exempt() {
    let app = TestApp::spawn_with(&[("SHORT_THROTTLE_LIMIT", "3"), ("SHORT_THROTTLE_TTL", "10000")]).await;
    for remaining in [2, 1, 0] {
        let response = app.get("/api/v1/auth/session").await;
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["ratelimit-limit"], "3");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining.to_string().as_str());
    }
    let response = app.get("/api/v1/auth/session").await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().expect("ascii").parse().expect("secs");
    assert!((1..=4).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(response).await["code"], "rate_limited");
    for _ in 0..5 {
        assert_eq!(app.get("/health/live").await.status(), 200, "health is exempt");
    }
}

#[tokio::test]
async fn signed_in_requests_count_against_the_user_not_the_address() {
    let app = TestApp::spawn_with(&[("SHORT_THROTTLE_LIMIT", "4"), ("SHORT_THROTTLE_TTL", "10000")]).await;
    // The login is the address's first request; the user's quota starts fresh.
    let (_, editor) = app.login_as("editor").await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/auth/session").await.status(), 401);
    }
    assert_eq!(app.get("/api/v1/auth/session").await.status(), 429, "the address has spent its four");
    for remaining in [3, 2, 1, 0] {
        let response = editor.get(app.url("/api/v1/auth/session")).send().await.expect("get");
        assert_eq!(response.status(), 200, "the editor, from the same address, has their own quota");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining.to_string().as_str());
    }
    let response = editor.get(app.url("/api/v1/auth/session")).send().await.expect("get");
    assert_eq!(response.status(), 429);
}

#[tokio::test]
async fn configured_origins_get_cors_answers_and_preflights_others_none() {
    let site = "https://site.example";
    let app = TestApp::spawn_with(&[("CORS_ORIGINS", site)]).await;
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/albums"))
        .header("origin", site)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], site);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed = headers["access-control-allow-headers"].to_str().expect("ascii").to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
    // The Angular client sends Content-Type on GETs too: never a reason to refuse.
    let get = app
        .client
        .get(app.url("/api/v1/albums"))
        .header("origin", site)
        .header("content-type", "application/json")
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 200);
    assert_eq!(get.headers()["access-control-allow-origin"], site);
    assert!(get.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_ascii_lowercase()
        .contains("etag"));
    let stranger = app.client.get(app.url("/api/v1/albums")).header("origin", "https://evil.example").send().await;
    let stranger = stranger.expect("get");
    assert_eq!(stranger.status(), 200);
    assert!(stranger.headers().get("access-control-allow-origin").is_none());
}
