//! Content on SQL: collection items (every kind in one table) and articles. The two share a
//! database and a write lock because cascades cross them (deleting a category detaches its
//! articles; deleting an article deletes its sections).
//!
//! The lock: every write that touches positions or cascades runs in one transaction that
//! holds the locks of the kinds it touches. On PostgreSQL those are transaction-scoped
//! advisory locks (taken in one fixed order, so two writers never deadlock), which
//! serializes several `folio` processes sharing the database; on SQLite (one process by
//! design) an in-process mutex plus a first statement that writes, which makes the
//! transaction take SQLite's write lock at once instead of failing with `SQLITE_BUSY` when
//! it upgrades.

mod article_entity;
mod articles;
mod item_entity;
mod items;

use std::sync::Arc;

use folio_domain::content::CollectionKind;
use folio_domain::DomainError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, Statement, TransactionTrait};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use articles::SqlArticleRepository;
pub use items::SqlCollectionRepository;

use crate::errors::map_db_err;

/// Builds the content repositories over one database.
#[derive(Debug, Clone)]
pub struct SqlContent {
    writer: Writer,
}

impl SqlContent {
    pub fn new(db: DatabaseConnection) -> SqlContent {
        SqlContent { writer: Writer { db, writes: Arc::new(Mutex::new(())) } }
    }

    pub fn collections(&self) -> SqlCollectionRepository {
        SqlCollectionRepository::new(self.writer.clone())
    }

    pub fn articles(&self) -> SqlArticleRepository {
        SqlArticleRepository::new(self.writer.clone())
    }
}

#[derive(Debug, Clone)]
struct Writer {
    db: DatabaseConnection,
    writes: Arc<Mutex<()>>,
}

impl Writer {
    /// A transaction holding the write locks of `kinds` (see the module comment).
    async fn begin(&self, kinds: &[CollectionKind]) -> Result<(OwnedMutexGuard<()>, DatabaseTransaction), DomainError> {
        let guard = self.writes.clone().lock_owned().await;
        let txn = self.db.begin().await.map_err(|e| map_db_err(e, "item", "id"))?;
        match txn.get_database_backend() {
            DbBackend::Postgres => {
                let mut kinds = kinds.to_vec();
                kinds.sort();
                kinds.dedup();
                for kind in kinds {
                    txn.query_one(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT pg_advisory_xact_lock(hashtext($1))",
                        [format!("collection_items:{kind}").into()],
                    ))
                    .await
                    .map_err(|e| map_db_err(e, "item", "id"))?;
                }
            }
            _ => {
                txn.execute_unprepared("UPDATE collection_items SET position = position WHERE 0 = 1")
                    .await
                    .map_err(|e| map_db_err(e, "item", "id"))?;
            }
        }
        Ok((guard, txn))
    }
}

/// `|a|b|`: a list stored so that `LIKE '%|a|%'` finds one entry exactly.
fn delimited<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("|");
    for value in values {
        out.push_str(value);
        out.push('|');
    }
    out
}

fn undelimited(stored: &str) -> impl Iterator<Item = &str> {
    stored.split('|').filter(|s| !s.is_empty())
}

/// A `LIKE` pattern matching `text` literally anywhere (with `ESCAPE '\'`).
fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_escape_like_metacharacters() {
        assert_eq!(contains_pattern(r"100%_a\b"), r"%100\%\_a\\b%");
        assert_eq!(delimited(["a", "b"]), "|a|b|");
        assert_eq!(undelimited("|a|b|").collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(undelimited("|").count(), 0);
    }
}
