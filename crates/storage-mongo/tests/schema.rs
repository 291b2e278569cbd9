//! Migrations, the schema check, and transactions on the test server.

use futures_util::TryStreamExt;
use mongodb::bson::{doc, Document};
use mongodb::IndexModel;

use folio_storage_mongo::testing::TestDatabase;
use folio_storage_mongo::{check_schema, migrate, MongoError, SCHEMA_VERSION};

async fn indexes(test: &TestDatabase, collection: &str) -> Vec<IndexModel> {
    let cursor = test.db().collection::<Document>(collection).list_indexes().await.expect("list indexes");
    cursor.try_collect().await.expect("indexes")
}

fn named<'a>(indexes: &'a [IndexModel], name: &str) -> &'a IndexModel {
    indexes
        .iter()
        .find(|i| i.options.as_ref().and_then(|o| o.name.as_deref()) == Some(name))
        .unwrap_or_else(|| panic!("no index {name} in {indexes:?}"))
}

fn is_unique(index: &IndexModel) -> bool {
    index.options.as_ref().and_then(|o| o.unique).unwrap_or(false)
}

async fn set_version(test: &TestDatabase, version: i64) {
    test.db()
        .collection::<Document>("folio_schema")
        .update_one(doc! { "_id": "schema" }, doc! { "$set": { "version": version } })
        .upsert(true)
        .await
        .expect("set the version");
}

#[tokio::test]
async fn migrating_twice_creates_the_collections_indexes_and_version_once() {
    let test = TestDatabase::empty().await;
    let err = check_schema(test.db()).await.expect_err("nothing there yet");
    assert!(matches!(err, MongoError::SchemaMissing { .. }), "{err:?}");

    migrate(test.db()).await.expect("migrate");
    migrate(test.db()).await.expect("migrate again");
    check_schema(test.db()).await.expect("the expected version");

    let mut names = test.db().list_collection_names().await.expect("collections");
    names.sort();
    for expected in [
        "articles",
        "collection_items",
        "content_locks",
        "folio_schema",
        "legacy_ids",
        "media",
        "media_pending_deletions",
        "users",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }

    let users = indexes(&test, "users").await;
    let email = named(&users, "email_unique");
    assert!(is_unique(email));
    assert_eq!(email.keys, doc! { "email": 1 });
    let articles = indexes(&test, "articles").await;
    assert!(is_unique(named(&articles, "slug_unique")));
    let items = indexes(&test, "collection_items").await;
    let ordering = named(&items, "kind_parent_position");
    assert_eq!(ordering.keys, doc! { "kind": 1, "parent_id": 1, "position": 1 });
    assert!(!is_unique(ordering));
    named(&items, "parent_position");
    named(&items, "media_ids");
    for name in ["newest", "category_newest", "sub_categories", "tags", "media_ids"] {
        named(&articles, name);
    }
    // Every sort the API offers walks an index, ties broken by id (a backup pages by creation).
    for (name, field) in [("created", "created_at"), ("updated", "updated_at"), ("title", "sort_title")] {
        assert_eq!(named(&articles, name).keys, doc! { field: 1, "_id": 1 });
    }
    let legacy = indexes(&test, "legacy_ids").await;
    let old_ids = named(&legacy, "source_old_id_unique");
    assert!(is_unique(old_ids));
    assert_eq!(old_ids.keys, doc! { "source": 1, "old_id": 1 });
    let media = indexes(&test, "media").await;
    named(&media, "category_newest");
    named(&media, "content_type_newest");

    let records: Vec<Document> = test
        .db()
        .collection::<Document>("folio_schema")
        .find(doc! {})
        .await
        .expect("find")
        .try_collect()
        .await
        .expect("records");
    assert_eq!(records, vec![doc! { "_id": "schema", "version": SCHEMA_VERSION }]);
}

