//! Ids from before Folio: when content is imported from another service (the Lynx
//! portfolio's MongoDB), each imported document's old id is recorded beside the id Folio gave
//! it, so that an import can tell what it has done already, and old links (a 24-hex MongoDB
//! ObjectId, an article's old `urltitle`) keep resolving afterwards.
//!
//! A mapping is `(source, old id) → new id`. The source names where the old id came from:
//! the old database's collection (`albums`, `files`), or a field of it (`articles.urltitle`).

mod repository;

use std::sync::Arc;

use folio_id::Snowflake;

pub use repository::{LegacyId, LegacyIdRepository};

use crate::DomainError;

/// The sources `folio import lynx` records, for whoever resolves the Lynx portfolio's old
/// links: its collections' names, and its articles' old addresses.
pub mod lynx {
    pub const FILES: &str = "files";
    pub const MAINS: &str = "mains";
    pub const ALBUMS: &str = "albums";
    pub const BOOK_IMAGES: &str = "bookimgs";
    pub const SONGS: &str = "songs";
    pub const VIDEOS: &str = "videos";
    pub const WEBSITES: &str = "websites";
    pub const CV_SECTIONS: &str = "cvsections";
    pub const CV_SUBSECTIONS: &str = "cvsubsections";
    pub const ARTICLE_CATEGORIES: &str = "articlecats";
    pub const ARTICLE_SUBCATEGORIES: &str = "articlesubcats";
    pub const ARTICLES: &str = "articles";
    pub const ARTICLE_SECTIONS: &str = "articlesections";
    /// An article's `urltitle` (matched exactly) → the article.
    pub const ARTICLE_URLTITLES: &str = "articles.urltitle";
}

/// Longest source name and old id accepted.
pub const MAX_SOURCE_CHARS: usize = 64;
pub const MAX_OLD_ID_CHARS: usize = 200;

/// Recording and resolving old ids.
#[derive(Debug, Clone)]
pub struct LegacyIds {
    repo: Arc<dyn LegacyIdRepository>,
}

impl LegacyIds {
    pub fn new(repo: Arc<dyn LegacyIdRepository>) -> LegacyIds {
        LegacyIds { repo }
    }

    /// The new id an old one was given. `raw` is what an old link carries: a MongoDB
    /// ObjectId in either case (they are stored lower-case), or any other old key such as an
    /// article's `urltitle`, matched exactly. `None` when it was never imported (or is empty
    /// or too long to be an old id).
    pub async fn resolve_legacy_id(&self, source: &str, raw: &str) -> Result<Option<Snowflake>, DomainError> {
        let Some(old_id) = normalize(raw) else { return Ok(None) };
        if source.is_empty() || source.chars().count() > MAX_SOURCE_CHARS {
            return Ok(None);
        }
        self.repo.find(source, &old_id).await
    }

    /// Remembers that `old_id` of `source` became `new_id`. Recording the same mapping again
    /// changes nothing; mapping an old id to another new id is `Conflict`.
    pub async fn record(&self, source: &str, raw: &str, new_id: Snowflake) -> Result<(), DomainError> {
        check("source", source, MAX_SOURCE_CHARS)?;
        let old_id = normalize(raw)
            .ok_or_else(|| DomainError::invalid("old_id", "invalid", "an old id is 1 to 200 characters"))?;
        self.repo.record(source, &old_id, new_id).await
    }

    /// Every mapping of `source`, by old id.
    pub async fn list(&self, source: &str) -> Result<Vec<LegacyId>, DomainError> {
        self.repo.list(source).await
    }

    /// Forgets a mapping; `true` when there was one.
    pub async fn forget(&self, source: &str, raw: &str) -> Result<bool, DomainError> {
        match normalize(raw) {
            Some(old_id) => self.repo.delete(source, &old_id).await,
            None => Ok(false),
        }
    }
}

