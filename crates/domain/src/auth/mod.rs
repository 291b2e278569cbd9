//! Sign-in, sessions and password changes.

use std::sync::Arc;

use crate::clock;

use crate::limits::{Quota, RateLimiter};
use crate::passwords::PasswordWorker;
use crate::sessions::{Session, SessionId, SessionPolicy, SessionStore};
use crate::users::{Email, NewPassword, User, UserRepository, UserStatus};
use crate::DomainError;

/// Failed-login limits, per account and per client.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub per_account: Quota,
    pub per_client: Quota,
}

/// Who is signing in, as the HTTP layer sees them.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The client's address (already resolved through trusted proxies).
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuthService {
    users: Arc<dyn UserRepository>,
    sessions: Arc<dyn SessionStore>,
    passwords: PasswordWorker,
    limiter: Arc<dyn RateLimiter>,
    policy: SessionPolicy,
    limits: LoginLimits,
}

/// A signed-in request: the user as stored now, and its session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub session_id: SessionId,
    pub session: Session,
}

impl AuthService {
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionStore>,
        passwords: PasswordWorker,
        limiter: Arc<dyn RateLimiter>,
        policy: SessionPolicy,
        limits: LoginLimits,
    ) -> AuthService {
        AuthService { users, sessions, passwords, limiter, policy, limits }
    }

    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }

    /// Checks the credentials and opens a new session. The id is always fresh (a session the
    /// client held before, `previous`, is ended: no fixation). An unknown email costs the same
    /// argon2 work as a known one, and both answer `InvalidCredentials`.
    #[tracing::instrument(skip_all, fields(client_ip = client.ip.as_deref()))]
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: ClientInfo,
        previous: Option<&SessionId>,
    ) -> Result<(User, SessionId), DomainError> {
        let email_key = format!("login:account:{}", email.trim().to_lowercase());
        let client_key = format!("login:client:{}", client.ip.as_deref().unwrap_or("unknown"));
        for (key, quota) in [(&email_key, self.limits.per_account), (&client_key, self.limits.per_client)] {
            let decision = self.limiter.peek(key, quota).await?;
            if !decision.allowed {
                tracing::warn!(key = key.as_str(), "login blocked by the failed-login limit");
                return Err(DomainError::RateLimited { retry_after: decision.retry_after.unwrap_or(quota.window) });
            }
        }

        let user = match Email::parse(email) {
            Ok(email) => self.users.find_by_email(&email).await?,
            Err(_) => None,
        };
        let verified = match &user {
            Some(user) => self.passwords.verify(password.to_owned(), user.password_hash.clone()).await?,
            None => {
                self.passwords.verify_dummy(password.to_owned()).await?;
                false
            }
        };
        let Some(mut user) = user.filter(|_| verified) else {
            self.limiter.hit(&email_key, self.limits.per_account).await?;
            self.limiter.hit(&client_key, self.limits.per_client).await?;
            return Err(DomainError::InvalidCredentials);
        };
        // Status is only revealed to someone who knows the password.
        match user.status {
            UserStatus::Active => {}
            UserStatus::Banned => return Err(DomainError::AccountDisabled { status: "banned" }),
            UserStatus::Unverified => return Err(DomainError::AccountDisabled { status: "unverified" }),
        }
        self.limiter.reset(&email_key).await?;

        let now = clock::now();
        if self.passwords.needs_rehash(&user.password_hash) {
            // The hash was made with weaker parameters (e.g. by node-argon2): upgrade it now
            // that the plain password is at hand.
            user.password_hash = self.passwords.hash(password.to_owned()).await?;
            tracing::info!(user_id = %user.id, "password hash upgraded to the configured parameters");
        }
        user.last_login_at = Some(now);
        user.updated_at = now;
        self.users.update(&user).await?;

        if let Some(previous) = previous {
            self.sessions.delete(previous).await?;
        }
        let session_id = SessionId::generate();
        let session = Session {
            user_id: user.id,
            role: user.role,
            created_at: now,
            last_seen_at: now,
            absolute_expires_at: now
                + chrono::Duration::from_std(self.policy.absolute_ttl).unwrap_or(chrono::Duration::days(30)),
            user_agent: client.user_agent.map(|ua| ua.chars().take(512).collect()),
            ip: client.ip,
        };
        self.sessions.create(&session_id, &session, self.policy.ttl_at(&session, now)).await?;
        tracing::info!(user_id = %user.id, "signed in");
        Ok((user, session_id))
    }

    /// The signed-in user behind a session id, or `None`. Rolls the idle TTL forward; ends the
    /// session when it is past its absolute lifetime or its user may no longer sign in.
    pub async fn authenticate(&self, id: &SessionId) -> Result<Option<Authenticated>, DomainError> {
        let Some(mut session) = self.sessions.get(id).await? else {
            return Ok(None);
        };
        let now = clock::now();
        if now >= session.absolute_expires_at {
            self.sessions.delete(id).await?;
            return Ok(None);
        }
        let user = match self.users.find_by_id(session.user_id).await? {
            Some(user) if user.status == UserStatus::Active => user,
            _ => {
                self.sessions.delete(id).await?;
                return Ok(None);
            }
        };
        let since_seen = (now - session.last_seen_at).to_std().unwrap_or_default();
        if since_seen >= self.policy.touch_interval {
            session.last_seen_at = now;
            self.sessions.touch(id, &session, self.policy.ttl_at(&session, now)).await?;
        }
        Ok(Some(Authenticated { user, session_id: id.clone(), session }))
    }

    pub async fn logout(&self, id: &SessionId) -> Result<(), DomainError> {
        self.sessions.delete(id).await
    }

    /// Changes the signed-in user's password and ends every other session of theirs.
    pub async fn change_password(
        &self,
        auth: &Authenticated,
        current: &str,
        new: NewPassword,
    ) -> Result<(), DomainError> {
        let mut user = auth.user.clone();
        let ok = self.passwords.verify(current.to_owned(), user.password_hash.clone()).await?;
        if !ok {
            return Err(DomainError::invalid("current_password", "incorrect", "the current password is not correct"));
        }
        user.password_hash = self.passwords.hash(new.expose().to_owned()).await?;
        user.updated_at = clock::now();
        self.users.update(&user).await?;
        let ended = self.sessions.delete_for_user(user.id, Some(&auth.session_id)).await?;
        tracing::info!(user_id = %user.id, ended_sessions = ended, "password changed");
        Ok(())
    }
}
