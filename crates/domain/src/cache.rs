//! A cache of public responses. Entries live in scopes (`content`); invalidating a scope
//! drops all of its entries at once, on every instance that shares the cache. A cache is an
//! optimisation, never a source of truth: its failures are misses, not errors.
//!
//! A miss hands out a [`FillTicket`] naming the scope's generation at the time of the miss,
//! and only that ticket can fill the entry. So a response computed from data read before a
//! write can never be stored after the invalidation that write caused: the ticket is stale
//! and the fill is ignored.

use bytes::Bytes;

/// A stored response body with what a client needs to revalidate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResponse {
    pub body: Bytes,
    /// The quoted strong validator sent as `ETag`.
    pub etag: String,
    pub content_type: String,
    pub cache_control: String,
}

/// Permission to fill one entry, valid until its scope is next invalidated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillTicket {
    pub scope: String,
    pub key: String,
    pub generation: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Hit(CachedResponse),
    /// Not cached; fill it with the ticket, if there is one (none: the cache cannot take
    /// entries right now, e.g. it cannot hear invalidations).
    Miss(Option<FillTicket>),
}

#[async_trait::async_trait]
pub trait ResponseCache: Send + Sync + std::fmt::Debug {
    async fn lookup(&self, scope: &str, key: &str) -> Lookup;
    /// Stores an entry if the ticket's generation is still current. Implementations may
    /// drop it anyway (full, or too large).
    async fn fill(&self, ticket: FillTicket, response: CachedResponse);
    /// Drops every entry of `scope`, here and on every instance sharing the cache.
    async fn invalidate(&self, scope: &str);
}
