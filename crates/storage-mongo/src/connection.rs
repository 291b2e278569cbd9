//! Configuration, connecting with retries, and the handle every Mongo adapter shares.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use mongodb::bson::doc;
use mongodb::error::ErrorKind;
use mongodb::options::ClientOptions;
use mongodb::{Client, ClientSession, Database};
use secrecy::{ExposeSecret, SecretString};

use crate::errors::{self, describe};
use crate::transactions::{self, Transactions};
use crate::uri::{apply_auth_source, mask_uri};

/// Where MongoDB is and how Folio connects to it. The binary fills it from the old Node
/// service's variables (`MONGO_URI`, `MONGO_AUTH_SOURCE`, `MONGO_MAX_RETRIES`,
/// `MONGO_RETRY_DELAY_MS`); this crate reads no environment.
#[derive(Clone)]
pub struct MongoConfig {
    /// `mongodb://` or `mongodb+srv://`; it holds the password, so it is only ever shown
    /// through [`mask_uri`](crate::mask_uri).
    pub uri: SecretString,
    /// `MONGO_AUTH_SOURCE`: the authentication database added to a URI with credentials and
    /// a database but no `authSource` (see [`apply_auth_source`](crate::apply_auth_source)).
    pub auth_source: String,
    /// `MONGO_MAX_RETRIES`: how many times connecting is tried before giving up (at least once).
    pub max_retries: u32,
    /// `MONGO_RETRY_DELAY_MS`: the wait after the first failed attempt; it doubles after each
    /// further one, up to [`MAX_RETRY_DELAY`].
    pub retry_delay: Duration,
    /// Most connections the driver holds open to each server.
    pub pool_size: u32,
    /// How long an operation waits for a usable server before failing with `Unavailable`;
    /// also bounds each connection attempt and each health check.
    pub server_selection_timeout: Duration,
    /// How long opening one socket (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// The database used when the URI names none.
    pub default_database: String,
    /// Whether to use multi-document transactions; detected from the server by default.
    pub transactions: Transactions,
}

/// `MONGO_AUTH_SOURCE`'s default, as in the Node service.
pub const DEFAULT_AUTH_SOURCE: &str = "admin";
/// `MONGO_MAX_RETRIES`'s default.
pub const DEFAULT_MAX_RETRIES: u32 = 10;
/// `MONGO_RETRY_DELAY_MS`'s default.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_millis(3000);
/// The longest wait between two connection attempts, however many have failed.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

impl MongoConfig {
    /// The defaults for everything but the URI.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uri: SecretString::from(uri.into()),
            auth_source: DEFAULT_AUTH_SOURCE.to_owned(),
            max_retries: DEFAULT_MAX_RETRIES,
            retry_delay: DEFAULT_RETRY_DELAY,
            pool_size: 10,
            server_selection_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            default_database: "folio".to_owned(),
            transactions: Transactions::Detect,
        }
    }
}

impl fmt::Debug for MongoConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MongoConfig")
            .field("uri", &mask_uri(self.uri.expose_secret()))
            .field("auth_source", &self.auth_source)
            .field("max_retries", &self.max_retries)
            .field("retry_delay", &self.retry_delay)
            .field("pool_size", &self.pool_size)
            .field("server_selection_timeout", &self.server_selection_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("default_database", &self.default_database)
            .field("transactions", &self.transactions)
            .finish()
    }
}

