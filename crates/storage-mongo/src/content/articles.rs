//! `ArticleRepository` on MongoDB: one document per article in `articles`, with the fields
//! searches filter and sort on stored beside the article as the domain defines them.

use std::collections::BTreeMap;

use folio_domain::content::articles::{Article, ArticleQuery, ArticleRepository, SortField};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, Tags};
use folio_domain::{DomainError, Page};
use futures_util::TryStreamExt;
use mongodb::bson::{self, doc, Document};
use mongodb::options::FindOptions;
use serde::{Deserialize, Serialize};

use super::cascades::{delete_levels, nested_levels};
use super::items::{fields_from_bson, fields_to_bson, media_from_db, media_to_db};
use super::{in_unit, Fail, Shared, Unit};
use crate::dates::{from_bson, to_bson};
use crate::errors::{corrupt, map_err};
use crate::ids::{from_db_id, to_db_id};

const ENTITY: &str = "article";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ArticleDocument {
    #[serde(rename = "_id")]
    id: i64,
    /// Unique through the `slug_unique` index.
    slug: String,
    /// An `article-categories` item, or null.
    category_id: Option<i64>,
    /// `article-subcategories` items.
    sub_categories: Vec<i64>,
    /// As written.
    tags: Vec<String>,
    /// Lower-cased, for the case-insensitive `tag` filter.
    tags_lower: Vec<String>,
    languages: Vec<String>,
    visible: bool,
    published_at: bson::DateTime,
    /// [`Article::sort_title`], for `sort=title`.
    sort_title: String,
    /// [`Article::search_text`], lower-cased, for `q`.
    search_text: String,
    fields: Document,
    /// Slot → media id.
    media: BTreeMap<String, i64>,
    /// The distinct ids of `media`, for `media_in_use`.
    media_ids: Vec<i64>,
    created_at: bson::DateTime,
    updated_at: bson::DateTime,
}

impl ArticleDocument {
    fn new(a: &Article) -> Result<ArticleDocument, DomainError> {
        let (media, media_ids) = media_to_db(&a.media);
        Ok(ArticleDocument {
            id: to_db_id(a.id.0),
            slug: a.slug.as_str().to_owned(),
            category_id: a.category.map(|c| to_db_id(c.0)),
            sub_categories: a.sub_categories.iter().map(|s| to_db_id(s.0)).collect(),
            tags: a.tags.iter().map(str::to_owned).collect(),
            tags_lower: a.tags.iter().map(str::to_lowercase).collect(),
            languages: a.languages.clone(),
            visible: a.visible,
            published_at: to_bson(a.published_at),
            sort_title: a.sort_title(),
            search_text: a.search_text(),
            fields: fields_to_bson(&a.fields)?,
            media,
            media_ids,
            created_at: to_bson(a.created_at),
            updated_at: to_bson(a.updated_at),
        })
    }
}

impl TryFrom<ArticleDocument> for Article {
    type Error = DomainError;

    fn try_from(d: ArticleDocument) -> Result<Article, DomainError> {
        Ok(Article {
            id: ItemId(from_db_id(d.id)),
            slug: d.slug.try_into().map_err(|e| corrupt("articles.slug", e))?,
            category: d.category_id.map(|c| ItemId(from_db_id(c))),
            sub_categories: d.sub_categories.into_iter().map(|s| ItemId(from_db_id(s))).collect(),
            tags: Tags::try_from(d.tags).map_err(|e| corrupt("articles.tags", e))?,
            languages: d.languages,
            visible: d.visible,
            published_at: from_bson(d.published_at, "articles.published_at")?,
            fields: fields_from_bson(d.fields, "articles.fields")?,
            media: media_from_db(d.media),
            created_at: from_bson(d.created_at, "articles.created_at")?,
            updated_at: from_bson(d.updated_at, "articles.updated_at")?,
        })
    }
}

fn db_err(e: mongodb::error::Error) -> DomainError {
    // The only unique field besides `_id` is the slug.
    map_err(e, ENTITY, "slug")
}

