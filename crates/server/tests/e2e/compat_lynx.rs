//! The Lynx portfolio API (`FOLIO_COMPAT=lynx`) end to end, as its Angular client calls it:
//! the envelope, the old field names, populated files, the bare `Authorization` token, and
//! writes that land in the same services (and caches) as `/api/v1`.

mod articles;
mod uploads;

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{new_client, TestApp};

/// Lynx routes on, and request limits out of the way of tests that call every route.
pub const ENV: &[(&str, &str)] =
    &[("FOLIO_COMPAT", "lynx"), ("THROTTLE_LIMIT", "100000"), ("SHORT_THROTTLE_LIMIT", "100000")];

/// A server with the Lynx routes and an editor's token from the old login.
pub struct Lynx {
    pub app: TestApp,
    pub token: String,
}

impl Lynx {
    pub async fn start() -> Lynx {
        Self::start_with(&[]).await
    }

    pub async fn start_with(extra: &[(&str, &str)]) -> Lynx {
        let env: Vec<(&str, &str)> = ENV.iter().chain(extra).copied().collect();
        let app = TestApp::spawn_with(&env).await;
        let token = token(&app, "editor").await;
        Lynx { app, token }
    }

    /// A request as the Angular client sends it: JSON content type even on GETs, the token
    /// bare in `Authorization`.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        call(&self.app, method, path, Some(&self.token), body).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(Method::GET, path, None).await
    }

    /// A successful call's document under `key`.
    pub async fn ok(&self, method: Method, path: &str, body: Option<&Value>, key: &str) -> Value {
        let (status, answer) = self.send(method.clone(), path, body).await;
        success(status, &answer, key, &format!("{method} {path}"))
    }
}

/// `answer` is `200 {"status":"success", key: …}`; returns `answer[key]`.
pub fn success(status: u16, answer: &Value, key: &str, what: &str) -> Value {
    assert_eq!(status, 200, "{what}: {answer}");
    assert_eq!(answer["status"], "success", "{what}: {answer}");
    assert!(!answer[key].is_null(), "{what}: no `{key}` in {answer}");
    answer[key].clone()
}

/// `answer` is `{"status":"error","message":…}` with `status`; returns the message.
pub fn failure(status: u16, answer: &Value, expected: u16, what: &str) -> String {
    assert_eq!(status, expected, "{what}: {answer}");
    assert_eq!(answer["status"], "error", "{what}: {answer}");
    answer["message"].as_str().unwrap_or_else(|| panic!("{what}: no message in {answer}")).to_owned()
}

pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut request =
        reqwest::Client::new().request(method, app.url(path)).header(reqwest::header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(reqwest::header::AUTHORIZATION, token);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A new user with `role`, signed in through `POST /api/main/login` with `gettoken`.
pub async fn token(app: &TestApp, role: &str) -> String {
    let user = app.create_user(role).await;
    let (status, answer) = call(
        app,
        Method::POST,
        "/api/main/login",
        None,
        Some(&json!({"email": user.email, "password": user.password, "gettoken": true})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    answer["token"].as_str().expect("token").to_owned()
}

pub fn id(doc: &Value) -> String {
    doc["_id"].as_str().unwrap_or_else(|| panic!("no _id in {doc}")).to_owned()
}

/// A route's path with each `{placeholder}` filled in.
fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{slot}", "logo")
        .replace("{option}", "song")
        .replace("{page}", "1")
        .replace("{ipp}", "0")
        .replace("{sort}", "title")
        .replace("{rootAccess}", "all")
        .replace("{type}", "all")
        .replace("{search}", "x")
}

#[tokio::test]
async fn every_compatibility_route_is_registered_when_enabled_and_none_otherwise() {
    let on = TestApp::spawn_with(&[
        ("FOLIO_COMPAT", "lynx,nest"),
        ("THROTTLE_LIMIT", "100000"),
        ("SHORT_THROTTLE_LIMIT", "100000"),
    ])
    .await;
    let off = TestApp::spawn().await;
    let routes = folio_api::compat_routes();
    assert!(routes.len() > 60, "{routes:?}");
    for (method, path) in &routes {
        let method: Method = method.to_uppercase().parse().expect("method");
        let body = (method != Method::GET).then(|| json!({}));
        let url = concrete(path);
        let answered = reqwest::Client::new()
            .request(method.clone(), on.url(&url))
            .header("content-type", "application/json")
            .body(body.as_ref().map(Value::to_string).unwrap_or_default())
            .send()
            .await
            .expect("request");
        let content_type = answered.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_owned());
        let status = answered.status().as_u16();
        let problem: Value = answered.json().await.unwrap_or(Value::Null);
        let unrouted = content_type.as_deref() == Some("application/problem+json")
            && matches!(problem["code"].as_str(), Some("not_found" | "method_not_allowed"));
        assert!(!unrouted, "{method} {path} is not routed: {status} {problem}");

        let absent = reqwest::Client::new().request(method.clone(), off.url(&url)).send().await.expect("request");
        assert!(matches!(absent.status().as_u16(), 404 | 405), "{method} {path} served while off: {}", absent.status());
    }
}

#[tokio::test]
async fn the_old_login_hands_out_a_folio_session_token() {
    let app = TestApp::spawn_with(ENV).await;
    let admin = app.create_user("admin").await;
    let login = |body: Value| {
        let app = &app;
        async move { call(app, Method::POST, "/api/main/login", None, Some(&body)).await }
    };

    // Without `gettoken`: the identity only, admins as ROLE_ADMIN. Extra fields are ignored.
    let (status, answer) =
        login(json!({"email": admin.email, "password": admin.password, "name": "x", "role": "ROLE_USER"})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"status": "Success", "user": {"name": "Test", "email": admin.email, "role": "ROLE_ADMIN"}})
    );
    let editor = app.create_user("editor").await;
    let (_, answer) = login(json!({"email": editor.email, "password": editor.password})).await;
    assert_eq!(answer["user"]["role"], "ROLE_EDITOR");

    // With it: a Folio session id (not a JWT), good bare or wrapped in quotes.
    let (status, answer) = login(json!({"email": editor.email, "password": editor.password, "gettoken": "true"})).await;
    assert_eq!(status, 200, "{answer}");
    let token = answer["token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 43, "{token}");
    assert!(!token.contains('.'), "not a JWT: {token}");
    for header in [token.clone(), format!("\"{token}\"")] {
        let (status, answer) =
            call(&app, Method::POST, "/api/main/album", Some(&header), Some(&json!({"title": "Uno"}))).await;
        success(status, &answer, "album", "create with the token");
    }

    // Wrong credentials: the envelope, 401; a missing field: 422.
    let (status, answer) = login(json!({"email": editor.email, "password": "wrong-password"})).await;
    failure(status, &answer, 401, "wrong password");
    let (status, answer) = login(json!({"password": "x"})).await;
    assert_eq!(failure(status, &answer, 422, "no email"), "email: required");

    // Revocable: banning the user ends the token at once.
    assert!(app.cli(&["users", "ban", &editor.email], "").status.success());
    let (status, answer) =
        call(&app, Method::POST, "/api/main/album", Some(&token), Some(&json!({"title": "Dos"}))).await;
    failure(status, &answer, 401, "banned user's token");
}

#[tokio::test]
async fn an_idle_token_expires_like_any_session() {
    let lynx = Lynx::start_with(&[("SESSION_IDLE_TTL_SECS", "1"), ("SESSION_TOUCH_INTERVAL_SECS", "0")]).await;
    let (status, answer) = lynx.send(Method::POST, "/api/main/album", Some(&json!({"title": "Uno"}))).await;
    success(status, &answer, "album", "fresh token");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, answer) = lynx.send(Method::POST, "/api/main/album", Some(&json!({"title": "Dos"}))).await;
    failure(status, &answer, 401, "idle token");
}

