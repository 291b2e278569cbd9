//! CSRF protection by origin checking (no token): a state-changing request (anything but
//! GET, HEAD, OPTIONS) that a browser sends carries `Origin`; it must name this server or
//! one of the configured origins (`CORS_ORIGINS`). Without `Origin`, a `Sec-Fetch-Site:
//! cross-site` request is refused too. Requests with neither header come from non-browser
//! clients, which cannot be made to carry a victim's cookie, and pass. Together with the
//! SameSite=Lax session cookie this stops cross-site form posts and fetches.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use crate::http::problem::Problem;

/// Origins (`scheme://host[:port]`) allowed besides the server's own.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(pub Vec<String>);

pub(crate) async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_safe(req.method()) || is_allowed(&req) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    tracing::warn!(origin = ?req.headers().get(header::ORIGIN), "cross-site request refused");
    let problem = Problem::new(
        StatusCode::FORBIDDEN,
        "csrf_rejected",
        "cross-site requests may not change anything; send this from an allowed origin",
    );
    Ok(req.into_response(problem.error_response()))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_allowed(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let allowed = req
                .app_data::<web::Data<AllowedOrigins>>()
                .is_some_and(|a| a.0.iter().any(|o| o.eq_ignore_ascii_case(origin)));
            allowed || same_host(origin, req)
        }
        None => headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_none_or(|site| site != "cross-site"),
    }
}

/// The origin's host and port equal the `Host` the request was sent to.
fn same_host(origin: &str, req: &ServiceRequest) -> bool {
    let Some(host) = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest).trim_end_matches('/');
    !origin_host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}
