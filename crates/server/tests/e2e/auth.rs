use std::time::Duration;

use reqwest::header::SET_COOKIE;
use serde_json::{json, Value};

use crate::support::{new_client, session_cookie, session_status as session_with, Credentials, TestApp};

#[tokio::test]
async fn login_sets_a_signed_http_only_cookie_and_logout_ends_the_session_server_side() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let client = new_client();
    let response = app.login(&client, &user).await;
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()[SET_COOKIE].to_str().expect("ascii").to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(set_cookie.contains(flag), "{flag} missing from {set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "not Secure outside production: {set_cookie}");
    let cookie = session_cookie(&response);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["email"], user.email.as_str());
    assert_eq!(body["role"], "editor");
    assert!(body.get("password_hash").is_none());

    let me: Value =
        client.get(app.url("/api/v1/auth/session")).send().await.expect("request").json().await.expect("json");
    assert_eq!(me["id"], user.id.as_str());

    let logout = client.post(app.url("/api/v1/auth/logout")).send().await.expect("request");
    assert_eq!(logout.status(), 204);
    let cleared = logout.headers()[SET_COOKIE].to_str().expect("ascii").to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie, replayed, no longer names a session.
    assert_eq!(session_with(&app, &cookie).await, 401);
    assert_eq!(client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status(), 401);
    assert!(app.logs().iter().all(|l| !l.contains("$argon2")), "a hash reached the log");
}

#[tokio::test]
async fn a_tampered_cookie_is_not_a_session() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let cookie = session_cookie(&app.login(&new_client(), &user).await);
    assert_eq!(session_with(&app, &cookie).await, 200);
    let mut tampered = cookie.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(session_with(&app, &String::from_utf8(tampered).expect("utf8")).await, 401);
}

