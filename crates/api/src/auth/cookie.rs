//! The session cookie: the session id, signed (HMAC) with a key derived from
//! `COOKIE_SECRET`, HttpOnly, SameSite=Lax, Path=/, Secure in production.

use std::fmt;
use std::time::Duration;

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::HttpRequest;
use folio_domain::sessions::SessionId;

#[derive(Clone)]
pub struct SessionCookie {
    pub name: String,
    key: Key,
    pub secure: bool,
    /// The browser may drop the cookie after this; the server enforces its own TTLs.
    pub max_age: Duration,
}

impl fmt::Debug for SessionCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCookie")
            .field("name", &self.name)
            .field("secure", &self.secure)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl SessionCookie {
    /// `secret` must hold at least 32 bytes (configuration checks it).
    pub fn new(name: impl Into<String>, secret: &[u8], secure: bool, max_age: Duration) -> SessionCookie {
        SessionCookie { name: name.into(), key: Key::derive_from(secret), secure, max_age }
    }

    /// The session id of a correctly signed cookie; `None` for a missing, forged or
    /// malformed one.
    pub fn read(&self, req: &HttpRequest) -> Option<SessionId> {
        let cookie = req.cookie(&self.name)?;
        let mut jar = CookieJar::new();
        jar.add_original(cookie.into_owned());
        let verified = jar.signed(&self.key).get(&self.name)?;
        SessionId::parse(verified.value())
    }

    /// A `Set-Cookie` carrying `id`.
    pub fn issue(&self, id: &SessionId) -> Cookie<'static> {
        let mut jar = CookieJar::new();
        jar.signed_mut(&self.key).add(self.base(id.as_str().to_owned()));
        jar.get(&self.name).cloned().unwrap_or_else(|| self.base(String::new()))
    }

    /// A `Set-Cookie` that removes the cookie.
    pub fn clear(&self) -> Cookie<'static> {
        let mut cookie = self.base(String::new());
        cookie.make_removal();
        cookie
    }

    fn base(&self, value: String) -> Cookie<'static> {
        Cookie::build(self.name.clone(), value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .max_age(actix_web::cookie::time::Duration::seconds(
                i64::try_from(self.max_age.as_secs()).unwrap_or(i64::MAX),
            ))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn cookie() -> SessionCookie {
        SessionCookie::new("folio_session", &[7u8; 64], true, Duration::from_secs(60))
    }

    #[test]
    fn an_issued_cookie_reads_back_and_carries_its_flags() {
        let c = cookie();
        let id = SessionId::generate();
        let issued = c.issue(&id);
        assert!(issued.http_only().unwrap_or(false));
        assert_eq!(issued.same_site(), Some(SameSite::Lax));
        assert_eq!(issued.secure(), Some(true));
        assert_eq!(issued.path(), Some("/"));
        assert_ne!(issued.value(), id.as_str(), "the value is signed, not the bare id");
        let req = TestRequest::default().cookie(issued).to_http_request();
        assert_eq!(c.read(&req), Some(id));
    }

    #[test]
    fn a_forged_or_unsigned_cookie_is_ignored() {
        let c = cookie();
        let id = SessionId::generate();
        let bare = Cookie::new("folio_session", id.as_str().to_owned());
        assert_eq!(c.read(&TestRequest::default().cookie(bare).to_http_request()), None);
        let other_key = SessionCookie::new("folio_session", &[9u8; 64], true, Duration::from_secs(60));
        let foreign = other_key.issue(&id);
        assert_eq!(c.read(&TestRequest::default().cookie(foreign).to_http_request()), None);
    }
}