/// Whether `raw` is a MongoDB ObjectId: 24 hexadecimal digits.
pub fn is_object_id(raw: &str) -> bool {
    raw.len() == 24 && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An old id as stored: trimmed, ObjectIds lower-cased (the Node service accepted either
/// case), anything else as it is; `None` when empty or too long.
fn normalize(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_OLD_ID_CHARS {
        return None;
    }
    Some(if is_object_id(raw) { raw.to_ascii_lowercase() } else { raw.to_owned() })
}

fn check(field: &'static str, value: &str, max: usize) -> Result<(), DomainError> {
    if value.is_empty() || value.chars().count() > max {
        return Err(DomainError::invalid(field, "invalid", format!("a {field} is 1 to {max} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::*;

    /// A map in memory, enough to test what the service adds to the port.
    #[derive(Debug, Default)]
    struct InMemory(Mutex<BTreeMap<(String, String), Snowflake>>);

    #[async_trait::async_trait]
    impl LegacyIdRepository for InMemory {
        async fn record(&self, source: &str, old_id: &str, new_id: Snowflake) -> Result<(), DomainError> {
            let mut map = self.0.lock().map_err(|_| DomainError::Internal("poisoned".into()))?;
            match map.entry((source.to_owned(), old_id.to_owned())).or_insert(new_id) {
                existing if *existing == new_id => Ok(()),
                _ => Err(DomainError::Conflict { entity: "legacy id", field: "old_id" }),
            }
        }
        async fn find(&self, source: &str, old_id: &str) -> Result<Option<Snowflake>, DomainError> {
            let map = self.0.lock().map_err(|_| DomainError::Internal("poisoned".into()))?;
            Ok(map.get(&(source.to_owned(), old_id.to_owned())).copied())
        }
        async fn list(&self, _source: &str) -> Result<Vec<LegacyId>, DomainError> {
            Ok(Vec::new())
        }
        async fn delete(&self, source: &str, old_id: &str) -> Result<bool, DomainError> {
            let mut map = self.0.lock().map_err(|_| DomainError::Internal("poisoned".into()))?;
            Ok(map.remove(&(source.to_owned(), old_id.to_owned())).is_some())
        }
    }

    #[tokio::test]
    async fn object_ids_resolve_in_either_case_and_other_keys_exactly() {
        let ids = LegacyIds::new(Arc::new(InMemory::default()));
        let new = Snowflake::from_u64(42);
        ids.record("albums", "64B7F0C2A1D3E4F5A6B7C8D9", new).await.expect("record");
        assert_eq!(ids.resolve_legacy_id("albums", "64b7f0c2a1d3e4f5a6b7c8d9").await.expect("resolve"), Some(new));
        assert_eq!(ids.resolve_legacy_id("albums", " 64B7F0C2A1D3E4F5A6B7C8D9 ").await.expect("resolve"), Some(new));
        assert_eq!(ids.resolve_legacy_id("songs", "64b7f0c2a1d3e4f5a6b7c8d9").await.expect("resolve"), None);

        ids.record("articles.urltitle", "Mi-Primer-Articulo", new).await.expect("record");
        assert_eq!(ids.resolve_legacy_id("articles.urltitle", "Mi-Primer-Articulo").await.expect("ok"), Some(new));
        assert_eq!(ids.resolve_legacy_id("articles.urltitle", "mi-primer-articulo").await.expect("ok"), None);
    }

    #[tokio::test]
    async fn empty_or_oversized_input_resolves_to_nothing() {
        let ids = LegacyIds::new(Arc::new(InMemory::default()));
        assert_eq!(ids.resolve_legacy_id("albums", "").await.expect("ok"), None);
        assert_eq!(ids.resolve_legacy_id("albums", &"a".repeat(201)).await.expect("ok"), None);
        assert_eq!(ids.resolve_legacy_id("", "x").await.expect("ok"), None);
        assert!(matches!(ids.record("albums", "  ", Snowflake::from_u64(1)).await, Err(DomainError::Invalid(_))));
        assert!(matches!(ids.record("", "x", Snowflake::from_u64(1)).await, Err(DomainError::Invalid(_))));
    }

    #[test]
    fn object_ids_are_24_hex_digits() {
        assert!(is_object_id("64b7f0c2a1d3e4f5a6b7c8d9"));
        assert!(is_object_id("64B7F0C2A1D3E4F5A6B7C8D9"));
        assert!(!is_object_id("64b7f0c2a1d3e4f5a6b7c8d"));
        assert!(!is_object_id("64b7f0c2a1d3e4f5a6b7c8dz"));
    }
}
