use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    Category,
    Title,
    StorageKey,
    Size,
    ContentType,
    Sha256,
    Etag,
    Width,
    Height,
    DurationMs,
    Variants,
    UploadedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PendingDeletions {
    Table,
    StorageKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(ColumnDef::new(Media::Id).big_integer().not_null().primary_key())
                    .col(ColumnDef::new(Media::Category).string_len(16).not_null())
                    // Localized text as a JSON object keyed by language.
                    .col(ColumnDef::new(Media::Title).text().not_null())
                    .col(ColumnDef::new(Media::StorageKey).string_len(512).not_null())
                    .col(ColumnDef::new(Media::Size).big_integer().not_null())
                    .col(ColumnDef::new(Media::ContentType).string_len(100).not_null())
                    .col(ColumnDef::new(Media::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(Media::Etag).string_len(200).null())
                    .col(ColumnDef::new(Media::Width).integer().null())
                    .col(ColumnDef::new(Media::Height).integer().null())
                    .col(ColumnDef::new(Media::DurationMs).big_integer().null())
                    // The variants' keys, sizes and dimensions as a JSON array.
                    .col(ColumnDef::new(Media::Variants).text().not_null())
                    .col(ColumnDef::new(Media::UploadedBy).big_integer().null())
                    .col(ColumnDef::new(Media::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(Media::UpdatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("media_category_idx").table(Media::Table).col(Media::Category).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PendingDeletions::Table)
                    .col(ColumnDef::new(PendingDeletions::StorageKey).string_len(512).not_null().primary_key())
                    .col(ColumnDef::new(PendingDeletions::CreatedAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PendingDeletions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Media::Table).to_owned()).await
    }
}
