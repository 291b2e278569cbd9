use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use folio_domain::media::Media;
use serde::Serialize;
use utoipa::ToSchema;

/// A media record as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    #[schema(example = "262710484852588544")]
    pub id: String,
    #[schema(example = "image")]
    pub category: &'static str,
    /// Localized title, keyed by language.
    #[schema(value_type = Object, example = json!({"es": "Portada", "en": "Cover"}))]
    pub title: BTreeMap<String, String>,
    /// Bytes of the stored original.
    pub size: u64,
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Hex sha256 of the stored original.
    pub sha256: String,
    pub etag: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    /// Where the file is served: `/api/v1/files/{id}`.
    pub url: String,
    pub variants: Vec<VariantView>,
    pub uploaded_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariantView {
    #[schema(example = "thumb")]
    pub name: &'static str,
    pub size: u64,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub url: String,
}

impl From<&Media> for MediaView {
    fn from(media: &Media) -> Self {
        let url = format!("/api/v1/files/{}", media.id);
        MediaView {
            id: media.id.to_string(),
            category: media.category.as_str(),
            title: media.title.clone().into_map(),
            size: media.size,
            content_type: media.content_type.clone(),
            sha256: media.sha256.clone(),
            etag: media.etag.clone(),
            width: media.width,
            height: media.height,
            duration_ms: media.duration_ms,
            variants: media
                .variants
                .iter()
                .map(|v| VariantView {
                    name: v.name.as_str(),
                    size: v.size,
                    content_type: v.content_type.clone(),
                    width: v.width,
                    height: v.height,
                    url: format!("{url}?variant={}", v.name.as_str()),
                })
                .collect(),
            url,
            uploaded_by: media.uploaded_by.map(|u| u.to_string()),
            created_at: media.created_at,
            updated_at: media.updated_at,
        }
    }
}

/// One page of media.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaPage {
    pub items: Vec<MediaView>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u64,
}
