//! From one stored document to what Folio's services take: pure functions, no I/O. Each
//! gives a draft (a body of the Folio kind's fields, the references still to translate, and
//! notes on what it changed on the way); references are translated, and the body validated,
//! when the importer writes it.

pub(crate) mod articles;
pub(crate) mod files;
pub(crate) mod items;
pub(crate) mod profile;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use folio_domain::values::Languages;
use serde_json::{Map, Value};

use crate::document::{Doc, Ref};

/// How the Node service's bilingual pairs (`title` / `titleEng`) become localized text: the
/// first in the site's default language, the `Eng` one in `en`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pairs {
    default: String,
    /// Whether the site takes English at all; when not, `Eng` texts are left out.
    english: bool,
}

impl Pairs {
    pub(crate) fn new(languages: &Languages) -> Pairs {
        Pairs { default: languages.default.clone(), english: languages.supported.iter().any(|l| l == "en") }
    }

    pub(crate) fn english(&self) -> bool {
        self.english
    }

    /// `{field}` and `{field}Eng` as localized text; `None` when both are blank. Where the
    /// default language is English itself, the `Eng` text only fills in for a blank first one.
    pub(crate) fn pair(&self, doc: &mut Doc<'_>, field: &str) -> Option<Value> {
        let first = doc.text(field);
        let english = doc.text(&format!("{field}Eng"));
        let mut texts = Map::new();
        if let Some(text) = first {
            texts.insert(self.default.clone(), Value::String(text));
        }
        if let Some(text) = english.filter(|_| self.english) {
            texts.entry("en").or_insert(Value::String(text));
        }
        (!texts.is_empty()).then_some(Value::Object(texts))
    }

    /// One text (a list joined by lines, say) in the default language.
    pub(crate) fn single(&self, text: String) -> Value {
        let mut texts = Map::new();
        texts.insert(self.default.clone(), Value::String(text));
        Value::Object(texts)
    }

    /// The text a person would know the document by, for the report.
    pub(crate) fn label(&self, value: Option<&Value>) -> Option<String> {
        let texts = value?.as_object()?;
        let text = texts.get(&self.default).or_else(|| texts.values().next())?.as_str()?;
        Some(text.chars().take(40).collect())
    }
}

/// A reference to a media file: the Folio slot it fills, and the Node field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaRef {
    pub(crate) slot: &'static str,
    pub(crate) field: &'static str,
    pub(crate) reference: Ref,
}

/// What one document becomes, before its references are translated.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Draft {
    /// The Folio kind's fields (and `visible`).
    pub(crate) body: Map<String, Value>,
    /// Folio field → the Node field it came from, to name it in notes.
    pub(crate) origin: BTreeMap<&'static str, &'static str>,
    /// The document's own reference to its parent (a nested kind's).
    pub(crate) parent: Option<Ref>,
    pub(crate) media: Vec<MediaRef>,
    /// What the mapping changed or left out, one sentence each.
    pub(crate) notes: Vec<String>,
    pub(crate) label: Option<String>,
    /// When the source made the document (its ObjectId's time), kept as `created_at`.
    pub(crate) made: Option<DateTime<Utc>>,
}

impl Draft {
    /// Sets `field` (from the Node field `from`) when there is a value.
    pub(crate) fn put(&mut self, field: &'static str, from: &'static str, value: Option<Value>) {
        if let Some(value) = value {
            self.body.insert(field.to_owned(), value);
            self.origin.insert(field, from);
        }
    }

    /// A plain text field (a link, a colour, an embed).
    pub(crate) fn text(&mut self, doc: &mut Doc<'_>, field: &'static str, from: &'static str) {
        self.put(field, from, doc.text(from).map(Value::String));
    }

    /// A bilingual pair.
    pub(crate) fn pair(&mut self, doc: &mut Doc<'_>, pairs: &Pairs, field: &'static str, from: &'static str) {
        self.put(field, from, pairs.pair(doc, from));
    }

    /// A required localized field: empty text when the document has none, so that the rest
    /// of it is still imported.
    pub(crate) fn required_pair(&mut self, doc: &mut Doc<'_>, pairs: &Pairs, field: &'static str, from: &'static str) {
        match pairs.pair(doc, from) {
            Some(value) => self.put(field, from, Some(value)),
            None => {
                if field == "title" {
                    self.notes.push("no title in the source; imported with an empty one".to_owned());
                }
                self.put(field, from, Some(Value::Object(Map::new())));
            }
        }
    }

    /// A media reference, when the field holds one.
    pub(crate) fn media(&mut self, doc: &mut Doc<'_>, slot: &'static str, field: &'static str) {
        if let Some(reference) = doc.reference(field) {
            self.media.push(MediaRef { slot, field, reference });
        }
    }

    /// `show: false` hides; a missing `show` (which the Node service never set on create)
    /// shows, as it did there.
    pub(crate) fn visibility(&mut self, doc: &mut Doc<'_>) {
        let visible = doc.boolean("show").unwrap_or(true);
        self.body.insert("visible".to_owned(), Value::Bool(visible));
        self.origin.insert("visible", "show");
    }

    /// The Node name of a Folio field, for notes.
    pub(crate) fn source_name(&self, field: &str) -> String {
        self.origin.get(field).map_or_else(|| field.to_owned(), |from| (*from).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use mongodb::bson::doc;
    use serde_json::json;

    use super::*;

    fn pairs(default: &str, supported: &[&str]) -> Pairs {
        Pairs::new(&Languages {
            supported: supported.iter().map(|s| (*s).to_owned()).collect(),
            default: default.to_owned(),
        })
    }

    #[test]
    fn a_pair_puts_the_first_in_the_default_language_and_eng_in_english() {
        let stored = doc! { "title": " Hola ", "titleEng": "Hello", "text": "Solo", "desc": "", "descEng": "Only" };
        let mut d = Doc::new(&stored);
        let p = pairs("es", &["es", "en"]);
        assert_eq!(p.pair(&mut d, "title"), Some(json!({"es": "Hola", "en": "Hello"})));
        assert_eq!(p.pair(&mut d, "text"), Some(json!({"es": "Solo"})));
        assert_eq!(p.pair(&mut d, "desc"), Some(json!({"en": "Only"})));
        assert_eq!(p.pair(&mut d, "missing"), None);
        assert!(d.unread().is_empty(), "both halves of each pair were read");
    }

    #[test]
    fn without_english_the_eng_half_is_left_out_and_with_english_default_it_only_fills_in() {
        let stored = doc! { "title": "Hola", "titleEng": "Hello", "intro": "", "introEng": "Hi" };
        let mut d = Doc::new(&stored);
        assert_eq!(pairs("es", &["es"]).pair(&mut d, "title"), Some(json!({"es": "Hola"})));
        let mut d = Doc::new(&stored);
        let english = pairs("en", &["en", "es"]);
        assert_eq!(english.pair(&mut d, "title"), Some(json!({"en": "Hola"})));
        assert_eq!(english.pair(&mut d, "intro"), Some(json!({"en": "Hi"})));
    }

    #[test]
    fn missing_shows_and_false_hides() {
        for (stored, visible) in [(doc! {}, true), (doc! { "show": false }, false), (doc! { "show": "true" }, true)] {
            let mut d = Doc::new(&stored);
            let mut draft = Draft::default();
            draft.visibility(&mut d);
            assert_eq!(draft.body["visible"], json!(visible), "{stored:?}");
        }
    }
}
