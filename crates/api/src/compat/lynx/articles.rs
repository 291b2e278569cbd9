//! The Lynx API's articles (`/api/article/article…`, `/api/article/articles/…`) over
//! Folio's article service: old field names, populated category, sub-categories, sections
//! and cover, and its path-segment paging.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::DateTime;
use folio_domain::content::articles::{Article, ArticleDetail, ArticleQuery, ArticleSort};
use folio_domain::content::{CollectionKind, ItemId};
use folio_domain::media::MediaCategory;
use folio_domain::{DomainError, PageRequest};
use serde_json::{Map, Value};

use super::envelope::{success, Lx, LynxError};
use super::fields::{blank, Shape};
use super::files::{iso, Docs};
use super::kinds::{legacy, COLOURS};
use super::token::{viewer, Editor};
use crate::compat::ids;
use crate::http::json::JsonBody;
use crate::AppState;

const ARTICLE: Shape = Shape {
    texts: &[("title", "title"), ("subtitle", "subtitle"), ("intro", "intro"), ("outro", "outro")],
    fields: COLOURS,
    slots: &[("cover", "coverImg")],
    parent: None,
};

/// The longest search the old `search` segment may carry (Folio's `q` limit).
const MAX_SEARCH_CHARS: usize = 200;

/// Folio's article fields as the old API names them, for error messages.
fn old_name(field: &str, lang: &str) -> String {
    for (folio, old) in [
        ("category_id", "cat"),
        ("sub_category_ids", "subCats"),
        ("slug", "urltitle"),
        ("languages", "langs"),
        ("published_at", "create_at"),
    ] {
        if let Some(rest) = field.strip_prefix(folio) {
            return format!("{old}{rest}");
        }
    }
    ARTICLE.old_name(field, lang)
}

fn error(docs: &Docs<'_>, error: DomainError) -> LynxError {
    LynxError::from_domain(error, &|field| old_name(field, &docs.lang))
}

/// An article by id or `urltitle`, the one way every article route finds one: ids go
/// through [`ids::item`] (where old ObjectIds will resolve), anything else is a urltitle.
pub(crate) async fn detail(state: &AppState, raw: &str, include_hidden: bool) -> Result<ArticleDetail, LynxError> {
    let key = match ids::item(state, raw).await {
        Some(id) => id.to_string(),
        None => match ids::article_by_urltitle(state, raw).await {
            Some(id) => id.to_string(),
            None => raw.to_owned(),
        },
    };
    match state.articles.detail(&key, include_hidden).await {
        Err(DomainError::NotFound { .. }) => Err(LynxError::not_found("article")),
        other => Ok(other?),
    }
}

/// An article as the old API populated it: `cat` (with its `subcats`), `subCats`,
/// `sections` (with their files) and `coverImg` (a list, as the old model had it).
pub(crate) async fn document(
    docs: &Docs<'_>,
    detail: &ArticleDetail,
    include_hidden: bool,
) -> Result<Value, LynxError> {
    let article = &detail.article;
    let kind = |k| legacy(k).ok_or_else(|| LynxError::not_found("kind"));
    let mut doc = Map::new();
    doc.insert("_id".into(), Value::String(article.id.to_string()));
    ARTICLE.to_old(&article.fields, &docs.lang, &mut doc);
    let cat = match &detail.category {
        Some(category) => {
            Value::Object(kind(CollectionKind::ArticleCategories)?.document(docs, category, include_hidden).await?)
        }
        None => Value::Null,
    };
    doc.insert("cat".into(), cat);
    let mut sub_cats = Vec::new();
    for sub in &detail.sub_categories {
        sub_cats.push(Value::Object(kind(CollectionKind::ArticleSubcategories)?.bare_document(docs, sub).await?));
    }
    doc.insert("subCats".into(), Value::Array(sub_cats));
    let mut sections = Vec::new();
    for section in &detail.sections {
        sections.push(Value::Object(kind(CollectionKind::ArticleSections)?.bare_document(docs, section).await?));
    }
    doc.insert("sections".into(), Value::Array(sections));
    let tags: Vec<&str> = article.tags.iter().collect();
    doc.insert("tags".into(), Value::String(tags.join(", ")));
    doc.insert("urltitle".into(), Value::String(article.slug.to_string()));
    let cover = article.media.get("cover").and_then(|id| detail.media.get(id));
    doc.insert("coverImg".into(), Value::Array(cover.map(|m| docs.file(m)).into_iter().collect()));
    doc.insert("langs".into(), Value::from(article.languages.clone()));
    doc.insert("show".into(), Value::Bool(article.visible));
    // Folio keeps no `insertions`; an empty list keeps old clients that index it working.
    doc.insert("insertions".into(), Value::Array(Vec::new()));
    doc.insert("create_at".into(), Value::String(iso(article.published_at)));
    doc.insert("createdAt".into(), Value::String(iso(article.created_at)));
    doc.insert("updatedAt".into(), Value::String(iso(article.updated_at)));
    Ok(Value::Object(doc))
}