#[tokio::test]
async fn a_database_of_another_version_fails_the_check() {
    let test = TestDatabase::migrated().await;

    set_version(&test, SCHEMA_VERSION + 1).await;
    let err = check_schema(test.db()).await.expect_err("newer");
    assert!(
        matches!(err, MongoError::SchemaMismatch { found, expected, .. } if found == SCHEMA_VERSION + 1 && expected == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains(&test.name), "{err}");
    let err = migrate(test.db()).await.expect_err("an older build does not migrate a newer database");
    assert!(matches!(err, MongoError::SchemaMismatch { .. }), "{err:?}");

    set_version(&test, SCHEMA_VERSION - 1).await;
    assert!(matches!(check_schema(test.db()).await, Err(MongoError::SchemaMismatch { .. })));
    migrate(test.db()).await.expect("an older database is brought up to date");
    check_schema(test.db()).await.expect("current");
}

#[tokio::test]
async fn a_version_2_database_gains_the_legacy_ids_collection_and_its_unique_index() {
    let test = TestDatabase::migrated().await;
    test.db().collection::<Document>("legacy_ids").drop().await.expect("drop");
    set_version(&test, 2).await;
    assert!(matches!(check_schema(test.db()).await, Err(MongoError::SchemaMismatch { found: 2, .. })));
    migrate(test.db()).await.expect("migrate from version 2");
    check_schema(test.db()).await.expect("current");
    let legacy = test.db().collection::<Document>("legacy_ids");
    legacy.insert_one(doc! { "source": "albums", "old_id": "a", "new_id": 1_i64 }).await.expect("first");
    let err = legacy
        .insert_one(doc! { "source": "albums", "old_id": "a", "new_id": 2_i64 })
        .await
        .expect_err("one mapping per old id");
    assert!(err.to_string().contains("11000"), "{err}");
    legacy.insert_one(doc! { "source": "songs", "old_id": "a", "new_id": 2_i64 }).await.expect("another source");
}

#[tokio::test]
async fn a_duplicate_slug_is_refused_by_the_articles_index() {
    let test = TestDatabase::migrated().await;
    let articles = test.db().collection::<Document>("articles");
    articles.insert_one(doc! { "_id": 1_i64, "slug": "hello" }).await.expect("first");
    let err = articles.insert_one(doc! { "_id": 2_i64, "slug": "hello" }).await.expect_err("duplicate slug");
    assert!(err.to_string().contains("11000") || err.to_string().contains("E11000"), "{err}");
}

#[tokio::test]
async fn without_transactions_begin_gives_no_session() {
    let test = TestDatabase::migrated().await;
    let store = test.store.clone().with_transactions(false);
    assert!(store.begin().await.expect("begin").is_none());
}

#[tokio::test]
async fn a_transaction_commits_or_aborts_as_a_whole() {
    let test = TestDatabase::migrated().await;
    // SecantusDB runs transactions even standalone; a real standalone mongod would refuse.
    let store = test.store.clone().with_transactions(true);
    let items = store.db().collection::<Document>("collection_items");

    let mut session = store.begin().await.expect("begin").expect("a session");
    items
        .insert_one(doc! { "_id": 1_i64, "kind": "albums", "position": 1 })
        .session(&mut session)
        .await
        .expect("insert");
    items
        .insert_one(doc! { "_id": 2_i64, "kind": "albums", "position": 2 })
        .session(&mut session)
        .await
        .expect("insert");
    session.abort_transaction().await.expect("abort");
    assert_eq!(items.count_documents(doc! {}).await.expect("count"), 0);

    let mut session = store.begin().await.expect("begin").expect("a session");
    items
        .insert_one(doc! { "_id": 1_i64, "kind": "albums", "position": 1 })
        .session(&mut session)
        .await
        .expect("insert");
    items
        .insert_one(doc! { "_id": 2_i64, "kind": "albums", "position": 2 })
        .session(&mut session)
        .await
        .expect("insert");
    session.commit_transaction().await.expect("commit");
    assert_eq!(items.count_documents(doc! {}).await.expect("count"), 2);
}
