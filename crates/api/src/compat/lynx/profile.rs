//! `GET|PUT /api/main/main`: the site profile as the Lynx API's `Main` document.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use folio_domain::content::{CollectionItem, CollectionKind};
use serde_json::{Map, Value};

use super::collections::apply_files;
use super::envelope::{success, Lx, LynxError};
use super::fields::{Conv, Shape};
use super::files::{iso, Docs};
use super::token::Editor;
use crate::http::json::JsonBody;
use crate::AppState;

const KIND: CollectionKind = CollectionKind::SiteProfile;

pub(crate) const PROFILE: Shape = Shape {
    texts: &[
        ("welcome", "welcome"),
        ("cv_description", "CVDesc"),
        ("cv_description_extra", "CVDesc2"),
        ("error_message", "errorMessage"),
    ],
    fields: &[("seo_tags", "seoTags", Conv::Commas)],
    slots: &[
        ("logo", "logo"),
        ("background", "backgroundImg"),
        ("cv_image", "CVImage"),
        ("cv_background", "CVBackground"),
        ("seo_image", "seoImg"),
    ],
    parent: None,
};

/// The profile as a `Main` document (empty texts and no files before it is first written).
/// The old document also held the admin's password hash (`key`, `keyOld`); Folio's
/// profile has no such field, so nothing of the kind can leak here.
pub(crate) async fn document(docs: &Docs<'_>, item: Option<&CollectionItem>) -> Result<Value, LynxError> {
    let empty = Map::new();
    let mut doc = Map::new();
    doc.insert("_id".into(), item.map_or(Value::Null, |i| Value::String(i.id.to_string())));
    PROFILE.to_old(item.map_or(&empty, |i| &i.fields), &docs.lang, &mut doc);
    let media = match item {
        Some(item) => docs.state.collections.media_of(item).await?,
        None => Default::default(),
    };
    for (slot, old) in PROFILE.slots {
        doc.insert((*old).to_owned(), media.get(*slot).map_or(Value::Null, |m| docs.file(m)));
    }
    if let Some(item) = item {
        doc.insert("createdAt".into(), Value::String(iso(item.created_at)));
        doc.insert("updatedAt".into(), Value::String(iso(item.updated_at)));
    }
    Ok(Value::Object(doc))
}

/// The profile item, created empty the first time (its media slots need an item).
pub(crate) async fn existing(state: &AppState) -> Result<CollectionItem, LynxError> {
    match state.collections.singleton(KIND).await? {
        Some(item) => Ok(item),
        None => Ok(state.collections.put_singleton(KIND, Map::new()).await?),
    }
}

pub(crate) async fn get_main(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, LynxError> {
    let docs = Docs::new(&req, &state);
    let item = state.collections.singleton(KIND).await?;
    Ok(success([("main", document(&docs, item.as_ref()).await?)]))
}

/// The client sends the whole document back; the fields it holds replace the stored ones
/// (texts language by language), files change only when it names other existing images.
pub(crate) async fn put_main(
    _editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let body = body.0.into_inner();
    // The old API changed the admin's password through `key`; refusing it beats silently
    // keeping the old password.
    if body.get("key").and_then(Value::as_str).is_some_and(|k| !k.is_empty()) {
        return Err(LynxError::new(
            StatusCode::BAD_REQUEST,
            "key: passwords are not kept in the site profile; change yours with PUT /api/v1/me/password",
        ));
    }
    let docs = Docs::new(&req, &state);
    let stored = existing(&state).await?;
    let mut folio = PROFILE.to_folio(&body, Some(&stored.fields), &docs.lang)?;
    folio.remove("visible");
    let rename = |field: &str| PROFILE.old_name(field, &docs.lang);
    let item =
        state.collections.update(KIND, stored.id, folio).await.map_err(|e| LynxError::from_domain(e, &rename))?;
    let item = apply_files(&docs, KIND, &PROFILE, item, &body).await?;
    let doc = document(&docs, Some(&item)).await?;
    Ok(success([("mainUpdated", doc.clone()), ("main", doc)]))
}
