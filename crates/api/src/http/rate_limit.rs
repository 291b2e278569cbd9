//! Request rate limits for the API: every tier (the Node template's `default` and `short`)
//! counts each request against the signed-in user, or the client's address for anonymous
//! requests (so people behind one NAT do not share an editor's quota, and an editor's
//! quota follows them across addresses); over any tier, 429 with `Retry-After`.
//! Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` for
//! the tier closest to its limit. Health and metrics sit outside the API scope: exempt.

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};
use folio_domain::limits::{Quota, RateDecision, RateLimiter};

use super::problem::Problem;
use super::request_context::client_ip;

/// The limiter and the tiers every API request passes.
#[derive(Debug, Clone)]
pub struct RateLimitTiers {
    pub limiter: Arc<dyn RateLimiter>,
    /// (name, quota), e.g. ("default", 60 per 60 s), ("short", 20 per 10 s).
    pub tiers: Vec<(&'static str, Quota)>,
    /// Uploads per client, counted on top of the tiers before an upload's body is read.
    pub upload: Quota,
}

impl RateLimitTiers {
    /// Counts one upload by the client of `req`; 429 problem details when over the quota.
    pub(crate) async fn check_upload(&self, req: &actix_web::HttpRequest) -> Result<(), Problem> {
        let client = identity(req).await;
        match self.limiter.hit(&format!("tier:upload:{client}"), self.upload).await {
            Ok(decision) if !decision.allowed => Err(too_many(&decision, "too many uploads; retry later")),
            Ok(_) => Ok(()),
            Err(error) => {
                tracing::warn!(error = %error, "rate limiter unavailable; upload allowed");
                Ok(())
            }
        }
    }
}

pub(crate) async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(config) = req.app_data::<web::Data<RateLimitTiers>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let client = identity(req.request()).await;
    let mut tightest: Option<RateDecision> = None;
    for (name, quota) in &config.tiers {
        let decision = match config.limiter.hit(&format!("tier:{name}:{client}"), *quota).await {
            Ok(decision) => decision,
            Err(error) => {
                // Limits protect the service; an unavailable counter must not take it down.
                tracing::warn!(tier = name, error = %error, "rate limiter unavailable; request allowed");
                continue;
            }
        };
        if !decision.allowed {
            let mut response = too_many(&decision, "too many requests; retry later").error_response();
            set_headers(response.headers_mut(), &decision);
            return Ok(req.into_response(response));
        }
        if tightest.is_none_or(|t| decision.remaining < t.remaining) {
            tightest = Some(decision);
        }
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    if let Some(decision) = tightest {
        set_headers(response.headers_mut(), &decision);
    }
    Ok(response)
}

/// `user:{id}` for a request with a valid session, `ip:{address}` otherwise. Only a
/// correctly signed cookie costs a session lookup, and the extractor reuses its result.
async fn identity(req: &actix_web::HttpRequest) -> String {
    let signed = req.app_data::<web::Data<crate::AppState>>().is_some_and(|s| s.session_cookie.read(req).is_some());
    if signed {
        if let Ok(Some(known)) = crate::auth::extract::authenticate(req.clone()).await {
            return format!("user:{}", known.user.id);
        }
    }
    format!("ip:{}", client_ip(req).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()))
}

/// 429 problem details telling the client when to try again.
fn too_many(decision: &RateDecision, detail: &str) -> Problem {
    let mut problem = Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail);
    problem.retry_after_secs = Some(secs(decision.retry_after.unwrap_or(decision.reset_after)));
    problem
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, decision: &RateDecision) {
    for (name, value) in [
        ("ratelimit-limit", decision.limit.into()),
        ("ratelimit-remaining", decision.remaining.into()),
        ("ratelimit-reset", secs(decision.reset_after)),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

fn secs(duration: std::time::Duration) -> u64 {
    duration.as_secs_f64().ceil() as u64
}
