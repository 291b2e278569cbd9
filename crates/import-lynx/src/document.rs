//! Reading one stored document as the Node service left it: fields may be missing, `null`,
//! or of another type than the model says (a number as a string, an id as a plain string, a
//! populated document where an id was expected). Every read is lenient and says what it
//! could not use; the fields read are remembered, so that the rest can be reported as left out.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use folio_domain::legacy::is_object_id;
use mongodb::bson::{Bson, Document};

/// A reference to another document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ref {
    /// An ObjectId, lower-case hex.
    Id(String),
    /// Something that cannot be an id (what it was, for the report).
    Invalid(String),
}

/// One document being read.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    doc: &'a Document,
    used: BTreeSet<String>,
}

/// Fields every Mongoose document has, never worth reporting.
const BOOKKEEPING: [&str; 2] = ["_id", "__v"];

impl<'a> Doc<'a> {
    pub(crate) fn new(doc: &'a Document) -> Doc<'a> {
        Doc { doc, used: BOOKKEEPING.iter().map(|s| (*s).to_owned()).collect() }
    }

    /// The document's id as text: an ObjectId's hex, or whatever else `_id` holds.
    pub(crate) fn old_id(&self) -> Option<String> {
        match self.doc.get("_id")? {
            Bson::ObjectId(id) => Some(id.to_hex()),
            Bson::String(s) if is_object_id(s.trim()) => Some(s.trim().to_ascii_lowercase()),
            Bson::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Bson::Int32(n) => Some(n.to_string()),
            Bson::Int64(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// When the document was created, from its ObjectId (which holds the second it was made).
    pub(crate) fn id_time(&self) -> Option<DateTime<Utc>> {
        match self.doc.get("_id")? {
            Bson::ObjectId(id) => DateTime::from_timestamp_millis(id.timestamp().timestamp_millis()),
            _ => None,
        }
    }

    fn get(&mut self, key: &str) -> Option<&'a Bson> {
        self.used.insert(key.to_owned());
        match self.doc.get(key)? {
            Bson::Null | Bson::Undefined => None,
            other => Some(other),
        }
    }

    /// Marks a field as dealt with without reading it (a back-reference, say).
    pub(crate) fn skip(&mut self, key: &str) {
        self.used.insert(key.to_owned());
    }

    /// A text, trimmed; numbers and booleans as written; `None` when missing or blank.
    pub(crate) fn text(&mut self, key: &str) -> Option<String> {
        let text = match self.get(key)? {
            Bson::String(s) => s.trim().to_owned(),
            Bson::Int32(n) => n.to_string(),
            Bson::Int64(n) => n.to_string(),
            Bson::Double(n) => n.to_string(),
            Bson::Boolean(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    /// A list of texts (`[String]`), or one text where a list was expected; blanks dropped.
    pub(crate) fn texts(&mut self, key: &str) -> Vec<String> {
        let values: Vec<&Bson> = match self.get(key) {
            Some(Bson::Array(items)) => items.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        values
            .into_iter()
            .filter_map(|v| match v {
                Bson::String(s) => Some(s.trim().to_owned()),
                Bson::Int32(n) => Some(n.to_string()),
                Bson::Int64(n) => Some(n.to_string()),
                Bson::Double(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A number, also when stored as a string (`"2048"`).
    pub(crate) fn number(&mut self, key: &str) -> Number {
        match self.get(key) {
            None => Number::Missing,
            Some(value) => number_of(value),
        }
    }

    /// `true`/`false`, also as `"true"`/`"false"` or 1/0; `None` when missing or unclear.
    pub(crate) fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Bson::Boolean(b) => Some(*b),
            Bson::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
            Bson::Int32(n) => Some(*n != 0),
            Bson::Int64(n) => Some(*n != 0),
            _ => None,
        }
    }

    /// A time: a BSON date, an ISO 8601 / RFC 3339 string (or a bare date), or milliseconds
    /// since 1970. `Err` with what was there when it is none of those.
    pub(crate) fn date(&mut self, key: &str) -> Result<Option<DateTime<Utc>>, String> {
        let Some(value) = self.get(key) else { return Ok(None) };
        let parsed = match value {
            Bson::DateTime(t) => DateTime::from_timestamp_millis(t.timestamp_millis()),
            Bson::Int64(ms) => DateTime::from_timestamp_millis(*ms),
            Bson::Int32(ms) => DateTime::from_timestamp_millis(i64::from(*ms)),
            Bson::Double(ms) if ms.is_finite() => DateTime::from_timestamp_millis(*ms as i64),
            Bson::String(s) => parse_date(s.trim()),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| describe(value))
    }

    /// An embedded document (`checksums`, `metadata`), when there is one.
    pub(crate) fn document(&mut self, key: &str) -> Option<&'a Document> {
        match self.get(key)? {
            Bson::Document(d) => Some(d),
            _ => None,
        }
    }

    /// A reference to one document; `None` when missing, `null` or blank. A list where one
    /// was expected gives its first usable entry.
    pub(crate) fn reference(&mut self, key: &str) -> Option<Ref> {
        match self.get(key)? {
            Bson::Array(items) => items.iter().find_map(reference_of),
            other => reference_of(other),
        }
    }

    /// References to several documents (`[ObjectId]`), or one where a list was expected.
    pub(crate) fn references(&mut self, key: &str) -> Vec<Ref> {
        match self.get(key) {
            Some(Bson::Array(items)) => items.iter().filter_map(reference_of).collect(),
            Some(other) => reference_of(other).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// The fields that hold something (not `null`, `""` or `[]`) and that nothing read, in
    /// stored order.
    pub(crate) fn unread(&self) -> Vec<String> {
        let empty = |value: &Bson| match value {
            Bson::Null | Bson::Undefined => true,
            Bson::String(s) => s.trim().is_empty(),
            Bson::Array(items) => items.is_empty(),
            _ => false,
        };
        self.doc
            .iter()
            .filter(|(key, value)| !self.used.contains(key.as_str()) && !empty(value))
            .map(|(key, _)| key.clone())
            .collect()
    }
}

/// A number read leniently.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    Missing,
    Value(f64),
    /// Something that is not a number.
    Invalid,
}

impl Number {
    pub(crate) fn value(self) -> Option<f64> {
        match self {
            Number::Value(n) => Some(n),
            _ => None,
        }
    }
}

pub(crate) fn number_of(value: &Bson) -> Number {
    match value {
        Bson::Int32(n) => Number::Value(f64::from(*n)),
        Bson::Int64(n) => Number::Value(*n as f64),
        Bson::Double(n) if n.is_finite() => Number::Value(*n),
        Bson::Decimal128(d) => d.to_string().parse().map_or(Number::Invalid, Number::Value),
        Bson::String(s) => {
            s.trim().parse::<f64>().ok().filter(|n| n.is_finite()).map_or(Number::Invalid, Number::Value)
        }
        Bson::Null | Bson::Undefined => Number::Missing,
        _ => Number::Invalid,
    }
}

fn reference_of(value: &Bson) -> Option<Ref> {
    match value {
        Bson::ObjectId(id) => Some(Ref::Id(id.to_hex())),
        Bson::String(s) if s.trim().is_empty() => None,
        Bson::String(s) if is_object_id(s.trim()) => Some(Ref::Id(s.trim().to_ascii_lowercase())),
        // A populated reference: the referred document itself.
        Bson::Document(d) => match d.get("_id") {
            Some(id) => reference_of(id),
            None => Some(Ref::Invalid("a document without _id".to_owned())),
        },
        Bson::Null | Bson::Undefined => None,
        other => Some(Ref::Invalid(describe(other))),
    }
}

/// A value for a message: strings quoted and cut short, other types by name.
pub(crate) fn describe(value: &Bson) -> String {
    match value {
        Bson::String(s) => quote(s),
        Bson::Int32(n) => n.to_string(),
        Bson::Int64(n) => n.to_string(),
        Bson::Double(n) => n.to_string(),
        Bson::Boolean(b) => b.to_string(),
        Bson::Array(_) => "a list".to_owned(),
        Bson::Document(_) => "a document".to_owned(),
        other => format!("a {:?}", other.element_type()),
    }
}

/// A text for a message: quoted, and cut after 60 characters.
pub(crate) fn quote(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    // A bare date is common in hand-made data; `Date.prototype.toString()` output is not
    // worth guessing at.
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use mongodb::bson::{doc, oid::ObjectId};

    use super::*;

    #[test]
    fn references_accept_ids_in_any_of_their_stored_forms() {
        let id = ObjectId::parse_str("64b7f0c2a1d3e4f5a6b7c8d9").expect("oid");
        let stored = doc! {
            "a": id,
            "b": "64B7F0C2A1D3E4F5A6B7C8D9",
            "c": { "_id": id, "title": "populated" },
            "d": "",
            "e": null,
            "f": "not-an-id",
            "g": [id, "64b7f0c2a1d3e4f5a6b7c8da", null, 7],
        };
        let mut doc = Doc::new(&stored);
        let expected = Some(Ref::Id("64b7f0c2a1d3e4f5a6b7c8d9".into()));
        assert_eq!(doc.reference("a"), expected);
        assert_eq!(doc.reference("b"), expected);
        assert_eq!(doc.reference("c"), expected);
        assert_eq!(doc.reference("d"), None);
        assert_eq!(doc.reference("e"), None);
        assert_eq!(doc.reference("missing"), None);
        assert_eq!(doc.reference("f"), Some(Ref::Invalid("\"not-an-id\"".into())));
        assert_eq!(
            doc.references("g"),
            vec![
                Ref::Id("64b7f0c2a1d3e4f5a6b7c8d9".into()),
                Ref::Id("64b7f0c2a1d3e4f5a6b7c8da".into()),
                Ref::Invalid("7".into())
            ]
        );
        assert!(doc.unread().is_empty());
    }

    #[test]
    fn numbers_are_read_from_strings_too() {
        let stored = doc! { "a": "2048", "b": 2048_i64, "c": 12.5, "d": "12kb", "e": null };
        let mut doc = Doc::new(&stored);
        assert_eq!(doc.number("a"), Number::Value(2048.0));
        assert_eq!(doc.number("b"), Number::Value(2048.0));
        assert_eq!(doc.number("c"), Number::Value(12.5));
        assert_eq!(doc.number("d"), Number::Invalid);
        assert_eq!(doc.number("e"), Number::Missing);
        assert_eq!(doc.number("f"), Number::Missing);
    }

    #[test]
    fn dates_come_as_dates_strings_or_milliseconds() {
        let stored = doc! {
            "a": mongodb::bson::DateTime::from_millis(1_600_000_000_000),
            "b": "2020-09-13T12:26:40Z",
            "c": 1_600_000_000_000_i64,
            "d": "2020-09-13",
            "e": "yesterday",
        };
        let mut doc = Doc::new(&stored);
        let expected = DateTime::from_timestamp_millis(1_600_000_000_000);
        assert_eq!(doc.date("a"), Ok(expected));
        assert_eq!(doc.date("b"), Ok(expected));
        assert_eq!(doc.date("c"), Ok(expected));
        assert_eq!(doc.date("d"), Ok(DateTime::from_timestamp(1_599_955_200, 0)));
        assert_eq!(doc.date("e"), Err("\"yesterday\"".into()));
        assert_eq!(doc.date("f"), Ok(None));
    }

    #[test]
    fn the_object_id_gives_the_id_and_a_creation_time() {
        let id = ObjectId::parse_str("5f5e0f40a1d3e4f5a6b7c8d9").expect("oid");
        let stored = doc! { "_id": id, "__v": 0, "title": "x", "extra": true, "blank": "", "none": [], "nil": null };
        let mut doc = Doc::new(&stored);
        assert_eq!(doc.old_id().as_deref(), Some("5f5e0f40a1d3e4f5a6b7c8d9"));
        assert_eq!(doc.id_time(), DateTime::from_timestamp(0x5f5e0f40, 0));
        assert_eq!(doc.text("title").as_deref(), Some("x"));
        assert_eq!(doc.unread(), vec!["extra".to_owned()]);
    }
}
