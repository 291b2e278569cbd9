//! The Lynx API's sign-in (`POST /api/main/login`) and its two informational routes
//! (`datos-autor`, `s3-status`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::users::Role;
use serde_json::{json, Map, Value};

use super::envelope::{json_answer, success, Lx, LynxError};
use super::files::iso;
use crate::auth::extract::client_info;
use crate::compat::CompatConfig;
use crate::http::json::JsonBody;
use crate::AppState;

/// JavaScript's truthiness, which the old API applied to `gettoken`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0 && !n.is_nan()),
        Some(_) => true,
    }
}

/// Signs in through the same service as `/api/v1/auth/login` (failed-login limits,
/// banned and unverified accounts, hash upgrades). With `gettoken` it answers
/// `{"token": …}`, a Folio session id for the `Authorization` header; without, only the
/// identity, as the old API did (the session opened to check the password is ended).
pub(crate) async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let body = body.0.into_inner();
    let text = |name: &str| match body.get(name) {
        Some(Value::String(text)) if !text.is_empty() => Ok(text.as_str()),
        _ => Err(LynxError::invalid(name, "required")),
    };
    let (email, password) = (text("email")?, text("password")?);
    let (user, session) = state.auth.login(email, password, client_info(&req), None).await?;
    if truthy(body.get("gettoken")) {
        return Ok(json_answer(StatusCode::OK, json!({"token": session.as_str()})));
    }
    state.auth.logout(&session).await?;
    let role = match user.role {
        Role::Admin => "ROLE_ADMIN",
        Role::Editor => "ROLE_EDITOR",
    };
    Ok(json_answer(
        StatusCode::OK,
        json!({"status": "Success", "user": {"name": user.name.as_str(), "email": user.email.as_str(), "role": role}}),
    ))
}

/// `GET /api/main/datos-autor`, `GET /api/article/datos-autor`: `FOLIO_COMPAT_AUTHOR(_URL)`.
pub(crate) async fn author(config: web::Data<CompatConfig>) -> HttpResponse {
    success([("autor", Value::String(config.author.clone())), ("url", json!(config.author_url))])
}

/// `GET /api/main/s3-status`: where files are stored and whether the store answers now;
/// never a bucket, key or endpoint.
pub(crate) async fn storage_status(state: web::Data<AppState>, config: web::Data<CompatConfig>) -> HttpResponse {
    let report = state.health.report().await;
    let answering = report
        .checks
        .iter()
        .find(|check| check.name == "objects")
        .is_some_and(|check| check.status == folio_domain::health::HealthStatus::Up);
    success([
        ("success", Value::Bool(answering)),
        ("s3Configured", Value::Bool(config.s3)),
        ("cloudfrontConfigured", Value::Bool(config.cdn)),
        ("storageMode", Value::String(if config.s3 { "s3" } else { "disk" }.to_owned())),
        ("timestamp", Value::String(iso(chrono::Utc::now()))),
    ])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn gettoken_is_read_as_javascript_would() {
        for yes in [json!(true), json!("true"), json!(1), json!({}), json!("false")] {
            assert!(truthy(Some(&yes)), "{yes}");
        }
        for no in [json!(false), json!(""), json!(0), json!(null)] {
            assert!(!truthy(Some(&no)), "{no}");
        }
        assert!(!truthy(None));
    }
}
