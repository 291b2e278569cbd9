//! Folio's SQL schema as SeaORM migrations, applied by `folio migrate` (and at start-up on
//! the embedded default). One file per migration; never edit one that has shipped.

// SeaORM's migration trait is declared with an elided `SchemaManager` lifetime.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod m20250101_000001_users;
mod m20250102_000001_media;
mod m20250103_000001_collection_items;
mod m20250104_000001_articles;
mod m20250105_000001_legacy_ids;
mod m20250106_000001_article_sort_indexes;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250101_000001_users::Migration),
            Box::new(m20250102_000001_media::Migration),
            Box::new(m20250103_000001_collection_items::Migration),
            Box::new(m20250104_000001_articles::Migration),
            Box::new(m20250105_000001_legacy_ids::Migration),
            Box::new(m20250106_000001_article_sort_indexes::Migration),
        ]
    }
}
