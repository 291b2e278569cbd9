//! The NestJS template's user API (`/api/user/*`) and its terminus health check
//! (`/api/health`), with Nest's error shape.

mod errors;
mod health;
mod users;
mod validation;

routes!(
    USER_ROUTES,
    register_users,
    [
        (post, "/register", users::register),
        (post, "/login", users::login),
        (get, "/profile", users::profile),
        (post, "/logout", users::logout),
    ]
);

routes!(HEALTH_ROUTES, register_health, [(get, "/api/health", health::health)]);

pub(crate) const USER_PREFIX: &str = "/api/user";

/// Every Nest route, as (method, full path).
pub(crate) fn routes() -> Vec<(&'static str, String)> {
    USER_ROUTES
        .iter()
        .map(|(method, path)| (*method, format!("{USER_PREFIX}{path}")))
        .chain(HEALTH_ROUTES.iter().map(|(method, path)| (*method, (*path).to_owned())))
        .collect()
}
