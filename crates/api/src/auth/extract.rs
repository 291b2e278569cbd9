//! `SignedIn`: the extractor every protected route takes. It reads the signed cookie,
//! loads the session and the user as stored now (so bans and role changes apply at once),
//! and answers 401 otherwise.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use folio_domain::auth::{Authenticated, ClientInfo};
use folio_domain::users::Role;

use crate::http::problem::Problem;
use crate::http::request_context::client_ip;
use crate::AppState;

#[derive(Debug, Clone)]
pub struct SignedIn(pub Authenticated);

impl SignedIn {
    /// 403 unless the user is an admin.
    pub fn require_admin(&self) -> Result<(), Problem> {
        if self.0.user.role == Role::Admin {
            Ok(())
        } else {
            Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "this needs the admin role"))
        }
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, Problem> {
    req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR))
}

/// The session behind the request's cookie, loaded once per request: the rate limiter may
/// have loaded it already (to count the request against the user), and then it is reused.
pub(crate) async fn authenticate(req: HttpRequest) -> Result<Option<Authenticated>, Problem> {
    if let Some(known) = req.extensions().get::<Authenticated>() {
        return Ok(Some(known.clone()));
    }
    let state = state(&req)?;
    let Some(id) = state.session_cookie.read(&req) else {
        return Ok(None);
    };
    let authenticated = state.auth.authenticate(&id).await?;
    if let Some(known) = &authenticated {
        req.extensions_mut().insert(known.clone());
    }
    Ok(authenticated)
}

impl FromRequest for SignedIn {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            authenticate(req)
                .await?
                .map(SignedIn)
                .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in to do this"))
        })
    }
}

/// Who is calling, for session records and per-client limits.
pub fn client_info(req: &HttpRequest) -> ClientInfo {
    ClientInfo {
        ip: client_ip(req).map(|ip| ip.to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
