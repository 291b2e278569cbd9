//! Writing an archive's rows into a database through its ports, its media bytes (when it has
//! them) into a media store, and checking that the media objects it names are in the store.
//!
//! A blocking thread reads the archive and hands lines and chunks over a bounded channel to
//! the writer, so memory holds a few hundred rows or chunks whatever the archive's size.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use folio_crypto::SecretKey;
use folio_domain::content::articles::Article;
use folio_domain::content::CollectionItem;
use folio_domain::media::Media;
use folio_domain::objects::{ObjectKey, ObjectStore};
use folio_domain::users::User;
use futures_util::future::join_all;
use serde::de::DeserializeOwned;

use crate::archive::{self, ReadError, Visitor};
use crate::manifest::{Manifest, Table};
use crate::media_files::{self, IncludedObject};
use crate::progress::{NoProgress, Phase, Progress, Tally};
use crate::records::{ArticleRecord, ItemRecord, MediaObjectRecord, MediaRecord, UserRecord};
use crate::repositories::Repositories;

const CHANNEL: usize = 512;
/// Chunks of one media object on their way into the store.
const OBJECT_CHANNEL: usize = 8;
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
    pub media: MediaWritten,
}

/// What a restore did with the media bytes an archive carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaWritten {
    pub written: u64,
    /// Already in the store with the same size and sha256.
    pub skipped: u64,
}

#[derive(Debug)]
pub(crate) enum LoadError {
    Read(ReadError),
    /// A row or an object could not be written (or was written at another position).
    Write(String),
}

/// What to do with an (already checked) archive.
pub(crate) struct Load<'a> {
    /// Where its rows go.
    pub target: Option<&'a Repositories>,
    /// Where the objects it names are looked up.
    pub check_objects_in: Option<&'a dyn ObjectStore>,
    /// Where its media bytes go, when it has any.
    pub media_to: Option<Arc<dyn ObjectStore>>,
    /// Reports [`Phase::Load`] and [`Phase::LoadMedia`].
    pub progress: &'a dyn Progress,
}

/// What the reader thread hands the writer.
enum Item {
    Line(Table, Vec<u8>),
    ObjectStart(IncludedObject),
    Chunk(Vec<u8>),
    ObjectEnd,
}

/// The reader thread's side of the channel.
struct Sender {
    tx: tokio::sync::mpsc::Sender<Item>,
    rows: bool,
    object_keys: bool,
    objects: bool,
}

impl Sender {
    fn send(&self, item: Item) -> Result<(), String> {
        self.tx.blocking_send(item).map_err(|_| "the writer stopped".to_owned())
    }
}

impl Visitor for Sender {
    fn wants(&self, table: Table) -> bool {
        if table == Table::MediaObjects {
            self.object_keys
        } else {
            self.rows
        }
    }
    fn line(&mut self, table: Table, line: &[u8]) -> Result<(), String> {
        self.send(Item::Line(table, line.to_vec()))
    }
    fn wants_objects(&self) -> bool {
        self.objects
    }
    fn object_start(&mut self, object: &IncludedObject) -> Result<(), String> {
        self.send(Item::ObjectStart(object.clone()))
    }
    fn object_chunk(&mut self, chunk: Vec<u8>) -> Result<(), String> {
        self.send(Item::Chunk(chunk))
    }
    fn object_end(&mut self) -> Result<(), String> {
        self.send(Item::ObjectEnd)
    }
}

