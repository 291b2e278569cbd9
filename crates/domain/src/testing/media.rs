//! The `MediaRepository` conformance suite.

use std::sync::Arc;

use crate::media::{Media, MediaCategory, MediaFilter, MediaId, MediaRepository, MediaVariant, VariantName};
use crate::objects::ObjectKey;
use crate::page::PageRequest;
use crate::users::UserId;
use crate::values::Localized;
use crate::DomainError;

use super::unique;
use super::unique_id as next_id;

/// A media record with a unique id and key.
pub fn sample_media(category: MediaCategory, content_type: &str) -> Media {
    let now = crate::clock::now();
    let id = next_id();
    let key = ObjectKey::parse(&format!("{}/{}/{id}-file.bin", unique("media-"), category.as_str())).expect("key");
    Media {
        id: MediaId(folio_id::Snowflake::from_u64(id)),
        category,
        title: Localized::single("en", "A title"),
        key,
        size: 1234,
        content_type: content_type.to_owned(),
        sha256: "ab".repeat(32),
        etag: Some("etag-1".to_owned()),
        width: None,
        height: None,
        duration_ms: None,
        variants: Vec::new(),
        uploaded_by: Some(UserId(folio_id::Snowflake::from_u64(42))),
        created_at: now,
        updated_at: now,
    }
}

pub async fn inserted_media_reads_back_with_its_variants(repo: Arc<dyn MediaRepository>) {
    let mut media = sample_media(MediaCategory::Image, "image/png");
    media.title = Localized::single("es", "Título con acentos");
    media.width = Some(2400);
    media.height = Some(1200);
    media.variants = vec![MediaVariant {
        name: VariantName::Thumb,
        key: format!("{}.thumb.jpg", media.key),
        size: 99,
        content_type: "image/jpeg".into(),
        width: 400,
        height: 200,
    }];
    repo.insert(&media).await.expect("insert");
    assert_eq!(repo.find(media.id).await.expect("find"), Some(media.clone()));
    assert_eq!(repo.find(MediaId(folio_id::Snowflake::from_u64(next_id()))).await.expect("find"), None);
}

pub async fn lists_filter_by_category_and_type_newest_first(repo: Arc<dyn MediaRepository>) {
    let a = sample_media(MediaCategory::Image, "image/png");
    let b = sample_media(MediaCategory::Image, "image/jpeg");
    let c = sample_media(MediaCategory::Document, "application/pdf");
    for m in [&a, &b, &c] {
        repo.insert(m).await.expect("insert");
    }
    let page = PageRequest::new(1, 100).expect("page");
    let images =
        repo.list(&MediaFilter { category: Some(MediaCategory::Image), content_type: None }, page).await.expect("list");
    let ids: Vec<MediaId> = images.items.iter().map(|m| m.id).collect();
    assert!(ids.contains(&a.id) && ids.contains(&b.id) && !ids.contains(&c.id));
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let pngs =
        repo.list(&MediaFilter { category: None, content_type: Some("image/png".into()) }, page).await.expect("list");
    assert!(pngs.items.iter().all(|m| m.content_type == "image/png"));
    assert!(pngs.items.iter().any(|m| m.id == a.id));
    let one = repo.list(&MediaFilter::default(), PageRequest::new(1, 1).expect("page")).await.expect("list");
    assert_eq!(one.items.len(), 1);
    assert!(one.total >= 3);
    assert_eq!(one.pages, one.total);
}

pub async fn update_replaces_and_a_missing_one_is_not_found(repo: Arc<dyn MediaRepository>) {
    let mut media = sample_media(MediaCategory::Audio, "audio/mpeg");
    repo.insert(&media).await.expect("insert");
    media.title = Localized::single("en", "Renamed");
    media.updated_at = crate::clock::now();
    repo.update(&media).await.expect("update");
    assert_eq!(repo.find(media.id).await.expect("find"), Some(media));
    let missing = sample_media(MediaCategory::Audio, "audio/mpeg");
    assert!(matches!(repo.update(&missing).await, Err(DomainError::NotFound { .. })));
}

pub async fn delete_says_whether_media_was_deleted(repo: Arc<dyn MediaRepository>) {
    let media = sample_media(MediaCategory::Video, "video/mp4");
    repo.insert(&media).await.expect("insert");
    assert!(repo.delete(media.id).await.expect("delete"));
    assert!(!repo.delete(media.id).await.expect("delete again"));
    assert_eq!(repo.find(media.id).await.expect("find"), None);
}

pub async fn pending_deletions_are_remembered_until_removed(repo: Arc<dyn MediaRepository>) {
    let prefix = unique("pending-");
    let keys: Vec<String> = (0..3).map(|i| format!("{prefix}/{i}.bin")).collect();
    repo.add_pending_deletions(&keys[..2]).await.expect("add");
    // Adding a key twice keeps one entry.
    repo.add_pending_deletions(&keys[1..]).await.expect("add again");
    let pending: Vec<String> =
        repo.pending_deletions(1000).await.expect("list").into_iter().filter(|k| k.starts_with(&prefix)).collect();
    assert_eq!(pending.len(), 3);
    repo.remove_pending_deletions(&keys[..2]).await.expect("remove");
    let left: Vec<String> =
        repo.pending_deletions(1000).await.expect("list").into_iter().filter(|k| k.starts_with(&prefix)).collect();
    assert_eq!(left, vec![keys[2].clone()]);
    repo.remove_pending_deletions(&[]).await.expect("remove nothing");
}
