//! The OpenAPI document (`/api/v1/openapi.json`) and a self-contained page that browses it
//! (`/api/v1/docs`; no asset is fetched from anywhere, at build time or in the browser).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::auth::routes as auth;
use crate::content::articles::{self, ArticleDetailView, ArticlePage, ArticleView};
use crate::content::profile::{self, ProfileView};
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
        collections::remove_listed_media,
        profile::get_profile, profile::put_profile, profile::patch_profile, profile::set_profile_media,
        profile::clear_profile_media,
        articles::list_articles, articles::create_article, articles::get_article, articles::update_article,
        articles::delete_article, articles::set_article_media, articles::clear_article_media,
        crate::health::health, crate::health::live, crate::health::ready, crate::health::metrics,
        openapi_json, docs_page,
    ),
    components(schemas(Problem, FieldErrorSchema, UserView, UserPage, MediaView, VariantView, MediaPage,
        ItemView, SlotView, CollectionName, MoveRequest, SetMediaRequest, ProfileView, ArticleView,
        ArticleDetailView, ArticlePage)),
    tags(
        (name = "auth", description = "Sessions behind a signed cookie"),
        (name = "me", description = "The signed-in user"),
        (name = "users", description = "User administration (admin role)"),
        (name = "media", description = "Uploads, their records and their bytes"),
        (name = "collections", description = "Ordered, bilingual collections: albums, gallery-images, songs, videos, websites, cv-sections, cv-subsections, article-categories, article-subcategories, article-sections"),
        (name = "profile", description = "The site profile: one per site"),
        (name = "articles", description = "The blog: articles found by slug or id, searched and paged"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
pub struct ApiDoc;

routes!(ROUTES, routes, [(get, "/openapi.json", openapi_json), (get, "/docs", docs_page)]);

/// The document as JSON, rendered once.
pub fn openapi_json_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_else(|_| "{}".to_owned()))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_json_text())
}

/// A page that browses this document (self-contained: it loads nothing from elsewhere).
#[utoipa::path(get, path = "/api/v1/docs", tag = "operations",
    responses((status = 200, description = "HTML", content_type = "text/html")))]
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
        let kinds: Vec<&str> = folio_domain::content::CollectionKind::ALL
            .iter()
            .filter(|k| !k.is_singleton())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(names, &serde_json::json!(kinds), "the path enum follows the domain's listed kinds");
    }

    /// The routes the router serves and the operations the document lists are the same set.
    #[test]
    fn every_served_route_is_documented_and_nothing_else() {
        let doc: serde_json::Value = serde_json::from_str(openapi_json_text()).expect("json");
        let mut documented = std::collections::BTreeSet::new();
        for (path, operations) in doc["paths"].as_object().expect("paths") {
            for method in operations.as_object().expect("operations").keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        let served: std::collections::BTreeSet<(String, String)> =
            crate::served_routes().into_iter().map(|(m, p)| (m.to_owned(), p)).collect();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let unserved: Vec<_> = documented.difference(&served).collect();
        assert!(undocumented.is_empty(), "served but not documented: {undocumented:?}");
        assert!(unserved.is_empty(), "documented but not served: {unserved:?}");
    }
}
