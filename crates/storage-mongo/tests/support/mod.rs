//! A SecantusDB server of a test's own, on a free port, for the tests that stop, start or
//! delay the server (the shared one from `FOLIO_TEST_MONGO_URI` must stay up for the others).

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `secantusd-py` launcher: `FOLIO_TEST_SECANTUSD`, else the one `scripts/test`
/// installs under `~/.cache/folio/secantus`, else whatever `PATH` finds. Never skipped: a
/// missing launcher fails the test.
pub fn secantusd() -> PathBuf {
    if let Some(path) = std::env::var_os("FOLIO_TEST_SECANTUSD").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let cached = PathBuf::from(home).join(".cache/folio/secantus/bin/secantusd-py");
        if cached.is_file() {
            return cached;
        }
    }
    PathBuf::from("secantusd-py")
}

/// A port nothing listens on (the OS's choice; released before use, so another process could
/// take it in between, which is unlikely enough for tests).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A running `secantusd-py` with in-memory storage; stopped when dropped.
#[derive(Debug)]
pub struct Secantus {
    child: Option<Child>,
    pub port: u16,
}

impl Secantus {
    /// Starts the server without waiting for it to listen.
    pub fn spawn(port: u16) -> Secantus {
        Secantus::spawn_with(port, &[])
    }

    /// Starts the server with `extra` flags (`--auth`) without waiting for it to listen.
    pub fn spawn_with(port: u16, extra: &[&str]) -> Secantus {
        let launcher = secantusd();
        let child = Command::new(&launcher)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--storage-path", ":memory:"])
            .args(extra)
            // A small cache: WiredTiger's default (1 GB) is far more than a test needs.
            .args(["--standalone", "--cache-size", "64M", "--log-level", "WARNING"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); install SecantusDB (`pip install secantusdb==0.7.0b3`, as \
                     scripts/test does) or set FOLIO_TEST_SECANTUSD",
                    launcher.display()
                )
            });
        Secantus { child: Some(child), port }
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(port: u16) -> Secantus {
        let server = Secantus::spawn(port);
        server.wait_listening();
        server
    }

    pub fn uri(&self) -> String {
        format!("mongodb://127.0.0.1:{}", self.port)
    }

    pub fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "secantusd-py did not listen on port {} within 30 s", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server with SIGTERM (through `kill`: the workspace forbids `unsafe`, so no
    /// libc) so that it removes its temporary storage, then SIGKILL if it lingers.
    pub fn stop(&mut self) {
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

impl Drop for Secantus {
    fn drop(&mut self) {
        self.stop();
    }
}