/// What can stop Folio from using MongoDB at start. Every message is one line and shows the
/// URI masked.
#[derive(Debug, thiserror::Error)]
pub enum MongoError {
    #[error("MONGO_URI {uri} is invalid: {reason}")]
    InvalidUri { uri: String, reason: String },
    /// Not retried: wrong credentials stay wrong.
    #[error("MongoDB at {uri} refused the credentials: {reason}")]
    Authentication { uri: String, reason: String },
    #[error("MongoDB at {uri} did not answer after {attempts} attempts: {last_error}")]
    Unreachable { uri: String, attempts: u32, last_error: String },
    #[error("MongoDB {operation} failed: {message}")]
    Operation { operation: &'static str, message: String },
    #[error("the MongoDB database {database} has no Folio schema version: run the migration first")]
    SchemaMissing { database: String },
    #[error("the MongoDB database {database} has schema version {found}, but this build expects {expected}")]
    SchemaMismatch { database: String, found: i64, expected: i64 },
}

impl MongoError {
    pub(crate) fn operation(operation: &'static str, error: &mongodb::error::Error) -> Self {
        MongoError::Operation { operation, message: describe(error) }
    }
}

/// A connected client, the database Folio uses, and whether multi-document transactions
/// may be used there. Cheap to clone: clones share the driver's connection pool.
#[derive(Debug, Clone)]
pub struct MongoStore {
    client: Client,
    db: Database,
    transactions: bool,
}

impl MongoStore {
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    /// Whether adapters may wrap several writes in one transaction.
    pub fn transactions(&self) -> bool {
        self.transactions
    }

    /// The same store with transactions switched on or off, e.g. to test the path an
    /// adapter takes on a standalone server.
    pub fn with_transactions(mut self, enabled: bool) -> Self {
        self.transactions = enabled;
        self
    }

    /// A session with a transaction started, or `None` where transactions are off: then
    /// the caller writes without one (and must cope with partial writes).
    pub async fn begin(&self) -> Result<Option<ClientSession>, folio_domain::DomainError> {
        if !self.transactions {
            return Ok(None);
        }
        let to_domain = |e| errors::map_err(e, "transaction", "id");
        let mut session = self.client.start_session().await.map_err(to_domain)?;
        session.start_transaction().await.map_err(to_domain)?;
        Ok(Some(session))
    }
}

/// Connects as [`connect`] does, waiting between attempts with `sleep`, so tests need not
/// wait for real.
async fn connect_with_sleep<S, F>(config: &MongoConfig, sleep: S) -> Result<MongoStore, MongoError>
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let (uri, appended) = apply_auth_source(config.uri.expose_secret(), &config.auth_source);
    let masked = mask_uri(&uri);
    if appended {
        tracing::info!(uri = %masked, auth_source = %config.auth_source, "MONGO_URI names no authSource: using MONGO_AUTH_SOURCE");
    }
    let policy = RetryPolicy { attempts: config.max_retries.max(1), delay: config.retry_delay };
    let (client, db) = with_retries(policy, &masked, || attempt(config, &uri, &masked), sleep).await?;
    let transactions = match config.transactions {
        Transactions::Enabled => true,
        Transactions::Disabled => false,
        Transactions::Detect => transactions::detect(&db).await.map_err(|e| MongoError::operation("hello", &e))?,
    };
    tracing::info!(uri = %masked, database = db.name(), transactions, "connected to MongoDB");
    Ok(MongoStore { client, db, transactions })
}

/// Builds a client on `config.uri` (with [`apply_auth_source`](crate::apply_auth_source)
/// applied) and proves it works with a `ping` on the database, trying up to
/// `config.max_retries` times: the database may still be starting when Folio does (a
/// container started alongside it). Each failed attempt is logged with the URI masked; the
/// waits double from `config.retry_delay` up to [`MAX_RETRY_DELAY`], with up to a quarter
/// added at random. A URI that cannot be parsed, or credentials the server refuses, fail at
/// once.
///
/// The database is the URI's, else `config.default_database`.
pub async fn connect(config: &MongoConfig) -> Result<MongoStore, MongoError> {
    connect_with_sleep(config, tokio::time::sleep).await
}

/// Why one connection attempt failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth trying again (the message is one line, without secrets).
    Retry(String),
    /// Will fail the same way every time.
    Fatal(MongoError),
}

