//! The blog's articles (`/articles`): search and pages, lookups by slug or id, and the
//! article with its category, sub-categories, sections and media in one response.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use folio_domain::content::articles::{Article, ArticleDetail, ArticleQuery, ArticleSort};
use folio_domain::content::CollectionItem;
use folio_domain::media::Media;
use folio_domain::{DomainError, FieldError, PageRequest};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use super::routes::{include_hidden, parse_id, parse_media_id, SetMediaRequest};
use super::view::{slot_views, ItemView, SlotContent};
use crate::auth::extract::SignedIn;
use crate::http::caching::cached_json;
use crate::http::json::JsonBody;
use crate::http::problem::Problem;
use crate::http::query::QueryParams;
use crate::AppState;

routes!(
    ROUTES,
    routes,
    [
        (get, "/articles", list_articles),
        (post, "/articles", create_article),
        (get, "/articles/{id}", get_article),
        (patch, "/articles/{id}", update_article),
        (delete, "/articles/{id}", delete_article),
        (put, "/articles/{id}/media/{slot}", set_article_media),
        (delete, "/articles/{id}/media/{slot}", clear_article_media),
    ]
);

/// An article as the API shows it: its text fields (`title`, `subtitle`, `intro`, `outro`,
/// colours) at the top level, beside these.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    #[schema(example = "262710484852588544")]
    pub id: String,
    #[schema(example = "my-first-post")]
    pub slug: String,
    pub category_id: Option<String>,
    pub sub_category_ids: Vec<String>,
    pub tags: Vec<String>,
    pub languages: Vec<String>,
    pub visible: bool,
    pub published_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Filled media slots (`cover`, `thumbnail`).
    #[schema(value_type = Object, additional_properties = true)]
    pub media: BTreeMap<String, SlotContent>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

impl ArticleView {
    fn new(article: Article, media: &BTreeMap<String, Media>) -> ArticleView {
        let mut fields = article.fields;
        for reserved in [
            "id",
            "slug",
            "category_id",
            "sub_category_ids",
            "tags",
            "languages",
            "visible",
            "published_at",
            "created_at",
            "updated_at",
            "media",
        ] {
            fields.remove(reserved);
        }
        ArticleView {
            id: article.id.to_string(),
            slug: article.slug.to_string(),
            category_id: article.category.map(|c| c.to_string()),
            sub_category_ids: article.sub_categories.iter().map(ToString::to_string).collect(),
            tags: article.tags.iter().map(str::to_owned).collect(),
            languages: article.languages,
            visible: article.visible,
            published_at: article.published_at,
            created_at: article.created_at,
            updated_at: article.updated_at,
            media: slot_views(media),
            fields,
        }
    }
}

/// An article with everything a page needs to show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetailView {
    #[serde(flatten)]
    pub article: ArticleView,
    pub category: Option<ItemView>,
    pub sub_categories: Vec<ItemView>,
    /// In order; the visible ones (all of them for editors who ask).
    pub sections: Vec<ItemView>,
}

impl ArticleDetailView {
    fn new(detail: ArticleDetail) -> ArticleDetailView {
        let records = |slots: &BTreeMap<String, folio_domain::media::MediaId>| -> BTreeMap<String, Media> {
            slots.iter().filter_map(|(slot, id)| detail.media.get(id).map(|m| (slot.clone(), m.clone()))).collect()
        };
        let item = |item: CollectionItem| {
            let media = records(&item.media);
            ItemView::new(item, &media)
        };
        let article_media = records(&detail.article.media);
        ArticleDetailView {
            sections: detail.sections.into_iter().map(item).collect(),
            category: detail.category.map(item),
            sub_categories: detail.sub_categories.into_iter().map(item).collect(),
            article: ArticleView::new(detail.article, &article_media),
        }
    }
}

/// One page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    pub items: Vec<ArticleView>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The number of pages (0 when nothing matches).
    pub pages: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArticleListQuery {
    /// 1-based (default 1).
    page: Option<u32>,
    /// 1 to 100 (default 20).
    per_page: Option<u32>,
    /// `published_at` (default, newest first as `-published_at`), `created_at`, `updated_at`
    /// or `title`; prefix `-` for descending.
    sort: Option<String>,
    /// A category id.
    category: Option<String>,
    /// A sub-category id.
    sub_category: Option<String>,
    /// A tag (case-insensitive).
    tag: Option<String>,
    /// A language the article is written in (`es`, `en`).
    lang: Option<String>,
    /// Plain text searched in titles, subtitles, intros and tags (case-insensitive).
    #[param(max_length = 200)]
    q: Option<String>,
    /// Include hidden articles (signed-in editors and admins only; 401 otherwise).
    include_hidden: Option<bool>,
}

fn id_param(field: &str, raw: &Option<String>, errors: &mut Vec<FieldError>) -> Option<folio_domain::content::ItemId> {
    let raw = raw.as_deref()?;
    match raw.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(FieldError::new(field, "invalid", "expected an id (a string of digits)"));
            None
        }
    }
}

