//! The Lynx portfolio's database, read whole: it holds a personal site's content (hundreds
//! of documents, not millions), and reading everything before writing anything means a
//! source that cannot be read stops the import before it changes anything.

use std::collections::BTreeMap;
use std::fmt;

use folio_domain::legacy::lynx;
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Document};
use mongodb::Database;

/// The collections the Node service's Mongoose models wrote (model names, lower-cased and
/// pluralized by Mongoose), in the order they are imported: what is referred to before what
/// refers to it.
pub const COLLECTIONS: [&str; 13] = [
    lynx::FILES,
    lynx::MAINS,
    lynx::ALBUMS,
    lynx::BOOK_IMAGES,
    lynx::SONGS,
    lynx::VIDEOS,
    lynx::WEBSITES,
    lynx::CV_SECTIONS,
    lynx::CV_SUBSECTIONS,
    lynx::ARTICLE_CATEGORIES,
    lynx::ARTICLE_SUBCATEGORIES,
    lynx::ARTICLES,
    lynx::ARTICLE_SECTIONS,
];

/// The source could not be read; one line, without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError(pub String);

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SourceError {}

/// The portfolio service's database.
#[derive(Debug, Clone)]
pub struct LynxSource {
    db: Database,
}

/// Every document of every collection, as stored.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    pub(crate) documents: BTreeMap<&'static str, Vec<Document>>,
}

impl Snapshot {
    pub(crate) fn of(&self, collection: &str) -> &[Document] {
        self.documents.get(collection).map_or(&[], Vec::as_slice)
    }
}

impl LynxSource {
    pub fn new(db: Database) -> LynxSource {
        LynxSource { db }
    }

    pub fn database_name(&self) -> &str {
        self.db.name()
    }

    /// Reads every collection. A database holding none of them is an error: the wrong
    /// database was named, and importing nothing would look like success.
    pub(crate) async fn read(&self) -> Result<Snapshot, SourceError> {
        let name = self.db.name().to_owned();
        let unreadable = |what: &str, e: mongodb::error::Error| {
            let message = e.kind.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            SourceError(format!("cannot read {what} of the MongoDB database {name}: {message}"))
        };
        let present = self.db.list_collection_names().await.map_err(|e| unreadable("the collections", e))?;
        if !COLLECTIONS.iter().any(|c| present.iter().any(|p| p == c)) {
            return Err(SourceError(format!(
                "the MongoDB database {name} holds none of the portfolio's collections ({}); name the right one \
                 in the URI or with --database",
                COLLECTIONS.join(", ")
            )));
        }
        let mut snapshot = Snapshot::default();
        for collection in COLLECTIONS {
            let documents: Vec<Document> = self
                .db
                .collection::<Document>(collection)
                .find(doc! {})
                .await
                .map_err(|e| unreadable(collection, e))?
                .try_collect()
                .await
                .map_err(|e| unreadable(collection, e))?;
            snapshot.documents.insert(collection, documents);
        }
        Ok(snapshot)
    }
}
