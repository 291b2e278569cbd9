//! The steps that writes of several documents share: finding and deleting what is nested in
//! an item or article, detaching articles from deleted categories, and renumbering. Each
//! write is preceded by [`Unit::step`]; the order of the steps is explained in the module
//! comment of [`super`].

use folio_domain::content::CollectionKind;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::FindOptions;
use mongodb::Collection;

use super::articles::ArticleDocument;
use super::items::ItemDocument;
use super::{Fail, Unit};

/// The items of `kind` directly under `parent` (top-level items when `None`).
pub(crate) fn scope(kind: &str, parent: Option<i64>) -> Document {
    doc! { "kind": kind, "parent_id": parent.map_or(Bson::Null, Bson::Int64) }
}

/// What is nested under `parents`, at any depth: the children, then the grandchildren, and so
/// on, each level ordered by parent, then position.
pub(crate) async fn nested_levels(
    unit: &mut Unit<'_>,
    items: &Collection<ItemDocument>,
    parents: Vec<i64>,
) -> Result<Vec<Vec<ItemDocument>>, Fail> {
    let mut levels = Vec::new();
    let mut parents = parents;
    while !parents.is_empty() {
        let order = FindOptions::builder().sort(doc! { "parent_id": 1, "position": 1, "_id": 1 }).build();
        let level = unit.find(items, doc! { "parent_id": { "$in": &parents } }, order).await?;
        parents = level.iter().map(|item| item.id).collect();
        if !level.is_empty() {
            levels.push(level);
        }
    }
    Ok(levels)
}

/// Deletes `levels` deepest first, so that no item is ever left whose parent is gone.
pub(crate) async fn delete_levels(
    unit: &mut Unit<'_>,
    items: &Collection<ItemDocument>,
    levels: &[Vec<ItemDocument>],
) -> Result<(), Fail> {
    for level in levels.iter().rev() {
        let ids: Vec<i64> = level.iter().map(|item| item.id).collect();
        unit.step().await?;
        unit.delete_many(items, doc! { "_id": { "$in": ids } }).await?;
    }
    Ok(())
}

/// Takes the categories and sub-categories among `deleted` off the articles that name them.
pub(crate) async fn detach_articles(
    unit: &mut Unit<'_>,
    articles: &Collection<ArticleDocument>,
    deleted: &[&ItemDocument],
) -> Result<(), Fail> {
    let of_kind = |kind: CollectionKind| -> Vec<i64> {
        deleted.iter().filter(|item| item.kind == kind.as_str()).map(|item| item.id).collect()
    };
    let categories = of_kind(CollectionKind::ArticleCategories);
    if !categories.is_empty() {
        unit.step().await?;
        unit.update_many(
            articles,
            doc! { "category_id": { "$in": &categories } },
            doc! { "$set": { "category_id": Bson::Null } },
        )
        .await?;
    }
    let subs = of_kind(CollectionKind::ArticleSubcategories);
    if !subs.is_empty() {
        unit.step().await?;
        unit.update_many(
            articles,
            doc! { "sub_categories": { "$in": &subs } },
            doc! { "$pull": { "sub_categories": { "$in": &subs } } },
        )
        .await?;
    }
    Ok(())
}

/// The ids of the items in `scope` in their current order: by position, then id (which also
/// orders the duplicates a crash may have left).
pub(crate) async fn current_order(
    unit: &mut Unit<'_>,
    items: &Collection<ItemDocument>,
    scope: Document,
) -> Result<Vec<(i64, i64)>, Fail> {
    let options = FindOptions::builder().sort(doc! { "position": 1, "_id": 1 }).build();
    let found = unit.find(items, scope, options).await?;
    Ok(found.into_iter().map(|item| (item.id, item.position)).collect())
}

/// Gives the items of `order` the positions `1..=n` in that order, writing only those that
/// differ.
pub(crate) async fn renumber(
    unit: &mut Unit<'_>,
    items: &Collection<ItemDocument>,
    order: &[(i64, i64)],
) -> Result<(), Fail> {
    let changes: Vec<(i64, i64)> = order
        .iter()
        .zip(1_i64..)
        .filter(|((_, current), wanted)| current != wanted)
        .map(|((id, _), wanted)| (*id, wanted))
        .collect();
    if changes.is_empty() {
        return Ok(());
    }
    unit.step().await?;
    for (id, position) in changes {
        unit.update_one(items, doc! { "_id": id }, doc! { "$set": { "position": position } }).await?;
    }
    Ok(())
}
