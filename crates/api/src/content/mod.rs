//! Content routes: the collections (`/albums`, `/cv-subsections`, …: one set of handlers,
//! registered once per kind), the site profile (`/profile`) and the blog (`/articles`).

pub(crate) mod articles;
pub(crate) mod profile;
pub(crate) mod routes;
pub(crate) mod view;

pub(crate) fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    profile::routes(cfg);
    articles::routes(cfg);
    routes::routes(cfg);
}
