use super::{Article, ArticleQuery};
use crate::content::{CollectionItem, ItemId};
use crate::{DomainError, Page};

/// Storage of articles.
#[async_trait::async_trait]
pub trait ArticleRepository: Send + Sync + std::fmt::Debug {
    /// `Conflict { field: "slug" }` when another article has the slug.
    async fn insert(&self, article: &Article) -> Result<(), DomainError>;
    async fn get(&self, id: ItemId) -> Result<Option<Article>, DomainError>;
    async fn get_by_slug(&self, slug: &str) -> Result<Option<Article>, DomainError>;
    /// Replaces everything but `id` and `created_at`; `NotFound` when missing,
    /// `Conflict { field: "slug" }` when another article has the new slug.
    async fn update(&self, article: &Article) -> Result<(), DomainError>;
    /// Deletes the article and its sections in one transaction; returns them (`None` when
    /// there was no such article).
    async fn delete(&self, id: ItemId) -> Result<Option<(Article, Vec<CollectionItem>)>, DomainError>;
    /// One page of the articles matching `query`, with the total count; ties in the sort
    /// field are broken by id, in the same direction.
    async fn search(&self, query: &ArticleQuery) -> Result<Page<Article>, DomainError>;
}
