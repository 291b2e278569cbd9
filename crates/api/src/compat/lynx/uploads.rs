//! The Lynx API's upload routes: a multipart form per request (the old clients name the
//! file part `file`, or `file0`, `file1`…; other fields are ignored), stored like any Folio
//! upload (type from the bytes, size limits while streaming, images stripped), then put in
//! the item's slot, which releases the file it replaces.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::content::{CollectionItem, CollectionKind};
use folio_domain::media::{Media, MediaCategory, UploadRequest};
use folio_domain::values::Localized;
use folio_domain::DomainError;
use serde_json::Value;

use super::articles;
use super::collections::find;
use super::envelope::{success, LynxError};
use super::files::Docs;
use super::kinds::{legacy, LegacyKind};
use super::profile::{self, PROFILE};
use super::token::Editor;
use crate::http::rate_limit::RateLimitTiers;
use crate::media::upload::{receive_files, FormRules};
use crate::AppState;

/// Files one `upload-files-articleSection` request may carry (the old API's limit).
const MAX_FILES: usize = 10;

/// The title the old API gave an upload: its file name without the extension, split at
/// `EnglishTitle` into the default language's and English (`FotoEnglishTitlePhoto.jpg`).
fn title_from_name(file_name: Option<&str>, lang: &str, english: bool) -> Localized {
    let name = file_name.unwrap_or_default();
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let (own, eng) = stem.split_once("EnglishTitle").unwrap_or((stem, stem));
    let mut texts = std::collections::BTreeMap::new();
    texts.insert(lang.to_owned(), own.to_owned());
    if english {
        texts.entry("en".to_owned()).or_insert_with(|| eng.to_owned());
    }
    Localized::parse(texts).unwrap_or_default()
}

/// Stores the form's files (at most `max_files`) as media of `category`.
async fn receive(
    req: &HttpRequest,
    state: &AppState,
    editor: &Editor,
    category: MediaCategory,
    multipart: Multipart,
    max_files: usize,
) -> Result<Vec<Media>, LynxError> {
    if let Some(limits) = req.app_data::<web::Data<RateLimitTiers>>() {
        limits.check_upload(req).await?;
    }
    let limit = state.media.limits().for_category(category);
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit.saturating_mul(max_files as u64) + 64 * 1024) {
        return Err(DomainError::TooLarge { limit }.into());
    }
    let languages = state.collections.languages();
    let english = languages.supported.iter().any(|l| l == "en");
    let title_of = |name: Option<&str>| title_from_name(name, &languages.default, english);
    let rules = FormRules {
        max_files,
        is_file: &|name, has_file_name| has_file_name || name.starts_with("file"),
        title_field: false,
        title_of: Some(&title_of),
    };
    let request = UploadRequest {
        category: Some(category),
        title: Localized::default(),
        file_name: None,
        uploaded_by: Some(editor.0.user.id),
    };
    Ok(receive_files(&state.media, request, multipart, &rules).await?)
}

/// Deletes uploads that could not be put in their slot.
async fn discard(state: &AppState, media: &[Media]) {
    for m in media {
        if let Err(error) = state.media.delete(m.id).await {
            tracing::warn!(media_id = %m.id, error = %error, "could not delete an upload that found no slot");
        }
    }
}

/// Uploads into an item's slot (named the old way) and answers the updated document.
async fn into_item(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    kind: &'static LegacyKind,
    raw_id: &str,
    old_slot: &str,
    multipart: Multipart,
) -> Result<HttpResponse, LynxError> {
    let item = find(&state, kind, raw_id).await?;
    let (slot, _) = kind.shape.slots.iter().find(|(_, old)| *old == old_slot).ok_or_else(|| {
        let names: Vec<&str> = kind.shape.slots.iter().map(|(_, old)| *old).collect();
        LynxError::not_found(&format!("file slot `{old_slot}` (one of {})", names.join(", ")))
    })?;
    let spec = kind.kind.slot(slot).ok_or_else(|| LynxError::not_found("file slot"))?;
    let media = receive(&req, &state, &editor, spec.category, multipart, if spec.many { MAX_FILES } else { 1 }).await?;
    let item = match fill(&state, kind.kind, item, slot, &media).await {
        Ok(item) => item,
        Err(error) => {
            discard(&state, &media).await;
            return Err(error.into());
        }
    };
    let docs = Docs::new(&req, &state);
    let doc = Value::Object(kind.document(&docs, &item, true).await?);
    Ok(answer(&docs, kind.key, doc, &media, spec.many))
}

