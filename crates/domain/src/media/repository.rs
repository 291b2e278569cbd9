use crate::page::{Page, PageRequest};
use crate::DomainError;

use super::{Media, MediaCategory, MediaId};

/// Which media to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaFilter {
    pub category: Option<MediaCategory>,
    /// Exact content type, e.g. `image/png`.
    pub content_type: Option<String>,
}

#[async_trait::async_trait]
pub trait MediaRepository: Send + Sync + std::fmt::Debug {
    async fn insert(&self, media: &Media) -> Result<(), DomainError>;
    async fn find(&self, id: MediaId) -> Result<Option<Media>, DomainError>;
    /// Newest first.
    async fn list(&self, filter: &MediaFilter, page: PageRequest) -> Result<Page<Media>, DomainError>;
    /// Replaces the stored record with the same id; `NotFound` when missing.
    async fn update(&self, media: &Media) -> Result<(), DomainError>;
    /// Deletes the record; `true` when one was deleted.
    async fn delete(&self, id: MediaId) -> Result<bool, DomainError>;
    /// Remembers object keys whose deletion failed, to retry later.
    async fn add_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError>;
    /// Up to `limit` keys awaiting deletion, oldest first.
    async fn pending_deletions(&self, limit: u64) -> Result<Vec<String>, DomainError>;
    /// Forgets keys that are now deleted.
    async fn remove_pending_deletions(&self, keys: &[String]) -> Result<(), DomainError>;
}