#[tokio::test]
async fn login_rotates_the_session_id_so_a_planted_cookie_is_useless() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let client = new_client();
    let before = session_cookie(&app.login(&client, &user).await);
    // Signing in again while holding a session: a new id, and the old one ends.
    let after = session_cookie(&app.login(&client, &user).await);
    assert_ne!(before, after);
    assert_eq!(session_with(&app, &before).await, 401);
    assert_eq!(session_with(&app, &after).await, 200);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let wrong = Credentials { password: "not the password".into(), ..user.clone() };
    let unknown = Credentials { email: "nobody@example.com".into(), ..user.clone() };
    let mut bodies = Vec::new();
    for creds in [&wrong, &unknown] {
        let response = app.login(&new_client(), creds).await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["code"], "invalid_credentials");
        bodies.push(body["detail"].clone());
    }
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test]
async fn an_unknown_email_costs_as_much_hashing_as_a_known_one() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let wrong = Credentials { password: "not the password".into(), ..user.clone() };
    let unknown = Credentials { email: "nobody@example.com".into(), ..user.clone() };
    let mut timings = [Vec::new(), Vec::new()];
    for _ in 0..4 {
        for (i, creds) in [&wrong, &unknown].into_iter().enumerate() {
            let started = std::time::Instant::now();
            let _ = app.login(&new_client(), creds).await;
            timings[i].push(started.elapsed());
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (known, unknown) = (median(&mut timings[0]), median(&mut timings[1]));
    // Argon2 dominates both; without the dummy hash an unknown email would answer in
    // well under a tenth of the time.
    assert!(unknown * 2 >= known, "unknown {unknown:?} vs known {known:?}");
}

#[tokio::test]
async fn sessions_roll_while_used_and_expire_when_idle() {
    let app = TestApp::spawn_with(&[("SESSION_IDLE_TTL_SECS", "2"), ("SESSION_TOUCH_INTERVAL_SECS", "0")]).await;
    let user = app.create_user("editor").await;
    let client = app.signed_in(&user).await;
    // Used every 700 ms for 3.5 s: well past the 2 s idle TTL, still alive.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let status = client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status();
        assert_eq!(status, 200);
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let status = client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status();
    assert_eq!(status, 401, "idle past the TTL");
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_active() {
    let app = TestApp::spawn_with(&[("SESSION_ABSOLUTE_TTL_SECS", "2"), ("SESSION_TOUCH_INTERVAL_SECS", "0")]).await;
    let user = app.create_user("editor").await;
    let client = app.signed_in(&user).await;
    let mut last = 200;
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        last = client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status().as_u16();
    }
    assert_eq!(last, 401);
}

#[tokio::test]
async fn banning_a_user_ends_their_sessions_and_blocks_their_login() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.login_as("admin").await;
    let (editor, editor_client) = app.login_as("editor").await;
    let response = admin
        .patch(app.url(&format!("/api/v1/users/{}", editor.id)))
        .json(&json!({"status": "banned"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let status = editor_client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status();
    assert_eq!(status, 401);
    let response = app.login(&new_client(), &editor).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "account_banned");
}

#[tokio::test]
async fn an_unverified_user_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.login_as("admin").await;
    let response = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({"name": "New", "email": "new@example.com", "password": "long enough pw", "status": "unverified"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let creds = Credentials { id: String::new(), email: "new@example.com".into(), password: "long enough pw".into() };
    let response = app.login(&new_client(), &creds).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "account_unverified");
}

#[tokio::test]
async fn a_role_change_applies_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (_, admin) = app.login_as("admin").await;
    let (editor, editor_client) = app.login_as("editor").await;
    let users_url = app.url("/api/v1/users");
    assert_eq!(editor_client.get(&users_url).send().await.expect("request").status(), 403);
    let response = admin
        .patch(app.url(&format!("/api/v1/users/{}", editor.id)))
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert_eq!(editor_client.get(&users_url).send().await.expect("request").status(), 200);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = TestApp::spawn().await;
    let user = app.create_user("editor").await;
    let (here, elsewhere) = (app.signed_in(&user).await, app.signed_in(&user).await);
    let wrong = here
        .put(app.url("/api/v1/me/password"))
        .json(&json!({"current_password": "nope", "new_password": "a brand new password"}))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 422);
    let response = here
        .put(app.url("/api/v1/me/password"))
        .json(&json!({"current_password": user.password, "new_password": "a brand new password"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 204);
    assert_eq!(here.get(app.url("/api/v1/auth/session")).send().await.expect("request").status(), 200);
    assert_eq!(elsewhere.get(app.url("/api/v1/auth/session")).send().await.expect("request").status(), 401);
    assert_eq!(app.login(&new_client(), &user).await.status(), 401, "old password");
    let renewed = Credentials { password: "a brand new password".into(), ..user };
    assert_eq!(app.login(&new_client(), &renewed).await.status(), 200);
}

#[tokio::test]
async fn failed_logins_are_limited_per_account_with_retry_after() {
    let app = TestApp::spawn_with(&[("AUTH_LOGIN_ACCOUNT_LIMIT", "3")]).await;
    let user = app.create_user("editor").await;
    let wrong = Credentials { password: "wrong password".into(), ..user.clone() };
    for _ in 0..3 {
        assert_eq!(app.login(&new_client(), &wrong).await.status(), 401);
    }
    let response = app.login(&new_client(), &user).await;
    assert_eq!(response.status(), 429, "even the right password waits");
    let retry_after: u64 = response.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!(retry_after > 0 && retry_after <= 900);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
    // Another account from the same client is not affected by this account's limit.
    let other = app.create_user("editor").await;
    assert_eq!(app.login(&new_client(), &other).await.status(), 200);
}

#[tokio::test]
async fn failed_logins_are_limited_per_client() {
    let app = TestApp::spawn_with(&[("AUTH_LOGIN_CLIENT_LIMIT", "3")]).await;
    for n in 0..3 {
        let creds = Credentials {
            id: String::new(),
            email: format!("ghost{n}@example.com"),
            password: "whatever password".into(),
        };
        assert_eq!(app.login(&new_client(), &creds).await.status(), 401);
    }
    let user = app.create_user("editor").await;
    assert_eq!(app.login(&new_client(), &user).await.status(), 429);
}

#[tokio::test]
async fn registration_is_closed_by_default() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({"name": "Eve", "email": "eve@example.com", "password": "long enough pw"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "registration_closed");
}

#[tokio::test]
async fn open_registration_creates_an_editor_who_can_sign_in() {
    let app = TestApp::spawn_with(&[("AUTH_OPEN_REGISTRATION", "true")]).await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({"name": "Eve", "email": "Eve@Example.com", "password": "long enough pw"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!((body["role"].as_str(), body["email"].as_str()), (Some("editor"), Some("eve@example.com")));
    let again = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .json(&json!({"name": "Eve", "email": "EVE@example.com", "password": "long enough pw"}))
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), 409, "emails are unique case-insensitively");
    let creds = Credentials { id: String::new(), email: "eve@example.com".into(), password: "long enough pw".into() };
    assert_eq!(app.login(&new_client(), &creds).await.status(), 200);
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_same_origin_ones_pass() {
    let app = TestApp::spawn_with(&[("CORS_ORIGINS", "https://site.example")]).await;
    let user = app.create_user("editor").await;
    let body = json!({"email": user.email, "password": user.password});
    let send = |origin: Option<String>| {
        let mut request = new_client().post(app.url("/api/v1/auth/login")).json(&body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let evil = send(Some("https://evil.example".into())).await.expect("request");
    assert_eq!(evil.status(), 403);
    let problem: Value = evil.json().await.expect("json");
    assert_eq!(problem["code"], "csrf_rejected");
    assert_eq!(send(Some("https://site.example".into())).await.expect("request").status(), 200);
    let own = app.address.clone();
    assert_eq!(send(Some(own)).await.expect("request").status(), 200);
    assert_eq!(send(None).await.expect("request").status(), 200, "non-browser clients send no Origin");
    let fetch_cross_site = new_client()
        .post(app.url("/api/v1/auth/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("request");
    assert_eq!(fetch_cross_site.status(), 403);
}

/// Every protected route with a body it would accept.
fn protected_routes() -> Vec<(reqwest::Method, &'static str, Option<Value>, bool)> {
    use reqwest::Method;
    // (method, path, body, admin only)
    vec![
        (Method::GET, "/api/v1/auth/session", None, false),
        (Method::PATCH, "/api/v1/me", Some(json!({"name": "X"})), false),
        (
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": "x", "new_password": "yyyyyyyyyy"})),
            false,
        ),
        (Method::GET, "/api/v1/users", None, true),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"name": "N", "email": "n@example.com", "password": "long enough pw"})),
            true,
        ),
        (Method::GET, "/api/v1/users/1", None, true),
        (Method::PATCH, "/api/v1/users/1", Some(json!({"role": "admin"})), true),
        (Method::DELETE, "/api/v1/users/1", None, true),
    ]
}

#[tokio::test]
async fn anonymous_callers_get_401_and_editors_403_on_admin_routes() {
    let app = TestApp::spawn().await;
    let (_, editor) = app.login_as("editor").await;
    let anonymous = new_client();
    for (method, path, body, admin_only) in protected_routes() {
        let send = |client: &reqwest::Client| {
            let mut request = client.request(method.clone(), app.url(path));
            if let Some(body) = &body {
                request = request.json(body);
            }
            request.send()
        };
        let response = send(&anonymous).await.expect("request");
        assert_eq!(response.status(), 401, "anonymous {method} {path}");
        let problem: Value = response.json().await.expect("json");
        assert_eq!(problem["code"], "unauthenticated");
        if admin_only {
            let response = send(&editor).await.expect("request");
            assert_eq!(response.status(), 403, "editor {method} {path}");
        }
    }
}

#[tokio::test]
async fn admins_manage_users_and_cannot_remove_the_last_admin() {
    let app = TestApp::spawn().await;
    let (admin_creds, admin) = app.login_as("admin").await;
    let created: Value = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({"name": "Grace", "email": "grace@example.com", "password": "long enough pw", "role": "editor"}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id as string").to_owned();
    assert!(created.get("password_hash").is_none());

    let page: Value = admin
        .get(app.url("/api/v1/users?page=1&per_page=1"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!((page["total"].as_u64(), page["pages"].as_u64()), (Some(2), Some(2)));
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    let bad_page = admin.get(app.url("/api/v1/users?per_page=500")).send().await.expect("request");
    assert_eq!(bad_page.status(), 422);

    let last_admin = admin
        .patch(app.url(&format!("/api/v1/users/{}", admin_creds.id)))
        .json(&json!({"role": "editor"}))
        .send()
        .await
        .expect("request");
    assert_eq!(last_admin.status(), 422);

    let invalid = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({"name": "X", "email": "not-an-email", "password": "long enough pw"}))
        .send()
        .await
        .expect("request");
    assert_eq!(invalid.status(), 422);
    let problem: Value = invalid.json().await.expect("json");
    assert_eq!(problem["errors"][0]["field"], "email");

    let deleted = admin.delete(app.url(&format!("/api/v1/users/{id}"))).send().await.expect("request");
    assert_eq!(deleted.status(), 204);
    let gone = admin.get(app.url(&format!("/api/v1/users/{id}"))).send().await.expect("request");
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn a_user_renames_themselves() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let response =
        client.patch(app.url("/api/v1/me")).json(&json!({"name": "  Ada Lovelace "})).send().await.expect("request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["name"], "Ada Lovelace");
    let unknown_field =
        client.patch(app.url("/api/v1/me")).json(&json!({"name": "A", "role": "admin"})).send().await.expect("request");
    assert_eq!(unknown_field.status(), 422);
    let problem: Value = unknown_field.json().await.expect("json");
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("role"), Some("unknown_field"))
    );
}

#[tokio::test]
async fn the_cookie_is_secure_in_production_and_when_configured() {
    let keys = folio_crypto::ecies::KeyPair::generate();
    let private = keys.secret.to_hex();
    let production = [
        ("APP_ENV", "production"),
        ("APP_HOST", "127.0.0.1"),
        ("COOKIE_SECRET", "a-production-cookie-secret-of-enough-length"),
        ("ECIES_PRIVATE_KEY", private.as_str()),
    ];
    for env in [&production[..], &[("COOKIE_SECURE", "true")][..]] {
        let app = TestApp::spawn_with(env).await;
        let user = app.create_user("editor").await;
        let response = app.login(&new_client(), &user).await;
        assert_eq!(response.status(), 200);
        let set_cookie = response.headers()[SET_COOKIE].to_str().expect("ascii").to_owned();
        assert!(set_cookie.contains("; Secure"), "{env:?}: {set_cookie}");
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    }
}

#[tokio::test]
async fn the_client_address_comes_from_forwarding_headers_only_behind_trusted_proxies() {
    async fn failures_until_limited(app: &TestApp, headers: &[(&str, &str)]) -> Vec<u16> {
        let mut statuses = Vec::new();
        for n in 0..3 {
            let mut request = new_client()
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"email": format!("ghost{n}@example.com"), "password": "whatever password"}));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            statuses.push(request.send().await.expect("login").status().as_u16());
        }
        statuses
    }
    let trusted = TestApp::spawn_with(&[("AUTH_LOGIN_CLIENT_LIMIT", "2"), ("TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    let a = [("x-forwarded-for", "198.51.100.1")];
    assert_eq!(failures_until_limited(&trusted, &a).await, vec![401, 401, 429]);
    // Another client behind the same proxy is counted apart, through either header.
    let b = [("forwarded", "for=198.51.100.2;proto=https")];
    assert_eq!(failures_until_limited(&trusted, &b).await, vec![401, 401, 429]);

    // Without trusted proxies the headers are the client's own words: ignored.
    let untrusted = TestApp::spawn_with(&[("AUTH_LOGIN_CLIENT_LIMIT", "2")]).await;
    assert_eq!(failures_until_limited(&untrusted, &[("x-forwarded-for", "198.51.100.3")]).await, vec![401, 401, 429]);
    let spoofed = [("x-forwarded-for", "198.51.100.4")];
    assert_eq!(failures_until_limited(&untrusted, &spoofed).await, vec![429, 429, 429], "still the same peer");
}
