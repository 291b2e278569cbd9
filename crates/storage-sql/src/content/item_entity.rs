use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collection_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub kind: String,
    /// The item or article a nested kind's item belongs to.
    pub parent_id: Option<i64>,
    pub position: i32,
    pub visible: bool,
    /// The kind's fields as a JSON object.
    pub fields: String,
    /// Slot → media id as a JSON object.
    pub media: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
