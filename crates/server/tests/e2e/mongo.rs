//! The same flows on MongoDB (a database of its own per test on the server named by
//! `FOLIO_TEST_MONGO_URI`), the start-up checks, and what `serve` answers while MongoDB is
//! out of reach.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use folio_storage_mongo::testing::TestDatabase;
use serde_json::{json, Value};

use crate::support::{folio, new_client, TestApp};

/// `folio ARGS…` with `env`, in a data directory of its own, waited for at most `timeout`.
async fn run_folio(env: &[(&str, &str)], args: &[&str], timeout: Duration) -> Output {
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("tempdir");
        let child = folio(dir.path())
            .envs(env)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run folio");
        let pid = child.id();
        // Kill it if it outlives the timeout, so that a hang fails the test instead of blocking it.
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if done_rx.recv_timeout(timeout).is_err() {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            }
        });
        let output = child.wait_with_output().expect("folio output");
        let _ = done_tx.send(());
        let _ = watchdog.join();
        output
    })
    .await
    .expect("join")
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes).lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect()
}

/// A fresh database, migrated by `folio migrate up`.
async fn migrated() -> TestDatabase {
    let test = TestDatabase::empty().await;
    let output = run_folio(&[("DATABASE_URL", test.uri())], &["migrate", "up"], Duration::from_secs(60)).await;
    assert!(output.status.success(), "migrate up failed: {}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("schema version"), "{output:?}");
    let status = run_folio(&[("DATABASE_URL", test.uri())], &["migrate", "status"], Duration::from_secs(60)).await;
    assert!(String::from_utf8_lossy(&status.stdout).starts_with("applied  schema version"), "{status:?}");
    test
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: &Value) -> Value {
    let response = client.post(app.url(path)).json(body).send().await.expect("post");
    assert_eq!(response.status(), 201, "{path}: {}", response.text().await.unwrap_or_default());
    response.json().await.expect("json")
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(&url).send().await.expect("get");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("json")
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["title"]["en"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn users_collections_and_articles_work_on_mongodb() {
    let test = migrated().await;
    let app = TestApp::spawn_with(&[("DATABASE_URL", test.uri())]).await;
    let health: Value = app.get("/health").await.json().await.expect("json");
    assert_eq!(health["status"], "up", "{health}");
    assert!(app.logs().iter().any(|l| l.contains("connected to MongoDB")), "logged");

    // A user made by the CLI signs in.
    let (_, editor) = app.login_as("editor").await;

    // Albums: created in order, moved, deleted; positions stay 1..n.
    let mut ids = Vec::new();
    for name in ["one", "two", "three"] {
        let album = post(&app, &editor, "/api/v1/albums", &json!({"title": {"en": name}})).await;
        ids.push(album["id"].as_str().expect("id").to_owned());
    }
    let moved = editor
        .post(app.url(&format!("/api/v1/albums/{}/move", ids[2])))
        .json(&json!({"position": 1}))
        .send()
        .await
        .expect("move");
    assert_eq!(moved.status(), 200);
    let list = get_json(&editor, app.url("/api/v1/albums?include_hidden=true")).await;
    assert_eq!(titles(&list), ["three", "one", "two"]);
    let response = editor.delete(app.url(&format!("/api/v1/albums/{}", ids[0]))).send().await.expect("delete");
    assert_eq!(response.status(), 204);
    let list = get_json(&editor, app.url("/api/v1/albums?include_hidden=true")).await;
    assert_eq!(titles(&list), ["three", "two"]);
    let positions: Vec<&Value> = list.as_array().expect("list").iter().map(|a| &a["position"]).collect();
    assert_eq!(positions, [&json!(1), &json!(2)]);

    // An article with a category, a sub-category and sections, found by its slug.
    let category = post(&app, &editor, "/api/v1/article-categories", &json!({"title": {"en": "Music"}})).await;
    let sub = post(
        &app,
        &editor,
        "/api/v1/article-subcategories",
        &json!({"title": {"en": "Jazz"}, "parent_id": category["id"]}),
    )
    .await;
    let article = post(
        &app,
        &editor,
        "/api/v1/articles",
        &json!({
            "title": {"en": "Hello, Mongo"},
            "category_id": category["id"],
            "sub_category_ids": [sub["id"]],
            "tags": ["Rust"],
        }),
    )
    .await;
    let slug = article["slug"].as_str().expect("slug").to_owned();
    for title in ["First", "Second"] {
        let body = json!({"parent_id": article["id"], "title": {"en": title}, "text": {"en": title}});
        post(&app, &editor, "/api/v1/article-sections", &body).await;
    }
    let detail = get_json(&app.client, app.url(&format!("/api/v1/articles/{slug}"))).await;
    assert_eq!(detail["category"]["id"], category["id"]);
    assert_eq!(detail["sub_categories"][0]["id"], sub["id"]);
    assert_eq!(titles(&detail["sections"]), ["First", "Second"]);
    let found = get_json(&app.client, app.url("/api/v1/articles?q=mongo&tag=rust")).await;
    assert_eq!(found["total"], 1, "{found}");

    // Deleting the category takes its sub-category and detaches the article.
    let url = app.url(&format!("/api/v1/article-categories/{}", category["id"].as_str().expect("id")));
    assert_eq!(editor.delete(url).send().await.expect("delete").status(), 204);
    let detail = get_json(&editor, app.url(&format!("/api/v1/articles/{slug}?include_hidden=true"))).await;
    assert!(detail["category"].is_null(), "{detail}");
    assert_eq!(detail["sub_categories"], json!([]), "{detail}");
    assert_eq!(titles(&detail["sections"]), ["First", "Second"], "the sections stay with the article");
}

#[tokio::test]
async fn serve_refuses_an_unmigrated_database_with_one_line_naming_the_fix() {
    let test = TestDatabase::empty().await;
    let output = run_folio(&[("DATABASE_URL", test.uri())], &["serve"], Duration::from_secs(60)).await;
    assert!(!output.status.success());
    let stderr = lines(&output.stderr);
    assert_eq!(stderr.len(), 1, "{stderr:?}");
    assert!(stderr[0].contains(&test.name) && stderr[0].contains("folio migrate up"), "{}", stderr[0]);
    // The CLI refuses it the same way rather than writing into it.
    let output = run_folio(&[("DATABASE_URL", test.uri())], &["users", "list"], Duration::from_secs(60)).await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("folio migrate up"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

#[tokio::test]
async fn serve_gives_up_after_its_retries_with_one_line_showing_the_uri_masked() {
    let port = free_port();
    let uri = format!("mongodb://folio:hunter2@127.0.0.1:{port}/site");
    let env = [
        ("MONGO_URI", uri.as_str()),
        ("MONGO_MAX_RETRIES", "2"),
        ("MONGO_RETRY_DELAY_MS", "50"),
        ("MONGO_SERVER_SELECTION_TIMEOUT_MS", "300"),
    ];
    let started = Instant::now();
    let output = run_folio(&env, &["serve"], Duration::from_secs(60)).await;
    assert!(!output.status.success());
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let stderr = lines(&output.stderr);
    assert_eq!(stderr.len(), 1, "{stderr:?}");
    let masked = format!("mongodb://folio:****@127.0.0.1:{port}/site?authSource=admin");
    assert!(stderr[0].contains(&format!("{masked} did not answer after 2 attempts")), "{}", stderr[0]);
    let everything = format!("{}{}", String::from_utf8_lossy(&output.stdout), stderr[0]);
    assert!(!everything.contains("hunter2"), "the password never shows");
    assert!(everything.contains("authSource"), "the appended authSource is logged");
}

/// `folio serve` started without waiting for it to listen, with its output collected.
struct Starting {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Starting {
    fn spawn(env: &[(&str, &str)]) -> Starting {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = folio(dir.path())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start folio");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Starting { child, lines, _dir: dir }
    }

    /// The `addr` of the first log line whose message is `message`.
    async fn address_logged_as(&self, message: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert!(Instant::now() < deadline, "no `{message}` line");
            match self.lines.recv_timeout(Duration::from_millis(50)) {
                Ok(line) => {
                    let Ok(value) = serde_json::from_str::<Value>(&line) else { continue };
                    if value["message"] == message {
                        return format!("http://{}", value["addr"].as_str().expect("addr"));
                    }
                }
                Err(_) => tokio::task::yield_now().await,
            }
        }
    }
}

impl Drop for Starting {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn while_mongodb_is_out_of_reach_liveness_answers_and_everything_else_is_503() {
    let port = free_port();
    let uri = format!("mongodb://127.0.0.1:{port}/site");
    let app = Starting::spawn(&[
        ("MONGO_URI", uri.as_str()),
        ("MONGO_MAX_RETRIES", "1000"),
        ("MONGO_RETRY_DELAY_MS", "100"),
        ("MONGO_SERVER_SELECTION_TIMEOUT_MS", "200"),
    ]);
    let address = app.address_logged_as("answering health checks while the database is reached").await;
    let client = new_client();
    let live = client.get(format!("{address}/health/live")).send().await.expect("live");
    assert_eq!(live.status(), 200);
    let ready = client.get(format!("{address}/health/ready")).send().await.expect("ready");
    assert_eq!(ready.status(), 503);
    let ready: Value = ready.json().await.expect("json");
    assert_eq!(ready["status"], "not_ready");
    let albums = client.get(format!("{address}/api/v1/albums")).send().await.expect("albums");
    assert_eq!(albums.status(), 503);
    assert!(albums.headers().contains_key("retry-after"));
    let problem: Value = albums.json().await.expect("json");
    assert_eq!(problem["code"], "service_unavailable");
}

/// A SecantusDB server of the test's own: `FOLIO_TEST_SECANTUSD`, else the one
/// `scripts/test` installs, on a port of its own, with in-memory storage.
struct OwnMongo {
    port: u16,
    child: Option<Child>,
}

impl OwnMongo {
    fn launcher() -> PathBuf {
        if let Some(path) = std::env::var_os("FOLIO_TEST_SECANTUSD").filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        let cached = home.join(".cache/folio/secantus/bin/secantusd-py");
        if cached.is_file() {
            cached
        } else {
            Path::new("secantusd-py").to_path_buf()
        }
    }

    fn start(port: u16) -> OwnMongo {
        let launcher = Self::launcher();
        let child = Command::new(&launcher)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--storage-path", ":memory:"])
            .args(["--standalone", "--cache-size", "64M", "--log-level", "WARNING"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} ({e}); scripts/test installs it", launcher.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "SecantusDB did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        OwnMongo { port, child: Some(child) }
    }

    /// SIGTERM (through kill(1): the workspace forbids unsafe code), then SIGKILL.
    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for OwnMongo {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn database_check(app: &TestApp) -> (u16, String) {
    let response = app.get("/health").await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    let check = body["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "database"))
        .map(|c| c["status"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    (status, check)
}

#[tokio::test]
async fn when_mongodb_stops_requests_get_503_and_the_server_recovers_when_it_returns() {
    let mut mongo = OwnMongo::start(free_port());
    let url = format!("mongodb://127.0.0.1:{}/outage", mongo.port);
    let env = [("DATABASE_URL", url.as_str()), ("MONGO_SERVER_SELECTION_TIMEOUT_MS", "500")];
    let output = run_folio(&env, &["migrate", "up"], Duration::from_secs(60)).await;
    assert!(output.status.success(), "{output:?}");
    let app = TestApp::spawn_with(&env).await;
    let (_, editor) = app.login_as("editor").await;
    post(&app, &editor, "/api/v1/albums", &json!({"title": {"en": "before"}})).await;

    mongo.stop();
    let response = editor.post(app.url("/api/v1/albums")).json(&json!({"title": {"en": "during"}})).send();
    let response = response.await.expect("request");
    assert_eq!(response.status(), 503);
    let problem: Value = response.json().await.expect("json");
    assert_eq!(problem["code"], "service_unavailable");
    assert_eq!(database_check(&app).await, (503, "down".to_owned()));
    assert_eq!(app.get("/health/live").await.status(), 200);

    // The same port again: an empty server (in-memory storage), which the driver finds by itself.
    let _mongo = OwnMongo::start(mongo.port);
    let deadline = Instant::now() + Duration::from_secs(20);
    while database_check(&app).await != (200, "up".to_owned()) {
        assert!(Instant::now() < deadline, "health did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let response = editor.get(app.url("/api/v1/albums?include_hidden=true")).send().await.expect("request");
    assert_eq!(response.status(), 401, "the new server has no users: signed out, not an error");
}
