//! A stand-in S3 on a local port: records each request's head and answers as told. Enough
//! HTTP/1.1 for `reqwest` (keep-alive, `Content-Length` bodies), nothing more.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as received: method, path with query, headers (names lowercased), body length.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// What to answer: raw bytes to write, and whether to then hold the connection silent.
pub struct Answer {
    pub bytes: Vec<u8>,
    pub then_stall: bool,
}

impl Answer {
    pub fn ok(headers: &str, body: &str) -> Self {
        let bytes = format!("HTTP/1.1 200 OK\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes();
        Self { bytes, then_stall: false }
    }
}

/// Serves on 127.0.0.1 until the test ends; returns the endpoint and the requests seen.
/// `answer` returning `None` leaves the request unanswered (a server that hangs).
pub async fn serve(
    answer: impl Fn(&Seen) -> Option<Answer> + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(connection(conn, answer.clone(), log.clone()));
        }
    });
    (endpoint, seen)
}

async fn connection(
    mut conn: TcpStream,
    answer: Arc<impl Fn(&Seen) -> Option<Answer> + Send + Sync>,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 8192];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or_default().split(' ');
        let (method, target) =
            (first.next().unwrap_or_default().to_owned(), first.next().unwrap_or_default().to_owned());
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let body_len: usize =
            headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        buf.drain(..head_end);
        while buf.len() < body_len {
            let mut chunk = vec![0u8; 64 * 1024];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..body_len);
        let request = Seen { method, target, headers, body_len };
        log.lock().expect("log").push(request.clone());
        let Some(reply) = answer(&request) else {
            // Hold the connection open without a word until the client gives up.
            let _ = conn.read(&mut [0u8; 1]).await;
            return;
        };
        if conn.write_all(&reply.bytes).await.is_err() {
            return;
        }
        if reply.then_stall {
            let _ = conn.read(&mut [0u8; 1]).await;
            return;
        }
    }
}
