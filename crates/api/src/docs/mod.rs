//! The OpenAPI document (`/api/v1/openapi.json`) and a self-contained page that browses it
//! (`/api/v1/docs`; no asset is fetched from anywhere, at build time or in the browser).

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use utoipa::OpenApi;

use crate::auth::routes as auth;
use crate::content::routes::{self as collections, CollectionName, MoveRequest, SetMediaRequest};
use crate::content::view::{ItemView, SlotView};
use crate::http::problem::{FieldErrorSchema, Problem};
use crate::media::view::{MediaPage, MediaView, VariantView};
use crate::media::{files, routes as media};
use crate::users::routes as users;
use crate::users::view::{UserPage, UserView};

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Folio API", description = "Portfolio and content backend. Errors are RFC 9457 problem details; ids are snowflakes serialized as strings; times are RFC 3339 UTC."),
    paths(
        auth::login, auth::logout, auth::session, auth::register,
        users::update_me, users::change_password,
        users::list_users, users::create_user, users::get_user, users::update_user, users::delete_user,
        media::upload_media, media::list_media, media::get_media, media::update_media, media::delete_media,
        files::serve,
        collections::list_items, collections::get_item, collections::create_item, collections::update_item,
        collections::delete_item, collections::move_item, collections::set_media, collections::clear_media,
    ),
    components(schemas(Problem, FieldErrorSchema, UserView, UserPage, MediaView, VariantView, MediaPage,
        ItemView, SlotView, CollectionName, MoveRequest, SetMediaRequest)),
    tags(
        (name = "auth", description = "Sessions behind a signed cookie"),
        (name = "me", description = "The signed-in user"),
        (name = "users", description = "User administration (admin role)"),
        (name = "media", description = "Uploads, their records and their bytes"),
        (name = "collections", description = "Ordered, bilingual collections: albums, gallery-images, songs, videos, websites, cv-sections"),
    )
)]
pub struct ApiDoc;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi_json)).route("/docs", web::get().to(docs_page));
}

/// The document as JSON, rendered once.
pub fn openapi_json_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()))
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_json_text())
}

async fn docs_page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "content-security-policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
        ))
        .body(include_str!("page.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_are_documented_once_with_their_names() {
        let doc: serde_json::Value = serde_json::from_str(openapi_json_text()).expect("json");
        for path in
            ["/api/v1/{kind}", "/api/v1/{kind}/{id}", "/api/v1/{kind}/{id}/move", "/api/v1/{kind}/{id}/media/{slot}"]
        {
            assert!(doc["paths"][path].is_object(), "{path} documented");
        }
        let names = &doc["components"]["schemas"]["CollectionName"]["enum"];
        let kinds: Vec<&str> = folio_domain::content::CollectionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, &serde_json::json!(kinds), "the path enum follows the domain's kinds");
    }
}
