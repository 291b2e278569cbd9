use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use folio_domain::sessions::{Session, SessionId, SessionStore};
use folio_domain::users::UserId;
use folio_domain::DomainError;

/// Sessions in a map in this process: lost on restart, not shared between instances.
#[derive(Debug, Default)]
pub struct InProcessSessionStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    sessions: HashMap<String, Entry>,
    by_user: HashMap<UserId, HashSet<String>>,
    writes_since_sweep: usize,
}

#[derive(Debug)]
struct Entry {
    session: Session,
    expires_at: Instant,
}

/// Expired entries are dropped lazily on read, and swept every this many writes so that
/// sessions nobody reads again do not pile up.
const SWEEP_EVERY: usize = 1024;

impl InProcessSessionStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>, DomainError> {
        self.inner.lock().map_err(|_| DomainError::Internal("session store lock poisoned".into()))
    }
}

impl Inner {
    fn remove(&mut self, id: &str) -> Option<Entry> {
        let entry = self.sessions.remove(id)?;
        if let Some(ids) = self.by_user.get_mut(&entry.session.user_id) {
            ids.remove(id);
            if ids.is_empty() {
                self.by_user.remove(&entry.session.user_id);
            }
        }
        Some(entry)
    }

    fn sweep_if_due(&mut self, now: Instant) {
        self.writes_since_sweep += 1;
        if self.writes_since_sweep < SWEEP_EVERY {
            return;
        }
        self.writes_since_sweep = 0;
        let expired: Vec<String> =
            self.sessions.iter().filter(|(_, e)| e.expires_at <= now).map(|(id, _)| id.clone()).collect();
        for id in expired {
            self.remove(&id);
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for InProcessSessionStore {
    async fn create(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError> {
        let now = Instant::now();
        let mut inner = self.lock()?;
        inner.sweep_if_due(now);
        inner.sessions.insert(id.as_str().to_owned(), Entry { session: session.clone(), expires_at: now + ttl });
        inner.by_user.entry(session.user_id).or_default().insert(id.as_str().to_owned());
        Ok(())
    }

    async fn get(&self, id: &SessionId) -> Result<Option<Session>, DomainError> {
        let mut inner = self.lock()?;
        let expired = match inner.sessions.get(id.as_str()) {
            None => return Ok(None),
            Some(entry) if entry.expires_at > Instant::now() => return Ok(Some(entry.session.clone())),
            Some(_) => true,
        };
        if expired {
            inner.remove(id.as_str());
        }
        Ok(None)
    }

    async fn touch(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError> {
        let now = Instant::now();
        let mut inner = self.lock()?;
        if let Some(entry) = inner.sessions.get_mut(id.as_str()) {
            if entry.expires_at > now {
                entry.session = session.clone();
                entry.expires_at = now + ttl;
            }
        }
        Ok(())
    }

    async fn delete(&self, id: &SessionId) -> Result<(), DomainError> {
        self.lock()?.remove(id.as_str());
        Ok(())
    }

    async fn delete_for_user(&self, user: UserId, keep: Option<&SessionId>) -> Result<u64, DomainError> {
        let mut inner = self.lock()?;
        let ids: Vec<String> = inner
            .by_user
            .get(&user)
            .map(|ids| ids.iter().filter(|id| keep.is_none_or(|k| k.as_str() != id.as_str())).cloned().collect())
            .unwrap_or_default();
        let now = Instant::now();
        let mut ended = 0;
        for id in ids {
            if inner.remove(&id).is_some_and(|e| e.expires_at > now) {
                ended += 1;
            }
        }
        Ok(ended)
    }
}

#[cfg(test)]
mod conformance {
    use std::sync::Arc;

    use folio_domain::sessions::SessionStore;

    use super::InProcessSessionStore;

    folio_domain::session_store_tests!(async { (Arc::new(InProcessSessionStore::new()) as Arc<dyn SessionStore>, ()) });
}
