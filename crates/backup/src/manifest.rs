//! What an archive holds: `manifest.json` first, then one NDJSON file per table, in the order
//! a restore writes them (what is referred to before what refers to it).

use chrono::{DateTime, Utc};
use folio_domain::content::{CollectionKind, ParentKind};
use serde::{Deserialize, Serialize};

/// The archive format's name, in every manifest.
pub const FORMAT: &str = "folio-backup";
/// The newest archive format this Folio reads and writes. Bumped whenever a record or the
/// layout changes; a Folio refuses archives newer than it. Version 2 added media bytes
/// (`--with-media`); an archive without them is still written as version 1, which it is
/// byte for byte, so that an older Folio restores it too.
pub const FORMAT_VERSION: u32 = 2;
/// The version of an archive without media bytes.
pub(crate) const FORMAT_VERSION_WITHOUT_MEDIA: u32 = 1;
/// The manifest's name in the archive; always the first entry.
pub(crate) const MANIFEST: &str = "manifest.json";
/// Larger manifests are refused as damaged.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// A table of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Table {
    Users,
    Media,
    Items(CollectionKind),
    Articles,
    /// Every object key the media records name, with its hash; not restored.
    MediaObjects,
}

impl Table {
    pub(crate) fn file_name(self) -> String {
        match self {
            Table::Users => "users.ndjson".to_owned(),
            Table::Media => "media.ndjson".to_owned(),
            Table::Items(kind) => format!("collections/{}.ndjson", kind.as_str()),
            Table::Articles => "articles.ndjson".to_owned(),
            Table::MediaObjects => "media-objects.ndjson".to_owned(),
        }
    }

    pub(crate) fn entity(self) -> String {
        match self {
            Table::Users => "users".to_owned(),
            Table::Media => "media".to_owned(),
            Table::Items(kind) => format!("collection:{}", kind.as_str()),
            Table::Articles => "articles".to_owned(),
            Table::MediaObjects => "media-objects".to_owned(),
        }
    }

    /// Every table, parents before children: users, media, top-level collections, articles,
    /// then nested collections by depth (sections after the articles they belong to), and the
    /// object listing last.
    pub(crate) fn in_order() -> Vec<Table> {
        let mut tables = vec![Table::Users, Table::Media];
        tables.extend(CollectionKind::ALL.into_iter().filter(|k| depth(*k) == 0).map(Table::Items));
        tables.push(Table::Articles);
        let mut nested: Vec<CollectionKind> = CollectionKind::ALL.into_iter().filter(|k| depth(*k) > 0).collect();
        nested.sort_by_key(|k| depth(*k));
        tables.extend(nested.into_iter().map(Table::Items));
        tables.push(Table::MediaObjects);
        tables
    }

    pub(crate) fn by_file_name(name: &str) -> Option<Table> {
        Table::in_order().into_iter().find(|t| t.file_name() == name)
    }
}

/// How deep a kind nests: 0 for top-level kinds, 1 for what is nested in them or in an article.
fn depth(kind: CollectionKind) -> usize {
    match kind.parent() {
        None => 0,
        Some(ParentKind::Article) => 1,
        Some(ParentKind::Collection(parent)) => 1 + depth(parent),
    }
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    pub format_version: u32,
    pub id: String,
    /// The newest database migration of the Folio that wrote it (informative: the archive's
    /// records do not depend on a schema).
    pub schema_version: String,
    pub folio_version: String,
    /// `sqlite`, `postgres`, `mongodb`…
    pub source_backend: String,
    pub created_at: DateTime<Utc>,
    /// In archive order.
    pub files: Vec<FileEntry>,
    /// The file listing every object the media records name, with its sha256 where known.
    pub media_objects: String,
    /// The media bytes, when the backup carries them (`--with-media`, format version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<IncludedMedia>,
    /// What the backup noticed while reading (rows that changed under it, say).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One NDJSON file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    /// `users`, `media`, `collection:albums`, `articles`, `media-objects`.
    pub entity: String,
    pub rows: u64,
    pub bytes: u64,
    /// Hex sha256 of the file's bytes.
    pub sha256: String,
}

/// Media bytes in the archive. After the tables come the listing, then one `media/<key>`
/// entry per object it lists as included, in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncludedMedia {
    /// `media-files.ndjson`: one line per object key the media records name, with the size,
    /// sha256 and content type of the bytes included, or `"missing": true`.
    pub listing: FileEntry,
    /// Objects whose bytes are in the archive.
    pub objects: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Keys the records name that the store did not have when the backup was made.
    pub missing: u64,
    /// The first few of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_sample: Vec<String>,
}

impl Manifest {
    /// Rows of every table that a restore writes.
    pub fn rows(&self) -> u64 {
        self.files.iter().filter(|f| f.name != self.media_objects).map(|f| f.rows).sum()
    }

    /// Refuses what this Folio cannot restore faithfully.
    pub(crate) fn check_format(&self) -> Result<(), String> {
        if self.format != FORMAT {
            return Err(format!("not a Folio backup (format `{}`)", self.format));
        }
        if self.format_version > FORMAT_VERSION || self.format_version == 0 {
            return Err(format!(
                "archive format version {} is not supported by this Folio (it reads up to {FORMAT_VERSION})",
                self.format_version
            ));
        }
        if self.media.is_some() && self.format_version == FORMAT_VERSION_WITHOUT_MEDIA {
            return Err(format!("a version {} archive cannot hold media bytes", self.format_version));
        }
        for file in &self.files {
            if Table::by_file_name(&file.name).is_none() {
                return Err(format!("unknown file `{}` in the manifest", file.name));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_before_children() {
        let order = Table::in_order();
        let at = |t: Table| order.iter().position(|x| *x == t).expect("listed");
        for kind in CollectionKind::ALL {
            match kind.parent() {
                Some(ParentKind::Collection(parent)) => assert!(at(Table::Items(parent)) < at(Table::Items(kind))),
                Some(ParentKind::Article) => assert!(at(Table::Articles) < at(Table::Items(kind))),
                None => assert!(at(Table::Items(kind)) < at(Table::Articles), "{kind}"),
            }
        }
        assert_eq!(order.len(), CollectionKind::ALL.len() + 4);
        assert_eq!(order.last(), Some(&Table::MediaObjects));
    }
}
