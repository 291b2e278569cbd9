//! How a Folio kind's fields read in the old Lynx documents: localized text split into a
//! default-language field and its `…Eng` twin, other fields renamed (and a few converted),
//! media slots under their old names. One [`Shape`] per kind, in `collections.rs`.

use serde_json::{Map, Value};

use super::envelope::LynxError;
use crate::compat::ids;

/// How a field's value differs between the two APIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conv {
    /// The same string in both (links, colours, embeds).
    Text,
    /// A track length: seconds in the old API (`225`), `m:ss` in Folio (`"3:45"`).
    Seconds,
    /// A list of strings in the old API; the lines of a localized text in Folio.
    Lines,
    /// One comma-separated string in the old API; a list of tags in Folio.
    Commas,
}

#[derive(Debug)]
pub(crate) struct Shape {
    /// Localized fields: (Folio name, old name); the old name holds the site's default
    /// language, `{old}Eng` English.
    pub texts: &'static [(&'static str, &'static str)],
    /// Other fields: (Folio name, old name, conversion).
    pub fields: &'static [(&'static str, &'static str, Conv)],
    /// Media slots: (Folio slot, old name).
    pub slots: &'static [(&'static str, &'static str)],
    /// The old field naming a nested item's parent (`CVSection`, `cat`, `article`).
    pub parent: Option<&'static str>,
}

pub(crate) fn blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

impl Shape {
    /// The old name of a Folio field, for error messages (`title.en` → `titleEng`).
    pub fn old_name(&self, field: &str, lang: &str) -> String {
        let (base, rest) = field.split_once('.').map_or((field, None), |(b, r)| (b, Some(r)));
        if let Some((_, old)) = self.texts.iter().find(|(folio, _)| *folio == base) {
            return match rest {
                None => (*old).to_owned(),
                Some(tag) if tag == lang => (*old).to_owned(),
                Some("en") => format!("{old}Eng"),
                Some(tag) => format!("{old}.{tag}"),
            };
        }
        if let Some((_, old, _)) = self.fields.iter().find(|(folio, _, _)| *folio == base) {
            return (*old).to_owned();
        }
        match (base, self.parent) {
            ("visible", _) => "show".to_owned(),
            ("parent_id", Some(parent)) => parent.to_owned(),
            _ => field.to_owned(),
        }
    }