#[tokio::test]
async fn failed_old_logins_count_against_the_same_limits() {
    let app = TestApp::spawn_with(ENV).await;
    let user = app.create_user("editor").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let body = json!({"email": user.email, "password": "wrong-password", "gettoken": true});
        statuses.push(call(&app, Method::POST, "/api/main/login", None, Some(&body)).await.0);
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429]);
}

#[tokio::test]
async fn every_write_needs_an_editors_token() {
    let lynx = Lynx::start().await;
    let writes: Vec<(String, String)> = folio_api::compat_routes()
        .into_iter()
        .filter(|(method, path)| *method != "get" && !path.ends_with("/login") && !path.starts_with("/api/user"))
        .map(|(method, path)| (method.to_uppercase(), concrete(&path)))
        .collect();
    assert!(writes.len() > 40, "{writes:?}");
    let stale = {
        // A well-formed session id that was never issued.
        let other = TestApp::spawn_with(ENV).await;
        token(&other, "editor").await
    };
    for (method, path) in &writes {
        let method: Method = method.parse().expect("method");
        let body = json!({"title": "x"});
        let (status, answer) = call(&lynx.app, method.clone(), path, None, Some(&body)).await;
        failure(status, &answer, 403, &format!("anonymous {method} {path}"));
        for bad in ["not-a-token", stale.as_str()] {
            let (status, answer) = call(&lynx.app, method.clone(), path, Some(bad), Some(&body)).await;
            failure(status, &answer, 401, &format!("bad token {method} {path}"));
        }
    }
    // An editor gets through (the flows below cover every route's success).
    let album = lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Uno"})), "album").await;
    lynx.ok(Method::DELETE, &format!("/api/main/album/{}", id(&album)), None, "album").await;
}

#[tokio::test]
async fn the_site_profile_reads_and_writes_as_main() {
    let lynx = Lynx::start().await;
    let (status, answer) = call(&lynx.app, Method::GET, "/api/main/main", None, None).await;
    let empty = success(status, &answer, "main", "empty profile");
    assert_eq!(empty["welcome"], "");
    assert_eq!(empty["logo"], Value::Null);

    // The client sends the whole document back, `_id`, empty password fields and all.
    let mut main = empty.clone();
    for (field, value) in [
        ("welcome", json!("Hola")),
        ("welcomeEng", json!("Hello")),
        ("CVDesc", json!("Músico")),
        ("CVDescEng", json!("Musician")),
        ("CVDesc2", json!("Valores")),
        ("errorMessageEng", json!("Not found")),
        ("seoTags", json!("music, design")),
        ("key", json!("")),
        ("keyOld", json!("")),
    ] {
        main[field] = value;
    }
    let (status, answer) = lynx.send(Method::PUT, "/api/main/main", Some(&main)).await;
    let updated = success(status, &answer, "mainUpdated", "put main");
    assert_eq!(answer["main"], updated, "under both keys");
    assert_eq!(
        (&updated["welcome"], &updated["welcomeEng"], &updated["CVDesc2"], &updated["seoTags"]),
        (&json!("Hola"), &json!("Hello"), &json!("Valores"), &json!("music, design"))
    );
    assert_eq!(updated["errorMessage"], "");

    // One language sent alone leaves the other as it was.
    let (status, answer) = lynx.send(Method::PUT, "/api/main/main", Some(&json!({"welcome": "Buenas"}))).await;
    let updated = success(status, &answer, "main", "put one field");
    assert_eq!((&updated["welcome"], &updated["welcomeEng"]), (&json!("Buenas"), &json!("Hello")));

    // Public, and never a credential.
    let (status, answer) = call(&lynx.app, Method::GET, "/api/main/main", None, None).await;
    let main = success(status, &answer, "main", "get main");
    assert_eq!(main["CVDescEng"], "Musician");
    assert!(main.get("key").is_none() && main.get("keyOld").is_none(), "{main}");
    assert_eq!(lynx.app.get("/api/v1/profile").await.json::<Value>().await.expect("json")["welcome"]["es"], "Buenas");

    // The old password change is refused rather than ignored.
    let (status, answer) =
        lynx.send(Method::PUT, "/api/main/main", Some(&json!({"key": "new", "keyOld": "old"}))).await;
    assert!(failure(status, &answer, 400, "password change").contains("/api/v1/me/password"));
}

