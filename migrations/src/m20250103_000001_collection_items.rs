use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CollectionItems {
    Table,
    Id,
    Kind,
    Position,
    Visible,
    Fields,
    Media,
    CreatedAt,
    UpdatedAt,
}

/// Every simple collection (albums, songs, …) in one table: the kind's fields are validated
/// by the domain and kept as JSON, so a new kind needs no schema change.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CollectionItems::Table)
                    .col(ColumnDef::new(CollectionItems::Id).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(CollectionItems::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(CollectionItems::Position).integer().not_null())
                    .col(ColumnDef::new(CollectionItems::Visible).boolean().not_null())
                    .col(ColumnDef::new(CollectionItems::Fields).text().not_null())
                    .col(ColumnDef::new(CollectionItems::Media).text().not_null())
                    .col(ColumnDef::new(CollectionItems::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(CollectionItems::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        // Not unique: renumbering updates rows one by one inside a transaction.
        manager
            .create_index(
                Index::create()
                    .name("collection_items_kind_position_idx")
                    .table(CollectionItems::Table)
                    .col(CollectionItems::Kind)
                    .col(CollectionItems::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CollectionItems::Table).to_owned()).await
    }
}