    /// An old body as Folio's fields. Texts are merged, language by language, onto
    /// `stored` (an update: the old clients send one language's field without the other);
    /// a blank value clears a field on an update and is left out on a create. Fields this
    /// kind does not know (`_id`, populated children, `order`…) are left out; media and the
    /// parent are read separately.
    pub fn to_folio(
        &self,
        body: &Map<String, Value>,
        stored: Option<&Map<String, Value>>,
        lang: &str,
    ) -> Result<Map<String, Value>, LynxError> {
        let mut out = Map::new();
        for (folio, old) in self.texts {
            let eng = format!("{old}Eng");
            let given: Vec<(&str, &str, &Value)> = [(lang, *old, body.get(*old)), ("en", eng.as_str(), body.get(&eng))]
                .into_iter()
                .filter_map(|(tag, name, value)| value.map(|v| (tag, name, v)))
                .collect();
            if given.is_empty() {
                continue;
            }
            let mut texts = stored.and_then(|s| s.get(*folio)).and_then(Value::as_object).cloned().unwrap_or_default();
            for (tag, name, value) in given {
                match value {
                    v if blank(v) => {
                        texts.remove(tag);
                    }
                    Value::String(text) => {
                        texts.insert(tag.to_owned(), Value::String(text.clone()));
                    }
                    _ => return Err(LynxError::invalid(name, "expected text")),
                }
            }
            if !texts.is_empty() {
                out.insert((*folio).to_owned(), Value::Object(texts));
            } else if stored.is_some() {
                out.insert((*folio).to_owned(), Value::Null);
            }
        }
        for (folio, old, conv) in self.fields {
            let Some(value) = body.get(*old) else { continue };
            if blank(value) {
                if stored.is_some() {
                    out.insert((*folio).to_owned(), Value::Null);
                }
                continue;
            }
            out.insert(
                (*folio).to_owned(),
                to_folio_value(*conv, value, lang).map_err(|m| LynxError::invalid(old, m))?,
            );
        }
        match body.get("show") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(show)) => {
                out.insert("visible".into(), Value::Bool(*show));
            }
            Some(Value::String(text)) if text == "true" || text == "false" => {
                out.insert("visible".into(), Value::Bool(text == "true"));
            }
            Some(_) => return Err(LynxError::invalid("show", "expected true or false")),
        }
        Ok(out)
    }

    /// Folio's fields written into an old document. Absent texts and strings read as `""`,
    /// absent lists as `[]`, as the old documents' clients expect.
    pub fn to_old(&self, fields: &Map<String, Value>, lang: &str, doc: &mut Map<String, Value>) {
        for (folio, old) in self.texts {
            let texts = fields.get(*folio).and_then(Value::as_object);
            let text =
                |tag: &str| texts.and_then(|t| t.get(tag)).cloned().unwrap_or_else(|| Value::String(String::new()));
            doc.insert((*old).to_owned(), text(lang));
            doc.insert(format!("{old}Eng"), text("en"));
        }
        for (folio, old, conv) in self.fields {
            doc.insert((*old).to_owned(), to_old_value(*conv, fields.get(*folio), lang));
        }
    }

    /// The media a body names for each slot: (Folio slot, ids), in order.
    pub fn slot_refs<'b>(&self, body: &'b Map<String, Value>) -> Vec<(&'static str, Vec<&'b str>)> {
        self.slots
            .iter()
            .filter_map(|(slot, old)| {
                let value = body.get(*old)?;
                let refs: Vec<&str> = match value {
                    Value::Array(items) => items.iter().filter_map(ids::reference).collect(),
                    other => ids::reference(other).into_iter().collect(),
                };
                Some((*slot, refs))
            })
            .collect()
    }
}

fn to_folio_value(conv: Conv, value: &Value, lang: &str) -> Result<Value, String> {
    match (conv, value) {
        (Conv::Seconds, Value::Number(n)) => n.as_f64().and_then(track_length).map(Value::String),
        (Conv::Seconds, Value::String(text)) => match text.trim().parse::<f64>() {
            Ok(secs) => track_length(secs).map(Value::String),
            Err(_) => return Ok(value.clone()),
        },
        (Conv::Lines, Value::String(text)) => Some(localized(lang, text.clone())),
        (Conv::Lines, Value::Array(items)) => {
            let lines: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            lines.map(|lines| localized(lang, lines.join("\n")))
        }
        (Conv::Commas, Value::String(text)) => Some(Value::Array(
            text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(|t| Value::String(t.to_owned())).collect(),
        )),
        _ => return Ok(value.clone()),
    }
    .ok_or_else(|| match conv {
        Conv::Seconds => "expected a length in seconds, or like 3:45".to_owned(),
        _ => "expected text, or a list of texts".to_owned(),
    })
}

fn localized(lang: &str, text: String) -> Value {
    let mut map = Map::new();
    map.insert(lang.to_owned(), Value::String(text));
    Value::Object(map)
}

fn to_old_value(conv: Conv, value: Option<&Value>, lang: &str) -> Value {
    match (conv, value) {
        (Conv::Text, Some(Value::String(text))) => Value::String(text.clone()),
        (Conv::Text, _) => Value::String(String::new()),
        (Conv::Seconds, Some(Value::String(text))) => seconds(text).map_or(Value::Null, Value::from),
        (Conv::Seconds, _) => Value::Null,
        (Conv::Lines, Some(Value::Object(texts))) => Value::Array(
            texts
                .get(lang)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| Value::String(l.to_owned()))
                .collect(),
        ),
        (Conv::Lines, _) => Value::Array(Vec::new()),
        (Conv::Commas, Some(Value::Array(tags))) => {
            Value::String(tags.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
        }
        (Conv::Commas, _) => Value::String(String::new()),
    }
}

