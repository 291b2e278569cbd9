//! Content writes that stop half-way, as when the process dies between two writes: without
//! transactions they leave no reference to something deleted, and the next write finishes
//! the job; with transactions they leave nothing at all. And several processes (clients of
//! their own) writing one kind at once keep its positions `1..=n`.

use std::collections::BTreeSet;
use std::sync::Arc;

use folio_domain::content::articles::{Article, ArticleRepository};
use folio_domain::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId};
use folio_domain::testing::collections::{sample_article, sample_item};
use folio_domain::DomainError;
use folio_storage_mongo::testing::{test_config, test_uri, TestDatabase};
use folio_storage_mongo::{connect, MongoContent};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Bson, Document};

/// Every step count a write could stop after, until it no longer stops.
const MAX_STEPS: u32 = 20;

async fn all(test: &TestDatabase, collection: &str) -> Vec<Document> {
    let cursor = test.db().collection::<Document>(collection).find(doc! {}).await.expect("find");
    cursor.try_collect().await.expect("documents")
}

fn id_of(document: &Document) -> i64 {
    document.get_i64("_id").expect("an i64 _id")
}

/// No item nested in a missing item or article, no article naming a missing category or
/// sub-category.
async fn assert_no_dangling_references(test: &TestDatabase, context: &str) {
    let items = all(test, "collection_items").await;
    let articles = all(test, "articles").await;
    let item_ids: BTreeSet<i64> = items.iter().map(id_of).collect();
    let article_ids: BTreeSet<i64> = articles.iter().map(id_of).collect();
    for item in &items {
        if let Ok(parent) = item.get_i64("parent_id") {
            assert!(
                item_ids.contains(&parent) || article_ids.contains(&parent),
                "{context}: item {} is nested in {parent}, which is gone",
                id_of(item)
            );
        }
    }
    for article in &articles {
        if let Ok(category) = article.get_i64("category_id") {
            assert!(item_ids.contains(&category), "{context}: article names deleted category {category}");
        }
        for sub in article.get_array("sub_categories").expect("sub_categories") {
            let Bson::Int64(sub) = sub else { panic!("{context}: sub-category id {sub:?}") };
            assert!(item_ids.contains(sub), "{context}: article names deleted sub-category {sub}");
        }
    }
}

fn child_of(kind: CollectionKind, parent: ItemId, title: &str) -> CollectionItem {
    let mut item = sample_item(kind, title);
    item.parent = Some(parent);
    item
}

fn positions(items: &[CollectionItem]) -> Vec<u32> {
    items.iter().map(|i| i.position).collect()
}

/// A category with two sub-categories and an article filed under all three, after another
/// category, with a category after it.
struct Filed {
    category: CollectionItem,
    subs: Vec<CollectionItem>,
    article: Article,
}

async fn file_an_article(items: &dyn CollectionRepository, articles: &dyn ArticleRepository) -> Filed {
    let category = items.insert(&sample_item(CollectionKind::ArticleCategories, "c")).await.expect("insert");
    items.insert(&sample_item(CollectionKind::ArticleCategories, "after")).await.expect("insert");
    let mut subs = Vec::new();
    for title in ["s0", "s1"] {
        let sub = child_of(CollectionKind::ArticleSubcategories, category.id, title);
        subs.push(items.insert(&sub).await.expect("insert"));
    }
    let mut article = sample_article("filed");
    article.category = Some(category.id);
    article.sub_categories = subs.iter().map(|s| s.id).collect();
    articles.insert(&article).await.expect("insert");
    Filed { category, subs, article }
}

