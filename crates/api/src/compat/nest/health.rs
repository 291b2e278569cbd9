//! `GET /api/health` in the shape of `@nestjs/terminus`: every dependency Folio checks,
//! under `info` when up and `error` when down, all of them under `details`; 503 with
//! `"status": "error"` when any is down (terminus has no optional indicators).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use folio_domain::health::HealthStatus;
use serde_json::{json, Map, Value};

use crate::AppState;

pub(crate) async fn health(state: web::Data<AppState>) -> HttpResponse {
    let report = state.health.report().await;
    let (mut info, mut error, mut details) = (Map::new(), Map::new(), Map::new());
    for check in &report.checks {
        let up = check.status == HealthStatus::Up;
        let mut entry = json!({"status": if up { "up" } else { "down" }, "latencyMs": check.latency_ms});
        if let (Some(message), Some(fields)) = (&check.error, entry.as_object_mut()) {
            fields.insert("message".into(), Value::String(message.clone()));
        }
        details.insert(check.name.to_owned(), entry.clone());
        if up {
            info.insert(check.name.to_owned(), entry);
        } else {
            error.insert(check.name.to_owned(), entry);
        }
    }
    let healthy = error.is_empty();
    let mut response = if healthy { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response.insert_header((header::CACHE_CONTROL, "no-store")).json(json!({
        "status": if healthy { "ok" } else { "error" },
        "info": info,
        "error": error,
        "details": details,
    }))
}
