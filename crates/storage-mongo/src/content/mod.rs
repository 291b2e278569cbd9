//! Content on MongoDB: collection items (every kind in `collection_items`) and articles
//! (`articles`). The two share a [`MongoContent`] because cascades cross them: deleting a
//! category detaches its articles, deleting an article deletes its sections.
//!
//! # Writes, locks and transactions
//!
//! Every write that touches positions or cascades holds the write locks of the kinds it
//! touches ([`locks`]: one lock document per kind in `content_locks`, taken with an atomic
//! `findOneAndUpdate`, a lease and a fencing counter), so several `folio` processes sharing
//! the database serialize their inserts, moves and deletes of one kind, as PostgreSQL's
//! advisory locks do for the SQL adapter. The lock is taken outside any transaction.
//!
//! Where the deployment runs transactions (a replica set or a sharded cluster; see
//! [`MongoStore::transactions`]), each such write then runs in one transaction whose first
//! write confirms the lock (so a writer whose lease was taken over cannot commit), and a
//! transaction that fails with a transient error (a write conflict) is run again.
//!
//! # Without transactions (a standalone server)
//!
//! The same steps run one after the other, each after confirming the lock. A process can
//! die between two of them, so they are ordered for that to leave no dangling reference:
//!
//! - deleting an item: detach the articles from every category and sub-category about to
//!   go (`category_id` set to null, ids pulled from `sub_categories`), then delete what is
//!   nested in it, deepest level first, then the item itself, then renumber the positions
//!   it leaves. A crash leaves at worst articles detached from a category that still
//!   exists, or items nested one level less deep than before, never an article or item
//!   pointing at something deleted;
//! - deleting an article: delete its sections, then the article. A crash leaves an article
//!   missing some sections, never sections without their article;
//! - renumbering (a move, or closing a gap): a crash half-way can leave two items at one
//!   position, or a gap; every later insert, move or delete in that kind and parent first
//!   renumbers the whole list from its current order (position, then id), so the positions
//!   are `1..=n` again after the next write.
//!
//! Inserts, updates and media changes write one document each, which MongoDB applies
//! atomically with or without transactions.

mod articles;
mod cascades;
mod items;
mod locks;

use folio_domain::DomainError;
use futures_util::TryStreamExt;
use mongodb::bson::Document;
use mongodb::options::FindOptions;
use mongodb::{ClientSession, Collection};
use serde::de::DeserializeOwned;

pub use articles::MongoArticleRepository;
pub use items::MongoCollectionRepository;

use crate::connection::MongoStore;
use crate::errors::{map_err, DEPENDENCY};
use crate::schema::{ARTICLES, COLLECTION_ITEMS};
use articles::ArticleDocument;
use items::ItemDocument;
use locks::{ContentLocks, LockGuard};

/// Builds the content repositories over one database.
#[derive(Debug, Clone)]
pub struct MongoContent {
    shared: Shared,
}

/// What both repositories use.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    store: MongoStore,
    items: Collection<ItemDocument>,
    articles: Collection<ArticleDocument>,
    locks: ContentLocks,
    /// Stop every write after this many steps, as if the process died there (tests only).
    crash_after: Option<u32>,
}

impl MongoContent {
    /// Uses transactions when `store` does ([`MongoStore::with_transactions`] overrides it).
    pub fn new(store: MongoStore) -> MongoContent {
        let db = store.db().clone();
        MongoContent {
            shared: Shared {
                items: db.collection(COLLECTION_ITEMS),
                articles: db.collection(ARTICLES),
                locks: ContentLocks::new(&db),
                store,
                crash_after: None,
            },
        }
    }

    pub fn collections(&self) -> MongoCollectionRepository {
        MongoCollectionRepository::new(self.shared.clone())
    }

    pub fn articles(&self) -> MongoArticleRepository {
        MongoArticleRepository::new(self.shared.clone())
    }

    /// The same repositories, with every multi-step write stopping after `steps` steps with
    /// an error, as if the process had died there: what it leaves behind is what a crash
    /// would (without transactions), or nothing (with them).
    #[cfg(feature = "testing")]
    pub fn crash_after_steps(mut self, steps: u32) -> MongoContent {
        self.shared.crash_after = Some(steps);
        self
    }
}

/// How many times a transaction that failed with a transient error is run.
const MAX_ATTEMPTS: u32 = 3;

/// Why a step of a write failed: in the domain's terms, or a transient transaction error
/// that is worth running the whole transaction again for.
#[derive(Debug)]
pub(crate) enum Fail {
    Domain(DomainError),
    Transient(mongodb::error::Error),
}

impl From<DomainError> for Fail {
    fn from(e: DomainError) -> Self {
        Fail::Domain(e)
    }
}

impl Fail {
    pub(crate) fn from_db(e: mongodb::error::Error, entity: &'static str, field: &'static str) -> Fail {
        if e.contains_label(mongodb::error::TRANSIENT_TRANSACTION_ERROR) {
            Fail::Transient(e)
        } else {
            Fail::Domain(map_err(e, entity, field))
        }
    }

    pub(crate) fn into_domain(self) -> DomainError {
        match self {
            Fail::Domain(e) => e,
            Fail::Transient(e) => {
                tracing::warn!(error = %crate::errors::describe(&e), "content transaction kept failing with transient errors");
                DomainError::Unavailable { dependency: DEPENDENCY }
            }
        }
    }
}

/// Maps an item error.
fn item_err(e: mongodb::error::Error) -> Fail {
    Fail::from_db(e, "item", "id")
}

