//! `folio backup …` and `folio jobs …`.

use std::io::{BufRead, IsTerminal, Write};
use std::str::FromStr;

use anyhow::{anyhow, bail};
use folio_backup::{BackupRef, CreateOptions, RestoreOptions};
use folio_jobs::Outcome;

use crate::cli::{BackupAction, JobsAction};
use crate::jobs::SqliteScratch;
use crate::settings::Settings;
use crate::wiring::{self, Services};

pub async fn run(settings: Settings, action: BackupAction, quiet: bool) -> anyhow::Result<()> {
    let services = wiring::build(&settings).await?;
    let result = dispatch(&services, action, quiet).await;
    services.shutdown().await?;
    result
}

fn which(raw: &str) -> anyhow::Result<BackupRef> {
    BackupRef::from_str(raw).map_err(|e| anyhow!("{e}"))
}

async fn dispatch(services: &Services, action: BackupAction, quiet: bool) -> anyhow::Result<()> {
    let backups = &services.backups.clone().with_progress(crate::commands::progress_bars::for_stderr(quiet));
    match action {
        BackupAction::Create { with_media } => {
            println!("{}", backups.create_with(&services.backup_repos, CreateOptions { with_media }).await?)
        }
        BackupAction::List => {
            println!("{:<28} {:<20} {:>12} {:>10} {:<9} verified", "id", "time", "bytes", "rows", "encrypted");
            for entry in backups.list().await? {
                let verified = match &entry.verification {
                    Some(v) => format!("{v:?}"),
                    None => "no".to_owned(),
                };
                println!(
                    "{:<28} {:<20} {:>12} {:>10} {:<9} {}{}",
                    entry.id.as_str(),
                    entry.created_at.format("%Y-%m-%d %H:%M:%S"),
                    entry.size,
                    entry.rows.map_or_else(|| "?".to_owned(), |r| r.to_string()),
                    if entry.encrypted { "yes" } else { "no" },
                    verified,
                    if entry.uploaded { "" } else { " (local, not uploaded yet)" },
                );
            }
        }
        BackupAction::Verify { which: raw } => println!("{}", backups.verify(&which(&raw)?, &SqliteScratch).await?),
        BackupAction::Restore { which: raw, replace, yes } => {
            let target = which(&raw)?;
            if !yes
                && !confirm(&format!(
                    "restore {raw} into the configured database{}?",
                    if replace { ", replacing what it holds" } else { "" }
                ))?
            {
                bail!("not restored");
            }
            let options = RestoreOptions { replace, safety_backup: true };
            println!("{}", backups.restore(&target, &services.backup_repos, options).await?);
        }
        BackupAction::Prune => println!("{}", backups.prune().await?),
    }
    Ok(())
}

/// Asks on the terminal; without one, refuses (pass `--yes`).
fn confirm(question: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!("{question} Pass --yes to confirm when not on a terminal");
    }
    print!("{question} Type yes to go on: ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

pub async fn jobs(settings: Settings, action: JobsAction) -> anyhow::Result<()> {
    let services = wiring::build(&settings).await?;
    let result = match action {
        JobsAction::List => {
            println!("{:<14} {:<14} next run", "job", "schedule");
            for job in services.scheduler.list() {
                let next = job.next_run.map_or_else(|| "-".to_owned(), |t| t.to_rfc3339());
                println!("{:<14} {:<14} {next}", job.name, job.schedule);
            }
            Ok(())
        }
        JobsAction::Run { name } => match services.scheduler.run_now(&name).await {
            Ok(run) => {
                println!("{name}: {} — {}", run.outcome.as_str(), run.message);
                if run.outcome == Outcome::Failed {
                    Err(anyhow!("{name} failed"))
                } else {
                    Ok(())
                }
            }
            Err(error) => Err(anyhow!("{error}")),
        },
    };
    services.shutdown().await?;
    result
}