async fn reference(state: &AppState, field: &str, value: &Value) -> Result<ItemId, LynxError> {
    let raw = ids::reference(value).ok_or_else(|| LynxError::invalid(field, "expected an id"))?;
    ids::item(state, raw).await.ok_or_else(|| LynxError::invalid(field, "no such item"))
}

/// An old article body as Folio's; `stored` is the article an update changes.
async fn folio_body(
    docs: &Docs<'_>,
    body: &Map<String, Value>,
    stored: Option<&Article>,
) -> Result<Map<String, Value>, LynxError> {
    let updating = stored.is_some();
    let mut folio = ARTICLE.to_folio(body, stored.map(|a| &a.fields), &docs.lang)?;
    match body.get("cat") {
        None => {}
        Some(value) if blank(value) && updating => {
            folio.insert("category_id".into(), Value::Null);
        }
        Some(value) if blank(value) => {}
        Some(value) => {
            let id = reference(docs.state, "cat", value).await?;
            folio.insert("category_id".into(), Value::String(id.to_string()));
        }
    }
    match body.get("subCats") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            let mut subs = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                subs.push(Value::String(reference(docs.state, &format!("subCats[{i}]"), item).await?.to_string()));
            }
            folio.insert("sub_category_ids".into(), Value::Array(subs));
        }
        Some(_) => return Err(LynxError::invalid("subCats", "expected a list of ids")),
    }
    match body.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => {
            let tags = text.split(',').map(str::trim).filter(|t| !t.is_empty());
            folio.insert("tags".into(), Value::Array(tags.map(|t| Value::String(t.to_owned())).collect()));
        }
        Some(tags @ Value::Array(_)) => {
            folio.insert("tags".into(), tags.clone());
        }
        Some(_) => return Err(LynxError::invalid("tags", "expected text, comma-separated")),
    }
    match body.get("urltitle") {
        Some(value) if !blank(value) => {
            folio.insert("slug".into(), value.clone());
        }
        _ => {}
    }
    match body.get("langs") {
        Some(value) if !blank(value) => {
            folio.insert("languages".into(), value.clone());
        }
        _ => {}
    }
    match body.get("create_at") {
        Some(Value::String(text)) if !text.trim().is_empty() => {
            let date = DateTime::parse_from_rfc3339(text.trim())
                .map_err(|_| LynxError::invalid("create_at", "expected a date like 2024-05-01T10:00:00.000Z"))?;
            folio.insert("published_at".into(), Value::String(date.to_rfc3339()));
        }
        _ => {}
    }
    Ok(folio)
}