/// Runs `$body` (a future using `$unit`, a [`Unit`] under `$lock`) to the end of its
/// transaction, again when the transaction fails with a transient error; evaluates to
/// `Result<_, DomainError>`.
macro_rules! in_unit {
    ($shared:expr, $lock:expr, |$unit:ident| $body:expr) => {{
        let mut attempt = 1;
        loop {
            let result = match $shared.unit(&$lock).await {
                Ok(mut $unit) => {
                    let result = $body.await;
                    $unit.finish(result).await
                }
                Err(fail) => Err(fail),
            };
            match result {
                Err($crate::content::Fail::Transient(e)) if attempt < $crate::content::MAX_ATTEMPTS => {
                    tracing::debug!(attempt, error = %$crate::errors::describe(&e), "content transaction retried");
                    attempt += 1;
                }
                other => break other.map_err($crate::content::Fail::into_domain),
            }
        }
    }};
}
pub(crate) use in_unit;

impl Shared {
    /// A unit of work under `lock`: a transaction whose first write confirms the lock, or
    /// plain writes each preceded by [`Unit::step`].
    async fn unit<'g>(&self, lock: &'g LockGuard) -> Result<Unit<'g>, Fail> {
        let session = self.store.begin().await?;
        let mut unit = Unit { session, lock, steps: 0, crash_after: self.crash_after };
        if let Some(session) = unit.session.as_mut() {
            lock.confirm(Some(session)).await?;
        }
        Ok(unit)
    }
}

/// The writes of one operation: in a transaction when the store uses them, else one by one.
pub(crate) struct Unit<'g> {
    session: Option<ClientSession>,
    lock: &'g LockGuard,
    steps: u32,
    crash_after: Option<u32>,
}

/// Runs a driver action in the unit's session, if it has one.
macro_rules! exec {
    ($unit:expr, $action:expr) => {
        match $unit.session.as_mut() {
            Some(session) => $action.session(session).await,
            None => $action.await,
        }
    };
}

impl Unit<'_> {
    /// Marks the start of the next write step. Without a transaction it first confirms that
    /// the locks are still held (see [`LockGuard::confirm`]).
    pub(crate) async fn step(&mut self) -> Result<(), Fail> {
        if self.crash_after.is_some_and(|limit| self.steps >= limit) {
            return Err(Fail::Domain(DomainError::Internal(format!("simulated crash after {} steps", self.steps))));
        }
        self.steps += 1;
        if self.session.is_none() {
            self.lock.confirm(None).await?;
        }
        Ok(())
    }

    /// Commits (retrying a commit whose outcome is unknown) or aborts the transaction.
    async fn finish<T>(mut self, result: Result<T, Fail>) -> Result<T, Fail> {
        let Some(mut session) = self.session.take() else { return result };
        let value = match result {
            Ok(value) => value,
            Err(fail) => {
                if let Err(e) = session.abort_transaction().await {
                    tracing::debug!(error = %crate::errors::describe(&e), "aborting a content transaction failed");
                }
                return Err(fail);
            }
        };
        let mut attempt = 1;
        loop {
            match session.commit_transaction().await {
                Ok(()) => return Ok(value),
                Err(e)
                    if e.contains_label(mongodb::error::UNKNOWN_TRANSACTION_COMMIT_RESULT)
                        && attempt < MAX_ATTEMPTS =>
                {
                    attempt += 1;
                }
                Err(e) => return Err(item_err(e)),
            }
        }
    }

    pub(crate) async fn find<T>(
        &mut self,
        collection: &Collection<T>,
        filter: Document,
        options: FindOptions,
    ) -> Result<Vec<T>, Fail>
    where
        T: DeserializeOwned + Send + Sync,
    {
        match self.session.as_mut() {
            Some(session) => {
                let mut cursor =
                    collection.find(filter).with_options(options).session(&mut *session).await.map_err(item_err)?;
                cursor.stream(session).try_collect().await.map_err(item_err)
            }
            None => collection
                .find(filter)
                .with_options(options)
                .await
                .map_err(item_err)?
                .try_collect()
                .await
                .map_err(item_err),
        }
    }

    pub(crate) async fn find_one<T>(&mut self, collection: &Collection<T>, filter: Document) -> Result<Option<T>, Fail>
    where
        T: DeserializeOwned + Send + Sync,
    {
        exec!(self, collection.find_one(filter)).map_err(item_err)
    }

    pub(crate) async fn insert_one<T>(
        &mut self,
        collection: &Collection<T>,
        document: &T,
        entity: &'static str,
        field: &'static str,
    ) -> Result<(), Fail>
    where
        T: serde::Serialize + Send + Sync,
    {
        exec!(self, collection.insert_one(document)).map(drop).map_err(|e| Fail::from_db(e, entity, field))
    }

    /// Returns how many documents matched.
    pub(crate) async fn update_one<T: Send + Sync>(
        &mut self,
        collection: &Collection<T>,
        filter: Document,
        update: Document,
    ) -> Result<u64, Fail> {
        exec!(self, collection.update_one(filter, update)).map(|r| r.matched_count).map_err(item_err)
    }

    pub(crate) async fn update_many<T: Send + Sync>(
        &mut self,
        collection: &Collection<T>,
        filter: Document,
        update: Document,
    ) -> Result<u64, Fail> {
        exec!(self, collection.update_many(filter, update)).map(|r| r.modified_count).map_err(item_err)
    }

    pub(crate) async fn delete_many<T: Send + Sync>(
        &mut self,
        collection: &Collection<T>,
        filter: Document,
    ) -> Result<u64, Fail> {
        exec!(self, collection.delete_many(filter)).map(|r| r.deleted_count).map_err(item_err)
    }
}
