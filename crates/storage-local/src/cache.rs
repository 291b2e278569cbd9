//! `ResponseCache` in process, on `moka`: bounded by the bytes it holds, entries expire
//! after a time to live, and a scope's entries are dropped at once by moving the scope to a
//! new generation (older entries are never read again and age out).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use folio_domain::cache::{CachedResponse, FillTicket, Lookup, ResponseCache};
use moka::sync::Cache;

#[derive(Debug)]
pub struct InProcessResponseCache {
    entries: Cache<String, CachedResponse>,
    generations: RwLock<Generations>,
}

/// Every generation is a value of one increasing counter, so "the later of the scope's
/// last invalidation and the last clear" is a `max`.
#[derive(Debug, Default)]
struct Generations {
    counter: u64,
    cleared: u64,
    scopes: HashMap<String, u64>,
}

impl Generations {
    fn current(&self, scope: &str) -> u64 {
        self.scopes.get(scope).copied().unwrap_or(0).max(self.cleared)
    }
}

fn entry_key(scope: &str, generation: u64, key: &str) -> String {
    format!("{scope}\u{1f}{generation}\u{1f}{key}")
}

impl InProcessResponseCache {
    /// Holds at most `max_bytes` of entries, each for at most `ttl`.
    pub fn new(max_bytes: u64, ttl: Duration) -> InProcessResponseCache {
        let entries = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &String, value: &CachedResponse| {
                u32::try_from(key.len() + value.body.len() + value.etag.len()).unwrap_or(u32::MAX)
            })
            .time_to_live(ttl)
            .build();
        InProcessResponseCache { entries, generations: RwLock::new(Generations::default()) }
    }

    fn generation(&self, scope: &str) -> u64 {
        self.generations.read().unwrap_or_else(PoisonError::into_inner).current(scope)
    }

    /// [`ResponseCache::lookup`] without the future.
    pub fn lookup_now(&self, scope: &str, key: &str) -> Lookup {
        let generation = self.generation(scope);
        match self.entries.get(&entry_key(scope, generation, key)) {
            Some(response) => Lookup::Hit(response),
            None => Lookup::Miss(Some(FillTicket { scope: scope.to_owned(), key: key.to_owned(), generation })),
        }
    }

    pub fn fill_now(&self, ticket: FillTicket, response: CachedResponse) {
        // Checked under the read lock, so an invalidation cannot slip in between.
        let generations = self.generations.read().unwrap_or_else(PoisonError::into_inner);
        if generations.current(&ticket.scope) == ticket.generation {
            self.entries.insert(entry_key(&ticket.scope, ticket.generation, &ticket.key), response);
        }
    }

    /// Moves `scope` to a new generation.
    pub fn invalidate_now(&self, scope: &str) {
        let mut generations = self.generations.write().unwrap_or_else(PoisonError::into_inner);
        generations.counter += 1;
        let next = generations.counter;
        generations.scopes.insert(scope.to_owned(), next);
    }

    /// Forgets every entry of every scope (tickets handed out before are void too).
    pub fn clear(&self) {
        let mut generations = self.generations.write().unwrap_or_else(PoisonError::into_inner);
        generations.counter += 1;
        generations.cleared = generations.counter;
        self.entries.invalidate_all();
    }
}

#[async_trait::async_trait]
impl ResponseCache for InProcessResponseCache {
    async fn lookup(&self, scope: &str, key: &str) -> Lookup {
        self.lookup_now(scope, key)
    }

    async fn fill(&self, ticket: FillTicket, response: CachedResponse) {
        self.fill_now(ticket, response);
    }

    async fn invalidate(&self, scope: &str) {
        self.invalidate_now(scope);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use folio_domain::cache::ResponseCache;

    use super::*;

    folio_domain::response_cache_tests!(async {
        (Arc::new(InProcessResponseCache::new(1 << 20, Duration::from_secs(60))) as Arc<dyn ResponseCache>, ())
    });

    #[test]
    fn a_clear_voids_every_ticket() {
        let cache = InProcessResponseCache::new(1 << 20, Duration::from_secs(60));
        let Lookup::Miss(Some(ticket)) = cache.lookup_now("never-invalidated", "/a") else { panic!("miss") };
        cache.clear();
        cache.fill_now(ticket, folio_domain::testing::cache::response("stale"));
        assert!(matches!(cache.lookup_now("never-invalidated", "/a"), Lookup::Miss(_)));
    }
}
