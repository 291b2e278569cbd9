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
