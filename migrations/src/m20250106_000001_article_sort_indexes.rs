use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Visible,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    SortTitle,
}

/// An index for each sort the articles API offers, ties broken by id as the queries break
/// them. Without them every page of a large table sorts the whole table first: a backup,
/// which reads all articles oldest first a page at a time, went quadratic in time and grew
/// SQLite's memory with the table.
const SORTS: [(&str, Articles); 4] = [
    ("articles_published_idx", Articles::PublishedAt),
    ("articles_created_idx", Articles::CreatedAt),
    ("articles_updated_idx", Articles::UpdatedAt),
    ("articles_title_idx", Articles::SortTitle),
];

/// The public list (visible articles, newest first) had `(visible, published_at)`, which
/// still sorted each run of equal dates by id; this one ends with the id.
const PUBLIC_OLD: &str = "articles_visible_published_idx";
const PUBLIC: &str = "articles_visible_published_id_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in SORTS {
            manager
                .create_index(
                    Index::create().name(name).table(Articles::Table).col(column).col(Articles::Id).to_owned(),
                )
                .await?;
        }
        let public = Index::create()
            .name(PUBLIC)
            .table(Articles::Table)
            .col(Articles::Visible)
            .col(Articles::PublishedAt)
            .col(Articles::Id)
            .to_owned();
        manager.create_index(public).await?;
        manager.drop_index(Index::drop().name(PUBLIC_OLD).table(Articles::Table).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let public_old = Index::create()
            .name(PUBLIC_OLD)
            .table(Articles::Table)
            .col(Articles::Visible)
            .col(Articles::PublishedAt)
            .to_owned();
        manager.create_index(public_old).await?;
        manager.drop_index(Index::drop().name(PUBLIC).table(Articles::Table).to_owned()).await?;
        for (name, _) in SORTS {
            manager.drop_index(Index::drop().name(name).table(Articles::Table).to_owned()).await?;
        }
        Ok(())
    }
}
