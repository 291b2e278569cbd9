//! What editors do with articles, and what the public may read.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Article, ArticleQuery, ArticleRepository, Slug};
use crate::content::kinds::{parse, validate_article_fields};
use crate::content::{CollectionItem, CollectionKind, CollectionService, ItemId, Slot, Tags};
use crate::media::{Media, MediaCategory, MediaId};
use crate::{clock, DomainError, FieldError, Page};

const ENTITY: &str = "article";

/// An article's media slots.
pub const ARTICLE_SLOTS: [Slot; 2] = [
    Slot { name: "cover", category: MediaCategory::Image, many: false },
    Slot { name: "thumbnail", category: MediaCategory::Image, many: false },
];

/// The fields of an article body that are not text: typed here, and kept out of `fields`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleMeta {
    slug: Option<Slug>,
    category_id: Option<ItemId>,
    #[serde(default)]
    sub_category_ids: Vec<ItemId>,
    #[serde(default)]
    tags: Tags,
    languages: Option<Vec<String>>,
    visible: Option<bool>,
    published_at: Option<DateTime<Utc>>,
}

const META_FIELDS: [&str; 7] =
    ["slug", "category_id", "sub_category_ids", "tags", "languages", "visible", "published_at"];

/// An article with everything a page showing it needs.
#[derive(Debug, Clone)]
pub struct ArticleDetail {
    pub article: Article,
    pub category: Option<CollectionItem>,
    pub sub_categories: Vec<CollectionItem>,
    /// In order; hidden ones only for editors who asked.
    pub sections: Vec<CollectionItem>,
    /// Every media record the article and its sections refer to.
    pub media: BTreeMap<MediaId, Media>,
}

#[derive(Debug, Clone)]
pub struct ArticleService {
    articles: Arc<dyn ArticleRepository>,
    collections: CollectionService,
}

impl ArticleService {
    pub fn new(articles: Arc<dyn ArticleRepository>, collections: CollectionService) -> ArticleService {
        ArticleService { articles, collections }
    }

    /// Creates an article from its body: the text fields of [`crate::content::ArticleFields`]
    /// plus `slug` (made from the title when absent), `category_id`, `sub_category_ids`,
    /// `tags`, `languages` (the title's when absent), `visible` (default true) and
    /// `published_at` (default now).
    #[tracing::instrument(skip(self, body))]
    pub async fn create(&self, body: Map<String, Value>) -> Result<Article, DomainError> {
        self.create_made_at(body, clock::now()).await
    }

    /// Creates as [`ArticleService::create`] does, recording `made` (never later than now) as
    /// when the article was created: an import keeps the time its source made it.
    pub async fn create_made_at(&self, body: Map<String, Value>, made: DateTime<Utc>) -> Result<Article, DomainError> {
        let now = clock::now();
        let id = ItemId(self.collections.new_id()?);
        let article = self.build(id, body, made.min(now), now).await?;
        self.articles.insert(&article).await?;
        tracing::info!(article_id = %article.id, slug = %article.slug, "article created");
        Ok(article)
    }

