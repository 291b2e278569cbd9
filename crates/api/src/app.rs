use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App};
use ipnet::IpNet;

use crate::auth::csrf::{self, AllowedOrigins};
use crate::compat::{self, CompatConfig};
use crate::http::caching::PublicMaxAge;
use crate::http::rate_limit::{self, RateLimitTiers};
use crate::http::{json::JsonLimit, problem, request_context, response_cache};
use crate::{auth, content, docs, health, media, users, AppState};

/// HTTP settings the binary reads from configuration.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Peers whose `X-Request-Id` / `X-Forwarded-For` headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Largest JSON body accepted, in bytes.
    pub json_limit: usize,
    /// Browser origins (`https://example.com`) allowed to send state-changing requests
    /// besides the server's own, and to read answers cross-origin (CORS).
    pub allowed_origins: Vec<String>,
    /// `max-age` of public content reads, in seconds (`HTTP_CACHE_MAX_AGE`).
    pub public_max_age: u32,
    /// The old Node services' routes (`FOLIO_COMPAT`); none by default.
    pub compat: CompatConfig,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            json_limit: 1024 * 1024,
            allowed_origins: Vec::new(),
            public_max_age: 60,
            compat: CompatConfig::default(),
        }
    }
}

/// Cross-origin access for the sites in `CORS_ORIGINS` (exact origins), with cookies, and
/// the headers their clients send and read. Other origins get no CORS headers (the browser
/// then keeps the answer from the page) rather than an error: refusing their writes is the
/// CSRF check's job, with its own problem details.
fn cors(origins: &[String]) -> Cors {
    let origins: Vec<String> = origins.to_vec();
    Cors::default()
        .allowed_origin_fn(move |origin, _| origin.to_str().is_ok_and(|o| origins.iter().any(|allowed| allowed == o)))
        .block_on_origin_mismatch(false)
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::IF_NONE_MATCH, header::ACCEPT])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderName::from_static("ratelimit-remaining"),
            header::HeaderName::from_static("ratelimit-reset"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .supports_credentials()
        .max_age(3600)
}

/// The whole application: every route, with the middleware every response goes through.
pub fn build_app(
    state: AppState,
    config: ApiConfig,
    limits: RateLimitTiers,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&config.allowed_origins);
    App::new()
        .app_data(web::Data::new(state))
        .app_data(web::Data::new(request_context::TrustedProxies(config.trusted_proxies)))
        .app_data(web::Data::new(AllowedOrigins(config.allowed_origins)))
        .app_data(web::Data::new(limits))
        .app_data(web::Data::new(PublicMaxAge(config.public_max_age)))
        .app_data(JsonLimit(config.json_limit))
        .configure(health::routes)
        .service(
            web::scope("/api/v1")
                .wrap(from_fn(response_cache::middleware))
                .wrap(from_fn(csrf::middleware))
                .wrap(from_fn(rate_limit::middleware))
                .configure(docs::routes)
                .configure(auth::routes::routes)
                .configure(users::routes::routes)
                .configure(media::routes::routes)
                .configure(content::routes),
        )
        // Outside `/api/v1`, and only when enabled; the CORS policy below covers them too.
        .configure(|cfg| compat::routes(cfg, &config.compat))
        .default_service(web::to(problem::not_found))
        .wrap(Compress::default())
        .wrap(cors)
        // Outermost: every response, including errors raised by other middleware, passes here.
        .wrap(from_fn(request_context::middleware))
}
