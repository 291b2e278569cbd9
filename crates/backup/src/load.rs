//! Writing an archive's rows into a database through its ports, and checking that the media
//! objects it names are in the object store.
//!
//! A blocking thread reads the archive and hands lines over a bounded channel to the writer,
//! so memory holds a few hundred rows whatever the archive's size.

use std::collections::HashMap;
use std::path::PathBuf;

use folio_crypto::SecretKey;
use folio_domain::content::articles::Article;
use folio_domain::content::CollectionItem;
use folio_domain::media::Media;
use folio_domain::objects::{ObjectKey, ObjectStore};
use folio_domain::users::User;
use futures_util::future::join_all;
use serde::de::DeserializeOwned;

use crate::archive::{self, ReadError};
use crate::manifest::Table;
use crate::records::{ArticleRecord, ItemRecord, MediaObjectRecord, MediaRecord, UserRecord};
use crate::repositories::Repositories;

const CHANNEL: usize = 512;
const HEADS_AT_ONCE: usize = 32;
/// How many missing keys a report names.
const SAMPLE: usize = 20;

/// What the media objects check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectsCheck {
    pub checked: u64,
    /// Keys with no object, or an object of another size.
    pub missing: u64,
    /// The first few of them.
    pub sample: Vec<String>,
    /// Keys the store could not answer for (it failed, or the key is not a valid one).
    pub unchecked: u64,
}

#[derive(Debug)]
pub(crate) struct Loaded {
    pub rows: u64,
    pub objects: ObjectsCheck,
}

#[derive(Debug)]
pub(crate) enum LoadError {
    Read(ReadError),
    /// A row could not be written (or was written at another position).
    Write(String),
}

/// Reads the (already checked) archive at `path`, writing its rows into `target` and checking
/// its media objects against `objects`, each when given.
pub(crate) async fn load(
    path: PathBuf,
    key: Option<SecretKey>,
    target: Option<&Repositories>,
    objects: Option<&dyn ObjectStore>,
) -> Result<Loaded, LoadError> {
    let writes = target.is_some();
    let checks = objects.is_some();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(Table, Vec<u8>)>(CHANNEL);
    let reader = tokio::task::spawn_blocking(move || {
        let want = |table: Table| if table == Table::MediaObjects { checks } else { writes };
        archive::read(&path, key.as_ref(), want, |table, line| {
            tx.blocking_send((table, line.to_vec())).map_err(|_| "the writer stopped".to_owned())
        })
    });

    let mut writer =
        Writer { target, objects, rows: HashMap::new(), pending_keys: Vec::new(), check: ObjectsCheck::default() };
    let mut failure = None;
    while let Some((table, line)) = rx.recv().await {
        if let Err(e) = writer.write(table, &line).await {
            failure = Some(e);
            break;
        }
    }
    drop(rx);
    let read = reader.await.map_err(|e| LoadError::Read(ReadError::Corrupt(format!("the reader failed: {e}"))))?;
    if let Some(e) = failure {
        return Err(LoadError::Write(e));
    }
    read.map_err(LoadError::Read)?;
    writer.flush_keys().await;
    let rows = writer.rows.iter().filter(|(t, _)| **t != Table::MediaObjects).map(|(_, n)| n).sum();
    Ok(Loaded { rows, objects: writer.check })
}

struct Writer<'a> {
    target: Option<&'a Repositories>,
    objects: Option<&'a dyn ObjectStore>,
    rows: HashMap<Table, u64>,
    pending_keys: Vec<MediaObjectRecord>,
    check: ObjectsCheck,
}

async fn write_row(repos: &Repositories, table: Table, line: &[u8]) -> Result<(), String> {
    match table {
        Table::Users => {
            let user = User::try_from(parse::<UserRecord>(line)?)?;
            repos.users.insert(&user).await.map_err(|e| e.to_string())
        }
        Table::Media => {
            let media = Media::try_from(parse::<MediaRecord>(line)?)?;
            repos.media.insert(&media).await.map_err(|e| e.to_string())
        }
        Table::Items(kind) => {
            let item = CollectionItem::from(parse::<ItemRecord>(line)?);
            if item.kind != kind {
                return Err(format!("a {} item in the {kind} file", item.kind));
            }
            // Appended in the archive's order, which is each parent's position order.
            let stored = repos.items.insert(&item).await.map_err(|e| e.to_string())?;
            if stored.position != item.position {
                return Err(format!(
                    "{kind} item {} landed at position {} instead of {}",
                    item.id, stored.position, item.position
                ));
            }
            Ok(())
        }
        Table::Articles => {
            let article = Article::from(parse::<ArticleRecord>(line)?);
            repos.articles.insert(&article).await.map_err(|e| e.to_string())
        }
        Table::MediaObjects => Ok(()),
    }
}

fn parse<T: DeserializeOwned>(line: &[u8]) -> Result<T, String> {
    serde_json::from_slice(line).map_err(|e| e.to_string())
}

impl Writer<'_> {
    async fn write(&mut self, table: Table, line: &[u8]) -> Result<(), String> {
        let row = {
            let n = self.rows.entry(table).or_default();
            *n += 1;
            *n
        };
        let at = |e: String| format!("{} row {row}: {e}", table.file_name());
        if table == Table::MediaObjects {
            self.pending_keys.push(parse(line).map_err(at)?);
            if self.pending_keys.len() >= HEADS_AT_ONCE {
                self.flush_keys().await;
            }
            return Ok(());
        }
        match self.target {
            Some(repos) => write_row(repos, table, line).await.map_err(at),
            None => Ok(()),
        }
    }
    /// Looks the waiting keys up, a few at a time.
    async fn flush_keys(&mut self) {
        let Some(store) = self.objects else {
            self.pending_keys.clear();
            return;
        };
        let batch = std::mem::take(&mut self.pending_keys);
        let found = join_all(batch.iter().map(|record| async move {
            let key = ObjectKey::parse(&record.key).ok()?;
            match store.head(&key).await {
                Ok(Some(meta)) => Some(meta.size == record.size),
                Ok(None) => Some(false),
                Err(_) => None,
            }
        }))
        .await;
        for (record, found) in batch.into_iter().zip(found) {
            self.check.checked += 1;
            match found {
                Some(true) => {}
                Some(false) => {
                    self.check.missing += 1;
                    if self.check.sample.len() < SAMPLE {
                        self.check.sample.push(record.key);
                    }
                }
                None => self.check.unchecked += 1,
            }
        }
    }
}
