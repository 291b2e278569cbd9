//! The configuration layers, later wins: `config/default.toml`, `config/{APP_ENV}.toml`,
//! `.env`, the process environment. Every layer is flattened into one namespace of
//! environment-style names (`[app] port` in a file is `APP_PORT`), so a value can be given
//! in whichever layer suits a deployment and errors can name it the way operators know it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a value came from, for `config check` and error lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    BuiltIn(&'static str),
    File(PathBuf),
    DotEnv(PathBuf),
    Environment,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::BuiltIn(name) => write!(f, "built-in {name}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::DotEnv(path) => write!(f, "{}", path.display()),
            Source::Environment => write!(f, "environment"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Value {
    pub raw: String,
    pub source: Source,
}

/// The merged layers: one value per name.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    values: BTreeMap<String, Value>,
}

/// The files shipped in `config/`, compiled in so the binary runs from any directory; a
/// file of the same name in the config directory takes their place.
const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../../../config/default.toml")),
    ("development", include_str!("../../../../config/development.toml")),
    ("production", include_str!("../../../../config/production.toml")),
    ("test", include_str!("../../../../config/test.toml")),
];

/// Inputs of the layering, so tests can supply their own environment.
#[derive(Debug, Clone)]
pub struct LayerInputs {
    pub config_dir: PathBuf,
    pub dotenv: Option<PathBuf>,
    pub environment: Vec<(String, String)>,
}

impl LayerInputs {
    /// The real process: `FOLIO_CONFIG_DIR` (default `./config`), `FOLIO_ENV_FILE`
    /// (default `./.env`, skipped when absent) and `std::env::vars()`.
    pub fn from_process() -> Self {
        let environment: Vec<(String, String)> = std::env::vars().collect();
        let lookup = |name: &str| environment.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let config_dir = lookup("FOLIO_CONFIG_DIR").map_or_else(|| PathBuf::from("config"), PathBuf::from);
        let dotenv = lookup("FOLIO_ENV_FILE").map_or_else(|| PathBuf::from(".env"), PathBuf::from);
        Self { config_dir, dotenv: Some(dotenv), environment }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LayerError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

impl Layers {
    pub fn load(inputs: &LayerInputs) -> Result<Self, LayerError> {
        let mut layers = Layers::default();
        let dotenv = match &inputs.dotenv {
            Some(path) if path.exists() => read_dotenv(path)?,
            _ => Vec::new(),
        };

        // APP_ENV picks the environment file, so it is looked up in the later layers first.
        let app_env = inputs
            .environment
            .iter()
            .chain(dotenv.iter())
            .find(|(k, _)| k == "APP_ENV")
            .map(|(_, v)| v.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "development".to_owned());

        for name in ["default", app_env.as_str()] {
            layers.merge_toml_layer(&inputs.config_dir, name)?;
        }
        let dotenv_path = inputs.dotenv.clone().unwrap_or_default();
        for (key, raw) in dotenv {
            layers.set(key, raw, Source::DotEnv(dotenv_path.clone()));
        }
        for (key, raw) in &inputs.environment {
            layers.set(key.clone(), raw.clone(), Source::Environment);
        }
        Ok(layers)
    }

    pub fn set(&mut self, key: String, raw: String, source: Source) {
        self.values.insert(key, Value { raw, source });
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Whether a value was given anywhere (an empty string counts as not given, as the Node
    /// services treated it).
    pub fn is_set(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| !v.raw.trim().is_empty())
    }

    fn merge_toml_layer(&mut self, dir: &Path, name: &str) -> Result<(), LayerError> {
        let path = dir.join(format!("{name}.toml"));
        let (text, source) = if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| LayerError::File { path: path.display().to_string(), message: e.to_string() })?;
            (text, Source::File(path.clone()))
        } else if let Some((builtin, text)) = BUILT_IN.iter().find(|(n, _)| *n == name) {
            ((*text).to_owned(), Source::BuiltIn(builtin))
        } else {
            // An environment with no file of its own is fine: it just has no overrides.
            return Ok(());
        };
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| LayerError::File {
            path: path.display().to_string(),
            message: e.message().to_owned(),
        })?;
        let mut flat = Vec::new();
        flatten("", &table, &mut flat)
            .map_err(|message| LayerError::File { path: path.display().to_string(), message })?;
        for (key, raw) in flat {
            self.set(key, raw, source.clone());
        }
        Ok(())
    }
}

/// `[s3] bucket_name = "x"` → `S3_BUCKET_NAME = "x"`; arrays become comma-separated lists.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, String)>) -> Result<(), String> {
    for (key, value) in table {
        let name =
            if prefix.is_empty() { key.to_ascii_uppercase() } else { format!("{prefix}_{}", key.to_ascii_uppercase()) };
        match value {
            toml::Value::Table(inner) => flatten(&name, inner, out)?,
            toml::Value::Array(items) => {
                let parts: Result<Vec<String>, String> = items.iter().map(|v| scalar(&name, v)).collect();
                out.push((name, parts?.join(",")));
            }
            other => out.push((name.clone(), scalar(&name, other)?)),
        }
    }
    Ok(())
}

fn scalar(name: &str, value: &toml::Value) -> Result<String, String> {
    match value {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        toml::Value::Datetime(d) => Ok(d.to_string()),
        _ => Err(format!("{name}: nested arrays and tables inside arrays are not supported")),
    }
}

fn read_dotenv(path: &Path) -> Result<Vec<(String, String)>, LayerError> {
    let error = |message: String| LayerError::File { path: path.display().to_string(), message };
    let iter = dotenvy::from_path_iter(path).map_err(|e| error(e.to_string()))?;
    iter.map(|item| item.map_err(|e| error(e.to_string()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_flatten_to_environment_names() {
        let table: toml::Table = "database_url = \"x\"\n[app]\nport = 1\n[s3]\nbucket_name = \"b\"\n[http]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1/128\"]\n"
            .parse()
            .expect("toml");
        let mut flat = Vec::new();
        flatten("", &table, &mut flat).expect("flatten");
        flat.sort();
        assert_eq!(
            flat,
            vec![
                ("APP_PORT".to_owned(), "1".to_owned()),
                ("DATABASE_URL".to_owned(), "x".to_owned()),
                ("HTTP_TRUSTED_PROXIES".to_owned(), "10.0.0.0/8,::1/128".to_owned()),
                ("S3_BUCKET_NAME".to_owned(), "b".to_owned()),
            ]
        );
    }
}
