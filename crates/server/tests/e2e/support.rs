//! `TestApp`: one real `folio` process per test, on port 0, with its own temporary data
//! directory and a clean environment (nothing leaks in from the machine running the tests).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_folio");

pub fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")
}

/// A `folio` command with a clean environment pointing at `data_dir`.
pub fn folio(data_dir: &Path) -> Command {
    with_clean_env(Command::new(BIN), data_dir)
}

/// `cmd` (`folio`, or something that runs it) with the environment [`folio`] gives it.
pub fn with_clean_env(mut cmd: Command, data_dir: &Path) -> Command {
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("APP_ENV", "test")
        .env("APP_HOST", "127.0.0.1")
        .env("APP_PORT", "0")
        .env("HTTP_WORKERS", "2")
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info")
        .env("DATA_DIR", data_dir)
        .env("FOLIO_CONFIG_DIR", config_dir())
        .env("FOLIO_ENV_FILE", data_dir.join("no.env"))
        .current_dir(data_dir);
    cmd
}

#[derive(Debug)]
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    /// The extra environment the server runs with; CLI commands get it too.
    pub env: Vec<(String, String)>,
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
}

/// A user the test created, with its password.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: String,
    pub email: String,
    pub password: String,
}

static NEXT_USER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// Starts `folio serve` with extra environment variables and waits until it listens.
    pub async fn spawn_with(env: &[(&str, &str)]) -> TestApp {
        Self::spawn_in(tempfile::tempdir().expect("tempdir"), env).await
    }

    /// Starts `folio serve` on an existing data directory (e.g. to restart on the same data).
    pub async fn spawn_in(data_dir: tempfile::TempDir, env: &[(&str, &str)]) -> TestApp {
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut cmd = folio(data_dir.path());
        cmd.envs(env.iter().map(|(k, v)| (k, v)));
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start folio");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        collect_lines(stdout, logs.clone(), Some(addr_tx));
        collect_lines(stderr, logs.clone(), None);
        let address =
            tokio::task::spawn_blocking(move || addr_rx.recv_timeout(Duration::from_secs(60))).await.expect("join");
        let address = match address {
            Ok(address) => address,
            Err(_) => panic!("folio did not start; output:\n{}", logs.lock().expect("logs").join("\n")),
        };
        let client = new_client();
        TestApp { address: format!("http://{address}"), client, data_dir, env, child, logs }
    }

    /// Stops this process and hands back its data directory.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.data_dir, tempfile::tempdir().expect("tempdir"))
    }

    /// `folio ARGS…` against this app's configuration, with `stdin` as its input.
    pub fn cli(&self, args: &[&str], stdin: &str) -> std::process::Output {
        use std::io::Write;
        let mut cmd = folio(self.data_dir.path());
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run folio");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.as_bytes());
        }
        child.wait_with_output().expect("folio output")
    }

    /// Creates a user through `folio users create` and returns its credentials.
    pub async fn create_user(&self, role: &str) -> Credentials {
        let n = NEXT_USER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let email = format!("{role}{n}@example.com");
        let password = format!("pw-{role}-{n}-long-enough");
        let role = role_name(role);
        let (this_email, this_password, env, dir) =
            (email.clone(), password.clone(), self.env.clone(), self.data_dir.path().to_path_buf());
        let output = tokio::task::spawn_blocking(move || {
            use std::io::Write;
            let mut cmd = folio(&dir);
            cmd.envs(env.iter().map(|(k, v)| (k, v)))
                .args(["users", "create", "--email", &this_email, "--name", "Test", "--role", role, "--password-stdin"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().expect("run folio");
            if let Some(mut input) = child.stdin.take() {
                let _ = writeln!(input, "{this_password}");
            }
            child.wait_with_output().expect("output")
        })
        .await
        .expect("join");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "users create failed: {}", String::from_utf8_lossy(&output.stderr));
        let id = stdout
            .lines()
            .find_map(|l| l.strip_prefix("created "))
            .and_then(|rest| rest.split_whitespace().next())
            .expect("created <id> …")
            .to_owned();
        Credentials { id, email, password }
    }

    /// A new client signed in as `credentials` (its own cookie jar).
    pub async fn signed_in(&self, credentials: &Credentials) -> reqwest::Client {
        let client = new_client();
        let response = self.login(&client, credentials).await;
        assert_eq!(response.status(), 200, "login failed: {}", response.text().await.unwrap_or_default());
        client
    }

    pub async fn login(&self, client: &reqwest::Client, credentials: &Credentials) -> reqwest::Response {
        client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"email": credentials.email, "password": credentials.password}))
            .send()
            .await
            .expect("login request")
    }

    /// A new user with `role`, and a client signed in as them.
    pub async fn login_as(&self, role: &str) -> (Credentials, reqwest::Client) {
        let credentials = self.create_user(role).await;
        let client = self.signed_in(&credentials).await;
        (credentials, client)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().expect("logs").clone()
    }

    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid")
    }

    /// Sends a signal (`"TERM"`, `"INT"`) with kill(1); the workspace forbids unsafe code.
    pub fn signal(&self, signal: &str) {
        let status =
            Command::new("kill").arg(format!("-{signal}")).arg(self.pid().to_string()).status().expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the process to exit.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "folio did not exit; logs:\n{}", self.logs().join("\n"));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `name=value` part of the session cookie a response set.
pub fn session_cookie(response: &reqwest::Response) -> String {
    let header = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("folio_session="))
        .expect("session cookie set")
        .to_owned();
    header.split(';').next().expect("name=value").to_owned()
}

/// `GET /api/v1/auth/session` with exactly this cookie.
pub async fn session_status(app: &TestApp, cookie: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .get(app.url("/api/v1/auth/session"))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .expect("request")
        .status()
}

/// A client with its own cookie jar that does not follow redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn role_name(role: &str) -> &'static str {
    match role {
        "admin" => "admin",
        _ => "editor",
    }
}

fn collect_lines(
    stream: impl std::io::Read + Send + 'static,
    logs: Arc<Mutex<Vec<String>>>,
    addr_tx: Option<std::sync::mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if let Some(tx) = &addr_tx {
                if let Some(addr) = listening_address(&line) {
                    let _ = tx.send(addr);
                }
            }
            logs.lock().expect("logs").push(line);
        }
    });
}

fn listening_address(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    (value.get("message")?.as_str()? == "listening").then(|| value.get("addr")?.as_str().map(str::to_owned))?
}