/// `225.0` → `"3:45"`; `3723` → `"1:02:03"`.
fn track_length(secs: f64) -> Option<String> {
    if !(0.0..100.0 * 3600.0).contains(&secs) {
        return None;
    }
    let total = secs.round() as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    Some(if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") })
}

/// `"3:45"` → 225; `"1:02:03"` → 3723.
fn seconds(length: &str) -> Option<u64> {
    length.split(':').try_fold(0u64, |total, part| part.parse::<u64>().ok().map(|n| total * 60 + n))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SONG: Shape = Shape {
        texts: &[("title", "title")],
        fields: &[("duration", "duration", Conv::Seconds), ("link", "link", Conv::Text)],
        slots: &[("audio", "song"), ("cover", "coverArt")],
        parent: None,
    };

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn texts_split_into_the_default_language_and_english() {
        let body = object(json!({"_id": "", "title": "Canción", "titleEng": "Song", "duration": 225, "link": ""}));
        let folio = SONG.to_folio(&body, None, "es").expect("valid");
        assert_eq!(Value::Object(folio.clone()), json!({"title": {"es": "Canción", "en": "Song"}, "duration": "3:45"}));
        let mut doc = Map::new();
        SONG.to_old(&folio, "es", &mut doc);
        assert_eq!(Value::Object(doc), json!({"title": "Canción", "titleEng": "Song", "duration": 225, "link": ""}));
    }

    #[test]
    fn an_update_keeps_the_language_it_was_not_sent() {
        let stored = object(json!({"title": {"es": "Canción", "en": "Song"}, "link": "https://a.example/"}));
        let folio = SONG.to_folio(&object(json!({"title": "Otra", "link": ""})), Some(&stored), "es").expect("valid");
        assert_eq!(Value::Object(folio), json!({"title": {"es": "Otra", "en": "Song"}, "link": null}));
    }

    #[test]
    fn bad_values_are_named_by_their_old_field() {
        let error = SONG.to_folio(&object(json!({"titleEng": 5})), None, "es").expect_err("invalid");
        assert_eq!(error.message, "titleEng: expected text");
        let error = SONG.to_folio(&object(json!({"show": "yes"})), None, "es").expect_err("invalid");
        assert_eq!(error.message, "show: expected true or false");
        assert_eq!(SONG.old_name("title.en", "es"), "titleEng");
        assert_eq!(SONG.old_name("title.es", "es"), "title");
        assert_eq!(SONG.old_name("visible", "es"), "show");
    }

    #[test]
    fn lists_and_comma_strings_convert() {
        assert_eq!(to_folio_value(Conv::Lines, &json!(["<a>", "<b>"]), "es"), Ok(json!({"es": "<a>\n<b>"})));
        assert_eq!(to_old_value(Conv::Lines, Some(&json!({"es": "<a>\n<b>"})), "es"), json!(["<a>", "<b>"]));
        assert_eq!(to_folio_value(Conv::Commas, &json!("music, design,"), "es"), Ok(json!(["music", "design"])));
        assert_eq!(to_old_value(Conv::Commas, Some(&json!(["music", "design"])), "es"), json!("music, design"));
        assert_eq!(track_length(3723.0).as_deref(), Some("1:02:03"));
        assert_eq!(seconds("1:02:03"), Some(3723));
        assert!(to_folio_value(Conv::Seconds, &json!(-1), "es").is_err());
    }

    #[test]
    fn files_are_referenced_by_id_or_by_populated_object() {
        let body = object(json!({"song": {"_id": "7", "location": "x"}, "coverArt": "8", "other": "9"}));
        assert_eq!(SONG.slot_refs(&body), vec![("audio", vec!["7"]), ("cover", vec!["8"])]);
    }
}
