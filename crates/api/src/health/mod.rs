//! `/health`, `/health/live`, `/health/ready` and `/metrics`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::AppState;

routes!(
    ROUTES,
    routes,
    [(get, "/health", health), (get, "/health/live", live), (get, "/health/ready", ready), (get, "/metrics", metrics),]
);

/// Every dependency with its status and latency; 503 when a required one is down.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, description = "`{status: up|degraded, version, checks: [{name, status, required, latency_ms, message}]}`", content_type = "application/json"),
        (status = 503, description = "A required dependency is down", content_type = "application/json")))]
pub(crate) async fn health(state: web::Data<AppState>) -> HttpResponse {
    let report = state.health.report().await;
    let mut response = if report.is_ready() { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response.insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "status": report.status,
        "version": state.version,
        "checks": report.checks,
    }))
}

/// The process is running and answering: no dependency is consulted.
#[utoipa::path(get, path = "/health/live", tag = "operations",
    responses((status = 200, description = "`{status: up}`", content_type = "application/json")))]
pub(crate) async fn live() -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(json!({ "status": "up" }))
}

/// 503 until every required dependency answers.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, description = "`{status: ready, checks}`", content_type = "application/json"),
        (status = 503, description = "`{status: not_ready, checks}`", content_type = "application/json")))]
pub(crate) async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let report = state.health.report().await;
    let mut response = if report.is_ready() { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "status": if report.is_ready() { "ready" } else { "not_ready" }, "checks": report.checks }))
}

/// Prometheus metrics (404 when switched off).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 404, body = crate::Problem)))]
pub(crate) async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    match &state.metrics {
        Some(handle) => HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(handle.render()),
        None => crate::http::problem::not_found_response(),
    }
}
