use std::future::{ready, Ready};
use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId};
use folio_domain::media::MediaId;
use folio_domain::DomainError;
use folio_id::Snowflake;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::view::ItemView;
use crate::auth::extract::SignedIn;
use crate::http::caching::cached_json;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::AppState;

/// The same handlers under each kind's path; the scope tells them which kind they serve.
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    for kind in CollectionKind::ALL.into_iter().filter(|k| !k.is_singleton()) {
        cfg.service(web::scope(&format!("/{}", kind.as_str())).app_data(Kind(kind)).configure(kind_routes));
    }
}

// Under each kind's scope (`/albums`, …).
routes!(
    ROUTES,
    kind_routes,
    [
        (get, "", list_items),
        (post, "", create_item),
        (get, "/{id}", get_item),
        (patch, "/{id}", update_item),
        (delete, "/{id}", delete_item),
        (post, "/{id}/move", move_item),
        (put, "/{id}/media/{slot}", set_media),
        (delete, "/{id}/media/{slot}", clear_media),
        (delete, "/{id}/media/{slot}/{media_id}", remove_listed_media),
    ]
);

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
    CvSubsections,
    ArticleCategories,
    ArticleSubcategories,
    ArticleSections,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VisibilityQuery {
    /// Include hidden items (signed-in editors and admins only; 401 otherwise).
    include_hidden: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Include hidden items (signed-in editors and admins only; 401 otherwise).
    include_hidden: Option<bool>,
    /// Nested kinds: only the items of this parent (a CV section, category or article).
    parent_id: Option<String>,
}

/// Whether hidden content was asked for, by someone allowed to see it.
pub(crate) async fn include_hidden(req: &HttpRequest, asked: Option<bool>) -> Result<bool, Problem> {
    if asked != Some(true) {
        return Ok(false);
    }
    SignedIn::from_request(req, &mut Payload::None).await?;
    Ok(true)
}

pub(crate) fn parse_id(raw: &str) -> Result<ItemId, Problem> {
    Snowflake::from_str(raw).map(ItemId).map_err(|_| DomainError::NotFound { entity: "item" }.into())
}

pub(crate) fn parse_media_id(raw: &str) -> Result<MediaId, Problem> {
    Snowflake::from_str(raw)
        .map(MediaId)
        .map_err(|_| DomainError::invalid("media_id", "invalid", "expected a media id").into())
}

pub(crate) async fn view(state: &AppState, item: CollectionItem) -> Result<ItemView, Problem> {
    let media = state.collections.media_of(&item).await?;
    Ok(ItemView::new(item, &media))
}

/// A collection's items by position (nested kinds: by parent, then position): visible ones,
/// or all of them for editors who ask.
#[utoipa::path(get, path = "/api/v1/{kind}", tag = "collections",
    params(("kind" = CollectionName, Path), ListQuery),
    responses(
        (status = 200, body = Vec<ItemView>, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "include_hidden asked for without signing in", body = Problem),
    ))]
pub(crate) async fn list_items(
    kind: Kind,
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<ListQuery>,
) -> Result<HttpResponse, Problem> {
    let hidden = include_hidden(&req, query.0.include_hidden).await?;
    let parent = match &query.0.parent_id {
        Some(raw) => Some(
            Snowflake::from_str(raw)
                .map(ItemId)
                .map_err(|_| DomainError::invalid("parent_id", "invalid", "expected an id (a string of digits)"))?,
        ),
        None => None,
    };
    let items = state.collections.list(kind.0, parent, hidden).await?;
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
    let hidden = include_hidden(&req, query.0.include_hidden).await?;
    let item = state.collections.get(kind.0, parse_id(&id)?, hidden).await?;
    cached_json(&req, &view(&state, item).await?, !hidden)
}

/// Add an item at the end of a collection (editor or admin). The body holds the kind's
/// fields, an optional `visible` (default true) and, for nested kinds (`cv-subsections`,
/// `article-subcategories`, `article-sections`), the `parent_id`; unknown fields are refused.
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

/// Delete an item (editor or admin) and everything nested in it; the items after it move up
/// one place, and articles in a deleted category or sub-category are detached from it.
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

/// Where to move an item: exactly one of these.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The new 1-based position.
    #[schema(example = 1)]
    position: Option<u32>,
    /// Just before this item (of the same collection and parent).
    before: Option<String>,
    /// Just after this item (of the same collection and parent).
    after: Option<String>,
}

/// Move an item (editor or admin) to a position, or before or after another item; the
/// others shift, positions stay 1..n.
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
    let id = parse_id(&id)?;
    let anchor = |field: &str, raw: &str| {
        Snowflake::from_str(raw).map(ItemId).map_err(|_| DomainError::invalid(field, "invalid", "expected an item id"))
    };
    let item = match body.into_inner() {
        MoveRequest { position: Some(position), before: None, after: None } => {
            state.collections.move_to(kind.0, id, position).await?
        }
        MoveRequest { position: None, before: Some(before), after: None } => {
            state.collections.move_next_to(kind.0, id, anchor("before", &before)?, false).await?
        }
        MoveRequest { position: None, before: None, after: Some(after) } => {
            state.collections.move_next_to(kind.0, id, anchor("after", &after)?, true).await?
        }
        _ => {
            return Err(DomainError::invalid("position", "one_of", "send exactly one of position, before, after").into())
        }
    };
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMediaRequest {
    #[schema(example = "262710484852588544")]
    pub(crate) media_id: String,
}

/// Put uploaded media in one of the item's slots (editor or admin). The media must be of
/// the slot's category (`image`, `audio` or `video`). A list slot (`files` of article
/// sections) gains the media rather than having it replaced.
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
    let media_id = parse_media_id(&body.into_inner().media_id)?;
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

/// Take one media out of a list slot (editor or admin).
#[utoipa::path(delete, path = "/api/v1/{kind}/{id}/media/{slot}/{media_id}", tag = "collections",
    params(("kind" = CollectionName, Path), ("id" = String, Path), ("slot" = String, Path, example = "files"),
        ("media_id" = String, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn remove_listed_media(
    _signed_in: SignedIn,
    kind: Kind,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, slot, media_id) = path.into_inner();
    let entry = format!("{slot}/{}", parse_media_id(&media_id).map_err(|_| DomainError::NotFound { entity: "media" })?);
    let item = state.collections.clear_media(kind.0, parse_id(&id)?, &entry).await?;
    Ok(HttpResponse::Ok().json(view(&state, item).await?))
}
