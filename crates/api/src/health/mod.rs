//! `/health`, `/health/live`, `/health/ready` and `/metrics`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::AppState;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/health/live", web::get().to(live))
        .route("/health/ready", web::get().to(ready))
        .route("/metrics", web::get().to(metrics));
}

/// Every dependency with its status and latency; 503 when a required one is down.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let report = state.health.report().await;
    let mut response = if report.is_ready() { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response.insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "status": report.status,
        "version": state.version,
        "checks": report.checks,
    }))
}

/// The process is running and answering: no dependency is consulted.
async fn live() -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({ "status": "up" }))
}

/// 503 until every required dependency answers.
async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let report = state.health.report().await;
    let mut response = if report.is_ready() { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "status": if report.is_ready() { "ready" } else { "not_ready" }, "checks": report.checks }))
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    match &state.metrics {
        Some(handle) => HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(handle.render()),
        None => crate::http::problem::not_found_response(),
    }
}