/// An old create body of each kind, an old field it sets, and a changed value for it.
fn bodies() -> Vec<(&'static str, &'static str, &'static str, Value, &'static str, Value)> {
    vec![
        (
            "album",
            "albums",
            "album",
            json!({"title": "Disco", "spotify": "https://open.spotify.com/album/1", "tidal": ""}),
            "spotify",
            json!("https://tidal.com/album/2"),
        ),
        ("book-img", "book-imgs", "bookImg", json!({"title": "Libro", "titleEng": "Book"}), "titleEng", json!("Tome")),
        (
            "song",
            "songs",
            "song",
            json!({"title": "Canción", "duration": 225, "link": "https://example.com/song"}),
            "duration",
            json!(3723),
        ),
        (
            "video",
            "videos",
            "video",
            json!({"title": "Demo", "titleEng": "Demo", "link": "https://youtu.be/x", "insert": "<iframe src=\"https://www.youtube.com/embed/x\"></iframe>"}),
            "insert",
            json!("<iframe></iframe>"),
        ),
        (
            "web-site",
            "web-sites",
            "website",
            json!({"title": "Tienda", "titleEng": "Shop", "type": "Comercio", "typeEng": "Commerce", "desc": "Una tienda", "descEng": "A shop", "link": "https://shop.example.com/"}),
            "descEng",
            json!("A better shop"),
        ),
        (
            "cv-section",
            "cv-sections",
            "cvSection",
            json!({"title": "Experiencia", "titleEng": "Experience", "text": "Texto", "textEng": "Text", "titleColor": "#ABC", "textColor": "#000000", "linkColor": "#0af", "bgColor": "#fff", "insertions": ["<b>uno</b>", "<b>dos</b>"]}),
            "bgColor",
            json!("#123456"),
        ),
    ]
}

#[tokio::test]
async fn every_collection_reads_and_writes_with_the_old_field_names() {
    let lynx = Lynx::start().await;
    for (singular, plural, key, body, field, changed) in bodies() {
        let mut sent = body.clone();
        // What sloppy clients add: an empty id, a stray name, a file that is no file.
        sent["_id"] = json!("");
        sent["name"] = json!("ignored");
        sent["img"] = json!("not-a-file");
        sent["order"] = json!(0);
        let created = lynx.ok(Method::POST, &format!("/api/main/{singular}"), Some(&sent), key).await;
        for (name, value) in body.as_object().expect("object") {
            if name == "tidal" {
                assert_eq!(created[name], "", "{key}.{name}");
            } else if name == "titleColor" {
                assert_eq!(created[name], "#abc", "colours are normalized");
            } else {
                assert_eq!(&created[name], value, "{key}.{name}: {created}");
            }
        }
        assert_eq!(created["order"], 1);
        assert_eq!(created["show"], true);
        for date in ["createdAt", "updatedAt", "create_at"] {
            let text = created[date].as_str().expect("date");
            assert!(chrono::DateTime::parse_from_rfc3339(text).is_ok() && text.ends_with('Z'), "{date}: {text}");
        }
        let created_id = id(&created);

        let (status, answer) = call(&lynx.app, Method::GET, &format!("/api/main/{plural}"), None, None).await;
        let list_key = match plural {
            "book-imgs" => "bookImgs",
            "web-sites" => "websites",
            "cv-sections" => "cvSections",
            other => other,
        };
        let listed = success(status, &answer, list_key, plural);
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
        assert_eq!(listed[0]["_id"], created["_id"]);

        // The client sends back what it was given, with one change.
        let mut whole = created.clone();
        whole[field] = changed.clone();
        let (status, answer) =
            lynx.send(Method::PUT, &format!("/api/main/{singular}/{created_id}"), Some(&whole)).await;
        let updated = success(status, &answer, &format!("{key}Updated"), singular);
        assert_eq!(answer[key], updated, "{singular}: under the plain key too");
        assert_eq!(updated[field], changed, "{singular}.{field}");
        assert_eq!(updated["title"], created["title"]);

        let deleted = lynx.ok(Method::DELETE, &format!("/api/main/{singular}/{created_id}"), None, key).await;
        assert_eq!(deleted["_id"], created["_id"]);
        let (status, _) = lynx.send(Method::PUT, &format!("/api/main/{singular}/{created_id}"), Some(&whole)).await;
        assert_eq!(status, 404);
        assert_eq!(lynx.get(&format!("/api/main/{plural}")).await.1[list_key], json!([]));
    }
}

