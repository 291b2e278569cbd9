//! Routes are declared once, as data: [`routes!`] both registers them and lists them, so the
//! list is exactly what the router serves, and a test holds the OpenAPI document to it.

/// `routes!(NAME, register, [(get, "/path", handler), …])` defines `const NAME` listing
/// `(method, path)` and `fn register(cfg)` adding each route to `cfg`.
macro_rules! routes {
    ($table:ident, $register:ident, [$(($method:ident, $path:literal, $handler:path)),* $(,)?]) => {
        pub(crate) const $table: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub(crate) fn $register(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.route($path, actix_web::web::$method().to($handler));)*
        }
    };
}

/// Every route the application serves, as `(method, path)`, with the `/api/v1` prefix where
/// it applies and `{kind}` standing for each collection's name.
pub fn served_routes() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut add = |prefix: &str, table: &[(&'static str, &'static str)]| {
        out.extend(table.iter().map(|(method, path)| (*method, format!("{prefix}{path}"))));
    };
    add("", crate::health::ROUTES);
    add("/api/v1", crate::docs::ROUTES);
    add("/api/v1", crate::auth::routes::ROUTES);
    add("/api/v1", crate::users::routes::ROUTES);
    add("/api/v1", crate::media::routes::ROUTES);
    add("/api/v1", crate::content::profile::ROUTES);
    add("/api/v1", crate::content::articles::ROUTES);
    add("/api/v1/{kind}", crate::content::routes::ROUTES);
    out
}