    /// Applies a patch onto the article's body: given fields replace, `null` clears.
    #[tracing::instrument(skip(self, patch), fields(article_id = %id))]
    pub async fn update(&self, id: ItemId, patch: Map<String, Value>) -> Result<Article, DomainError> {
        let stored = self.articles.get(id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        let mut body = body_of(&stored);
        for (name, value) in patch {
            if value.is_null() {
                body.remove(&name);
            } else {
                body.insert(name, value);
            }
        }
        let mut article = self.build(id, body, stored.created_at, clock::now()).await?;
        article.media = stored.media;
        self.articles.update(&article).await?;
        Ok(article)
    }

    /// Validates a whole body into an article.
    async fn build(
        &self,
        id: ItemId,
        mut body: Map<String, Value>,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Article, DomainError> {
        let mut meta = Map::new();
        for name in META_FIELDS {
            if let Some(value) = body.remove(name) {
                meta.insert(name.to_owned(), value);
            }
        }
        let languages = self.collections.languages().clone();
        let fields = validate_article_fields(body, &languages)?;
        let meta: ArticleMeta = parse(Value::Object(meta))?;
        let mut errors = Vec::new();
        let titles: Vec<String> = match fields.get("title") {
            Some(Value::Object(titles)) => titles.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let mut article_languages = meta.languages.unwrap_or(titles);
        for (i, lang) in article_languages.iter().enumerate() {
            if !languages.supported.contains(lang) {
                errors.push(FieldError::new(
                    format!("languages[{i}]"),
                    "unsupported_language",
                    format!("`{lang}` is not one of this site's languages ({})", languages.supported.join(", ")),
                ));
            }
        }
        article_languages.dedup();
        // The site's default language first, so that it names the article when present.
        article_languages.sort_by_key(|lang| *lang != languages.default);
        let slug = match meta.slug {
            Some(slug) => Some(slug),
            None => {
                let title = fields.get("title").and_then(|t| {
                    let texts = t.as_object()?;
                    texts.get(&languages.default).or_else(|| texts.values().next())?.as_str()
                });
                let slug = title.and_then(Slug::from_title);
                if slug.is_none() {
                    errors.push(FieldError::new("slug", "required", "the title gives no slug: send one"));
                }
                slug
            }
        };
        self.check_categories(meta.category_id, &meta.sub_category_ids, &mut errors).await?;
        let (Some(slug), true) = (slug, errors.is_empty()) else {
            return Err(DomainError::Invalid(errors));
        };
        Ok(Article {
            id,
            slug,
            category: meta.category_id,
            sub_categories: meta.sub_category_ids,
            tags: meta.tags,
            languages: article_languages,
            visible: meta.visible.unwrap_or(true),
            published_at: meta.published_at.unwrap_or(now),
            fields,
            media: BTreeMap::new(),
            created_at,
            updated_at: now,
        })
    }

    /// The category must exist; each sub-category must exist and belong to it.
    async fn check_categories(
        &self,
        category: Option<ItemId>,
        sub_categories: &[ItemId],
        errors: &mut Vec<FieldError>,
    ) -> Result<(), DomainError> {
        let items = self.collections.repository();
        if let Some(id) = category {
            if items.get(CollectionKind::ArticleCategories, id).await?.is_none() {
                errors.push(FieldError::new("category_id", "not_found", "no article category has this id"));
            }
        }
        for (i, id) in sub_categories.iter().enumerate() {
            let field = format!("sub_category_ids[{i}]");
            match items.get(CollectionKind::ArticleSubcategories, *id).await? {
                None => errors.push(FieldError::new(field, "not_found", "no article sub-category has this id")),
                Some(sub) if sub.parent != category => errors.push(FieldError::new(
                    field,
                    "wrong_category",
                    "this sub-category belongs to another category than the article's",
                )),
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// An article by id or slug; a hidden one only when `include_hidden`.
    pub async fn find(&self, id_or_slug: &str, include_hidden: bool) -> Result<Article, DomainError> {
        let found = match id_or_slug.parse::<ItemId>() {
            Ok(id) => self.articles.get(id).await?,
            Err(_) => self.articles.get_by_slug(id_or_slug).await?,
        };
        match found {
            Some(article) if article.visible || include_hidden => Ok(article),
            _ => Err(DomainError::NotFound { entity: ENTITY }),
        }
    }

    /// An article with its category, sub-categories, sections and media, in one go.
    pub async fn detail(&self, id_or_slug: &str, include_hidden: bool) -> Result<ArticleDetail, DomainError> {
        let article = self.find(id_or_slug, include_hidden).await?;
        let items = self.collections.repository();
        let category = match article.category {
            Some(id) => items.get(CollectionKind::ArticleCategories, id).await?.filter(|c| c.visible || include_hidden),
            None => None,
        };
        let mut sub_categories = Vec::new();
        for id in &article.sub_categories {
            if let Some(sub) = items.get(CollectionKind::ArticleSubcategories, *id).await? {
                if sub.visible || include_hidden {
                    sub_categories.push(sub);
                }
            }
        }
        let sections = items.list(CollectionKind::ArticleSections, Some(article.id), include_hidden).await?;
        let mut slots = BTreeMap::new();
        for (slot, id) in article.media.iter().chain(sections.iter().flat_map(|s| s.media.iter())) {
            slots.insert(format!("{slot}:{id}"), *id);
        }
        let media = self.collections.media_records(&slots).await?.into_values().map(|m| (m.id, m)).collect();
        Ok(ArticleDetail { article, category, sub_categories, sections, media })
    }

    pub async fn search(&self, query: &ArticleQuery) -> Result<Page<Article>, DomainError> {
        self.articles.search(query).await
    }

    /// Deletes the article and its sections; media only they held is deleted too.
    pub async fn delete(&self, id: ItemId) -> Result<(), DomainError> {
        let (article, sections) = self.articles.delete(id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        tracing::info!(article_id = %id, sections = sections.len(), "article deleted");
        let media = article.media.values().chain(sections.iter().flat_map(|s| s.media.values())).copied();
        self.collections.release_all(media.collect::<Vec<_>>()).await;
        Ok(())
    }

    /// Puts media in one of the article's slots (`cover`, `thumbnail`).
    pub async fn set_media(&self, id: ItemId, slot: &str, media: MediaId) -> Result<Article, DomainError> {
        let spec =
            ARTICLE_SLOTS.iter().find(|s| s.name == slot).ok_or(DomainError::NotFound { entity: "media slot" })?;
        self.collections.check_slot_media(*spec, media).await?;
        self.change_slot(id, slot, Some(media)).await
    }

    pub async fn clear_media(&self, id: ItemId, slot: &str) -> Result<Article, DomainError> {
        ARTICLE_SLOTS.iter().find(|s| s.name == slot).ok_or(DomainError::NotFound { entity: "media slot" })?;
        self.change_slot(id, slot, None).await
    }

    async fn change_slot(&self, id: ItemId, slot: &str, media: Option<MediaId>) -> Result<Article, DomainError> {
        let mut article = self.articles.get(id).await?.ok_or(DomainError::NotFound { entity: ENTITY })?;
        let previous = match media {
            Some(media) => article.media.insert(slot.to_owned(), media),
            None => article.media.remove(slot),
        };
        article.updated_at = clock::now();
        self.articles.update(&article).await?;
        if let Some(previous) = previous.filter(|p| Some(*p) != media) {
            self.collections.release(previous).await;
        }
        Ok(article)
    }

    pub async fn media_of(&self, article: &Article) -> Result<BTreeMap<String, Media>, DomainError> {
        self.collections.media_records(&article.media).await
    }
}

/// An article as the body that would create it (the inverse of `build`).
fn body_of(article: &Article) -> Map<String, Value> {
    let mut body = article.fields.clone();
    let ids = |ids: &[ItemId]| Value::Array(ids.iter().map(|id| Value::String(id.to_string())).collect());
    body.insert("slug".into(), Value::String(article.slug.to_string()));
    if let Some(category) = article.category {
        body.insert("category_id".into(), Value::String(category.to_string()));
    }
    body.insert("sub_category_ids".into(), ids(&article.sub_categories));
    body.insert("tags".into(), Value::Array(article.tags.iter().map(|t| Value::String(t.to_owned())).collect()));
    body.insert("languages".into(), Value::Array(article.languages.iter().cloned().map(Value::String).collect()));
    body.insert("visible".into(), Value::Bool(article.visible));
    body.insert("published_at".into(), Value::String(article.published_at.to_rfc3339()));
    body
}
