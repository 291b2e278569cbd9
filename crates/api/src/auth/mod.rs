//! Signing in and out, the session cookie, and the extractors protected routes use.

pub(crate) mod cookie;
pub(crate) mod csrf;
pub(crate) mod extract;
pub(crate) mod routes;
