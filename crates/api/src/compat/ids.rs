//! The one place where a compatibility route turns an id from a path or a body into a
//! Folio id. Old clients still hold MongoDB ObjectIds (24 hex digits) from before the move;
//! once the MongoDB import records which Folio id each became, they are resolved here, and
//! every compatibility route follows (hence async, and the state it does not use yet).

use std::str::FromStr;

use folio_domain::content::ItemId;
use folio_domain::media::MediaId;
use folio_id::Snowflake;
use serde_json::Value;

use crate::AppState;

/// The Folio id `raw` names, if any.
pub(crate) async fn resolve(_state: &AppState, raw: &str) -> Option<Snowflake> {
    Snowflake::from_str(raw.trim()).ok()
}

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
