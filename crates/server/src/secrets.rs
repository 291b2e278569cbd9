//! The secrets a running Folio needs. Configured ones win; outside production, missing ones
//! are generated on first start and kept in `{DATA_DIR}/secrets.env` (mode 0600), so
//! sessions survive a restart of the embedded default. Production refuses to generate them.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use folio_crypto::ecies::{KeyPair, PublicKey, SecretKey};
use secrecy::{ExposeSecret, SecretString};

use crate::settings::{AppEnv, Settings, MIN_COOKIE_SECRET_LEN};

#[derive(Debug, Clone)]
pub struct Secrets {
    pub cookie_secret: SecretString,
    pub ecies_private_key: SecretKey,
    pub ecies_public_key: PublicKey,
}

const FILE_NAME: &str = "secrets.env";

/// Fresh secrets, as `folio keys generate` prints them.
pub fn generate() -> Secrets {
    let pair = KeyPair::generate();
    Secrets {
        cookie_secret: SecretString::from(folio_crypto::random_token(48)),
        ecies_private_key: pair.secret,
        ecies_public_key: pair.public,
    }
}

/// `.env` lines for these secrets.
pub fn env_lines(secrets: &Secrets) -> String {
    format!(
        "COOKIE_SECRET={}\nECIES_PRIVATE_KEY={}\nECIES_PUBLIC_KEY={}\n",
        secrets.cookie_secret.expose_secret(),
        secrets.ecies_private_key.to_hex(),
        secrets.ecies_public_key.to_hex_compressed(),
    )
}

pub fn resolve(settings: &Settings) -> Result<Secrets, String> {
    let configured = &settings.secrets;
    if let (Some(cookie), Some(private)) = (&configured.cookie_secret, &configured.ecies_private_key) {
        return Ok(Secrets {
            cookie_secret: cookie.clone(),
            ecies_public_key: private.public_key(),
            ecies_private_key: private.clone(),
        });
    }
    // Settings validation already refused a production start without them.
    debug_assert!(settings.env != AppEnv::Production);
    let stored = load_or_create(&settings.data_dir)?;
    let private = configured.ecies_private_key.clone().unwrap_or(stored.ecies_private_key);
    Ok(Secrets {
        cookie_secret: configured.cookie_secret.clone().unwrap_or(stored.cookie_secret),
        ecies_public_key: private.public_key(),
        ecies_private_key: private,
    })
}

fn load_or_create(data_dir: &Path) -> Result<Secrets, String> {
    let path = data_dir.join(FILE_NAME);
    if path.exists() {
        return read(&path);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let secrets = generate();
    write_private(&path, &env_lines(&secrets))?;
    tracing::info!(path = %path.display(), "generated secrets for the embedded default");
    Ok(secrets)
}

fn read(path: &PathBuf) -> Result<Secrets, String> {
    let bad = |what: &str| format!("{}: {what}; delete the file to generate new secrets", path.display());
    let mut cookie = None;
    let mut private = None;
    for item in dotenvy::from_path_iter(path).map_err(|e| bad(&e.to_string()))? {
        let (key, value) = item.map_err(|e| bad(&e.to_string()))?;
        match key.as_str() {
            "COOKIE_SECRET" if value.len() >= MIN_COOKIE_SECRET_LEN => cookie = Some(SecretString::from(value)),
            "ECIES_PRIVATE_KEY" => {
                private = Some(SecretKey::from_hex(&value).map_err(|_| bad("ECIES_PRIVATE_KEY is malformed"))?)
            }
            _ => {}
        }
    }
    let (Some(cookie_secret), Some(private)) = (cookie, private) else {
        return Err(bad("COOKIE_SECRET or ECIES_PRIVATE_KEY is missing"));
    };
    Ok(Secrets { cookie_secret, ecies_public_key: private.public_key(), ecies_private_key: private })
}

/// Writes a new file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
