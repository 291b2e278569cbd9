//! Server-side sessions: an unguessable id in a signed cookie, the session itself in a
//! [`SessionStore`] with a rolling idle TTL and an absolute lifetime.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::users::{Role, UserId};
use crate::DomainError;

/// 256 random bits, base64url: what the cookie carries. `Debug` shows only a prefix.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// Bytes of randomness in a session id.
    pub const BYTES: usize = 32;

    pub fn generate() -> SessionId {
        SessionId(folio_crypto::random_token(Self::BYTES))
    }

    /// Accepts only what [`SessionId::generate`] can produce, so garbage never reaches a store.
    pub fn parse(raw: &str) -> Option<SessionId> {
        let ok = raw.len() == 43 && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| SessionId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({}…)", &self.0[..6.min(self.0.len())])
    }
}

/// What the store keeps for a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    /// The role at sign-in; authorization reads the user's current role on every request.
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// No request may use the session after this, however active it is.
    pub absolute_expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused this long expires (rolling).
    pub idle_ttl: Duration,
    /// A session expires this long after sign-in, however active.
    pub absolute_ttl: Duration,
    /// The idle TTL is extended at most this often, so that busy clients do not write to
    /// the store on every request.
    pub touch_interval: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_ttl: Duration::from_secs(7 * 24 * 3600),
            absolute_ttl: Duration::from_secs(30 * 24 * 3600),
            touch_interval: Duration::from_secs(60),
        }
    }
}

impl SessionPolicy {
    /// The store TTL for a session seen `now`: the idle TTL, cut at the absolute expiry.
    pub fn ttl_at(&self, session: &Session, now: DateTime<Utc>) -> Duration {
        let remaining = (session.absolute_expires_at - now).to_std().unwrap_or(Duration::ZERO);
        self.idle_ttl.min(remaining)
    }
}

/// Where sessions live. Entries expire by themselves after their TTL.
#[async_trait::async_trait]
pub trait SessionStore: Send + Sync + fmt::Debug {
    /// Stores a new session for `ttl`.
    async fn create(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError>;
    /// The session, unless it is unknown or expired.
    async fn get(&self, id: &SessionId) -> Result<Option<Session>, DomainError>;
    /// Saves `session` (a new `last_seen_at`) and restarts its TTL; a no-op when it has gone.
    async fn touch(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError>;
    async fn delete(&self, id: &SessionId) -> Result<(), DomainError>;
    /// Ends every session of `user`, except `keep`; returns how many ended.
    async fn delete_for_user(&self, user: UserId, keep: Option<&SessionId>) -> Result<u64, DomainError>;
}
