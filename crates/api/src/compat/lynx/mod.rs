//! The Lynx portfolio API (the Express service): `/api/main/*` and `/api/article/*`, with
//! its envelope, its old field names, populated files, and its `Authorization` token.

mod account;
mod articles;
mod collections;
mod envelope;
mod fields;
mod files;
mod kinds;
mod profile;
mod token;
mod uploads;

use actix_web::web;

// Under `/api/main`.
routes!(
    MAIN_ROUTES,
    main_fixed_routes,
    [
        (get, "/datos-autor", account::author),
        (post, "/login", account::login),
        (get, "/s3-status", account::storage_status),
        (get, "/main", profile::get_main),
        (put, "/main", profile::put_main),
        (get, "/get-file/{id}", files::get_file),
        (get, "/file-info/{id}", files::file_info),
        (post, "/upload-file-album/{id}", uploads::album),
        (post, "/upload-file-book-img/{id}", uploads::book_img),
        (post, "/upload-file-video/{id}", uploads::video),
        (post, "/upload-file-main/{slot}", uploads::main_image),
        (post, "/upload-file-song/{id}/{option}", uploads::song),
        (post, "/upload-file-web-site/{id}/{option}", uploads::website),
    ]
);

// Under `/api/article`. The list's segments are all optional in the old API: one route per
// length.
routes!(
    ARTICLE_ROUTES,
    article_fixed_routes,
    [
        (get, "/datos-autor", account::author),
        (get, "/articles", articles::list_articles),
        (get, "/articles/{page}", articles::list_articles),
        (get, "/articles/{page}/{ipp}", articles::list_articles),
        (get, "/articles/{page}/{ipp}/{sort}", articles::list_articles),
        (get, "/articles/{page}/{ipp}/{sort}/{rootAccess}", articles::list_articles),
        (get, "/articles/{page}/{ipp}/{sort}/{rootAccess}/{type}", articles::list_articles),
        (get, "/articles/{page}/{ipp}/{sort}/{rootAccess}/{type}/{search}", articles::list_articles),
        (get, "/article/{id}", articles::get_article),
        (post, "/article", articles::create_article),
        (put, "/article/{id}", articles::update_article),
        (delete, "/article/{id}", articles::delete_article),
        (post, "/upload-file-article/{id}", uploads::article),
        (post, "/upload-file-articleSection/{id}", uploads::article_section),
        (post, "/upload-files-articleSection/{id}", uploads::article_section_files),
    ]
);

pub(crate) const MAIN_PREFIX: &str = "/api/main";
pub(crate) const ARTICLE_PREFIX: &str = "/api/article";

pub(crate) fn main_routes(cfg: &mut web::ServiceConfig) {
    main_fixed_routes(cfg);
    collections::register(cfg, &kinds::MAIN_KINDS);
}

pub(crate) fn article_routes(cfg: &mut web::ServiceConfig) {
    article_fixed_routes(cfg);
    collections::register(cfg, &kinds::BLOG_KINDS);
}

/// Every Lynx route, as (method, full path).
pub(crate) fn routes() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |prefix: &str, table: Vec<(&'static str, String)>| {
        out.extend(table.into_iter().map(|(method, path)| (method, format!("{prefix}{path}"))));
    };
    let fixed = |table: &[(&'static str, &'static str)]| table.iter().map(|(m, p)| (*m, (*p).to_owned())).collect();
    add(MAIN_PREFIX, fixed(MAIN_ROUTES));
    add(MAIN_PREFIX, collections::listed(&kinds::MAIN_KINDS));
    add(ARTICLE_PREFIX, fixed(ARTICLE_ROUTES));
    add(ARTICLE_PREFIX, collections::listed(&kinds::BLOG_KINDS));
    out
}
