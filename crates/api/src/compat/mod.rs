//! The old Node services' routes and JSON shapes, switched on by configuration
//! (`FOLIO_COMPAT`): the Lynx portfolio API ([`lynx`]: `/api/main/*`, `/api/article/*`) and
//! the NestJS template's user API ([`nest`]: `/api/user/*`, `/api/health`). They are thin
//! adapters over the same domain services as `/api/v1`, never a second implementation.
//! Being legacy and off by default, they stay out of the OpenAPI document and of
//! [`crate::served_routes`]; [`compat_routes`] lists them instead.

pub(crate) mod ids;
mod lynx;
mod nest;

use actix_web::dev::HttpServiceFactory;
use actix_web::middleware::from_fn;
use actix_web::web;

use crate::auth::csrf;
use crate::http::{rate_limit, response_cache};

/// What the compatibility routes need from configuration.
#[derive(Debug, Clone)]
pub struct CompatConfig {
    /// Serve the Lynx portfolio API.
    pub lynx: bool,
    /// Serve the NestJS template's user API and health check.
    pub nest: bool,
    /// What `datos-autor` answers (`FOLIO_COMPAT_AUTHOR`, `FOLIO_COMPAT_AUTHOR_URL`).
    pub author: String,
    pub author_url: Option<String>,
    /// `APP_PUBLIC_URL`: the origin absolute file links start with; unset, the request's.
    pub public_url: Option<String>,
    /// Files are kept on S3 (else on disk), for `s3-status`.
    pub s3: bool,
    /// A CDN serves the files (`CLOUDFRONT_DOMAIN`): file documents carry its URL.
    pub cdn: bool,
}

impl Default for CompatConfig {
    fn default() -> Self {
        CompatConfig {
            lynx: false,
            nest: false,
            author: "Folio".to_owned(),
            author_url: None,
            public_url: None,
            s3: false,
            cdn: false,
        }
    }
}

/// Writes through these paths sign people in or out: they change no content, so they do
/// not drop the response cache.
pub(crate) const SIGN_IN_PATHS: [&str; 4] =
    ["/api/main/login", "/api/user/login", "/api/user/logout", "/api/user/register"];

/// A scope with the middleware `/api/v1` has: rate limits, the CSRF check, and the response
/// cache (whose entries every successful write here drops too).
fn guarded(path: &str, routes: fn(&mut web::ServiceConfig)) -> impl HttpServiceFactory + 'static {
    web::scope(path)
        .wrap(from_fn(response_cache::middleware))
        .wrap(from_fn(csrf::middleware))
        .wrap(from_fn(rate_limit::middleware))
        .configure(routes)
}

/// Registers the enabled compatibility routes.
pub(crate) fn routes(cfg: &mut web::ServiceConfig, config: &CompatConfig) {
    cfg.app_data(web::Data::new(config.clone()));
    if config.lynx {
        cfg.service(guarded(lynx::MAIN_PREFIX, lynx::main_routes));
        cfg.service(guarded(lynx::ARTICLE_PREFIX, lynx::article_routes));
    }
    if config.nest {
        cfg.service(guarded(nest::USER_PREFIX, nest::register_users));
        nest::register_health(cfg);
    }
}

/// Every compatibility route, as (method, path), whether enabled or not.
pub fn compat_routes() -> Vec<(&'static str, String)> {
    lynx::routes().into_iter().chain(nest::routes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_routes_are_not_documented_and_do_not_clash_with_folio_routes() {
        let served = crate::served_routes();
        for (method, path) in compat_routes() {
            assert!(path.starts_with("/api/") && !path.starts_with("/api/v1/"), "{path}");
            assert!(!served.iter().any(|(m, p)| *m == method && *p == path), "{method} {path} is also served");
        }
    }

    #[test]
    fn every_route_of_the_old_services_is_listed_once() {
        let routes = compat_routes();
        let mut seen = std::collections::BTreeSet::new();
        for route in &routes {
            assert!(seen.insert(route.clone()), "{route:?} listed twice");
        }
        for expected in [
            ("get", "/api/main/albums"),
            ("put", "/api/main/cv-sub-section/{id}"),
            ("delete", "/api/article/articleSubCat/{id}"),
            ("delete", "/api/article/article-sub-cat/{id}"),
            ("post", "/api/main/upload-file-song/{id}/{option}"),
            ("get", "/api/article/articles/{page}/{ipp}/{sort}/{rootAccess}/{type}/{search}"),
            ("post", "/api/user/logout"),
            ("get", "/api/health"),
        ] {
            assert!(seen.contains(&(expected.0, expected.1.to_owned())), "{expected:?} missing");
        }
    }
}
