//! Bilingual (or multilingual) text: an object keyed by language tag, `{"es": "…", "en": "…"}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Text in one or more languages. Tags are lower-case BCP 47 style (`es`, `en`, `pt-br`);
/// texts are trimmed, and empty ones dropped. Which languages a site accepts is checked by
/// [`Languages::check`], since that is configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")]
pub struct Localized(BTreeMap<String, String>);

impl Localized {
    /// Longest text accepted in one language.
    pub const MAX_CHARS: usize = 100_000;

    pub fn parse(map: BTreeMap<String, String>) -> Result<Localized, String> {
        let mut out = BTreeMap::new();
        for (tag, text) in map {
            let tag = tag.trim().to_ascii_lowercase();
            if !is_language_tag(&tag) {
                return Err(format!("`{tag}` is not a language tag such as `en` or `pt-br`"));
            }
            let text = text.trim();
            if text.chars().count() > Self::MAX_CHARS {
                return Err(format!("a text has at most {} characters", Self::MAX_CHARS));
            }
            if !text.is_empty() {
                out.insert(tag, text.to_owned());
            }
        }
        Ok(Localized(out))
    }

    /// One language's text.
    pub fn single(tag: &str, text: &str) -> Localized {
        let mut map = BTreeMap::new();
        map.insert(tag.to_owned(), text.to_owned());
        Localized::parse(map).unwrap_or_default()
    }

    pub fn get(&self, tag: &str) -> Option<&str> {
        self.0.get(tag).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl TryFrom<BTreeMap<String, String>> for Localized {
    type Error = String;
    fn try_from(map: BTreeMap<String, String>) -> Result<Self, String> {
        Localized::parse(map)
    }
}

impl From<Localized> for BTreeMap<String, String> {
    fn from(value: Localized) -> Self {
        value.0
    }
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The languages a site accepts, and the default one (from configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Languages {
    pub supported: Vec<String>,
    pub default: String,
}

impl Default for Languages {
    fn default() -> Self {
        Languages { supported: vec!["es".to_owned(), "en".to_owned()], default: "es".to_owned() }
    }
}

impl Languages {
    /// A field error for `field` naming the first unsupported language, if any.
    pub fn check(&self, field: &str, text: &Localized) -> Result<(), crate::FieldError> {
        match text.iter().find(|(tag, _)| !self.supported.iter().any(|s| s == tag)) {
            None => Ok(()),
            Some((tag, _)) => Err(crate::FieldError::new(
                format!("{field}.{tag}"),
                "unsupported_language",
                format!("`{tag}` is not one of this site's languages ({})", self.supported.join(", ")),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn tags_are_normalized_and_empty_texts_dropped() {
        let l = Localized::parse(map(&[("ES", " Hola "), ("en", "  "), ("pt-BR", "Olá")])).expect("valid");
        assert_eq!(l.get("es"), Some("Hola"));
        assert_eq!(l.get("en"), None);
        assert_eq!(l.get("pt-br"), Some("Olá"));
    }

    #[test]
    fn odd_tags_are_refused() {
        for bad in ["e", "english", "en_US", "1n", ""] {
            assert!(Localized::parse(map(&[(bad, "x")])).is_err(), "{bad}");
        }
    }

    #[test]
    fn unsupported_languages_name_the_field() {
        let langs = Languages::default();
        let l = Localized::parse(map(&[("fr", "Bonjour")])).expect("valid");
        assert_eq!(langs.check("title", &l).expect_err("fr").field, "title.fr");
        assert!(langs.check("title", &Localized::single("en", "Hi")).is_ok());
    }
}
