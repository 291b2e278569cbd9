use folio_domain::auth::AuthService;
use folio_domain::content::articles::ArticleService;
use folio_domain::content::CollectionService;
use folio_domain::health::HealthService;
use folio_domain::media::MediaService;
use folio_domain::users::UserService;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::auth::cookie::SessionCookie;

/// Everything the routes need, built by the binary from configuration.
#[derive(Debug, Clone)]
pub struct AppState {
    pub health: HealthService,
    pub auth: AuthService,
    pub users: UserService,
    pub media: MediaService,
    pub collections: CollectionService,
    pub articles: ArticleService,
    /// Old ids from an import (`folio import lynx`), for the compatibility routes.
    pub legacy: Option<folio_domain::legacy::LegacyIds>,
    /// Public content reads are served from here when set.
    pub cache: Option<std::sync::Arc<dyn folio_domain::cache::ResponseCache>>,
    pub session_cookie: SessionCookie,
    /// `AUTH_OPEN_REGISTRATION`: anyone may register (as an editor).
    pub open_registration: bool,
    /// Renders `/metrics`; `None` when metrics are switched off.
    pub metrics: Option<PrometheusHandle>,
    pub version: &'static str,
}
