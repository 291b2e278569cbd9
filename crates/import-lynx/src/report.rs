//! What an import did, collection by collection, in words an operator can act on.

use std::collections::BTreeSet;
use std::fmt;

/// One document the report speaks of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The document's id in the old database.
    pub old_id: String,
    /// Its title (or address, or key), when it has one.
    pub label: Option<String>,
    pub message: String,
}

/// One old collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionReport {
    /// The old collection (`bookimgs`).
    pub source: &'static str,
    /// Where it went in Folio (`gallery-images`).
    pub target: &'static str,
    /// Documents found.
    pub read: usize,
    pub imported: usize,
    /// Imported by an earlier run (their old id is recorded), so left alone.
    pub already_imported: usize,
    pub skipped: Vec<Entry>,
    /// Imported, with something changed or left out on the way.
    pub notes: Vec<Entry>,
    /// Fields the documents had that Folio has no place for.
    pub left_out: BTreeSet<String>,
}

impl CollectionReport {
    pub(crate) fn new(source: &'static str, target: &'static str) -> CollectionReport {
        CollectionReport {
            source,
            target,
            read: 0,
            imported: 0,
            already_imported: 0,
            skipped: Vec::new(),
            notes: Vec::new(),
            left_out: BTreeSet::new(),
        }
    }

    pub(crate) fn skip(&mut self, old_id: &str, label: Option<String>, message: impl Into<String>) {
        self.skipped.push(Entry { old_id: old_id.to_owned(), label, message: message.into() });
    }

    pub(crate) fn note(&mut self, old_id: &str, label: Option<String>, notes: Vec<String>) {
        for message in notes {
            self.notes.push(Entry { old_id: old_id.to_owned(), label: label.clone(), message });
        }
    }
}

/// The whole import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Said once, about the whole import.
    pub notices: Vec<String>,
    pub collections: Vec<CollectionReport>,
    /// Why the import stopped before the end, when it did (what was written stays, and a
    /// second run carries on from there).
    pub stopped: Option<String>,
}

impl Report {
    pub fn collection(&self, source: &str) -> Option<&CollectionReport> {
        self.collections.iter().find(|c| c.source == source)
    }

    pub fn imported(&self) -> usize {
        self.collections.iter().map(|c| c.imported).sum()
    }

    pub fn already_imported(&self) -> usize {
        self.collections.iter().map(|c| c.already_imported).sum()
    }

    pub fn skipped(&self) -> usize {
        self.collections.iter().map(|c| c.skipped.len()).sum()
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.label {
            Some(label) => write!(f, "{} ({label:?}): {}", self.old_id, self.message),
            None => write!(f, "{}: {}", self.old_id, self.message),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for notice in &self.notices {
            writeln!(f, "{notice}")?;
        }
        for c in &self.collections {
            writeln!(
                f,
                "{} → {}: {} read, {} imported, {} already imported, {} skipped",
                c.source,
                c.target,
                c.read,
                c.imported,
                c.already_imported,
                c.skipped.len()
            )?;
            for entry in &c.skipped {
                writeln!(f, "  skipped {entry}")?;
            }
            for entry in &c.notes {
                writeln!(f, "  note {entry}")?;
            }
            if !c.left_out.is_empty() {
                let fields: Vec<&str> = c.left_out.iter().map(String::as_str).collect();
                writeln!(f, "  left out (Folio has no place for them): {}", fields.join(", "))?;
            }
        }
        writeln!(
            f,
            "total: {} imported, {} already imported, {} skipped",
            self.imported(),
            self.already_imported(),
            self.skipped()
        )?;
        if let Some(reason) = &self.stopped {
            writeln!(f, "stopped before the end: {reason}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_has_a_line_per_collection_and_one_per_skipped_document() {
        let mut albums = CollectionReport::new("albums", "albums");
        albums.read = 3;
        albums.imported = 2;
        albums.skip("64b7f0c2a1d3e4f5a6b7c8d9", Some("Roto".into()), "title is invalid");
        albums.note("64b7f0c2a1d3e4f5a6b7c8da", None, vec!["spotify left out".into()]);
        albums.left_out.insert("color".into());
        let report = Report { notices: vec![], collections: vec![albums], stopped: None };
        assert_eq!(
            report.to_string(),
            "albums → albums: 3 read, 2 imported, 0 already imported, 1 skipped\n  \
             skipped 64b7f0c2a1d3e4f5a6b7c8d9 (\"Roto\"): title is invalid\n  \
             note 64b7f0c2a1d3e4f5a6b7c8da: spotify left out\n  \
             left out (Folio has no place for them): color\n\
             total: 2 imported, 0 already imported, 1 skipped\n"
        );
    }
}
