//! Public content reads served from the response cache, and the cache dropped on every
//! successful write.
//!
//! Only content reads (profile, articles, collections; never files) whose JSON a handler
//! marked `Cache-Control: public` with an `ETag` are stored (reads
//! that include hidden content are `private, no-store`), keyed by path and query; they do
//! not depend on who asks. A hit answers `If-None-Match` exactly as the handler would (304).
//! Any successful write under `/api/v1` or a compatibility route (sign-ins and sign-outs
//! aside) invalidates the `content` scope: writes are rare, and a coarse scope cannot miss
//! a dependency (an article shows its category; an album shows its media).

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::cache::{CachedResponse, Lookup};
use folio_domain::content::CollectionKind;

use super::caching::etag_matches;
use crate::AppState;

const SCOPE: &str = "content";

pub(crate) async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req.app_data::<web::Data<AppState>>().and_then(|s| s.cache.clone()) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if req.method() != Method::GET {
        let writes = !matches!(*req.method(), Method::HEAD | Method::OPTIONS);
        let signing = req.path().starts_with("/api/v1/auth/") || crate::compat::SIGN_IN_PATHS.contains(&req.path());
        let response = next.call(req).await?.map_into_boxed_body();
        if writes && !signing && response.status().is_success() {
            cache.invalidate(SCOPE).await;
        }
        return Ok(response);
    }
    if !is_content(req.path()) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let key = req.uri().path_and_query().map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let ticket = match cache.lookup(SCOPE, &key).await {
        Lookup::Hit(entry) => {
            let response = answer(req.request(), &entry);
            return Ok(req.into_response(response));
        }
        Lookup::Miss(None) => return next.call(req).await.map(ServiceResponse::map_into_boxed_body),
        Lookup::Miss(Some(ticket)) => ticket,
    };
    // The handler must produce the whole body to store, so it does not see the client's
    // validator; the answer applies it below.
    let if_none_match = req.headers_mut().remove(header::IF_NONE_MATCH).next();
    let response = next.call(req).await?.map_into_boxed_body();
    let Some(entry) = storable(response.response()) else {
        return Ok(revalidated(response, if_none_match.as_ref()));
    };
    let (request, response) = response.into_parts();
    let bytes = body::to_bytes(response.into_body())
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(format!("reading a response to cache: {e}")))?;
    let entry = CachedResponse { body: bytes, ..entry };
    cache.fill(ticket, entry.clone()).await;
    let mut answered = answer_to(if_none_match.as_ref(), &entry);
    answered.headers_mut().insert(header::HeaderName::from_static("x-cache"), header::HeaderValue::from_static("miss"));
    Ok(ServiceResponse::new(request, answered))
}

/// Content reads: the profile, articles and the collections. Never files (large, ranged,
/// streamed) nor anything about users.
fn is_content(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/") else {
        return false;
    };
    let first = rest.split('/').next().unwrap_or_default();
    matches!(first, "profile" | "articles")
        || CollectionKind::ALL.iter().any(|k| !k.is_singleton() && k.as_str() == first)
}

/// The validators of a response worth storing (its body is filled in after). Only JSON:
/// file bytes (`/files/{id}`, the Lynx `get-file`) are public too, but they would be read
/// whole into memory, and their `Last-Modified` and `Range` answers would be lost.
fn storable(response: &HttpResponse) -> Option<CachedResponse> {
    if response.status() != StatusCode::OK {
        return None;
    }
    let headers = response.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = text(header::CONTENT_TYPE).filter(|ct| ct.starts_with("application/json"))?;
    let cache_control = text(header::CACHE_CONTROL).filter(|c| c.starts_with("public"))?;
    Some(CachedResponse { body: bytes::Bytes::new(), etag: text(header::ETAG)?, content_type, cache_control })
}

/// A response that is not stored still answers the validator the handler did not see:
/// 304, with its headers, when its ETag matches.
fn revalidated(
    response: ServiceResponse<BoxBody>,
    if_none_match: Option<&header::HeaderValue>,
) -> ServiceResponse<BoxBody> {
    let etag = response.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (Some(etag), true) = (etag, response.status() == StatusCode::OK) else { return response };
    if !etag_matches(if_none_match, &etag) {
        return response;
    }
    let (request, original) = response.into_parts();
    let mut not_modified = HttpResponse::NotModified().finish();
    for (name, value) in original.headers() {
        if ![header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING].contains(name) {
            not_modified.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(request, not_modified)
}

fn answer(req: &HttpRequest, entry: &CachedResponse) -> HttpResponse {
    let mut response = answer_to(req.headers().get(header::IF_NONE_MATCH), entry);
    response.headers_mut().insert(header::HeaderName::from_static("x-cache"), header::HeaderValue::from_static("hit"));
    response
}

/// 304 when `If-None-Match` names the entry's ETag, else the entry.
fn answer_to(if_none_match: Option<&header::HeaderValue>, entry: &CachedResponse) -> HttpResponse {
    let matches = etag_matches(if_none_match, &entry.etag);
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, entry.etag.clone()))
        .insert_header((header::CACHE_CONTROL, entry.cache_control.clone()));
    if matches {
        response.finish()
    } else {
        response.content_type(entry.content_type.clone()).body(entry.body.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::is_content;

    #[test]
    fn only_content_paths_are_cached() {
        for path in ["/api/v1/albums", "/api/v1/articles/my-post", "/api/v1/profile", "/api/v1/cv-subsections/1"] {
            assert!(is_content(path), "{path}");
        }
        for path in ["/api/v1/files/1", "/api/v1/media", "/api/v1/users", "/api/v1/site-profile", "/health"] {
            assert!(!is_content(path), "{path}");
        }
    }
}