#[tokio::test]
async fn cv_sections_come_with_their_sub_sections_and_hidden_ones_only_for_editors() {
    let lynx = Lynx::start().await;
    let section =
        lynx.ok(Method::POST, "/api/main/cv-section", Some(&json!({"title": "A", "text": "a"})), "cvSection").await;
    let sub = |title: &str, show: bool| json!({"title": title, "titleEng": title, "text": "t", "CVSection": section.clone(), "show": show});
    let first = lynx.ok(Method::POST, "/api/main/cv-sub-section", Some(&sub("Uno", true)), "cvSubSection").await;
    assert_eq!(first["CVSection"], section["_id"], "the parent, referenced by id (sent populated)");
    lynx.ok(Method::POST, "/api/main/cv-sub-section", Some(&sub("Oculto", false)), "cvSubSection").await;
    let second = lynx.ok(Method::POST, "/api/main/cv-sub-section", Some(&sub("Dos", true)), "cvSubSection").await;
    assert_eq!(second["order"], 3);

    let titles = |sections: &Value| -> Vec<String> {
        sections[0]["CVSubSections"]
            .as_array()
            .expect("populated")
            .iter()
            .map(|s| s["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let (status, answer) = call(&lynx.app, Method::GET, "/api/main/cv-sections", None, None).await;
    assert_eq!(titles(&success(status, &answer, "cvSections", "public")), vec!["Uno", "Dos"]);
    let (_, answer) = lynx.get("/api/main/cv-sections").await;
    assert_eq!(titles(&answer["cvSections"]), vec!["Uno", "Oculto", "Dos"], "an editor's token shows hidden ones");

    // `order` moves an item; a sub-section cannot change its section.
    let mut moved = second.clone();
    moved["order"] = json!(1);
    let moved =
        lynx.ok(Method::PUT, &format!("/api/main/cv-sub-section/{}", id(&second)), Some(&moved), "cvSubSection").await;
    assert_eq!(moved["order"], 1);
    let other =
        lynx.ok(Method::POST, "/api/main/cv-section", Some(&json!({"title": "B", "text": "b"})), "cvSection").await;
    let mut wandering = first.clone();
    wandering["CVSection"] = other["_id"].clone();
    let (status, answer) =
        lynx.send(Method::PUT, &format!("/api/main/cv-sub-section/{}", id(&first)), Some(&wandering)).await;
    assert!(failure(status, &answer, 422, "move to another section").starts_with("CVSection:"));
    let (status, answer) =
        lynx.send(Method::POST, "/api/main/cv-sub-section", Some(&json!({"title": "x", "text": "y"}))).await;
    assert!(failure(status, &answer, 422, "no parent").starts_with("CVSection: required"));

    // Deleting the section deletes its sub-sections (Folio's cascade).
    lynx.ok(Method::DELETE, &format!("/api/main/cv-section/{}", id(&section)), None, "cvSection").await;
    let (status, _) = lynx.send(Method::DELETE, &format!("/api/main/cv-sub-section/{}", id(&first)), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bodies_are_lenient_about_extras_and_strict_about_values() {
    let lynx = Lynx::start().await;
    let cases = [
        ("cv-section", json!({"title": "A", "text": "a", "titleColor": "red"}), "titleColor: "),
        ("web-site", json!({"title": "A", "type": "t", "link": "https://a.example"}), "desc: required"),
        ("album", json!({"title": "A", "spotify": "ftp://example.com"}), "spotify: "),
        ("song", json!({"title": "A", "duration": "forever"}), "duration: "),
        ("album", json!({"titleEng": "Only English", "title": 7}), "title: expected text"),
        ("video", json!({"title": "A", "show": "maybe"}), "show: expected true or false"),
        ("book-img", json!({"title": "A", "titleEng": "B", "titleFr": "ignored", "_id": ""}), ""),
    ];
    for (singular, body, expected) in cases {
        let (status, answer) = lynx.send(Method::POST, &format!("/api/main/{singular}"), Some(&body)).await;
        if expected.is_empty() {
            success(status, &answer, "bookImg", "extras ignored");
        } else {
            let message = failure(status, &answer, 422, &format!("{singular} {body}"));
            assert!(message.starts_with(expected), "{singular}: {message}");
        }
    }
    let response = reqwest::Client::new()
        .post(lynx.app.url("/api/main/album"))
        .header("authorization", &lynx.token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    failure(status, &response.json().await.expect("json"), 400, "malformed JSON");
}

#[tokio::test]
async fn writes_through_the_old_routes_drop_the_response_cache() {
    let lynx = Lynx::start().await;
    for _ in 0..2 {
        assert_eq!(lynx.app.get("/api/v1/albums").await.json::<Value>().await.expect("json"), json!([]));
    }
    let (status, answer) = lynx.send(Method::POST, "/api/main/album", Some(&json!({"title": "Nuevo"}))).await;
    success(status, &answer, "album", "create");
    let albums: Value = lynx.app.get("/api/v1/albums").await.json().await.expect("json");
    assert_eq!(albums[0]["title"]["es"], "Nuevo", "{albums}");
}

#[tokio::test]
async fn cors_covers_the_old_routes() {
    let lynx = Lynx::start_with(&[("CORS_ORIGINS", "https://site.example")]).await;
    let client = new_client();
    let preflight = client
        .request(Method::OPTIONS, lynx.app.url("/api/main/album"))
        .header("origin", "https://site.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "https://site.example");
    let read = client
        .get(lynx.app.url("/api/main/albums"))
        .header("origin", "https://site.example")
        .send()
        .await
        .expect("get");
    assert_eq!(read.headers()["access-control-allow-origin"], "https://site.example");
    let write = client
        .post(lynx.app.url("/api/main/album"))
        .header("origin", "https://site.example")
        .header("authorization", &lynx.token)
        .json(&json!({"title": "Desde el sitio"}))
        .send()
        .await
        .expect("post");
    assert_eq!(write.status(), 200, "the site's origin may write");
}

#[tokio::test]
async fn author_and_storage_status_come_from_configuration_without_secrets() {
    let lynx = Lynx::start_with(&[
        ("FOLIO_COMPAT_AUTHOR", "Lynx Pardelle"),
        ("FOLIO_COMPAT_AUTHOR_URL", "https://lynx.example"),
    ])
    .await;
    for prefix in ["/api/main", "/api/article"] {
        let (status, answer) = call(&lynx.app, Method::GET, &format!("{prefix}/datos-autor"), None, None).await;
        assert_eq!(success(status, &answer, "autor", prefix), "Lynx Pardelle");
        assert_eq!(answer["url"], "https://lynx.example/");
    }
    let (status, answer) = call(&lynx.app, Method::GET, "/api/main/s3-status", None, None).await;
    success(status, &answer, "storageMode", "s3-status");
    assert_eq!(
        (&answer["storageMode"], &answer["success"], &answer["s3Configured"], &answer["cloudfrontConfigured"]),
        (&json!("disk"), &json!(true), &json!(false), &json!(false))
    );
    let text = answer.to_string();
    assert!(!text.contains(lynx.app.data_dir.path().to_string_lossy().as_ref()), "{text}");
}
