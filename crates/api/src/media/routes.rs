use std::collections::BTreeMap;
use std::str::FromStr;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::media::{MediaCategory, MediaFilter, MediaId, UploadRequest};
use folio_domain::values::Localized;
use folio_domain::{DomainError, FieldError, PageRequest};
use folio_id::Snowflake;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::files;
use super::upload::receive;
use super::view::{MediaPage, MediaView};
use crate::auth::extract::SignedIn;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::http::rate_limit::RateLimitTiers;
use crate::AppState;

routes!(
    ROUTES,
    routes,
    [
        (get, "/media", list_media),
        (post, "/media", upload_media),
        (get, "/media/{id}", get_media),
        (patch, "/media/{id}", update_media),
        (delete, "/media/{id}", delete_media),
        (get, "/files/{id}", files::serve),
    ]
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// `image`, `audio`, `video` or `document`; decided from the file's bytes when absent.
    category: Option<String>,
}

/// The multipart form of an upload (documentation only; it is read as a stream).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its type is decided from its bytes; the declared type and name are not trusted.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Optional localized title as JSON, e.g. `{"en": "Cover"}`.
    title: Option<String>,
}

/// Upload a file (editor or admin). Streams to storage while hashing; images lose their
/// metadata and gain `web` and `thumb` variants.
#[utoipa::path(post, path = "/api/v1/media", tag = "media", params(UploadQuery),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = MediaView),
        (status = 401, body = Problem),
        (status = 413, description = "Larger than the category allows; nothing is stored", body = Problem),
        (status = 415, description = "A type the category does not accept", body = Problem),
        (status = 422, body = Problem),
        (status = 429, description = "Too many uploads (`UPLOAD_THROTTLE_*`)", body = Problem),
    ))]
pub(crate) async fn upload_media(
    signed_in: SignedIn,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: QueryParams<UploadQuery>,
    multipart: Multipart,
    limits: web::Data<RateLimitTiers>,
) -> Result<HttpResponse, Problem> {
    limits.check_upload(&req).await?;
    let category = parse_category(query.0.category.as_deref())?;
    let limits = state.media.limits();
    let limit = category.map_or(limits.largest(), |c| limits.for_category(c));
    // A declared length far past the limit is refused before a byte is read (the slack
    // covers the multipart framing and the title).
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit + 64 * 1024) {
        return Err(DomainError::TooLarge { limit }.into());
    }
    let request = UploadRequest {
        category,
        title: Localized::default(),
        file_name: None,
        uploaded_by: Some(signed_in.0.user.id),
    };
    let media = receive(&state.media, request, multipart).await?;
    Ok(HttpResponse::Created().json(MediaView::from(&media)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListMediaQuery {
    page: Option<u32>,
    per_page: Option<u32>,
    /// `image`, `audio`, `video` or `document`.
    category: Option<String>,
    /// Exact content type, e.g. `image/png`.
    r#type: Option<String>,
}

/// Media records, newest first (signed in).
#[utoipa::path(get, path = "/api/v1/media", tag = "media", params(ListMediaQuery),
    responses((status = 200, body = MediaPage), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    query: QueryParams<ListMediaQuery>,
) -> Result<HttpResponse, Problem> {
    let q = query.0;
    let category = parse_category(q.category.as_deref())?;
    let page = PageRequest::new(q.page.unwrap_or(1), q.per_page.unwrap_or(20))?;
    let found = state.media.list(&MediaFilter { category, content_type: q.r#type }, page).await?;
    let page = found.map(|m| MediaView::from(&m));
    Ok(HttpResponse::Ok().json(MediaPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
        pages: page.pages,
    }))
}

/// One media record (signed in).
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media", params(("id" = String, Path)),
    responses((status = 200, body = MediaView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let media = state.media.get(parse_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(MediaView::from(&media)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMediaRequest {
    #[schema(value_type = Object, example = json!({"es": "Portada", "en": "Cover"}))]
    title: BTreeMap<String, String>,
}

/// Change a media record's title (editor or admin).
#[utoipa::path(patch, path = "/api/v1/media/{id}", tag = "media", params(("id" = String, Path)), request_body = UpdateMediaRequest,
    responses((status = 200, body = MediaView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateMediaRequest>,
) -> Result<HttpResponse, Problem> {
    let title = Localized::parse(body.into_inner().title)
        .map_err(|message| DomainError::Invalid(vec![FieldError::new("title", "invalid", message)]))?;
    let media = state.media.set_title(parse_id(&id)?, title).await?;
    Ok(HttpResponse::Ok().json(MediaView::from(&media)))
}

/// Delete a media record with its file and variants (editor or admin).
#[utoipa::path(delete, path = "/api/v1/media/{id}", tag = "media", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    state.media.delete(parse_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The `category` query parameter, when given.
fn parse_category(raw: Option<&str>) -> Result<Option<MediaCategory>, Problem> {
    raw.map(|raw| {
        MediaCategory::from_str(raw).map_err(|expected| {
            DomainError::Invalid(vec![FieldError::new("category", "invalid", format!("expected {expected}"))]).into()
        })
    })
    .transpose()
}

pub(crate) fn parse_id(raw: &str) -> Result<MediaId, Problem> {
    Snowflake::from_str(raw).map(MediaId).map_err(|_| DomainError::NotFound { entity: "media" }.into())
}