#[tokio::test]
async fn deleting_a_category_stopped_after_any_step_leaves_no_dangling_reference() {
    let test = TestDatabase::migrated().await;
    let whole = MongoContent::new(test.store.clone().with_transactions(false));
    let (items, articles) = (whole.collections(), whole.articles());
    let mut stopped = 0;
    for steps in 0..MAX_STEPS {
        let filed = file_an_article(&items, &articles).await;
        let crashing = whole.clone().crash_after_steps(steps).collections();
        match crashing.delete(CollectionKind::ArticleCategories, filed.category.id).await {
            Ok(deleted) => {
                assert_eq!(deleted.len(), 3, "the category and its sub-categories");
                break;
            }
            Err(DomainError::Internal(message)) => assert!(message.contains("simulated crash"), "{message}"),
            Err(other) => panic!("after {steps} steps: {other:?}"),
        }
        stopped += 1;
        assert_no_dangling_references(&test, &format!("stopped after {steps} steps")).await;

        // The operator tries again: the delete finishes what the first one started.
        let deleted = items.delete(CollectionKind::ArticleCategories, filed.category.id).await.expect("delete again");
        assert!(
            deleted.iter().all(|d| d.id == filed.category.id || filed.subs.iter().any(|s| s.id == d.id)),
            "only what was nested"
        );
        let read = articles.get(filed.article.id).await.expect("get").expect("the article stays");
        assert_eq!((read.category, read.sub_categories), (None, Vec::new()));
        assert!(items
            .list(CollectionKind::ArticleSubcategories, Some(filed.category.id), true)
            .await
            .expect("list")
            .is_empty());
        assert_no_dangling_references(&test, &format!("finished after stopping at {steps}")).await;
        // A gap left by a stop before the renumbering closes at the next write to the list.
        items.insert(&sample_item(CollectionKind::ArticleCategories, "next")).await.expect("insert");
        let categories = items.list(CollectionKind::ArticleCategories, None, true).await.expect("list");
        assert_eq!(positions(&categories), (1..=u32::try_from(categories.len()).expect("few")).collect::<Vec<_>>());
    }
    // Detach (two writes), the sub-categories, the category, the renumbering.
    assert!(stopped >= 4, "the delete has several steps to stop between: {stopped}");
}

#[tokio::test]
async fn deleting_an_article_stopped_after_any_step_leaves_no_section_without_its_article() {
    let test = TestDatabase::migrated().await;
    let whole = MongoContent::new(test.store.clone().with_transactions(false));
    let (items, articles) = (whole.collections(), whole.articles());
    let mut stopped = 0;
    for steps in 0..MAX_STEPS {
        let article = sample_article("sections");
        articles.insert(&article).await.expect("insert");
        for title in ["one", "two", "three"] {
            items.insert(&child_of(CollectionKind::ArticleSections, article.id, title)).await.expect("insert");
        }
        let crashing = whole.clone().crash_after_steps(steps).articles();
        match crashing.delete(article.id).await {
            Ok(deleted) => {
                let (_, sections) = deleted.expect("found");
                assert_eq!(sections.len(), 3);
                break;
            }
            Err(DomainError::Internal(message)) => assert!(message.contains("simulated crash"), "{message}"),
            Err(other) => panic!("after {steps} steps: {other:?}"),
        }
        stopped += 1;
        assert_no_dangling_references(&test, &format!("stopped after {steps} steps")).await;
        assert!(articles.get(article.id).await.expect("get").is_some(), "the article goes last");
        articles.delete(article.id).await.expect("delete again").expect("still there");
        assert_eq!(articles.get(article.id).await.expect("get"), None);
        assert_no_dangling_references(&test, "finished").await;
    }
    assert!(stopped >= 2, "sections, then the article: {stopped}");
    assert!(items.list(CollectionKind::ArticleSections, None, true).await.expect("list").is_empty());
}

