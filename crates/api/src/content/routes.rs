use std::future::{ready, Ready};
use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId};
use folio_domain::media::MediaId;
use folio_domain::DomainError;
use folio_id::Snowflake;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::view::ItemView;
use crate::auth::extract::SignedIn;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::AppState;

/// The same handlers under each kind's path; the scope tells them which kind they serve.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    for kind in CollectionKind::ALL {
        cfg.service(
            web::scope(&format!("/{}", kind.as_str()))
                .app_data(Kind(kind))
                .route("", web::get().to(list_items))
                .route("", web::post().to(create_item))
                .route("/{id}", web::get().to(get_item))
                .route("/{id}", web::patch().to(update_item))
                .route("/{id}", web::delete().to(delete_item))
                .route("/{id}/move", web::post().to(move_item))
                .route("/{id}/media/{slot}", web::put().to(set_media))
                .route("/{id}/media/{slot}", web::delete().to(clear_media)),
        );
    }
}

/// The kind a scope serves (its app data).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind(CollectionKind);

impl FromRequest for Kind {
    type Error = Problem;
    type Future = Ready<Result<Kind, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.app_data::<Kind>().copied().ok_or_else(|| Problem::for_status(StatusCode::NOT_FOUND)))
    }
}

/// The collections, as they appear in paths.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)]
pub enum CollectionName {
    Albums,
    GalleryImages,
    Songs,
    Videos,
    Websites,
    CvSections,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VisibilityQuery {
    /// Include hidden items (signed-in editors and admins only; 401 otherwise).
    include_hidden: Option<bool>,
}

/// Whether hidden items were asked for, by someone allowed to see them.
async fn include_hidden(req: &HttpRequest, query: &VisibilityQuery) -> Result<bool, Problem> {
    if query.include_hidden != Some(true) {
        return Ok(false);
    }
    SignedIn::from_request(req, &mut Payload::None).await?;
    Ok(true)
}

fn parse_id(raw: &str) -> Result<ItemId, Problem> {
    Snowflake::from_str(raw).map(ItemId).map_err(|_| DomainError::NotFound { entity: "item" }.into())
}

async fn view(state: &AppState, item: CollectionItem) -> Result<ItemView, Problem> {
    let media = state.collections.media_of(&item).await?;
    Ok(ItemView::new(item, &media))
}

/// A public read: cacheable for a minute, with an ETag of the body (`If-None-Match` → 304).
/// Reads that include hidden items are never stored by caches.
fn cached_json<T: serde::Serialize>(req: &HttpRequest, value: &T, public: bool) -> Result<HttpResponse, Problem> {
    let body = serde_json::to_vec(value).map_err(|e| DomainError::Internal(format!("encoding a response: {e}")))?;
    if !public {
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .content_type("application/json")
            .body(body));
    }
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == etag || t == "*"));
    let mut response = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, "public, max-age=60"));
    Ok(if matches { response.finish() } else { response.content_type("application/json").body(body) })
}

/// A collection's items by position: visible ones, or all of them for editors who ask.
#[utoipa::path(get, path = "/api/v1/{kind}", tag = "collections",
    params(("kind" = CollectionName, Path), VisibilityQuery),
    responses(
        (status = 200, body = Vec<ItemView>, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "include_hidden asked for without signing in", body = Problem),
    ))]
pub(crate) async fn list_items(
    kind: Kind,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<VisibilityQuery>,
) -> Result<HttpResponse, Problem> {
    let hidden = include_hidden(&req, &query.0).await?;
    let items = state.collections.list(kind.0, hidden).await?;
    let mut views = Vec::with_capacity(items.len());
    for item in items {
        views.push(view(&state, item).await?);
    }
    cached_json(&req, &views, !hidden)
}

/// One item; a hidden one is 404 unless an editor asks with `include_hidden=true`.
#[utoipa::path(get, path = "/api/v1/{kind}/{id}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path), VisibilityQuery),
    responses(
        (status = 200, body = ItemView, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    ))]
pub(crate) async fn get_item(
    kind: Kind,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: QueryParams<VisibilityQuery>,
) -> Result<HttpResponse, Problem> {
    let hidden = include_hidden(&req, &query.0).await?;
    let item = state.collections.get(kind.0, parse_id(&id)?, hidden).await?;
    cached_json(&req, &view(&state, item).await?, !hidden)
}

/// Add an item at the end of a collection (editor or admin). The body holds the kind's
/// fields and an optional `visible` (default true); unknown fields are refused.
#[utoipa::path(post, path = "/api/v1/{kind}", tag = "collections",
    params(("kind" = CollectionName, Path)),
    request_body(content = Object, example = json!({"title": {"es": "Álbum", "en": "Album"}, "spotify": "https://open.spotify.com/album/1"})),
    responses((status = 201, body = ItemView), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_item(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let item = state.collections.create(kind.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view(&state, item).await?))
}

/// Change some of an item's fields (editor or admin); `null` removes an optional field.
#[utoipa::path(patch, path = "/api/v1/{kind}/{id}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path)),
    request_body(content = Object, example = json!({"visible": false})),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_item(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let item = state.collections.update(kind.0, parse_id(&id)?, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}

/// Delete an item (editor or admin); the items after it move up one place.
#[utoipa::path(delete, path = "/api/v1/{kind}/{id}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete_item(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    state.collections.delete(kind.0, parse_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The new 1-based position.
    #[schema(example = 1)]
    position: u32,
}

/// Move an item to another position (editor or admin); the others shift, positions stay 1..n.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/move", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path)), request_body = MoveRequest,
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "Position out of 1..n", body = Problem)))]
pub(crate) async fn move_item(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<MoveRequest>,
) -> Result<HttpResponse, Problem> {
    let item = state.collections.move_to(kind.0, parse_id(&id)?, body.into_inner().position).await?;
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMediaRequest {
    #[schema(example = "262710484852588544")]
    media_id: String,
}

/// Put uploaded media in one of the item's slots (editor or admin). The media must be of
/// the slot's category (`image`, `audio` or `video`).
#[utoipa::path(put, path = "/api/v1/{kind}/{id}/media/{slot}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path), ("slot" = String, Path, example = "image")),
    request_body = SetMediaRequest,
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "No such media, or of the wrong category", body = Problem)))]
pub(crate) async fn set_media(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: JsonBody<SetMediaRequest>,
) -> Result<HttpResponse, Problem> {
    let (id, slot) = path.into_inner();
    let media_id = Snowflake::from_str(&body.into_inner().media_id)
        .map(MediaId)
        .map_err(|_| DomainError::invalid("media_id", "invalid", "expected a media id"))?;
    let item = state.collections.set_media(kind.0, parse_id(&id)?, &slot, media_id).await?;
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}

/// Empty one of the item's media slots (editor or admin).
#[utoipa::path(delete, path = "/api/v1/{kind}/{id}/media/{slot}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path), ("slot" = String, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn clear_media(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, slot) = path.into_inner();
    let item = state.collections.clear_media(kind.0, parse_id(&id)?, &slot).await?;
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}