impl ArticleListQuery {
    fn into_query(self, include_hidden: bool) -> Result<ArticleQuery, DomainError> {
        let mut errors = Vec::new();
        let page = match PageRequest::new(self.page.unwrap_or(1), self.per_page.unwrap_or(20)) {
            Ok(page) => page,
            Err(DomainError::Invalid(page_errors)) => {
                errors.extend(page_errors);
                PageRequest::default()
            }
            Err(e) => return Err(e),
        };
        let sort = match self.sort.as_deref().map(str::parse::<ArticleSort>) {
            None => ArticleSort::default(),
            Some(Ok(sort)) => sort,
            Some(Err(message)) => {
                errors.push(FieldError::new("sort", "invalid", message));
                ArticleSort::default()
            }
        };
        if self.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
            errors.push(FieldError::new("q", "too_long", "search for at most 200 characters"));
        }
        let category = id_param("category", &self.category, &mut errors);
        let sub_category = id_param("sub_category", &self.sub_category, &mut errors);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(ArticleQuery {
            page,
            sort,
            category,
            sub_category,
            tag: self.tag,
            lang: self.lang,
            q: self.q,
            include_hidden,
        })
    }
}

async fn view(state: &AppState, article: Article) -> Result<ArticleView, Problem> {
    let media = state.articles.media_of(&article).await?;
    Ok(ArticleView::new(article, &media))
}

/// Articles, a page at a time: filtered, searched and sorted.
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ArticleListQuery),
    responses(
        (status = 200, body = ArticlePage, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, description = "include_hidden asked for without signing in", body = Problem),
        (status = 422, description = "A bad page, per_page, sort or id", body = Problem),
    ))]
pub(crate) async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: QueryParams<ArticleListQuery>,
) -> Result<HttpResponse, Problem> {
    let hidden = include_hidden(&req, query.0.include_hidden).await?;
    let page = state.articles.search(&query.0.into_query(hidden)?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for article in page.items {
        items.push(view(&state, article).await?);
    }
    let body = ArticlePage { items, total: page.total, page: page.page, per_page: page.per_page, pages: page.pages };
    cached_json(&req, &body, !hidden)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ArticleGetQuery {
    /// Include a hidden article and hidden sections (signed-in editors and admins only).
    include_hidden: Option<bool>,
}

/// One article by slug or id, with its category, sub-categories, sections and media.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path, description = "The article's id or slug", example = "my-first-post"), ArticleGetQuery),
    responses(
        (status = 200, body = ArticleDetailView, headers(("ETag"), ("Cache-Control"))),
        (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
        (status = 401, body = Problem),
        (status = 404, body = Problem),
    ))]
pub(crate) async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    id_or_slug: web::Path<String>,
    query: QueryParams<ArticleGetQuery>,
) -> Result<HttpResponse, Problem> {
    let hidden = include_hidden(&req, query.0.include_hidden).await?;
    let detail = state.articles.detail(&id_or_slug, hidden).await?;
    cached_json(&req, &ArticleDetailView::new(detail), !hidden)
}

/// Write an article (editor or admin). `slug` is made from the title when left out;
/// `published_at` defaults to now and `languages` to the title's.
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles",
    request_body(content = Object, example = json!({
        "title": {"es": "Hola mundo", "en": "Hello world"}, "intro": {"en": "A first post"},
        "category_id": "262710484852588544", "tags": ["rust", "web"]})),
    responses((status = 201, body = ArticleView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, description = "The slug is taken", body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn create_article(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let article = state.articles.create(body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view(&state, article).await?))
}

/// Change some of an article's fields (editor or admin); `null` clears an optional one.
#[utoipa::path(patch, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path)), request_body(content = Object, example = json!({"visible": false})),
    responses((status = 200, body = ArticleView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The slug is taken", body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn update_article(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<Map<String, Value>>,
) -> Result<HttpResponse, Problem> {
    let article = state.articles.update(parse_id(&id)?, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(&state, article).await?))
}

/// Delete an article and its sections (editor or admin).
#[utoipa::path(delete, path = "/api/v1/articles/{id}", tag = "articles", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete_article(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    state.articles.delete(parse_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Put an uploaded image in the article's `cover` or `thumbnail` slot (editor or admin).
#[utoipa::path(put, path = "/api/v1/articles/{id}/media/{slot}", tag = "articles",
    params(("id" = String, Path), ("slot" = String, Path, example = "cover")), request_body = SetMediaRequest,
    responses((status = 200, body = ArticleView), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "No such media, or not an image", body = Problem)))]
pub(crate) async fn set_article_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: JsonBody<SetMediaRequest>,
) -> Result<HttpResponse, Problem> {
    let (id, slot) = path.into_inner();
    let media_id = parse_media_id(&body.into_inner().media_id)?;
    let article = state.articles.set_media(parse_id(&id)?, &slot, media_id).await?;
    Ok(HttpResponse::Ok().json(view(&state, article).await?))
}

/// Empty one of the article's media slots (editor or admin).
#[utoipa::path(delete, path = "/api/v1/articles/{id}/media/{slot}", tag = "articles",
    params(("id" = String, Path), ("slot" = String, Path)),
    responses((status = 200, body = ArticleView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn clear_article_media(
    _signed_in: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    let (id, slot) = path.into_inner();
    let article = state.articles.clear_media(parse_id(&id)?, &slot).await?;
    Ok(HttpResponse::Ok().json(view(&state, article).await?))
}
