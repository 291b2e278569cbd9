//! `ArticleRepository` on SQL.

use std::collections::BTreeMap;

use folio_domain::content::articles::{Article, ArticleQuery, ArticleRepository, SortField};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, Tags};
use folio_domain::media::MediaId;
use folio_domain::{DomainError, Page};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveValue, ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::article_entity::{ActiveModel, Column, Entity, Model};
use super::items::{delete_nested, encode};
use super::{contains_pattern, delimited, undelimited, Writer};
use crate::errors::{corrupt, map_db_err};
use crate::ids::{from_db_id, to_db_id};

#[derive(Debug, Clone)]
pub struct SqlArticleRepository {
    writer: Writer,
}

impl SqlArticleRepository {
    pub(super) fn new(writer: Writer) -> Self {
        Self { writer }
    }
}

fn db_err(e: sea_orm::DbErr) -> DomainError {
    map_db_err(e, "article", "slug")
}

/// What `data` holds.
#[derive(Serialize, Deserialize)]
struct Data {
    fields: Map<String, Value>,
    tags: Tags,
}

fn to_row(a: &Article) -> Result<ActiveModel, DomainError> {
    let tags: Vec<String> = a.tags.iter().map(str::to_lowercase).collect();
    let sub_categories: Vec<String> = a.sub_categories.iter().map(ToString::to_string).collect();
    Ok(ActiveModel {
        id: ActiveValue::Set(to_db_id(a.id.0)),
        slug: ActiveValue::Set(a.slug.to_string()),
        category_id: ActiveValue::Set(a.category.map(|c| to_db_id(c.0))),
        sub_categories: ActiveValue::Set(delimited(sub_categories.iter().map(String::as_str))),
        tags: ActiveValue::Set(delimited(tags.iter().map(String::as_str))),
        languages: ActiveValue::Set(delimited(a.languages.iter().map(String::as_str))),
        visible: ActiveValue::Set(a.visible),
        published_at: ActiveValue::Set(a.published_at),
        sort_title: ActiveValue::Set(a.sort_title()),
        search_text: ActiveValue::Set(a.search_text()),
        data: ActiveValue::Set(encode(&Data { fields: a.fields.clone(), tags: a.tags.clone() })?),
        media: ActiveValue::Set(encode(&a.media)?),
        created_at: ActiveValue::Set(a.created_at),
        updated_at: ActiveValue::Set(a.updated_at),
    })
}