#[tokio::test]
async fn with_transactions_a_stopped_delete_changes_nothing() {
    let test = TestDatabase::migrated().await;
    let whole = MongoContent::new(test.store.clone().with_transactions(true));
    let (items, articles) = (whole.collections(), whole.articles());
    let filed = file_an_article(&items, &articles).await;
    items.insert(&child_of(CollectionKind::ArticleSections, filed.article.id, "part")).await.expect("insert");
    let before = (all(&test, "collection_items").await, all(&test, "articles").await);
    // Both deletes have more than two steps to stop between.
    for steps in 0..2 {
        let crashing = whole.clone().crash_after_steps(steps);
        let result = crashing.collections().delete(CollectionKind::ArticleCategories, filed.category.id).await;
        assert!(matches!(result, Err(DomainError::Internal(_))), "after {steps} steps: {result:?}");
        let result = crashing.articles().delete(filed.article.id).await;
        assert!(matches!(result, Err(DomainError::Internal(_))), "after {steps} steps: {result:?}");
        let after = (all(&test, "collection_items").await, all(&test, "articles").await);
        assert_eq!(after, before, "rolled back after {steps} steps");
    }
}

#[tokio::test]
async fn the_next_write_renumbers_positions_a_crash_left_out_of_order() {
    let test = TestDatabase::migrated().await;
    let items = MongoContent::new(test.store.clone().with_transactions(false)).collections();
    let kind = CollectionKind::Songs;
    let mut inserted = Vec::new();
    for title in ["a", "b", "c", "d"] {
        inserted.push(items.insert(&sample_item(kind, title)).await.expect("insert"));
    }
    // What a renumbering stopped half-way can leave: a duplicate and a gap.
    let raw = test.db().collection::<Document>("collection_items");
    for (item, position) in inserted.iter().zip([1_i64, 3, 3, 7]) {
        raw.update_one(doc! { "_id": item.id.0.as_u64() as i64 }, doc! { "$set": { "position": position } })
            .await
            .expect("set position");
    }
    let appended = items.insert(&sample_item(kind, "e")).await.expect("insert");
    assert_eq!(appended.position, 5);
    let listed = items.list(kind, None, true).await.expect("list");
    assert_eq!(positions(&listed), vec![1, 2, 3, 4, 5]);
    let order: Vec<ItemId> = listed.iter().map(|i| i.id).collect();
    let expected: Vec<ItemId> = inserted.iter().map(|i| i.id).chain([appended.id]).collect();
    assert_eq!(order, expected, "the order is kept: by position, then id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_processes_writing_one_kind_keep_its_positions_gapless() {
    let test = TestDatabase::migrated().await;
    let kind = CollectionKind::Websites;
    // Each "process" has a client, a connection pool and repositories of its own: they share
    // nothing but the database.
    let mut processes: Vec<Arc<dyn CollectionRepository>> = Vec::new();
    for transactions in [false, false, true] {
        let mut config = test_config(&test_uri());
        config.default_database = test.name.clone();
        let store = connect(&config).await.expect("connect").with_transactions(transactions);
        assert_eq!(store.db().name(), test.name);
        processes.push(Arc::new(MongoContent::new(store).collections()));
    }
    let mut seeded = Vec::new();
    for n in 0..6 {
        seeded.push(processes[0].insert(&sample_item(kind, &format!("seed {n}"))).await.expect("insert"));
    }
    let mut tasks = Vec::new();
    for round in 0..12_usize {
        let repo = processes[round % processes.len()].clone();
        let target = seeded[round % seeded.len()].id;
        tasks.push(tokio::spawn(async move {
            match round % 3 {
                0 => repo.insert(&sample_item(kind, &format!("new {round}"))).await.map(drop),
                // Moves and deletes pick different seeds, and at least four items are always
                // there to move among.
                1 => repo.move_to(kind, target, u32::try_from(round % 4 + 1).expect("small")).await.map(drop),
                _ => repo.delete(kind, target).await.map(drop),
            }
        }));
    }
    for task in tasks {
        task.await.expect("join").expect("write");
    }
    let listed = processes[0].list(kind, None, true).await.expect("list");
    assert_eq!(positions(&listed), (1..=u32::try_from(listed.len()).expect("few")).collect::<Vec<_>>());
}
