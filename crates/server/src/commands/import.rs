//! `folio import lynx --from mongodb://…`: the Lynx portfolio's content, imported into the
//! configured database (see `folio-import-lynx`). Prints one summary line per collection,
//! one line per skipped document and per note; exits 0 when it ran to the end, whatever it
//! skipped, and 1 when the source cannot be read or the target fails.

use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use folio_import_lynx::{Importer, LynxSource, Targets};
use folio_storage_mongo::{mask_uri, uri_database, uri_hosts, MongoConfig, Transactions};
use secrecy::ExposeSecret;

use crate::settings::{DatabaseKind, Settings};
use crate::wiring;

/// Connecting to the source is tried a few times only: unlike a server starting beside
/// Folio, an import's source is either there or named wrongly.
const SOURCE_ATTEMPTS: u32 = 3;
const SOURCE_RETRY_DELAY: Duration = Duration::from_millis(1000);

pub async fn lynx(settings: Settings, from: String, database: Option<String>) -> anyhow::Result<()> {
    let from = if from == "-" { uri_from_stdin()? } else { from };
    let masked = mask_uri(&from);
    let name =
        database.filter(|d| !d.trim().is_empty()).or_else(|| uri_database(&from).map(str::to_owned)).ok_or_else(
            || anyhow!("name the portfolio's database: in the URI ({masked} has none) or with --database NAME"),
        )?;
    refuse_same_database(&settings, &from, &name)?;

    let mut config = MongoConfig::new(from.clone());
    config.auth_source = settings.database.mongo.auth_source.clone();
    config.max_retries = SOURCE_ATTEMPTS;
    config.retry_delay = SOURCE_RETRY_DELAY;
    config.server_selection_timeout = settings.database.mongo.server_selection_timeout;
    config.connect_timeout = settings.database.connect_timeout;
    config.default_database = name.clone();
    config.transactions = Transactions::Disabled;
    let source_store = folio_storage_mongo::connect(&config).await.context("the portfolio's MongoDB")?;
    let source = LynxSource::new(source_store.client().database(&name));

    let services = wiring::build(&settings).await?;
    println!("importing the Lynx portfolio from {masked} (database {name}) into {}", target_name(&settings));
    let importer = Importer::new(Targets {
        collections: services.collections.clone(),
        articles: services.articles.clone(),
        media: services.media.clone(),
        legacy: services.legacy.clone(),
    });
    let outcome = importer.run(&source).await;
    services.shutdown().await?;
    source_store.client().clone().shutdown().await;

    let report = outcome.map_err(|e| anyhow!("{e}"))?;
    print!("{report}");
    if let Some(reason) = report.stopped {
        bail!("the import stopped before the end: {reason}");
    }
    Ok(())
}

fn target_name(settings: &Settings) -> &'static str {
    match settings.database.kind {
        DatabaseKind::Sqlite => "SQLite",
        DatabaseKind::Postgres => "PostgreSQL",
        DatabaseKind::Mongo => "MongoDB",
    }
}

/// Folio's own MongoDB collections (`articles`, `media`…) would mix with the portfolio's
/// in one database: importing a database into itself is refused.
/// `--from -`: the URI on the first line of standard input, so that its password stays out
/// of the process list and the shell's history.
fn uri_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("reading the portfolio's URI from standard input")?;
    let uri = line.trim();
    if uri.is_empty() {
        bail!("--from - reads the portfolio's MongoDB URI from standard input, and it was empty");
    }
    Ok(uri.to_owned())
}

fn refuse_same_database(settings: &Settings, from: &str, name: &str) -> anyhow::Result<()> {
    if !matches!(settings.database.kind, DatabaseKind::Mongo) {
        return Ok(());
    }
    let target = settings.database.url.expose_secret();
    let target_name = uri_database(target).unwrap_or("folio");
    if uri_hosts(target) == uri_hosts(from) && target_name == name {
        bail!(
            "the portfolio's database {name} is the one Folio itself is configured with; import into another \
             database (DATABASE_URL) so that Folio's collections do not mix with the portfolio's"
        );
    }
    Ok(())
}