/// Reads the (already checked) archive at `path`, whose manifest is `manifest`, doing what
/// `load` says.
pub(crate) async fn load(
    path: PathBuf,
    key: Option<SecretKey>,
    manifest: &Manifest,
    load: Load<'_>,
) -> Result<Loaded, LoadError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(CHANNEL);
    let mut sender = Sender {
        tx,
        rows: load.target.is_some(),
        object_keys: load.check_objects_in.is_some(),
        objects: load.media_to.is_some() && manifest.media.is_some(),
    };
    let reader = tokio::task::spawn_blocking(move || archive::read(&path, key.as_ref(), &mut sender, &NoProgress));

    let progress = load.progress;
    progress.start(Phase::Load, Some(manifest.rows()));
    let mut writer = Writer {
        target: load.target,
        objects: load.check_objects_in,
        rows: HashMap::new(),
        tally: Tally::new(progress),
        pending_keys: Vec::new(),
        check: ObjectsCheck::default(),
        media: MediaWriter { store: load.media_to, current: None, done: MediaWritten::default() },
    };
    let mut failure = None;
    let mut in_media = false;
    while let Some(item) = rx.recv().await {
        let written = match item {
            Item::Line(table, line) => writer.write(table, &line).await,
            Item::ObjectStart(object) => {
                if !in_media {
                    in_media = true;
                    writer.tally.flush();
                    progress.finish();
                    progress.start(Phase::LoadMedia, manifest.media.as_ref().map(|m| m.objects));
                }
                writer.media.start(object).await
            }
            Item::Chunk(chunk) => writer.media.chunk(chunk).await,
            Item::ObjectEnd => writer.media.end().await.map(|()| progress.advance(1)),
        };
        if let Err(e) = written {
            failure = Some(e);
            break;
        }
    }
    drop(rx);
    writer.tally.flush();
    progress.finish();
    // An object cut short by a failed read: its stream ends in an error, and nothing is stored.
    writer.media.abandon().await;
    let read = reader.await.map_err(|e| LoadError::Read(ReadError::Corrupt(format!("the reader failed: {e}"))))?;
    if let Some(e) = failure {
        return Err(LoadError::Write(e));
    }
    read.map_err(LoadError::Read)?;
    writer.flush_keys().await;
    let rows = writer.rows.iter().filter(|(t, _)| **t != Table::MediaObjects).map(|(_, n)| n).sum();
    Ok(Loaded { rows, objects: writer.check, media: writer.media.done })
}

/// Media bytes on their way into the store, one object at a time.
struct MediaWriter {
    store: Option<Arc<dyn ObjectStore>>,
    current: Option<Current>,
    done: MediaWritten,
}

enum Current {
    /// The store holds these very bytes already: the chunks are let go.
    Skipping,
    Writing {
        tx: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
        put: tokio::task::JoinHandle<Result<(), String>>,
    },
}

impl MediaWriter {
    async fn start(&mut self, object: IncludedObject) -> Result<(), String> {
        let store = self.store.clone().ok_or("media bytes arrived unasked")?;
        let present = media_files::holds(store.as_ref(), &object)
            .await
            .map_err(|e| format!("looking media object {} up: {e}", object.key))?;
        self.current = Some(if present {
            Current::Skipping
        } else {
            let (tx, rx) = tokio::sync::mpsc::channel(OBJECT_CHANNEL);
            Current::Writing { tx, put: tokio::spawn(media_files::put(store, object, rx)) }
        });
        Ok(())
    }

    async fn chunk(&mut self, chunk: Vec<u8>) -> Result<(), String> {
        match &self.current {
            Some(Current::Skipping) => Ok(()),
            Some(Current::Writing { tx, .. }) => {
                if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                    // The store stopped reading: its error says why.
                    return self.end().await.and(Err("the media store stopped reading".to_owned()));
                }
                Ok(())
            }
            None => Err("media bytes outside an object".to_owned()),
        }
    }

    async fn end(&mut self) -> Result<(), String> {
        match self.current.take() {
            Some(Current::Skipping) => {
                self.done.skipped += 1;
                Ok(())
            }
            Some(Current::Writing { tx, put }) => {
                drop(tx);
                put.await.map_err(|e| format!("storing a media object: {e}"))??;
                self.done.written += 1;
                Ok(())
            }
            None => Err("the end of an object that did not begin".to_owned()),
        }
    }

    async fn abandon(&mut self) {
        if let Some(Current::Writing { tx, put }) = self.current.take() {
            let _ = tx.send(Err(io::Error::other("the archive could not be read to the end"))).await;
            drop(tx);
            let _ = put.await;
        }
    }
}

struct Writer<'a> {
    target: Option<&'a Repositories>,
    objects: Option<&'a dyn ObjectStore>,
    rows: HashMap<Table, u64>,
    tally: Tally<'a>,
    pending_keys: Vec<MediaObjectRecord>,
    check: ObjectsCheck,
    media: MediaWriter,
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
        if let Some(repos) = self.target {
            write_row(repos, table, line).await.map_err(at)?;
        }
        self.tally.add(1);
        Ok(())
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
