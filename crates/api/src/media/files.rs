//! `GET /files/{id}`: a redirect to the CDN or a presigned URL when the store has one,
//! else the bytes, with `ETag`, `Last-Modified`, `Range` and a long immutable cache.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::media::{FileAccess, MediaId, VariantName};
use folio_domain::objects::ByteRange;
use folio_domain::{DomainError, FieldError};
use serde::Deserialize;
use utoipa::IntoParams;

use super::routes::parse_id;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    /// `web` (fitted inside 1920×1080) or `thumb` (inside 400×400); the original when absent.
    variant: Option<String>,
}

/// The file's bytes (public).
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "media", params(("id" = String, Path), FileQuery),
    responses(
        (status = 200, description = "The bytes (disk store)", content_type = "application/octet-stream"),
        (status = 206, description = "A byte range"),
        (status = 302, description = "Redirect to the CDN or a presigned URL"),
        (status = 304, description = "Not modified"),
        (status = 404, body = Problem),
        (status = 416, description = "Range not satisfiable", body = Problem),
    ))]
pub(crate) async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: QueryParams<FileQuery>,
) -> Result<HttpResponse, Problem> {
    let variant = match query.0.variant.as_deref() {
        None => None,
        Some(raw) => Some(raw.parse::<VariantName>().map_err(|expected| {
            DomainError::Invalid(vec![FieldError::new("variant", "invalid", format!("expected {expected}"))])
        })?),
    };
    respond(&req, &state, parse_id(&id)?, variant).await
}

/// A media file's bytes (or a redirect to them), answering `Range` and `If-None-Match`.
pub(crate) async fn respond(
    req: &HttpRequest,
    state: &AppState,
    id: MediaId,
    variant: Option<VariantName>,
) -> Result<HttpResponse, Problem> {
    let range = parse_range(req);
    let access = match state.media.open(id, variant, range).await {
        Err(DomainError::Invalid(errors)) if errors.iter().any(|e| e.field == "range") => {
            return Err(Problem::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                "the range is outside the file",
            ));
        }
        other => other?,
    };
    let (body, media) = match access {
        FileAccess::Redirect(url) => {
            return Ok(HttpResponse::Found().insert_header((header::LOCATION, url)).finish());
        }
        FileAccess::Stream { body, media } => (body, media),
    };
    let etag = format!("\"{}\"", body.meta.etag.clone().unwrap_or_else(|| media.sha256.clone()));
    let last_modified = body.meta.last_modified.unwrap_or(media.created_at);
    let content_type = body.meta.content_type.clone().unwrap_or_else(|| "application/octet-stream".to_owned());
    let not_modified = crate::http::caching::etag_matches(req.headers().get(header::IF_NONE_MATCH), &etag);
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else if body.range.is_some() {
        HttpResponse::PartialContent()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::LAST_MODIFIED, last_modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header(("x-content-type-options", "nosniff"));
    if not_modified {
        return Ok(response.finish());
    }
    response.insert_header((header::CONTENT_TYPE, content_type));
    let length = match body.range {
        Some((start, end)) => {
            response.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{}", body.meta.size)));
            end - start + 1
        }
        None => body.meta.size,
    };
    Ok(response.no_chunking(length).streaming(body.stream))
}

/// A single `bytes=start-end` or `bytes=start-` range; anything else serves the whole file.
fn parse_range(req: &HttpRequest) -> Option<ByteRange> {
    let raw = req.headers().get(header::RANGE)?.to_str().ok()?;
    let spec = raw.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let start = start.trim().parse::<u64>().ok()?;
    let end = match end.trim() {
        "" => None,
        value => Some(value.parse::<u64>().ok()?),
    };
    if end.is_some_and(|e| e < start) {
        return None;
    }
    Some(ByteRange { start, end })
}
