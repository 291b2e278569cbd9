use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CollectionItems {
    Table,
    Kind,
    ParentId,
    Position,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    CategoryId,
    SubCategories,
    Tags,
    Languages,
    Visible,
    PublishedAt,
    SortTitle,
    SearchText,
    Data,
    Media,
    CreatedAt,
    UpdatedAt,
}

/// Nested collection kinds (CV sub-sections, article sections, sub-categories) get a parent,
/// and articles their own table. The list columns (`sub_categories`, `tags`, `languages`)
/// are `|`-delimited (`|rust|web|`) so that one portable `LIKE '%|rust|%'` filters on them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CollectionItems::Table)
                    .add_column(ColumnDef::new(CollectionItems::ParentId).big_integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("collection_items_parent_position_idx")
                    .table(CollectionItems::Table)
                    .col(CollectionItems::ParentId)
                    .col(CollectionItems::Kind)
                    .col(CollectionItems::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(ColumnDef::new(Articles::Id).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(Articles::Slug).string_len(120).not_null().unique_key())
                    .col(ColumnDef::new(Articles::CategoryId).big_integer().null())
                    .col(ColumnDef::new(Articles::SubCategories).text().not_null())
                    .col(ColumnDef::new(Articles::Tags).text().not_null())
                    .col(ColumnDef::new(Articles::Languages).text().not_null())
                    .col(ColumnDef::new(Articles::Visible).boolean().not_null())
                    .col(ColumnDef::new(Articles::PublishedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Articles::SortTitle).text().not_null())
                    .col(ColumnDef::new(Articles::SearchText).text().not_null())
                    .col(ColumnDef::new(Articles::Data).text().not_null())
                    .col(ColumnDef::new(Articles::Media).text().not_null())
                    .col(ColumnDef::new(Articles::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Articles::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("articles_visible_published_idx")
                    .table(Articles::Table)
                    .col(Articles::Visible)
                    .col(Articles::PublishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("articles_category_idx")
                    .table(Articles::Table)
                    .col(Articles::CategoryId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Articles::Table).to_owned()).await?;
        manager
            .drop_index(
                Index::drop().name("collection_items_parent_position_idx").table(CollectionItems::Table).to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(CollectionItems::Table).drop_column(CollectionItems::ParentId).to_owned())
            .await
    }
}
