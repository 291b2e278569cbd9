use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use folio_domain::content::CollectionItem;
use folio_domain::media::Media;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A collection item as the API shows it: the kind's fields at the top level, beside these.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    #[schema(example = "262710484852588544")]
    pub id: String,
    /// 1-based; a collection's positions are always exactly 1..n.
    pub position: u32,
    pub visible: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Filled media slots.
    pub media: BTreeMap<String, SlotView>,
    /// The kind's fields (`title`, `link`, …), flattened into the object.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

/// The media in one slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    pub id: String,
    /// Where the file is served: `/api/v1/files/{id}`.
    pub url: String,
    pub content_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl ItemView {
    pub fn new(item: CollectionItem, media: &BTreeMap<String, Media>) -> ItemView {
        // The flattened fields cannot shadow the item's own keys.
        let mut fields = item.fields;
        for reserved in ["id", "position", "visible", "created_at", "updated_at", "media"] {
            fields.remove(reserved);
        }
        ItemView {
            id: item.id.to_string(),
            position: item.position,
            visible: item.visible,
            created_at: item.created_at,
            updated_at: item.updated_at,
            media: media
                .iter()
                .map(|(slot, m)| {
                    (
                        slot.clone(),
                        SlotView {
                            id: m.id.to_string(),
                            url: format!("/api/v1/files/{}", m.id),
                            content_type: m.content_type.clone(),
                            width: m.width,
                            height: m.height,
                        },
                    )
                })
                .collect(),
            fields,
        }
    }
}
