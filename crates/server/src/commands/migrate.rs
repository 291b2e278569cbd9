use anyhow::{bail, Context};
use folio_migrations::{Migrator, MigratorTrait};

use crate::cli::MigrateAction;
use crate::database;
use crate::settings::{DatabaseKind, Settings};

/// `folio migrate up|down|status|fresh` on the configured database.
pub async fn run(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    match settings.database.kind {
        DatabaseKind::Mongo => mongo(&settings, action).await,
        DatabaseKind::Sqlite | DatabaseKind::Postgres => sql(&settings, action).await,
    }
}

async fn sql(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = database::connect_sql(settings).await?;
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations(&db).await?.len();
            Migrator::up(&db, None).await.context("applying migrations")?;
            println!("applied {pending} migration(s)");
        }
        MigrateAction::Down { steps } => {
            Migrator::down(&db, Some(steps)).await.context("rolling back")?;
            println!("rolled back up to {steps} migration(s)");
        }
        MigrateAction::Status => {
            let applied = Migrator::get_applied_migrations(&db).await?;
            let pending = Migrator::get_pending_migrations(&db).await?;
            for m in &applied {
                println!("applied  {}", m.name());
            }
            for m in &pending {
                println!("pending  {}", m.name());
            }
        }
        MigrateAction::Fresh { yes } => {
            if !yes {
                bail!("`migrate fresh` deletes every table; run it again with --yes");
            }
            Migrator::fresh(&db).await.context("recreating the schema")?;
            println!("schema recreated");
        }
    }
    db.close().await?;
    Ok(())
}

/// MongoDB's schema is collections and indexes created when missing, with one version number:
/// it only goes up, and a fresh start is the operator's `dropDatabase`, not Folio's.
async fn mongo(settings: &Settings, action: MigrateAction) -> anyhow::Result<()> {
    let store = database::connect_mongo(settings).await?;
    let result = match action {
        MigrateAction::Up => folio_storage_mongo::migrate(store.db()).await.map_err(anyhow::Error::from).map(|()| {
            println!(
                "MongoDB database {} is at schema version {}",
                store.db().name(),
                folio_storage_mongo::SCHEMA_VERSION
            )
        }),
        MigrateAction::Status => database::mongo_schema_status(&store).await.map(|status| println!("{status}")),
        MigrateAction::Down { .. } | MigrateAction::Fresh { .. } => Err(anyhow::anyhow!(
            "on MongoDB, migrations only go up (`folio migrate up`); to start afresh, drop the database yourself"
        )),
    };
    database::Database::Mongo(store).close().await?;
    result
}