/// The query's filters. `q` is matched as literal text: escaped, then used as a pattern on the
/// lower-cased search text, so that user input is never compiled as a regular expression.
fn filter(query: &ArticleQuery) -> Document {
    let mut filter = Document::new();
    if !query.include_hidden {
        filter.insert("visible", true);
    }
    if let Some(category) = query.category {
        filter.insert("category_id", to_db_id(category.0));
    }
    if let Some(sub) = query.sub_category {
        filter.insert("sub_categories", to_db_id(sub.0));
    }
    if let Some(tag) = &query.tag {
        filter.insert("tags_lower", tag.trim().to_lowercase());
    }
    if let Some(lang) = &query.lang {
        filter.insert("languages", lang.trim().to_lowercase());
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        filter.insert("search_text", doc! { "$regex": regex::escape(&q.to_lowercase()), "$options": "i" });
    }
    filter
}

#[derive(Debug, Clone)]
pub struct MongoArticleRepository {
    shared: Shared,
}

impl MongoArticleRepository {
    pub(super) fn new(shared: Shared) -> Self {
        Self { shared }
    }
}

impl Shared {
    async fn delete_article(
        &self,
        unit: &mut Unit<'_>,
        id: ItemId,
    ) -> Result<Option<(Article, Vec<CollectionItem>)>, Fail> {
        let id = to_db_id(id.0);
        let Some(article) = unit.find_one(&self.articles, doc! { "_id": id }).await? else {
            return Ok(None);
        };
        // Sections first: a crash in between leaves an article without some sections,
        // never sections without an article.
        let levels = nested_levels(unit, &self.items, vec![id]).await?;
        delete_levels(unit, &self.items, &levels).await?;
        unit.step().await?;
        unit.delete_many(&self.articles, doc! { "_id": id }).await?;
        let sections = levels.into_iter().flatten().map(CollectionItem::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Some((Article::try_from(article)?, sections)))
    }
}

#[async_trait::async_trait]
impl ArticleRepository for MongoArticleRepository {
    async fn insert(&self, article: &Article) -> Result<(), DomainError> {
        self.shared.articles.insert_one(ArticleDocument::new(article)?).await.map_err(db_err)?;
        Ok(())
    }

    async fn get(&self, id: ItemId) -> Result<Option<Article>, DomainError> {
        let found = self.shared.articles.find_one(doc! { "_id": to_db_id(id.0) }).await.map_err(db_err)?;
        found.map(Article::try_from).transpose()
    }

    async fn get_by_slug(&self, slug: &str) -> Result<Option<Article>, DomainError> {
        let found = self.shared.articles.find_one(doc! { "slug": slug }).await.map_err(db_err)?;
        found.map(Article::try_from).transpose()
    }

    async fn update(&self, article: &Article) -> Result<(), DomainError> {
        let mut changes = bson::serialize_to_document(&ArticleDocument::new(article)?)
            .map_err(|e| DomainError::Internal(format!("encoding an article: {e}")))?;
        changes.remove("_id");
        changes.remove("created_at");
        let result = self
            .shared
            .articles
            .update_one(doc! { "_id": to_db_id(article.id.0) }, doc! { "$set": changes })
            .await
            .map_err(db_err)?;
        if result.matched_count == 0 {
            return Err(DomainError::NotFound { entity: ENTITY });
        }
        Ok(())
    }

    async fn delete(&self, id: ItemId) -> Result<Option<(Article, Vec<CollectionItem>)>, DomainError> {
        // The sections' lock: a section being added to this article waits, then finds it gone.
        let shared = &self.shared;
        let lock = shared.locks.acquire(&[CollectionKind::ArticleSections]).await?;
        let result = in_unit!(shared, lock, |unit| shared.delete_article(&mut unit, id));
        lock.release().await;
        result
    }

    async fn search(&self, query: &ArticleQuery) -> Result<Page<Article>, DomainError> {
        let filter = filter(query);
        let articles = &self.shared.articles;
        let total = articles.count_documents(filter.clone()).await.map_err(db_err)?;
        let field = match query.sort.field {
            SortField::PublishedAt => "published_at",
            SortField::CreatedAt => "created_at",
            SortField::UpdatedAt => "updated_at",
            SortField::Title => "sort_title",
        };
        let direction = if query.sort.descending { -1 } else { 1 };
        let options = FindOptions::builder()
            .sort(doc! { field: direction, "_id": direction })
            .skip(query.page.offset())
            .limit(i64::from(query.page.per_page))
            .build();
        let found: Vec<ArticleDocument> =
            articles.find(filter).with_options(options).await.map_err(db_err)?.try_collect().await.map_err(db_err)?;
        let items = found.into_iter().map(Article::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, query.page))
    }
}
