//! Blog articles: searched, paged, sorted and found by slug, so they have their own storage
//! rather than being a collection kind. Their sections, categories and sub-categories are
//! collection kinds ([`super::CollectionKind`]) nested under them.

mod query;
mod repository;
mod service;
mod slug;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

pub use query::{ArticleQuery, ArticleSort, SortField};
pub use repository::ArticleRepository;
pub use service::{ArticleDetail, ArticleService, ARTICLE_SLOTS};
pub use slug::Slug;

use super::{ItemId, Tags};
use crate::media::MediaId;

/// One article. `fields` holds the validated text fields (title, subtitle, intro, outro,
/// colours) as JSON; the fields the repository filters and sorts on are typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: ItemId,
    pub slug: Slug,
    /// An `article-categories` item.
    pub category: Option<ItemId>,
    /// `article-subcategories` items of `category`.
    pub sub_categories: Vec<ItemId>,
    pub tags: Tags,
    /// The languages the article is written in.
    pub languages: Vec<String>,
    pub visible: bool,
    pub published_at: DateTime<Utc>,
    pub fields: Map<String, Value>,
    /// Slot name → media (`cover`, `thumbnail`).
    pub media: BTreeMap<String, MediaId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Article {
    /// What `q` searches, lower-cased: the titles, subtitles and intros in every language,
    /// and the tags.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for field in ["title", "subtitle", "intro"] {
            if let Some(Value::Object(texts)) = self.fields.get(field) {
                parts.extend(texts.values().filter_map(Value::as_str).map(str::to_owned));
            }
        }
        parts.extend(self.tags.iter().map(str::to_owned));
        parts.join("\n").to_lowercase()
    }

    /// The title `sort=title` orders by, lower-cased: in the article's first language (the
    /// site's default when the article has it), else in any language it has.
    pub fn sort_title(&self) -> String {
        let Some(Value::Object(titles)) = self.fields.get("title") else {
            return String::new();
        };
        let first = self.languages.first().and_then(|lang| titles.get(lang));
        first.or_else(|| titles.values().next()).and_then(Value::as_str).unwrap_or_default().to_lowercase()
    }
}
