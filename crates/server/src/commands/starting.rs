//! What `serve` answers while it is still reaching MongoDB, which may be starting next to it
//! (a container started at the same time): liveness says the process is up, readiness and
//! everything else say 503 until the real application takes over the same socket.

use std::future::Future;
use std::net::TcpListener;

use actix_web::http::{header, StatusCode};
use actix_web::{web, App, HttpResponse, HttpServer, ResponseError};
use anyhow::Context;
use folio_api::Problem;
use serde_json::json;

/// Seconds a client is told to wait before asking again.
const RETRY_AFTER_SECS: u64 = 5;

/// Serves on `listener` until `work` is done, then stops without closing the socket: the
/// connections that arrive in between wait in its backlog for the next server.
pub async fn answer_while<F: Future>(listener: &TcpListener, work: F) -> anyhow::Result<F::Output> {
    let socket = listener.try_clone().context("sharing the listening socket")?;
    let server = HttpServer::new(|| {
        App::new()
            .route("/health/live", web::get().to(live))
            .route("/health/ready", web::get().to(not_ready))
            .route("/health", web::get().to(not_ready))
            .default_service(web::to(unavailable))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(socket)
    .context("answering while starting")?
    .run();
    let handle = server.handle();
    let running = tokio::spawn(server);
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(addr = %addr, "answering health checks while the database is reached");
    }
    let output = work.await;
    handle.stop(true).await;
    let _ = running.await;
    Ok(output)
}

fn request_id() -> String {
    folio_crypto::random_token(12)
}

async fn live() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("x-request-id", request_id()))
        .json(json!({ "status": "up" }))
}

/// The shape of the real `/health/ready` when the database is down.
async fn not_ready() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()))
        .insert_header(("x-request-id", request_id()))
        .json(json!({
            "status": "not_ready",
            "checks": [{ "name": "database", "status": "down", "required": true, "message": "connecting" }],
        }))
}

async fn unavailable() -> HttpResponse {
    let id = request_id();
    let mut problem = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
        "the server is starting: the database is not reached yet; retry shortly",
    );
    problem.request_id = Some(id.clone());
    problem.retry_after_secs = Some(RETRY_AFTER_SECS);
    let mut response = problem.error_response();
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        response.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
    }
    response
}
