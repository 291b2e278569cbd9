//! The Lynx clients' credentials: the token `POST /api/main/login` handed out, sent back in
//! a bare `Authorization` header (no `Bearer`, sometimes wrapped in quotes). The token is a
//! Folio session id, so it expires, rolls and is revoked like a cookie session; it is never
//! a JWT. The old API's answers are kept: no header 403, an unknown or expired token 401,
//! a user without a writing role 403.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use folio_domain::auth::Authenticated;
use folio_domain::sessions::SessionId;
use folio_domain::users::Role;

use super::envelope::LynxError;
use crate::AppState;

/// A signed-in editor or admin: what every Lynx write takes.
#[derive(Debug, Clone)]
pub(crate) struct Editor(pub Authenticated);

/// The session id in the request's `Authorization` header, as the old clients send it:
/// `None` when there is no header; `Some(None)` when it holds no well-formed token.
fn token(req: &HttpRequest) -> Option<Option<SessionId>> {
    let raw = req.headers().get(header::AUTHORIZATION)?;
    let text = raw.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("Bearer ").unwrap_or(text);
    Some(SessionId::parse(text.trim_matches(|c| c == '"' || c == '\'').trim()))
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, LynxError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| LynxError::new(StatusCode::INTERNAL_SERVER_ERROR, "the server is not configured"))
}

/// The session behind the token, if it is valid now.
async fn session(req: &HttpRequest, id: &SessionId) -> Result<Option<Authenticated>, LynxError> {
    if let Some(known) = req.extensions().get::<Authenticated>() {
        return Ok(Some(known.clone()));
    }
    let authenticated = state(req)?.auth.authenticate(id).await?;
    if let Some(known) = &authenticated {
        req.extensions_mut().insert(known.clone());
    }
    Ok(authenticated)
}

fn may_write(user: &Authenticated) -> bool {
    matches!(user.user.role, Role::Admin | Role::Editor)
}

/// The editor behind a read's token, when it carries a valid one: they see hidden content.
/// A missing or bad token on a read is no error (the old API ignored it): the public view.
pub(crate) async fn viewer(req: &HttpRequest) -> Result<Option<Authenticated>, LynxError> {
    let Some(Some(id)) = token(req) else { return Ok(None) };
    Ok(session(req, &id).await?.filter(may_write))
}

impl FromRequest for Editor {
    type Error = LynxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, LynxError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let id = match token(&req) {
                None => return Err(LynxError::new(StatusCode::FORBIDDEN, "the request has no Authorization header")),
                Some(None) => return Err(unauthorized()),
                Some(Some(id)) => id,
            };
            let user = session(&req, &id).await?.ok_or_else(unauthorized)?;
            if !may_write(&user) {
                return Err(LynxError::new(StatusCode::FORBIDDEN, "you may not change this site"));
            }
            Ok(Editor(user))
        })
    }
}

fn unauthorized() -> LynxError {
    LynxError::new(StatusCode::UNAUTHORIZED, "the token is not valid or has expired; sign in again")
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn tokens_come_bare_quoted_or_as_bearer() {
        let id = SessionId::generate();
        for value in [id.as_str().to_owned(), format!("\"{}\"", id.as_str()), format!("Bearer {}", id.as_str())] {
            let req = TestRequest::default().insert_header((header::AUTHORIZATION, value)).to_http_request();
            assert_eq!(token(&req), Some(Some(id.clone())));
        }
        let garbage = TestRequest::default().insert_header((header::AUTHORIZATION, "eyJhbGciOi.x.y")).to_http_request();
        assert_eq!(token(&garbage), Some(None));
        assert_eq!(token(&TestRequest::default().to_http_request()), None);
    }
}
