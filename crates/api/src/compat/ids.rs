//! The one place where a compatibility route turns an id from a path or a body into a
//! Folio id. Old clients still hold MongoDB ObjectIds (24 hex digits) from before the move;
//! `folio import lynx` records which Folio id each became, they are resolved here, and every
//! compatibility route follows.

use std::str::FromStr;

use folio_domain::content::ItemId;
use folio_domain::legacy::lynx;
use folio_domain::media::MediaId;
use folio_id::Snowflake;
use serde_json::Value;

use crate::AppState;

/// The Folio id `raw` names, if any.
pub(crate) async fn resolve(state: &AppState, raw: &str) -> Option<Snowflake> {
    let raw = raw.trim();
    if let Ok(id) = Snowflake::from_str(raw) {
        return Some(id);
    }
    // An old MongoDB ObjectId, from a database `folio import lynx` brought over: ids are
    // unique across its collections, so the first source that knows it names the document.
    let legacy = state.legacy.as_ref().filter(|_| folio_domain::legacy::is_object_id(raw))?;
    for source in LYNX_SOURCES {
        match legacy.resolve_legacy_id(source, raw).await {
            Ok(Some(id)) => return Some(id),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(error = %error, "old id lookup failed");
                return None;
            }
        }
    }
    None
}

/// An old article address (`urltitle`) that `folio import lynx` recorded.
pub(crate) async fn article_by_urltitle(state: &AppState, raw: &str) -> Option<ItemId> {
    let legacy = state.legacy.as_ref()?;
    legacy.resolve_legacy_id(lynx::ARTICLE_URLTITLES, raw).await.ok().flatten().map(ItemId)
}

const LYNX_SOURCES: [&str; 13] = [
    lynx::FILES,
    lynx::MAINS,
    lynx::ALBUMS,
    lynx::BOOK_IMAGES,
    lynx::SONGS,
    lynx::VIDEOS,
    lynx::WEBSITES,
    lynx::CV_SECTIONS,
    lynx::CV_SUBSECTIONS,
    lynx::ARTICLE_CATEGORIES,
    lynx::ARTICLE_SUBCATEGORIES,
    lynx::ARTICLES,
    lynx::ARTICLE_SECTIONS,
];

pub(crate) async fn item(state: &AppState, raw: &str) -> Option<ItemId> {
    resolve(state, raw).await.map(ItemId)
}

pub(crate) async fn media(state: &AppState, raw: &str) -> Option<MediaId> {
    resolve(state, raw).await.map(MediaId)
}

/// The id a body field refers to: an id, or a populated document carrying `_id` (old
/// clients send back what they were given). `None` for anything else.
pub(crate) fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::String(raw) if !raw.trim().is_empty() => Some(raw),
        Value::Object(doc) => doc.get("_id").or_else(|| doc.get("id")).and_then(Value::as_str),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn references_are_ids_or_populated_documents() {
        assert_eq!(reference(&json!("262710484852588544")), Some("262710484852588544"));
        assert_eq!(reference(&json!({"_id": "12", "title": "x"})), Some("12"));
        assert_eq!(reference(&json!("  ")), None);
        assert_eq!(reference(&json!(null)), None);
        assert_eq!(reference(&json!(12)), None);
    }
}
