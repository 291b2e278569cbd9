//! The site profile (`/profile`): the one item of the `site-profile` kind.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use folio_domain::content::{CollectionItem, CollectionKind};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::routes::{parse_media_id, SetMediaRequest};
use super::view::{slot_views, SlotContent};
use crate::auth::extract::SignedIn;
use crate::http::caching::cached_json;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::AppState;

const KIND: CollectionKind = CollectionKind::SiteProfile;

routes!(
    ROUTES,
    routes,
    [
        (get, "/profile", get_profile),
        (put, "/profile", put_profile),
        (patch, "/profile", patch_profile),
        (put, "/profile/media/{slot}", set_profile_media),
        (delete, "/profile/media/{slot}", clear_profile_media),
    ]
);

/// The site profile: texts (`welcome`, `cv_description`, `cv_description_extra`,
/// `error_message`, localized), `seo_tags`, and images (`logo`, `background`, `cv_image`,
/// `cv_background`, `seo_image`). It never carries credentials.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileView {
    /// `null` until the profile is first written.
    pub updated_at: Option<DateTime<Utc>>,
    #[schema(value_type = Object, additional_properties = true)]
    pub media: BTreeMap<String, SlotContent>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

async fn view(state: &AppState, item: Option<CollectionItem>) -> Result<ProfileView, Problem> {
    let Some(item) = item else {
        return Ok(ProfileView { updated_at: None, media: BTreeMap::new(), fields: Map::new() });
    };
    let media = state.collections.media_of(&item).await?;
    let mut fields = item.fields;
    fields.remove("updated_at");
    fields.remove("media");
    Ok(ProfileView { updated_at: Some(item.updated_at), media: slot_views(&media), fields })
}

/// The profile exists from here on (its media slots need an item to live in).
async fn existing(state: &AppState) -> Result<CollectionItem, Problem> {
    match state.collections.singleton(KIND).await? {
        Some(item) => Ok(item),
        None => Ok(state.collections.put_singleton(KIND, Map::new()).await?),
    }
}

/// The site profile (public).
#[utoipa::path(get, path = "/api/v1/profile", tag = "profile",
    responses((status = 200, body = ProfileView, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match")))]
pub(crate) async fn get_profile(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let item = state.collections.singleton(KIND).await?;
    cached_json(&req, &view(&state, item).await?, true)
}

/// Replace the profile's texts (editor or admin); fields left out are cleared, images stay.
#[utoipa::path(put, path = "/api/v1/profile", tag = "profile",
    request_body(content = Object, example = json!({"welcome": {"es": "Hola", "en": "Hello"}, "seo_tags": ["music", "design"]})),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn put_profile(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let item = state.collections.put_singleton(KIND, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(&state, Some(item)).await?))
}

/// Change some of the profile's texts (editor or admin); `null` clears one.
#[utoipa::path(patch, path = "/api/v1/profile", tag = "profile",
    request_body(content = Object, example = json!({"error_message": {"en": "Something went wrong"}})),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
pub(crate) async fn patch_profile(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let id = existing(&state).await?.id;
    let item = state.collections.update(KIND, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(&state, Some(item)).await?))
}

/// Put an uploaded image in one of the profile's slots (editor or admin).
#[utoipa::path(put, path = "/api/v1/profile/media/{slot}", tag = "profile",
    params(("slot" = String, Path, example = "logo")), request_body = SetMediaRequest,
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "No such media, or not an image", body = Problem)))]
pub(crate) async fn set_profile_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    slot: web::Path<String>,
    body: JsonBody<SetMediaRequest>,
) -> Result<HttpResponse, Problem> {
    let media_id = parse_media_id(&body.into_inner().media_id)?;
    let id = existing(&state).await?.id;
    let item = state.collections.set_media(KIND, id, &slot, media_id).await?;
    Ok(HttpResponse::Ok().json(view(&state, Some(item)).await?))
}

/// Empty one of the profile's image slots (editor or admin).
#[utoipa::path(delete, path = "/api/v1/profile/media/{slot}", tag = "profile",
    params(("slot" = String, Path)),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn clear_profile_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    slot: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = existing(&state).await?.id;
    let item = state.collections.clear_media(KIND, id, &slot).await?;
    Ok(HttpResponse::Ok().json(view(&state, Some(item)).await?))
}
