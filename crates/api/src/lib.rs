//! Folio's HTTP API on actix-web: routes, extractors, middleware and the one place that maps
//! domain errors to RFC 9457 problem details. It never names a storage adapter: the binary
//! builds the services and hands them over in [`AppState`].

#[macro_use]
mod route_table;
mod app;
mod auth;
mod compat;
mod content;
mod docs;
mod health;
mod http;
mod media;
mod state;
mod users;

pub use app::{build_app, ApiConfig};
pub use auth::cookie::SessionCookie;
pub use compat::{compat_routes, CompatConfig};
pub use docs::{openapi_json_text, ApiDoc};
pub use http::json::JsonBody;
pub use http::problem::Problem;
pub use http::rate_limit::RateLimitTiers;
pub use route_table::served_routes;
pub use state::AppState;
