use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub slug: String,
    pub category_id: Option<i64>,
    /// `|id|id|`: sub-category ids.
    pub sub_categories: String,
    /// `|tag|tag|`, lower-cased: for filtering only (`data` keeps the tags as written).
    pub tags: String,
    /// `|es|en|`, in the article's order.
    pub languages: String,
    pub visible: bool,
    pub published_at: DateTimeUtc,
    pub sort_title: String,
    pub search_text: String,
    /// `{"fields": {…}, "tags": […]}`.
    pub data: String,
    /// Slot → media id as a JSON object.
    pub media: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
