//! `folio`: loads and validates the configuration, builds the adapters it names, and serves.
//! Operator subcommands live in `commands/`.

mod cli;
mod commands;
mod database;
mod jobs;
mod secrets;
mod settings;
mod telemetry;
mod wiring;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, ConfigAction, ImportSource, KeysAction};
use settings::Settings;
use telemetry::LogTarget;

/// Exit code when the configuration is invalid at start.
const EXIT_INVALID_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Keys { action: KeysAction::Generate } => commands::keys::generate(),
        Command::Config { action: ConfigAction::Check } => commands::config::check(),
        Command::Serve => with_settings(LogTarget::Stdout, |settings| run_async(commands::serve::run(settings))),
        Command::Migrate { action } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::migrate::run(settings, action)))
        }
        Command::Seed { demo } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::users::seed(settings, demo)))
        }
        Command::Backup { action, quiet } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::backup::run(settings, action, quiet)))
        }
        Command::Jobs { action } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::backup::jobs(settings, action)))
        }
        Command::Users { action } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::users::run(settings, action)))
        }
        Command::Import { source: ImportSource::Lynx { from, database } } => {
            with_settings(LogTarget::Stderr, |settings| run_async(commands::import::lynx(settings, from, database)))
        }
    }
}

/// Loads the settings (one line per invalid value and exit 2 when they are wrong), starts
/// logging, and hands them to `command`.
fn with_settings(logs: LogTarget, command: impl FnOnce(Settings) -> ExitCode) -> ExitCode {
    match Settings::load() {
        Ok(settings) => {
            telemetry::init(&settings.log, logs);
            command(settings)
        }
        Err(lines) => {
            for line in lines {
                eprintln!("{line}");
            }
            ExitCode::from(EXIT_INVALID_CONFIG)
        }
    }
}

fn run_async(future: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("folio: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(future) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "folio stopped on an error");
            eprintln!("folio: {error:#}");
            ExitCode::FAILURE
        }
    }
}
