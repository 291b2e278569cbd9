//! Typed reading of the merged layers. Each failed value becomes one [`ConfigError`] line
//! naming the variable, what it holds (hidden for secrets) and what was expected; reading
//! goes on so that one run reports every bad value at once.

use std::fmt;
use std::str::FromStr;

use super::keys::is_secret;
use super::sources::{Layers, Source};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    /// The value as given, or `None` when it is a secret (or missing).
    pub shown: Option<String>,
    pub source: Option<Source>,
    pub expected: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}", self.key)?;
        match (&self.shown, &self.source) {
            (Some(shown), Some(source)) => write!(f, "={shown:?} (from {source})")?,
            (None, Some(source)) => write!(f, " (from {source}; value hidden)")?,
            (_, None) => write!(f, " is not set")?,
        }
        write!(f, ": expected {}", self.expected)
    }
}

/// Reads values out of [`Layers`], collecting errors.
#[derive(Debug)]
pub struct Reader<'a> {
    layers: &'a Layers,
    pub errors: Vec<ConfigError>,
}

impl<'a> Reader<'a> {
    pub fn new(layers: &'a Layers) -> Self {
        Self { layers, errors: Vec::new() }
    }

    /// The trimmed raw value, if given and not empty.
    pub fn raw(&self, key: &str) -> Option<&'a str> {
        self.layers.get(key).map(|v| v.raw.trim()).filter(|v| !v.is_empty())
    }

    /// Records an error for `key` with its current value.
    pub fn fail(&mut self, key: &str, expected: impl Into<String>) {
        let value = self.layers.get(key);
        self.errors.push(ConfigError {
            key: key.to_owned(),
            shown: value.filter(|_| !is_secret(key)).map(|v| v.raw.clone()),
            source: value.map(|v| v.source.clone()),
            expected: expected.into(),
        });
    }

    /// Parses `key` with `parse`, which says what it expected when the value is wrong.
    pub fn optional<T>(&mut self, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let raw = self.raw(key)?;
        match parse(raw) {
            Ok(value) => Some(value),
            Err(expected) => {
                self.fail(key, expected);
                None
            }
        }
    }

    /// Like [`Reader::optional`], falling back to `default` when unset or invalid (the error
    /// is recorded, so an invalid value still stops the start).
    pub fn or<T>(&mut self, key: &str, default: T, parse: impl FnOnce(&str) -> Result<T, String>) -> T {
        self.optional(key, parse).unwrap_or(default)
    }

    /// A number within `min..=max`.
    pub fn number<T>(&mut self, key: &str, default: T, min: T, max: T) -> T
    where
        T: FromStr + PartialOrd + Copy + fmt::Display,
    {
        self.or(key, default, |raw| number(raw, min, max))
    }

    pub fn flag(&mut self, key: &str, default: bool) -> bool {
        self.or(key, default, parse_bool)
    }
}

pub fn number<T>(raw: &str, min: T, max: T) -> Result<T, String>
where
    T: FromStr + PartialOrd + Copy + fmt::Display,
{
    let expected = || format!("a whole number from {min} to {max}");
    let value: T = raw.parse().map_err(|_| expected())?;
    if value < min || value > max {
        return Err(expected());
    }
    Ok(value)
}

pub fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("true or false".to_owned()),
    }
}

/// A comma-separated list, empty items dropped.
pub fn list(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}
