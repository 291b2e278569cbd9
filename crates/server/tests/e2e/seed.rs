use crate::support::{new_client, Credentials, TestApp};

#[tokio::test]
async fn seed_creates_the_first_admin_once() {
    let app = TestApp::spawn_with(&[
        ("FOLIO_ADMIN_EMAIL", "Root@Example.com"),
        ("FOLIO_ADMIN_PASSWORD", "first admin password"),
    ])
    .await;
    let first = app.cli(&["seed"], "");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let out = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(out.contains("created admin root@example.com"), "{out}");
    assert!(!out.contains("first admin password"), "a given password is not echoed");
    let again = app.cli(&["seed"], "");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already exists; nothing changed"));
    let creds =
        Credentials { id: String::new(), email: "root@example.com".into(), password: "first admin password".into() };
    let response = app.login(&new_client(), &creds).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["role"], "admin");
}

#[tokio::test]
async fn seed_without_a_password_generates_and_prints_one_once() {
    let app = TestApp::spawn_with(&[("FOLIO_ADMIN_EMAIL", "root@example.com")]).await;
    let output = app.cli(&["seed"], "");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let password =
        out.lines().find_map(|l| l.strip_prefix("password: ")).expect("generated password printed").to_owned();
    let creds = Credentials { id: String::new(), email: "root@example.com".into(), password };
    assert_eq!(app.login(&new_client(), &creds).await.status(), 200);
    let again = app.cli(&["seed"], "");
    assert!(!String::from_utf8_lossy(&again.stdout).contains("password:"));
}

#[tokio::test]
async fn operators_ban_reset_and_promote_from_the_command_line() {
    let app = TestApp::spawn().await;
    let (user, client) = app.login_as("editor").await;
    let list = app.cli(&["users", "list"], "");
    assert!(String::from_utf8_lossy(&list.stdout).contains(&user.email));

    let ban = app.cli(&["users", "ban", &user.id], "");
    assert!(ban.status.success(), "{}", String::from_utf8_lossy(&ban.stderr));
    assert_eq!(client.get(app.url("/api/v1/auth/session")).send().await.expect("request").status(), 401);
    assert_eq!(app.login(&new_client(), &user).await.status(), 403);
    assert_eq!(app.cli(&["users", "unban", &user.email], "").status.code(), Some(0));

    let reset = app.cli(&["users", "reset-password", &user.email, "--password-stdin"], "a reset password\n");
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    assert_eq!(app.login(&new_client(), &user).await.status(), 401, "the old password is gone");
    let renewed = Credentials { password: "a reset password".into(), ..user };
    let client = app.signed_in(&renewed).await;
    assert_eq!(client.get(app.url("/api/v1/users")).send().await.expect("request").status(), 403);

    let promote = app.cli(&["users", "set-role", &renewed.email, "admin"], "");
    assert!(promote.status.success(), "{}", String::from_utf8_lossy(&promote.stderr));
    assert_eq!(client.get(app.url("/api/v1/users")).send().await.expect("request").status(), 200);

    let unknown = app.cli(&["users", "ban", "nobody@example.com"], "");
    assert!(!unknown.status.success());
}

#[tokio::test]
async fn seed_demo_loads_every_kind_once() {
    let app = TestApp::spawn().await;
    let output = app.cli(&["seed", "--demo"], "");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("loaded the demo site"));
    let json = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            response.json::<serde_json::Value>().await.expect("json")
        }
    };
    for (kind, count, slot) in [
        ("albums", 4, Some("image")),
        ("gallery-images", 8, Some("image")),
        ("songs", 4, Some("audio")),
        ("videos", 3, None),
        ("websites", 3, Some("mobile")),
        ("cv-sections", 3, None),
        ("cv-subsections", 6, None),
        ("article-categories", 2, None),
        ("article-subcategories", 2, None),
        ("article-sections", 30, None), // the sections of the 10 visible articles
    ] {
        let path: &'static str = Box::leak(format!("/api/v1/{kind}").into_boxed_str());
        let items = json(path).await;
        let items = items.as_array().expect("list");
        assert_eq!(items.len(), count, "{kind}");
        if let Some(slot) = slot {
            assert!(items.iter().all(|i| i["media"][slot]["url"].is_string()), "{kind}: {slot} filled");
        }
        assert!(items.iter().all(|i| i["title"]["es"].is_string() && i["title"]["en"].is_string()), "{kind}");
    }
    let songs = json("/api/v1/songs").await;
    assert!(songs[0]["media"]["audio"]["duration_ms"].as_u64().is_some_and(|ms| ms >= 2000), "{songs}");
    let articles = json("/api/v1/articles?per_page=100").await;
    assert_eq!(articles["total"], 10, "two of the twelve are hidden");
    let slug = articles["items"][0]["slug"].as_str().expect("slug").to_owned();
    let detail = app.get(&format!("/api/v1/articles/{slug}")).await.json::<serde_json::Value>().await.expect("json");
    assert_eq!(detail["sections"].as_array().map(Vec::len), Some(3));
    assert!(detail["media"]["cover"]["url"].is_string() && detail["category"]["title"].is_object());
    let profile = json("/api/v1/profile").await;
    assert!(profile["welcome"]["en"].is_string() && profile["media"]["logo"]["width"].is_u64());
    let image = reqwest::get(app.url(profile["media"]["logo"]["url"].as_str().expect("url"))).await.expect("file");
    assert_eq!(image.headers()["content-type"], "image/png");

    let again = app.cli(&["seed", "--demo"], "");
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already has content"));
    assert_eq!(json("/api/v1/albums").await.as_array().map(Vec::len), Some(4), "nothing added twice");
}