fn from_model(m: Model) -> Result<Article, DomainError> {
    let data: Data = serde_json::from_str(&m.data).map_err(|e| corrupt("articles.data", e.to_string()))?;
    let sub_categories = undelimited(&m.sub_categories)
        .map(|s| s.parse::<ItemId>().map_err(|e| corrupt("articles.sub_categories", e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Article {
        id: ItemId(from_db_id(m.id)),
        slug: m.slug.clone().try_into().map_err(|e| corrupt("articles.slug", e))?,
        category: m.category_id.map(|c| ItemId(from_db_id(c))),
        sub_categories,
        tags: data.tags,
        languages: undelimited(&m.languages).map(str::to_owned).collect(),
        visible: m.visible,
        published_at: m.published_at,
        fields: data.fields,
        media: serde_json::from_str::<BTreeMap<String, MediaId>>(&m.media)
            .map_err(|e| corrupt("articles.media", e.to_string()))?,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// `column LIKE '%…%'` matching `text` literally.
fn contains(column: Column, text: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::col(column).like(LikeExpr::new(contains_pattern(text)).escape('\\'))
}

/// The query's page, in its order (each sort has an index, ties broken by id).
fn one_page(query: &ArticleQuery) -> Select<Entity> {
    let column = match query.sort.field {
        SortField::PublishedAt => Column::PublishedAt,
        SortField::CreatedAt => Column::CreatedAt,
        SortField::UpdatedAt => Column::UpdatedAt,
        SortField::Title => Column::SortTitle,
    };
    let order = if query.sort.descending { Order::Desc } else { Order::Asc };
    filtered(query)
        .order_by(column, order.clone())
        .order_by(Column::Id, order)
        .offset(query.page.offset())
        .limit(u64::from(query.page.per_page))
}

fn filtered(query: &ArticleQuery) -> Select<Entity> {
    let mut select = Entity::find();
    if !query.include_hidden {
        select = select.filter(Column::Visible.eq(true));
    }
    if let Some(category) = query.category {
        select = select.filter(Column::CategoryId.eq(to_db_id(category.0)));
    }
    if let Some(sub) = query.sub_category {
        select = select.filter(contains(Column::SubCategories, &format!("|{sub}|")));
    }
    if let Some(tag) = &query.tag {
        select = select.filter(contains(Column::Tags, &format!("|{}|", tag.trim().to_lowercase())));
    }
    if let Some(lang) = &query.lang {
        select = select.filter(contains(Column::Languages, &format!("|{}|", lang.trim().to_lowercase())));
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(contains(Column::SearchText, &q.to_lowercase()));
    }
    select
}

#[async_trait::async_trait]
impl ArticleRepository for SqlArticleRepository {
    async fn insert(&self, article: &Article) -> Result<(), DomainError> {
        Entity::insert(to_row(article)?).exec_without_returning(&self.writer.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn get(&self, id: ItemId) -> Result<Option<Article>, DomainError> {
        Entity::find_by_id(to_db_id(id.0)).one(&self.writer.db).await.map_err(db_err)?.map(from_model).transpose()
    }

    async fn get_by_slug(&self, slug: &str) -> Result<Option<Article>, DomainError> {
        let row = Entity::find().filter(Column::Slug.eq(slug)).one(&self.writer.db).await.map_err(db_err)?;
        row.map(from_model).transpose()
    }

    async fn update(&self, article: &Article) -> Result<(), DomainError> {
        let mut row = to_row(article)?;
        row.id = ActiveValue::Unchanged(to_db_id(article.id.0));
        row.created_at = ActiveValue::NotSet;
        let result = Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(to_db_id(article.id.0)))
            .exec(&self.writer.db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(DomainError::NotFound { entity: "article" });
        }
        Ok(())
    }

    async fn delete(&self, id: ItemId) -> Result<Option<(Article, Vec<CollectionItem>)>, DomainError> {
        // The sections' lock: a section being added to this article waits, then finds it gone.
        let (_guard, txn) = self.writer.begin(&[CollectionKind::ArticleSections]).await?;
        let Some(row) = Entity::find_by_id(to_db_id(id.0)).one(&txn).await.map_err(db_err)? else {
            return Ok(None);
        };
        let sections = delete_nested(&txn, vec![row.id]).await?;
        Entity::delete_by_id(row.id).exec(&txn).await.map_err(db_err)?;
        txn.commit().await.map_err(db_err)?;
        Ok(Some((from_model(row)?, sections)))
    }

    async fn search(&self, query: &ArticleQuery) -> Result<Page<Article>, DomainError> {
        let db = &self.writer.db;
        let total = filtered(query).count(db).await.map_err(db_err)?;
        let rows = one_page(query).all(db).await.map_err(db_err)?;
        let items = rows.into_iter().map(from_model).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::new(items, total, query.page))
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use folio_domain::content::articles::ArticleSort;
    use folio_domain::PageRequest;
    use sea_orm::{ConnectionTrait, DbBackend, QueryTrait, Statement};

    use super::*;

    /// SQLite's plan for `query`, one step a line.
    async fn plan(db: &sea_orm::DatabaseConnection, query: &ArticleQuery) -> String {
        let page = one_page(query).build(DbBackend::Sqlite);
        let explain = Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!("EXPLAIN QUERY PLAN {}", page.sql),
            page.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = db.query_all(explain).await.expect("explain");
        rows.iter().map(|row| row.try_get::<String>("", "detail").expect("detail")).collect::<Vec<_>>().join("\n")
    }

    /// The ways through the table that must not sort it: every sort over all articles (the
    /// editors' list, and a backup reading oldest first), and the public list (visible ones by
    /// publication). Other sorts of visible articles filter by the visibility index and sort
    /// what it yields, which a portfolio's size allows.
    #[tokio::test]
    async fn listing_all_articles_or_the_public_ones_walks_an_index_instead_of_sorting() {
        let test = crate::testing::sqlite().await;
        let every_sort = [SortField::PublishedAt, SortField::CreatedAt, SortField::UpdatedAt, SortField::Title];
        let cases = every_sort.into_iter().map(|field| (field, true)).chain([(SortField::PublishedAt, false)]);
        for (field, include_hidden) in cases {
            for descending in [false, true] {
                let query = ArticleQuery {
                    page: PageRequest { page: 200, per_page: PageRequest::MAX_PER_PAGE },
                    sort: ArticleSort { field, descending },
                    include_hidden,
                    ..ArticleQuery::default()
                };
                let plan = plan(&test.db, &query).await;
                let case = format!("{field:?} descending={descending} include_hidden={include_hidden}");
                assert!(plan.contains("USING INDEX"), "{case}: {plan}");
                assert!(!plan.contains("TEMP B-TREE"), "{case} sorts: {plan}");
            }
        }
    }
}