async fn attempt(config: &MongoConfig, uri: &str, masked: &str) -> Result<(Client, Database), Failure> {
    let hide = |e: &mongodb::error::Error| hide_password(&describe(e), uri);
    let mut options = match ClientOptions::parse(uri).await {
        Ok(options) => options,
        // An SRV or TXT lookup that failed may succeed later; anything else is the URI's fault.
        Err(e) if matches!(e.kind.as_ref(), ErrorKind::DnsResolve { .. }) => return Err(Failure::Retry(hide(&e))),
        Err(e) => return Err(Failure::Fatal(MongoError::InvalidUri { uri: masked.to_owned(), reason: hide(&e) })),
    };
    // Options written in the URI win over the configured defaults: they are more specific.
    options.app_name.get_or_insert_with(|| "folio".to_owned());
    options.max_pool_size.get_or_insert(config.pool_size.max(1));
    options.server_selection_timeout.get_or_insert(config.server_selection_timeout);
    options.connect_timeout.get_or_insert(config.connect_timeout);
    let name = options.default_database.clone().unwrap_or_else(|| config.default_database.clone());
    let client = Client::with_options(options)
        .map_err(|e| Failure::Fatal(MongoError::InvalidUri { uri: masked.to_owned(), reason: hide(&e) }))?;
    let db = client.database(&name);
    match db.run_command(doc! { "ping": 1 }).await {
        Ok(_) => Ok((client, db)),
        Err(e) if matches!(e.kind.as_ref(), ErrorKind::Authentication { .. }) => {
            Err(Failure::Fatal(MongoError::Authentication { uri: masked.to_owned(), reason: hide(&e) }))
        }
        Err(e) => Err(Failure::Retry(hide(&e))),
    }
}