async fn fill(
    state: &AppState,
    kind: CollectionKind,
    mut item: CollectionItem,
    slot: &str,
    media: &[Media],
) -> Result<CollectionItem, DomainError> {
    for m in media {
        item = state.collections.set_media(kind, item.id, slot, m.id).await?;
    }
    Ok(item)
}

fn answer(docs: &Docs<'_>, key: &'static str, doc: Value, media: &[Media], many: bool) -> HttpResponse {
    let files: Vec<Value> = media.iter().map(|m| docs.file(m)).collect();
    let first = files.first().cloned().unwrap_or(Value::Null);
    let mut entries = vec![(key, doc), ("file", first)];
    if many {
        entries.push(("files", Value::Array(files)));
    }
    success(entries)
}

fn kind(of: CollectionKind) -> Result<&'static LegacyKind, LynxError> {
    legacy(of).ok_or_else(|| LynxError::not_found("kind"))
}

pub(crate) async fn album(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    into_item(editor, req, state, kind(CollectionKind::Albums)?, &id, "img", form).await
}

pub(crate) async fn book_img(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    into_item(editor, req, state, kind(CollectionKind::GalleryImages)?, &id, "img", form).await
}

pub(crate) async fn video(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    into_item(editor, req, state, kind(CollectionKind::Videos)?, &id, "video", form).await
}

/// `{option}`: `song` or `coverArt`.
pub(crate) async fn song(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    let (id, option) = path.into_inner();
    into_item(editor, req, state, kind(CollectionKind::Songs)?, &id, &option, form).await
}

/// `{option}`: `desktopImg`, `tabletImg` or `mobileImg`.
pub(crate) async fn website(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    let (id, option) = path.into_inner();
    into_item(editor, req, state, kind(CollectionKind::Websites)?, &id, &option, form).await
}

pub(crate) async fn article_section(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    into_item(editor, req, state, kind(CollectionKind::ArticleSections)?, &id, "principalFile", form).await
}

/// Several files at once, added to the section's `files`.
pub(crate) async fn article_section_files(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    into_item(editor, req, state, kind(CollectionKind::ArticleSections)?, &id, "files", form).await
}

/// `{slot}`: `logo`, `backgroundImg`, `CVImage`, `CVBackground` (or `seoImg`).
pub(crate) async fn main_image(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    slot: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    let (folio_slot, _) = PROFILE.slots.iter().find(|(_, old)| *old == slot.as_str()).ok_or_else(|| {
        LynxError::not_found(&format!("file slot `{slot}` (one of logo, backgroundImg, CVImage, CVBackground, seoImg)"))
    })?;
    let stored = profile::existing(&state).await?;
    let media = receive(&req, &state, &editor, MediaCategory::Image, form, 1).await?;
    let item = match fill(&state, CollectionKind::SiteProfile, stored, folio_slot, &media).await {
        Ok(item) => item,
        Err(error) => {
            discard(&state, &media).await;
            return Err(error.into());
        }
    };
    let docs = Docs::new(&req, &state);
    let doc = profile::document(&docs, Some(&item)).await?;
    Ok(answer(&docs, "main", doc, &media, false))
}

/// The article's cover.
pub(crate) async fn article(
    editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, LynxError> {
    let stored = articles::detail(&state, &id, true).await?.article;
    let media = receive(&req, &state, &editor, MediaCategory::Image, form, 1).await?;
    let outcome = match media.first() {
        Some(m) => state.articles.set_media(stored.id, "cover", m.id).await,
        None => Err(DomainError::invalid("file", "required", "attach a file")),
    };
    if let Err(error) = outcome {
        discard(&state, &media).await;
        return Err(error.into());
    }
    let docs = Docs::new(&req, &state);
    let detail = articles::detail(&state, &stored.id.to_string(), true).await?;
    let doc = articles::document(&docs, &detail, true).await?;
    Ok(answer(&docs, "article", doc, &media, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_file_names_as_the_old_api_made_them() {
        let title = title_from_name(Some("C:\\fotos\\PortadaEnglishTitleCover.final.jpg"), "es", true);
        assert_eq!((title.get("es"), title.get("en")), (Some("Portada"), Some("Cover.final")));
        let title = title_from_name(Some("logo.png"), "es", true);
        assert_eq!((title.get("es"), title.get("en")), (Some("logo"), Some("logo")));
        assert_eq!(title_from_name(Some("logo.png"), "es", false).get("en"), None);
        assert!(title_from_name(None, "es", true).is_empty());
    }
}