/// Puts the image `coverImg` names (an id, a populated file, or a list of either: the
/// first counts) in the article's cover, when it is an existing image.
async fn apply_cover(docs: &Docs<'_>, article: Article, body: &Map<String, Value>) -> Result<Article, LynxError> {
    let Some((_, refs)) = ARTICLE.slot_refs(body).into_iter().next() else { return Ok(article) };
    let Some(raw) = refs.first() else { return Ok(article) };
    let Some(media) = ids::media(docs.state, raw).await else { return Ok(article) };
    if article.media.get("cover") == Some(&media) {
        return Ok(article);
    }
    match docs.state.media.get(media).await {
        Ok(found) if found.category == MediaCategory::Image => {
            Ok(docs.state.articles.set_media(article.id, "cover", media).await?)
        }
        Ok(_) | Err(DomainError::NotFound { .. }) => Ok(article),
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/article/article/{id or urltitle}`: hidden ones (and hidden sections) only
/// for an editor's token.
pub(crate) async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, LynxError> {
    let hidden = viewer(&req).await?.is_some();
    let docs = Docs::new(&req, &state);
    let detail = detail(&state, &id, hidden).await?;
    Ok(success([("article", document(&docs, &detail, hidden).await?)]))
}

pub(crate) async fn create_article(
    _editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let body = body.0.into_inner();
    let docs = Docs::new(&req, &state);
    let folio = folio_body(&docs, &body, None).await?;
    let article = state.articles.create(folio).await.map_err(|e| error(&docs, e))?;
    let article = apply_cover(&docs, article, &body).await?;
    let detail = detail(&state, &article.id.to_string(), true).await?;
    Ok(success([("article", document(&docs, &detail, true).await?)]))
}

pub(crate) async fn update_article(
    _editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Lx<JsonBody<Map<String, Value>>>,
) -> Result<HttpResponse, LynxError> {
    let body = body.0.into_inner();
    let docs = Docs::new(&req, &state);
    let stored = detail(&state, &id, true).await?.article;
    let folio = folio_body(&docs, &body, Some(&stored)).await?;
    let article = state.articles.update(stored.id, folio).await.map_err(|e| error(&docs, e))?;
    let article = apply_cover(&docs, article, &body).await?;
    let detail = detail(&state, &article.id.to_string(), true).await?;
    let doc = document(&docs, &detail, true).await?;
    Ok(success([("articleUpdated", doc.clone()), ("article", doc)]))
}

/// Deletes the article and its sections; answers the deleted document.
pub(crate) async fn delete_article(
    _editor: Editor,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, LynxError> {
    let docs = Docs::new(&req, &state);
    let detail = detail(&state, &id, true).await?;
    let doc = document(&docs, &detail, true).await?;
    state.articles.delete(detail.article.id).await?;
    Ok(success([("article", doc)]))
}

/// The old `sort` segment: `-create_at` (the default), `title`, … as Folio's sort.
fn sort(raw: &str) -> Result<ArticleSort, LynxError> {
    let (descending, name) = raw.strip_prefix('-').map_or((false, raw), |rest| (true, rest));
    let field = match name {
        "create_at" => "published_at",
        // Ids grow with time: creation order.
        "createdAt" | "_id" => "created_at",
        "updatedAt" => "updated_at",
        "title" => "title",
        _ => {
            return Err(LynxError::bad_request(
                "sort: one of create_at, createdAt, updatedAt, title, _id (prefix - for descending)",
            ))
        }
    };
    format!("{}{field}", if descending { "-" } else { "" }).parse().map_err(LynxError::bad_request)
}

fn number(req: &HttpRequest, name: &str, default: u32) -> Result<u32, LynxError> {
    match req.match_info().get(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|_| LynxError::bad_request(format!("{name}: expected a whole number"))),
    }
}

/// `GET /api/article/articles/{page?}/{ipp?}/{sort?}/{rootAccess?}/{type?}/{search?}`:
/// `page` from 1, `ipp` items per page (0, the default, for all), `sort` as above, `type` a
/// category id or `all`, `search` plain text. `rootAccess` is accepted and ignored: hidden
/// articles show only to an editor's token. 200 with an empty list when nothing matches.
pub(crate) async fn list_articles(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, LynxError> {
    let page = number(&req, "page", 1)?.max(1);
    let ipp = number(&req, "ipp", 0)?;
    let sort = sort(req.match_info().get("sort").unwrap_or("-create_at"))?;
    let search = req.match_info().get("search").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if search.as_ref().is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS) {
        return Err(LynxError::bad_request(format!("search: at most {MAX_SEARCH_CHARS} characters")));
    }
    let hidden = viewer(&req).await?.is_some();
    let category = match req.match_info().get("type").map(str::trim) {
        None | Some("all") | Some("") => None,
        Some(raw) => match ids::item(&state, raw).await {
            Some(id) => Some(id),
            None => return Ok(page_of(Vec::new(), 0, page, ipp)),
        },
    };
    let mut query = ArticleQuery { sort, category, q: search, include_hidden: hidden, ..ArticleQuery::default() };
    let (articles, total) = if (1..=PageRequest::MAX_PER_PAGE).contains(&ipp) {
        query.page = PageRequest::new(page, ipp)?;
        let found = state.articles.search(&query).await?;
        (found.items, found.total)
    } else {
        // All of them (ipp 0), or pages larger than Folio's: gathered, then cut.
        let mut all = Vec::new();
        let mut next = 1;
        loop {
            query.page = PageRequest::new(next, PageRequest::MAX_PER_PAGE)?;
            let found = state.articles.search(&query).await?;
            let done = found.items.is_empty() || u64::from(next) >= found.pages;
            all.extend(found.items);
            if done {
                break;
            }
            next += 1;
        }
        let total = all.len() as u64;
        let skip = if ipp == 0 { 0 } else { (page as usize - 1) * ipp as usize };
        let take = if ipp == 0 { usize::MAX } else { ipp as usize };
        (all.into_iter().skip(skip).take(take).collect(), total)
    };
    let docs = Docs::new(&req, &state);
    let mut out = Vec::with_capacity(articles.len());
    for article in articles {
        out.push(document(&docs, &detail(&state, &article.id.to_string(), hidden).await?, hidden).await?);
    }
    Ok(page_of(out, total, page, ipp))
}

fn page_of(articles: Vec<Value>, total: u64, page: u32, ipp: u32) -> HttpResponse {
    let (per_page, pages) = match ipp {
        0 => (total, u64::from(total > 0)),
        ipp => (u64::from(ipp), total.div_ceil(u64::from(ipp))),
    };
    success([
        ("total_items", Value::from(total)),
        ("pages", Value::from(pages)),
        ("itemsPerPage", Value::from(per_page)),
        ("page", Value::from(page)),
        ("articles", Value::Array(articles)),
    ])
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;

    use super::*;

    #[test]
    fn old_sorts_map_onto_folio_sorts_and_others_are_refused() {
        assert_eq!(sort("-create_at").ok(), "-published_at".parse().ok());
        assert_eq!(sort("title").ok(), "title".parse().ok());
        assert_eq!(sort("_id").ok(), "created_at".parse().ok());
        let refused = sort("password").expect_err("not whitelisted");
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn article_fields_are_named_the_old_way() {
        assert_eq!(old_name("sub_category_ids[1]", "es"), "subCats[1]");
        assert_eq!(old_name("slug", "es"), "urltitle");
        assert_eq!(old_name("intro.en", "es"), "introEng");
        assert_eq!(old_name("background_color", "es"), "bgColor");
    }
}
