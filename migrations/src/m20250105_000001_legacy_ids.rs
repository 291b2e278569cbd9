use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegacyIds {
    Table,
    Source,
    OldId,
    NewId,
    CreatedAt,
}

/// Old ids of imported content (`folio import lynx`): `(source, old_id)` is the primary key,
/// so each old id maps to one new id, and an import run twice finds what it did before.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LegacyIds::Table)
                    // The old collection (`albums`) or field (`articles.urltitle`).
                    .col(ColumnDef::new(LegacyIds::Source).string_len(64).not_null())
                    .col(ColumnDef::new(LegacyIds::OldId).string_len(200).not_null())
                    // A collection item, article or media id.
                    .col(ColumnDef::new(LegacyIds::NewId).big_integer().not_null())
                    .col(ColumnDef::new(LegacyIds::CreatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().name("legacy_ids_pk").col(LegacyIds::Source).col(LegacyIds::OldId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("legacy_ids_new_id_idx").table(LegacyIds::Table).col(LegacyIds::NewId).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LegacyIds::Table).to_owned()).await
    }
}
