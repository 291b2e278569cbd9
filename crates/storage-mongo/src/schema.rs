//! The collections and indexes Folio needs, and the schema version that says they are there.
//!
//! MongoDB creates collections on first write, but unique indexes must exist before the first
//! duplicate arrives, so `migrate` runs before serving (like the SQL migrations). Every step
//! is a create-if-missing, so migrating twice, or from several instances at once, is harmless.

use mongodb::bson::{doc, Bson, Document};
use mongodb::error::ErrorKind;
use mongodb::options::IndexOptions;
use mongodb::{Database, IndexModel};

use crate::connection::MongoError;

/// The schema this build reads and writes. Raise it with every change to the collections or
/// indexes below, adding the change as another idempotent step.
///
/// 1: users, media, the collections for content. 2: `content_locks`, and the indexes the
/// content adapters query by (nested items, media in use, article filters and sorts).
/// 3: `legacy_ids`, the old ids of imported content, unique per source.
/// 4: article indexes for every sort the API offers (created, updated, title), so that a page
/// deep into a large table, as a backup reads it, is an index walk rather than a sort.
pub const SCHEMA_VERSION: i64 = 4;

pub(crate) const USERS: &str = "users";
pub(crate) const MEDIA: &str = "media";
pub(crate) const PENDING_DELETIONS: &str = "media_pending_deletions";
pub(crate) const COLLECTION_ITEMS: &str = "collection_items";
pub(crate) const ARTICLES: &str = "articles";
/// Old ids of imported content (`folio import lynx`).
pub(crate) const LEGACY_IDS: &str = "legacy_ids";
/// One document per content kind's write lock (see `content::locks`).
pub(crate) const CONTENT_LOCKS: &str = "content_locks";
/// One document, `{_id: "schema", version: N}`.
pub(crate) const SCHEMA: &str = "folio_schema";
const SCHEMA_ID: &str = "schema";

/// The server's code for "collection already exists".
const NAMESPACE_EXISTS: i32 = 48;

fn index(keys: Document, name: &str, unique: bool) -> IndexModel {
    let options = IndexOptions::builder().name(name.to_owned()).unique(unique.then_some(true)).build();
    IndexModel::builder().keys(keys).options(options).build()
}

/// Each collection with its indexes (besides `_id`).
fn layout() -> Vec<(&'static str, Vec<IndexModel>)> {
    vec![
        (USERS, vec![index(doc! { "email": 1 }, "email_unique", true)]),
        (
            MEDIA,
            vec![
                // Lists filter by category or type and show the newest first.
                index(doc! { "category": 1, "_id": -1 }, "category_newest", false),
                index(doc! { "content_type": 1, "_id": -1 }, "content_type_newest", false),
            ],
        ),
        (PENDING_DELETIONS, vec![index(doc! { "created_at": 1 }, "oldest_first", false)]),
        // Positions are not unique: a renumbering passes through duplicates.
        (
            COLLECTION_ITEMS,
            vec![
                index(doc! { "kind": 1, "parent_id": 1, "position": 1 }, "kind_parent_position", false),
                // Cascades find what is nested in an item or article, whatever its kind.
                index(doc! { "parent_id": 1, "position": 1 }, "parent_position", false),
                index(doc! { "media_ids": 1 }, "media_ids", false),
            ],
        ),
        (
            ARTICLES,
            vec![
                index(doc! { "slug": 1 }, "slug_unique", true),
                index(doc! { "published_at": -1, "_id": -1 }, "newest", false),
                index(doc! { "category_id": 1, "published_at": -1 }, "category_newest", false),
                index(doc! { "sub_categories": 1 }, "sub_categories", false),
                index(doc! { "tags_lower": 1 }, "tags", false),
                index(doc! { "media_ids": 1 }, "media_ids", false),
                index(doc! { "created_at": 1, "_id": 1 }, "created", false),
                index(doc! { "updated_at": 1, "_id": 1 }, "updated", false),
                index(doc! { "sort_title": 1, "_id": 1 }, "title", false),
            ],
        ),
        (CONTENT_LOCKS, vec![]),
        (LEGACY_IDS, vec![index(doc! { "source": 1, "old_id": 1 }, "source_old_id_unique", true)]),
        (SCHEMA, vec![]),
    ]
}

/// Creates what is missing and records [`SCHEMA_VERSION`]. Refuses a database that a newer
/// build has already migrated further.
pub async fn migrate(db: &Database) -> Result<(), MongoError> {
    if let Some(found) = stored_version(db).await? {
        if found > SCHEMA_VERSION {
            return Err(mismatch(db, found));
        }
    }
    for (name, indexes) in layout() {
        match db.create_collection(name).await {
            Ok(()) => {}
            Err(e) if matches!(e.kind.as_ref(), ErrorKind::Command(c) if c.code == NAMESPACE_EXISTS) => {}
            Err(e) => return Err(MongoError::operation("createCollection", &e)),
        }
        if !indexes.is_empty() {
            db.collection::<Document>(name)
                .create_indexes(indexes)
                .await
                .map_err(|e| MongoError::operation("createIndexes", &e))?;
        }
    }
    // `$max`: an older instance migrating late never lowers the version.
    db.collection::<Document>(SCHEMA)
        .update_one(doc! { "_id": SCHEMA_ID }, doc! { "$max": { "version": SCHEMA_VERSION } })
        .upsert(true)
        .await
        .map_err(|e| MongoError::operation("recording the schema version", &e))?;
    tracing::info!(database = db.name(), version = SCHEMA_VERSION, "MongoDB schema is up to date");
    Ok(())
}

/// Ok when the database holds exactly the schema this build expects.
pub async fn check_schema(db: &Database) -> Result<(), MongoError> {
    match stored_version(db).await? {
        None => Err(MongoError::SchemaMissing { database: db.name().to_owned() }),
        Some(SCHEMA_VERSION) => Ok(()),
        Some(found) => Err(mismatch(db, found)),
    }
}

fn mismatch(db: &Database, found: i64) -> MongoError {
    MongoError::SchemaMismatch { database: db.name().to_owned(), found, expected: SCHEMA_VERSION }
}

async fn stored_version(db: &Database) -> Result<Option<i64>, MongoError> {
    let record = db
        .collection::<Document>(SCHEMA)
        .find_one(doc! { "_id": SCHEMA_ID })
        .await
        .map_err(|e| MongoError::operation("reading the schema version", &e))?;
    let Some(record) = record else { return Ok(None) };
    match record.get("version") {
        Some(Bson::Int64(v)) => Ok(Some(*v)),
        Some(Bson::Int32(v)) => Ok(Some(i64::from(*v))),
        // A record without a usable number says nothing about what is there.
        _ => Ok(None),
    }
}