/// The driver's messages should never hold the password; this makes sure of it.
fn hide_password(message: &str, uri: &str) -> String {
    match crate::uri::password(uri) {
        Some(password) if !password.is_empty() => message.replace(password, "****"),
        _ => message.to_owned(),
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Attempts in all, at least one.
    pub(crate) attempts: u32,
    /// The wait after the first failure.
    pub(crate) delay: Duration,
}

/// The wait after `failed` failed attempts (1 for the first): `delay` doubled for each
/// further failure, at most [`MAX_RETRY_DELAY`], plus up to a quarter more by `jitter`
/// (0 to 1) so that instances started together do not retry in step, still never past
/// the cap.
pub(crate) fn backoff(delay: Duration, failed: u32, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(failed.saturating_sub(1));
    let step = delay.saturating_mul(factor).min(MAX_RETRY_DELAY);
    (step + step.mul_f64(jitter.clamp(0.0, 1.0) / 4.0)).min(MAX_RETRY_DELAY)
}

/// Runs `op` until it succeeds, fails fatally, or has failed `policy.attempts` times.
pub(crate) async fn with_retries<T, Op, OpFut, S, SleepFut>(
    policy: RetryPolicy,
    masked_uri: &str,
    mut op: Op,
    sleep: S,
) -> Result<T, MongoError>
where
    Op: FnMut() -> OpFut,
    OpFut: Future<Output = Result<T, Failure>>,
    S: Fn(Duration) -> SleepFut,
    SleepFut: Future<Output = ()>,
{
    let attempts = policy.attempts.max(1);
    let mut failed = 0;
    loop {
        let error = match op().await {
            Ok(value) => return Ok(value),
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Retry(error)) => error,
        };
        failed += 1;
        if failed >= attempts {
            tracing::error!(uri = %masked_uri, attempt = failed, attempts, %error, "MongoDB did not answer; giving up");
            return Err(MongoError::Unreachable { uri: masked_uri.to_owned(), attempts, last_error: error });
        }
        let wait = backoff(policy.delay, failed, rand::random::<f64>());
        tracing::warn!(
            uri = %masked_uri,
            attempt = failed,
            attempts,
            retry_in_ms = wait.as_millis() as u64,
            %error,
            "MongoDB did not answer"
        );
        sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn backoff_doubles_from_the_delay_up_to_the_cap() {
        let base = Duration::from_millis(3000);
        let waits: Vec<u64> = (1..=6).map(|n| backoff(base, n, 0.0).as_millis() as u64).collect();
        assert_eq!(waits, [3000, 6000, 12000, 24000, 30000, 30000]);
        assert_eq!(backoff(base, 200, 0.0), MAX_RETRY_DELAY, "no overflow after many failures");
    }

    #[test]
    fn jitter_adds_at_most_a_quarter_and_never_passes_the_cap() {
        let base = Duration::from_millis(1000);
        assert_eq!(backoff(base, 1, 1.0), Duration::from_millis(1250));
        assert_eq!(backoff(base, 2, 0.5), Duration::from_millis(2250));
        assert_eq!(backoff(base, 10, 1.0), MAX_RETRY_DELAY);
        assert_eq!(backoff(base, 1, 7.0), Duration::from_millis(1250), "jitter is clamped");
    }

    fn recorder() -> (Arc<Mutex<Vec<Duration>>>, impl Fn(Duration) -> std::future::Ready<()>) {
        let waits = Arc::new(Mutex::new(Vec::new()));
        let seen = waits.clone();
        (waits, move |d| {
            seen.lock().expect("lock").push(d);
            std::future::ready(())
        })
    }

    #[tokio::test]
    async fn retries_until_the_operation_succeeds() {
        let (waits, sleep) = recorder();
        let mut calls = 0;
        let policy = RetryPolicy { attempts: 5, delay: Duration::from_millis(100) };
        let got = with_retries(
            policy,
            "mongodb://db",
            || {
                calls += 1;
                let outcome = if calls < 3 { Err(Failure::Retry("refused".into())) } else { Ok(calls) };
                std::future::ready(outcome)
            },
            sleep,
        )
        .await
        .expect("third time lucky");
        assert_eq!(got, 3);
        let waits = waits.lock().expect("lock").clone();
        assert_eq!(waits.len(), 2);
        assert!(waits[0] >= Duration::from_millis(100) && waits[0] <= Duration::from_millis(125), "{waits:?}");
        assert!(waits[1] >= Duration::from_millis(200) && waits[1] <= Duration::from_millis(250), "{waits:?}");
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt_with_one_line() {
        let (waits, sleep) = recorder();
        let mut calls = 0u32;
        let policy = RetryPolicy { attempts: 4, delay: Duration::from_millis(10) };
        let err = with_retries(
            policy,
            "mongodb://folio:****@db/site",
            || {
                calls += 1;
                std::future::ready(Err::<(), _>(Failure::Retry(format!("refused {calls}"))))
            },
            sleep,
        )
        .await
        .expect_err("never answers");
        assert_eq!(calls, 4);
        assert_eq!(waits.lock().expect("lock").len(), 3, "no wait after the last attempt");
        assert_eq!(
            err.to_string(),
            "MongoDB at mongodb://folio:****@db/site did not answer after 4 attempts: refused 4"
        );
    }

    #[tokio::test]
    async fn a_fatal_failure_is_not_retried() {
        let (waits, sleep) = recorder();
        let policy = RetryPolicy { attempts: 10, delay: Duration::from_millis(10) };
        let err = with_retries(
            policy,
            "mongodb://db",
            || {
                std::future::ready(Err::<(), _>(Failure::Fatal(MongoError::InvalidUri {
                    uri: "mongodb://db".into(),
                    reason: "bad option".into(),
                })))
            },
            sleep,
        )
        .await
        .expect_err("fatal");
        assert!(matches!(err, MongoError::InvalidUri { .. }));
        assert!(waits.lock().expect("lock").is_empty());
    }

    #[tokio::test]
    async fn an_unparsable_uri_fails_at_once_without_showing_the_password() {
        let mut config = MongoConfig::new("mongodb://folio:hunter2@db.invalid/site?maxPoolSize=lots");
        config.max_retries = 5;
        let (waits, sleep) = recorder();
        let err = connect_with_sleep(&config, sleep).await.expect_err("invalid");
        assert!(matches!(err, MongoError::InvalidUri { .. }), "{err:?}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(waits.lock().expect("lock").is_empty());
    }

    #[test]
    fn debug_shows_the_uri_masked() {
        let config = MongoConfig::new("mongodb://folio:hunter2@db/site");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("mongodb://folio:****@db/site"), "{shown}");
    }

    #[test]
    fn passwords_are_hidden_from_driver_messages() {
        assert_eq!(hide_password("auth failed for hunter2", "mongodb://u:hunter2@db/x"), "auth failed for ****");
        assert_eq!(hide_password("no password", "mongodb://db/x"), "no password");
    }
}
