//! The Lynx API's simple collections (albums, book images, songs, videos, websites, CV
//! sections and sub-sections, and the blog's sections, categories and sub-categories):
//! one set of handlers over Folio's collection service, told by each route's scope which
//! old kind it serves.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId};
use serde_json::{Map, Value};

use super::envelope::{success, Lx, LynxError};
use super::fields::Shape;
use super::files::{iso, Docs};
use super::kinds::{legacy, LegacyKind};
use super::token::{viewer, Editor};
use crate::compat::ids;
use crate::http::json::JsonBody;
use crate::AppState;

/// The kind a route serves (its app data).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Legacy(&'static LegacyKind);

impl FromRequest for Legacy {
    type Error = LynxError;
    type Future = Ready<Result<Legacy, LynxError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(req.app_data::<Legacy>().copied().ok_or_else(|| LynxError::not_found("route")))
    }
}

// Under each kind's path (`/album`, `/articleSection`, …).
routes!(ITEM_ROUTES, item_routes, [(post, "", create), (put, "/{id}", update), (delete, "/{id}", delete)]);

/// Registers `kinds`' routes; returns them as (method, path) for the route list.
pub(crate) fn register(cfg: &mut web::ServiceConfig, kinds: &'static [LegacyKind]) {
    for kind in kinds {
        if let Some((path, _)) = kind.list {
            cfg.service(web::resource(format!("/{path}")).app_data(Legacy(kind)).route(web::get().to(list)));
        }
        for path in kind.paths {
            cfg.service(web::scope(&format!("/{path}")).app_data(Legacy(kind)).configure(item_routes));
        }
    }
}

/// The routes [`register`] adds, as (method, path).
pub(crate) fn listed(kinds: &'static [LegacyKind]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for kind in kinds {
        if let Some((path, _)) = kind.list {
            out.push(("get", format!("/{path}")));
        }
        for path in kind.paths {
            out.extend(ITEM_ROUTES.iter().map(|(method, sub)| (*method, format!("/{path}{sub}"))));
        }
    }
    out
}

impl LegacyKind {
    /// A Folio error with its fields named as this kind's old documents name them.
    pub fn error(&self, docs: &Docs<'_>, error: folio_domain::DomainError) -> LynxError {
        LynxError::from_domain(error, &|field| self.shape.old_name(field, &docs.lang))
    }

    /// One item as an old document, its media populated and (for CV sections and blog
    /// categories) the items nested in it too.
    pub async fn document(
        &self,
        docs: &Docs<'_>,
        item: &CollectionItem,
        include_hidden: bool,
    ) -> Result<Map<String, Value>, LynxError> {
        let mut doc = self.bare_document(docs, item).await?;
        if let (Some(field), Some(child)) = (self.children, self.kind.children().next()) {
            let nested = docs.state.collections.list(child, Some(item.id), include_hidden).await?;
            let child_kind = legacy(child).ok_or_else(|| LynxError::not_found("kind"))?;
            let mut children = Vec::with_capacity(nested.len());
            for nested in &nested {
                children.push(Value::Object(child_kind.bare_document(docs, nested).await?));
            }
            doc.insert(field.to_owned(), Value::Array(children));
        }
        Ok(doc)
    }

    /// The document without nested items.
    pub async fn bare_document(&self, docs: &Docs<'_>, item: &CollectionItem) -> Result<Map<String, Value>, LynxError> {
        let media = docs.state.collections.media_of(item).await?;
        let mut doc = Map::new();
        doc.insert("_id".into(), Value::String(item.id.to_string()));
        self.shape.to_old(&item.fields, &docs.lang, &mut doc);
        for (slot, old) in self.shape.slots {
            let many = self.kind.slot(slot).is_some_and(|s| s.many);
            let value = if many {
                let prefix = format!("{slot}/");
                Value::Array(
                    media.iter().filter(|(key, _)| key.starts_with(&prefix)).map(|(_, m)| docs.file(m)).collect(),
                )
            } else {
                media.get(*slot).map_or(Value::Null, |m| docs.file(m))
            };
            doc.insert((*old).to_owned(), value);
        }
        if let (Some(field), Some(parent)) = (self.shape.parent, item.parent) {
            doc.insert(field.to_owned(), Value::String(parent.to_string()));
        }
        doc.insert("order".into(), Value::from(item.position));
        doc.insert("show".into(), Value::Bool(item.visible));
        doc.insert("create_at".into(), Value::String(iso(item.created_at)));
        doc.insert("createdAt".into(), Value::String(iso(item.created_at)));
        doc.insert("updatedAt".into(), Value::String(iso(item.updated_at)));
        Ok(doc)
    }

    /// The Folio body of an old create or update body; `stored` is the item an update changes.
    async fn folio_body(
        &self,
        docs: &Docs<'_>,
        body: &Map<String, Value>,
        stored: Option<&CollectionItem>,
    ) -> Result<Map<String, Value>, LynxError> {
        let mut folio = self.shape.to_folio(body, stored.map(|s| &s.fields), &docs.lang)?;
        let Some(field) = self.shape.parent else { return Ok(folio) };
        let named = match body.get(field).and_then(ids::reference) {
            Some(raw) => ids::item(docs.state, raw).await,
            None => None,
        };
        match (stored, named) {
            (None, Some(parent)) => {
                folio.insert("parent_id".into(), Value::String(parent.to_string()));
            }
            (None, None) => return Err(LynxError::invalid(field, "required: the id of the item this one belongs to")),
            (Some(item), Some(parent)) if item.parent != Some(parent) => {
                return Err(LynxError::invalid(field, "an item cannot move to another parent; create it there instead"))
            }
            (Some(_), _) => {}
        }
        Ok(folio)
    }

