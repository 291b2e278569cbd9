use std::process::ExitCode;

use secrecy::ExposeSecret;

use crate::settings::{redact, DatabaseKind, LayerInputs, Layers, Settings, KEYS};

/// `folio config check`: the effective value of every variable with where it came from,
/// secrets redacted; exit 1 with one line per invalid value.
pub fn check() -> ExitCode {
    let layers = match Layers::load(&LayerInputs::from_process()) {
        Ok(layers) => layers,
        Err(e) => {
            eprintln!("invalid configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (key, _, about) in KEYS {
        match layers.get(key).filter(|_| layers.is_set(key)) {
            Some(value) => println!("{key}={}  # {}", redact(key, &value.raw), value.source),
            None => println!("# {key} is not set ({about})"),
        }
    }
    match Settings::from_layers(&layers) {
        Ok(settings) => {
            let url = settings.database.url.expose_secret();
            let shown = match settings.database.kind {
                // Several hosts, which no URL parser accepts: masked as the driver's logs are.
                DatabaseKind::Mongo => folio_storage_mongo::mask_uri(url),
                DatabaseKind::Sqlite | DatabaseKind::Postgres => redact("DATABASE_URL", url),
            };
            println!("# database: {:?} at {shown}", settings.database.kind);
            println!("# compatibility routes (FOLIO_COMPAT): {}", settings.compat.describe());
            println!("# configuration is valid");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for error in errors {
                eprintln!("{error}");
            }
            ExitCode::FAILURE
        }
    }
}
