//! Sessions in Redis, shared by every instance: `{prefix}session:{id}` holds the session as
//! JSON and expires with it; `{prefix}user-sessions:{user}` holds the ids of a user's
//! sessions, so that "sign out everywhere" need not scan the keyspace.

use std::sync::LazyLock;
use std::time::Duration;

use deadpool_redis::redis::{self, AsyncCommands, Script};
use folio_domain::sessions::{Session, SessionId, SessionStore};
use folio_domain::users::UserId;
use folio_domain::DomainError;
use serde::Deserialize;

use crate::error::from_redis;
use crate::RedisPool;

/// Writes a session and records it in its user's set, in one step so that the set never
/// misses a live session. The set lives at least as long as its longest session. Creating
/// prunes ids whose session has expired, so a user's set stays as small as their live
/// sessions; updating (`XX`) never brings back a session that has expired or was deleted.
static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS[1] the session, KEYS[2] its user's set of session ids.
-- ARGV[1] the session as JSON, ARGV[2] TTL in ms, ARGV[3] the session id,
-- ARGV[4] 'XX' to update a session only if it still exists, ARGV[5] the prefix of session keys.
local set = {'SET', KEYS[1], ARGV[1], 'PX', ARGV[2]}
local update = ARGV[4] == 'XX'
if update then set[6] = 'XX' end
if not redis.call(unpack(set)) then return 0 end
redis.call('SADD', KEYS[2], ARGV[3])
if not update then
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if redis.call('EXISTS', ARGV[5] .. id) == 0 then redis.call('SREM', KEYS[2], id) end
  end
end
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
",
    )
});

/// Ends a user's sessions but one, atomically, so a session created meanwhile is either
/// ended or survives whole. Returns how many sessions existed and ended.
static END_FOR_USER: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS[1] the user's set of session ids. ARGV[1] the prefix of session keys, ARGV[2] the id to keep or ''.
local ended = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if id == ARGV[2] then
    if redis.call('EXISTS', ARGV[1] .. id) == 0 then redis.call('SREM', KEYS[1], id) end
  else
    ended = ended + redis.call('DEL', ARGV[1] .. id)
    redis.call('SREM', KEYS[1], id)
  end
end
return ended
",
    )
});

/// The [`SessionStore`] for deployments of more than one instance.
#[derive(Debug, Clone)]
pub struct RedisSessionStore {
    pool: RedisPool,
}

/// The one field of a stored session that `delete` needs.
#[derive(Deserialize)]
struct Owner {
    user_id: UserId,
}

impl RedisSessionStore {
    pub fn new(pool: RedisPool) -> Self {
        Self { pool }
    }

    fn session_key(&self, id: &str) -> String {
        self.pool.key("session", id)
    }

    fn user_key(&self, user: UserId) -> String {
        self.pool.key("user-sessions", &user.to_string())
    }

    async fn save(&self, id: &SessionId, session: &Session, ttl_ms: u64, mode: &str) -> Result<(), DomainError> {
        let json = serde_json::to_string(session)
            .map_err(|e| DomainError::Internal(format!("session does not serialize: {e}")))?;
        let mut conn = self.pool.conn().await?;
        let _saved: i64 = SAVE
            .key(self.session_key(id.as_str()))
            .key(self.user_key(session.user_id))
            .arg(json)
            .arg(ttl_ms)
            .arg(id.as_str())
            .arg(mode)
            .arg(self.session_key(""))
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)?;
        Ok(())
    }
}

/// Redis counts expiries in whole milliseconds and refuses zero; a TTL that rounds to zero
/// has already run out.
fn ttl_millis(ttl: Duration) -> Option<u64> {
    let ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
    (ms > 0).then_some(ms)
}

#[async_trait::async_trait]
impl SessionStore for RedisSessionStore {
    async fn create(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError> {
        match ttl_millis(ttl) {
            Some(ms) => self.save(id, session, ms, "").await,
            None => Ok(()),
        }
    }

    async fn get(&self, id: &SessionId) -> Result<Option<Session>, DomainError> {
        let mut conn = self.pool.conn().await?;
        let json: Option<String> = conn.get(self.session_key(id.as_str())).await.map_err(from_redis)?;
        json.map(|json| {
            serde_json::from_str(&json)
                .map_err(|e| DomainError::Internal(format!("stored session does not decode: {e}")))
        })
        .transpose()
    }

    async fn touch(&self, id: &SessionId, session: &Session, ttl: Duration) -> Result<(), DomainError> {
        match ttl_millis(ttl) {
            Some(ms) => self.save(id, session, ms, "XX").await,
            None => self.delete(id).await,
        }
    }

    async fn delete(&self, id: &SessionId) -> Result<(), DomainError> {
        let key = self.session_key(id.as_str());
        let mut conn = self.pool.conn().await?;
        let json: Option<String> = conn.get(&key).await.map_err(from_redis)?;
        let Some(json) = json else {
            return Ok(());
        };
        let mut pipe = redis::pipe();
        pipe.atomic().del(&key).ignore();
        // A session that does not decode is still deleted; its stale id leaves the user's set
        // on their next sign-in.
        if let Ok(owner) = serde_json::from_str::<Owner>(&json) {
            pipe.srem(self.user_key(owner.user_id), id.as_str()).ignore();
        }
        pipe.query_async::<()>(&mut conn).await.map_err(from_redis)
    }

    async fn delete_for_user(&self, user: UserId, keep: Option<&SessionId>) -> Result<u64, DomainError> {
        let mut conn = self.pool.conn().await?;
        END_FOR_USER
            .key(self.user_key(user))
            .arg(self.session_key(""))
            .arg(keep.map_or("", SessionId::as_str))
            .invoke_async(&mut conn)
            .await
            .map_err(from_redis)
    }
}