    /// Applies what an old body says beyond the fields: `order` (1-based; 0 or less, or
    /// missing, leaves the position alone) and the files it names.
    pub async fn apply_extras(
        &self,
        docs: &Docs<'_>,
        mut item: CollectionItem,
        body: &Map<String, Value>,
    ) -> Result<CollectionItem, LynxError> {
        let collections = &docs.state.collections;
        if let Some(order) = body.get("order").and_then(Value::as_f64).filter(|o| *o >= 1.0) {
            let count = collections.list(self.kind, item.parent, true).await?.len();
            let target = (order as usize).min(count.max(1)) as u32;
            if target != item.position {
                item = collections.move_to(self.kind, item.id, target).await?;
            }
        }
        apply_files(docs, self.kind, &self.shape, item, body).await
    }
}

/// Puts the files an old body names into their slots: only existing media of the slot's
/// category count; anything else (an empty id, a stale one) leaves the slot as it is.
pub(crate) async fn apply_files(
    docs: &Docs<'_>,
    kind: CollectionKind,
    shape: &Shape,
    mut item: CollectionItem,
    body: &Map<String, Value>,
) -> Result<CollectionItem, LynxError> {
    for (slot, refs) in shape.slot_refs(body) {
        let Some(spec) = kind.slot(slot) else { continue };
        for raw in refs.into_iter().take(if spec.many { usize::MAX } else { 1 }) {
            let Some(media) = ids::media(docs.state, raw).await else { continue };
            let key = if spec.many { format!("{slot}/{media}") } else { slot.to_owned() };
            if item.media.get(&key) == Some(&media) {
                continue;
            }
            match docs.state.media.get(media).await {
                Ok(found) if found.category == spec.category => {
                    item = docs.state.collections.set_media(kind, item.id, slot, media).await?;
                }
                Ok(_) | Err(folio_domain::DomainError::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    Ok(item)
}

/// The item at `raw` (any visibility), or 404.
pub(crate) async fn find(state: &AppState, kind: &LegacyKind, raw: &str) -> Result<CollectionItem, LynxError> {
    let id: ItemId = ids::item(state, raw).await.ok_or_else(|| LynxError::not_found(kind.key))?;
    match state.collections.get(kind.kind, id, true).await {
        Err(folio_domain::DomainError::NotFound { .. }) => Err(LynxError::not_found(kind.key)),
        other => Ok(other?),
    }
}

/// `GET /api/main/albums` and the like: by position, visible ones (all for an editor's token).
pub(crate) async fn list(
    kind: Legacy,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, LynxError> {
    let kind = kind.0;
    let hidden = viewer(&req).await?.is_some();
    let docs = Docs::new(&req, &state);
    let items = state.collections.list(kind.kind, None, hidden).await?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        out.push(Value::Object(kind.document(&docs, item, hidden).await?));
    }
    let (_, key) = kind.list.ok_or_else(|| LynxError::new(StatusCode::NOT_FOUND, "no list here"))?;
    Ok(success([(key, Value::Array(out))]))
}

pub(crate) async fn create(
    _editor: Editor,
    kind: Legacy,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let (kind, body) = (kind.0, body.0.into_inner());
    let docs = Docs::new(&req, &state);
    let folio = kind.folio_body(&docs, &body, None).await?;
    let item = state.collections.create(kind.kind, folio).await.map_err(|e| kind.error(&docs, e))?;
    let item = kind.apply_extras(&docs, item, &body).await?;
    Ok(success([(kind.key, Value::Object(kind.document(&docs, &item, true).await?))]))
}

pub(crate) async fn update(
    _editor: Editor,
    kind: Legacy,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let (kind, body) = (kind.0, body.0.into_inner());
    let docs = Docs::new(&req, &state);
    let stored = find(&state, kind, &id).await?;
    let folio = kind.folio_body(&docs, &body, Some(&stored)).await?;
    let item = state.collections.update(kind.kind, stored.id, folio).await.map_err(|e| kind.error(&docs, e))?;
    let item = kind.apply_extras(&docs, item, &body).await?;
    let doc = Value::Object(kind.document(&docs, &item, true).await?);
    let mut entries: Vec<(&str, Value)> = kind.updated_keys.iter().map(|key| (*key, doc.clone())).collect();
    entries.push((kind.key, doc));
    Ok(success(entries))
}

/// Deletes the item and what is nested in it (Folio's cascades); answers the deleted document.
pub(crate) async fn delete(
    _editor: Editor,
    kind: Legacy,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, LynxError> {
    let kind = kind.0;
    let docs = Docs::new(&req, &state);
    let item = find(&state, kind, &id).await?;
    let doc = kind.document(&docs, &item, true).await?;
    state.collections.delete(kind.kind, item.id).await?;
    Ok(success([(kind.key, Value::Object(doc))]))
}
