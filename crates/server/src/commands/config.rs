use std::process::ExitCode;

use secrecy::ExposeSecret;

use crate::settings::{redact, LayerInputs, Layers, Settings, KEYS};

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
            println!(
                "# database: {:?} at {}",
                settings.database.kind,
                redact("DATABASE_URL", settings.database.url.expose_secret())
            );
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
