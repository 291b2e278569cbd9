//! The OpenAPI document (`/api/v1/openapi.json`) and a self-contained page that browses it
//! (`/api/v1/docs`; no asset is fetched from anywhere, at build time or in the browser).

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use utoipa::OpenApi;

use crate::auth::routes as auth;
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
    ),
    components(schemas(Problem, FieldErrorSchema, UserView, UserPage, MediaView, VariantView, MediaPage)),
    tags(
        (name = "auth", description = "Sessions behind a signed cookie"),
        (name = "me", description = "The signed-in user"),
        (name = "users", description = "User administration (admin role)"),
        (name = "media", description = "Uploads, their records and their bytes"),
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
