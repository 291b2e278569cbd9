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
    /// The CV section, article category or article a nested item belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// 1-based; the positions within a collection (or a parent) are always exactly 1..n.
    pub position: u32,
    pub visible: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Filled media slots: one media, or a list for a list slot (`files`).
    #[schema(value_type = Object, additional_properties = true)]
    pub media: BTreeMap<String, SlotContent>,
    /// The kind's fields (`title`, `link`, …), flattened into the object.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

/// What a slot holds: one media, or (a list slot) several.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum SlotContent {
    One(SlotView),
    Many(Vec<SlotView>),
}

/// The media in one slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotView {
    pub id: String,
    /// Where the file is served: `/api/v1/files/{id}`.
    pub url: String,
    pub content_type: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
}

impl SlotView {
    pub fn new(m: &Media) -> SlotView {
        SlotView {
            id: m.id.to_string(),
            url: format!("/api/v1/files/{}", m.id),
            content_type: m.content_type.clone(),
            size: m.size,
            width: m.width,
            height: m.height,
            duration_ms: m.duration_ms,
        }
    }
}

/// Slot key → media, with a list slot's entries (`files/{id}`) gathered under its name.
pub fn slot_views(media: &BTreeMap<String, Media>) -> BTreeMap<String, SlotContent> {
    let mut out: BTreeMap<String, SlotContent> = BTreeMap::new();
    for (key, m) in media {
        match key.split_once('/') {
            Some((list, _)) => match out.entry(list.to_owned()).or_insert_with(|| SlotContent::Many(Vec::new())) {
                SlotContent::Many(views) => views.push(SlotView::new(m)),
                SlotContent::One(_) => {}
            },
            None => {
                out.insert(key.clone(), SlotContent::One(SlotView::new(m)));
            }
        }
    }
    out
}

impl ItemView {
    pub fn new(item: CollectionItem, media: &BTreeMap<String, Media>) -> ItemView {
        // The flattened fields cannot shadow the item's own keys.
        let mut fields = item.fields;
        for reserved in ["id", "parent_id", "position", "visible", "created_at", "updated_at", "media"] {
            fields.remove(reserved);
        }
        ItemView {
            id: item.id.to_string(),
            parent_id: item.parent.map(|p| p.to_string()),
            position: item.position,
            visible: item.visible,
            created_at: item.created_at,
            updated_at: item.updated_at,
            media: slot_views(media),
            fields,
        }
    }
}
