//! Public reads carry an `ETag` of their body and a short, shared `Cache-Control`; a
//! matching `If-None-Match` gets 304. Reads that include hidden content are never stored.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::DomainError;
use sha2::{Digest, Sha256};

use super::problem::Problem;

/// How long shared caches and browsers may keep a public read (`HTTP_CACHE_MAX_AGE`).
#[derive(Debug, Clone, Copy)]
pub struct PublicMaxAge(pub u32);

/// The JSON of `value`: public (`ETag`, `Cache-Control: public, max-age=…`, 304 on a match)
/// or private (`no-store`).
pub(crate) fn cached_json<T: serde::Serialize>(
    req: &HttpRequest,
    value: &T,
    public: bool,
) -> Result<HttpResponse, Problem> {
    let body = serde_json::to_vec(value).map_err(|e| DomainError::Internal(format!("encoding a response: {e}")))?;
    if !public {
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .content_type("application/json")
            .body(body));
    }
    let max_age = req.app_data::<web::Data<PublicMaxAge>>().map_or(60, |m| m.0);
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    let matches = etag_matches(req.headers().get(header::IF_NONE_MATCH), &etag);
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")));
    Ok(if matches { response.finish() } else { response.content_type("application/json").body(body) })
}

/// Whether an `If-None-Match` value names `etag` (or `*`), compared weakly as RFC 9110 asks
/// for this header: a `W/` prefix does not matter.
pub(crate) fn etag_matches(if_none_match: Option<&header::HeaderValue>, etag: &str) -> bool {
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == etag || t == "*"))
}
