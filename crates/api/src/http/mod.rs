//! HTTP plumbing shared by every route.

pub(crate) mod caching;
pub(crate) mod json;
pub(crate) mod problem;
pub(crate) mod query;
pub(crate) mod rate_limit;
pub(crate) mod request_context;
pub(crate) mod response_cache;
