//! The NestJS template's user API and health check (`FOLIO_COMPAT=nest`) end to end:
//! registration, sign-in with Folio's session cookie, profile, sign-out, Nest's error shape,
//! and the terminus health document.

use serde_json::{json, Value};

use crate::support::{new_client, TestApp};

const OPEN: &[(&str, &str)] = &[("FOLIO_COMPAT", "nest"), ("AUTH_OPEN_REGISTRATION", "true")];

async fn post(client: &reqwest::Client, app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    client.post(app.url(path)).json(body).send().await.expect("request")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "{body}");
    body
}

/// Nest's error document with `status`; returns its message.
async fn nest_error(response: reqwest::Response, status: u16) -> Value {
    let body = json_of(response, status).await;
    assert_eq!(body["statusCode"], status, "{body}");
    assert!(body["error"].is_string(), "{body}");
    body["message"].clone()
}

fn registration() -> Value {
    json!({"name": "Ada", "email": "ada@example.com", "password": "secret-pw", "code": "1234", "extra": "ignored"})
}

#[tokio::test]
async fn a_user_registers_signs_in_reads_their_profile_and_signs_out() {
    let app = TestApp::spawn_with(OPEN).await;
    let client = new_client();
    let user = json_of(post(&client, &app, "/api/user/register", &registration()).await, 201).await;
    assert!(user["id"].as_str().is_some_and(|id| id.parse::<u64>().is_ok()), "a snowflake as a string: {user}");
    assert_eq!((&user["name"], &user["email"], &user["status"]), (&json!("Ada"), &json!("ada@example.com"), &json!(0)));
    assert!(user.get("password").is_none() && !user.to_string().contains("argon2"), "{user}");

    let login = post(
        &client,
        &app,
        "/api/user/login",
        &json!({"email": "ada@example.com", "password": "secret-pw", "code": "abcd"}),
    )
    .await;
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("folio_session="))
        .expect("session cookie")
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "not Secure outside production: {cookie}");
    let value = cookie.split(';').next().and_then(|pair| pair.split_once('=')).map(|(_, v)| v).unwrap_or_default();
    assert!(value.len() > 43, "signed, not the bare session id: {value}");
    let signed_in = json_of(login, 200).await;
    assert_eq!(signed_in["id"], user["id"]);
    assert!(signed_in["lastLoginAt"].is_string());

    let profile = json_of(client.get(app.url("/api/user/profile")).send().await.expect("profile"), 200).await;
    assert_eq!(profile["email"], "ada@example.com");
    // The same session works on Folio's own routes.
    assert_eq!(client.get(app.url("/api/v1/auth/session")).send().await.expect("session").status(), 200);

    let logout = client.post(app.url("/api/user/logout")).send().await.expect("logout");
    assert_eq!(logout.status(), 200);
    let cleared = logout.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cleared.starts_with("folio_session=") && cleared.contains("Max-Age=0"), "{cleared}");
    let message = nest_error(client.get(app.url("/api/user/profile")).send().await.expect("profile"), 401).await;
    assert_eq!(message, "Unauthorized");

    // The old cookie, replayed, is no session: logout deleted it server-side.
    let replayed = reqwest::Client::new()
        .get(app.url("/api/user/profile"))
        .header("cookie", cookie.split(';').next().unwrap_or_default())
        .send()
        .await
        .expect("profile");
    nest_error(replayed, 401).await;
    nest_error(client.post(app.url("/api/user/logout")).send().await.expect("logout"), 401).await;
}

