use anyhow::{bail, Context};
use folio_migrations::{Migrator, MigratorTrait};

use crate::cli::MigrateAction;
use crate::settings::Settings;
use crate::wiring;

/// `folio migrate up|down|status|fresh` on the configured database.
pub async fn run(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = wiring::connect_sql(&settings).await?;
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