#[tokio::test]
async fn invalid_bodies_get_nests_validation_errors() {
    let app = TestApp::spawn_with(OPEN).await;
    let client = new_client();
    let cases = [
        (
            json!({"name": "A", "email": "not-an-email", "password": "12345", "code": "12"}),
            vec![
                "name must be longer than or equal to 2 characters",
                "email must be an email",
                "password must be longer than or equal to 8 characters",
                "code must be longer than or equal to 4 characters",
            ],
        ),
        (
            json!({"name": "Much too long a name", "email": "a@example.com", "password": "x".repeat(21), "code": "12345"}),
            vec![
                "name must be shorter than or equal to 10 characters",
                "password must be shorter than or equal to 20 characters",
                "code must be shorter than or equal to 4 characters",
            ],
        ),
        (
            json!({"email": "a@example.com", "password": "long enough", "code": 1234}),
            vec!["name must be a string", "code must be a string"],
        ),
    ];
    for (body, expected) in cases {
        let message = nest_error(post(&client, &app, "/api/user/register", &body).await, 400).await;
        assert_eq!(message, json!(expected), "{body}");
    }
    let message =
        nest_error(post(&client, &app, "/api/user/login", &json!({"email": "a@example.com"})).await, 400).await;
    assert_eq!(message, json!(["password must be a string", "code must be a string"]));
    let malformed = client
        .post(app.url("/api/user/register"))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("request");
    nest_error(malformed, 400).await;
}

#[tokio::test]
async fn a_taken_email_is_a_conflict_and_wrong_credentials_are_unauthorized() {
    let app = TestApp::spawn_with(OPEN).await;
    let client = new_client();
    json_of(post(&client, &app, "/api/user/register", &registration()).await, 201).await;
    let mut again = registration();
    again["email"] = json!("ADA@example.com");
    nest_error(post(&client, &app, "/api/user/register", &again).await, 409).await;
    let wrong = json!({"email": "ada@example.com", "password": "not-the-password", "code": "1234"});
    let message = nest_error(post(&client, &app, "/api/user/login", &wrong).await, 401).await;
    assert_eq!(message, "wrong email or password");
    // Users made through Folio sign in here too, however long their password.
    let user = app.create_user("editor").await;
    let login = json!({"email": user.email, "password": user.password, "code": "0000"});
    json_of(post(&client, &app, "/api/user/login", &login).await, 200).await;
}

#[tokio::test]
async fn registration_follows_auth_open_registration() {
    let app = TestApp::spawn_with(&[("FOLIO_COMPAT", "nest")]).await;
    let message = nest_error(post(&new_client(), &app, "/api/user/register", &registration()).await, 403).await;
    assert!(message.as_str().is_some_and(|m| m.contains("closed")), "{message}");
}

#[tokio::test]
async fn health_has_the_terminus_shape_and_is_503_when_a_dependency_is_down() {
    let app = TestApp::spawn_with(&[("FOLIO_COMPAT", "nest")]).await;
    let body = json_of(app.get("/api/health").await, 200).await;
    assert_eq!((&body["status"], &body["error"]), (&json!("ok"), &json!({})));
    for name in ["database", "objects"] {
        assert_eq!(body["info"][name]["status"], "up", "{body}");
        assert_eq!(body["details"][name], body["info"][name]);
    }

    // The disk store refuses a symlinked temp directory: its check fails.
    let objects = app.data_dir.path().join("objects");
    let tmp = objects.join(".tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::os::unix::fs::symlink(app.data_dir.path(), &tmp).expect("symlink");
    let body = json_of(app.get("/api/health").await, 503).await;
    assert_eq!(body["status"], "error");
    assert_eq!(body["error"]["objects"]["status"], "down", "{body}");
    assert!(body["error"]["objects"]["message"].is_string());
    assert_eq!(body["info"]["database"]["status"], "up");
    assert_eq!(body["details"]["objects"], body["error"]["objects"]);
}

#[tokio::test]
async fn the_nest_routes_are_absent_unless_enabled() {
    let app = TestApp::spawn_with(&[("FOLIO_COMPAT", "lynx"), ("AUTH_OPEN_REGISTRATION", "true")]).await;
    assert_eq!(post(&new_client(), &app, "/api/user/register", &registration()).await.status(), 404);
    assert_eq!(app.get("/api/health").await.status(), 404);
}
