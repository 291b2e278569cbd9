//! Reading a database through its ports into one NDJSON file per table, a page (or, for a
//! collection, one kind or one parent's items) at a time.
//!
//! A backup read this way is not a snapshot: writes made while it runs may or may not be in
//! it. Paged tables (users, media, articles) are read by offset, so a row deleted meanwhile
//! could shift another past the reader; when a table's total changes while it is read, it is
//! read again (up to three times, then kept with a warning in the manifest).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use folio_domain::content::articles::Article;
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, ParentKind};
use folio_domain::media::{Media, MediaFilter};
use folio_domain::users::User;
use folio_domain::{DomainError, Page, PageRequest};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};

use crate::error::BackupError;
use crate::manifest::{FileEntry, Table};
use crate::progress::{Progress, Tally};
use crate::records::{ArticleRecord, ItemRecord, MediaObjectRecord, MediaRecord, UserRecord};
use crate::repositories::{all_articles, Repositories};

const ATTEMPTS: u32 = 3;

/// One NDJSON file of the archive (a table's, or the media listing), hashed as it is written,
/// to a file or (to check a restore) nowhere.
#[derive(Debug)]
pub(crate) struct TableWriter {
    name: String,
    entity: String,
    file: Option<(PathBuf, BufWriter<tokio::fs::File>)>,
    hasher: Sha256,
    rows: u64,
    bytes: u64,
}

impl TableWriter {
    async fn create(dir: Option<&Path>, table: Table) -> Result<TableWriter, BackupError> {
        TableWriter::named(dir, table.file_name(), table.entity()).await
    }

    /// A file named `name` in the archive, of `entity` in the manifest.
    pub(crate) async fn named(dir: Option<&Path>, name: String, entity: String) -> Result<TableWriter, BackupError> {
        let file = match dir {
            Some(dir) => {
                let path = dir.join(name.replace('/', "__"));
                let file = tokio::fs::File::create(&path)
                    .await
                    .map_err(BackupError::io(format!("creating {}", path.display())))?;
                Some((path, BufWriter::with_capacity(64 * 1024, file)))
            }
            None => None,
        };
        Ok(TableWriter { name, entity, file, hasher: Sha256::new(), rows: 0, bytes: 0 })
    }

    pub(crate) async fn row<T: Serialize>(&mut self, record: &T) -> Result<(), BackupError> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| BackupError::Database(DomainError::Internal(format!("encoding a record: {e}"))))?;
        line.push(b'\n');
        self.hasher.update(&line);
        self.rows += 1;
        self.bytes += line.len() as u64;
        if let Some((path, out)) = &mut self.file {
            out.write_all(&line).await.map_err(BackupError::io(format!("writing {}", path.display())))?;
        }
        Ok(())
    }

    /// Forgets what was written, to read the table again.
    async fn reset(&mut self) -> Result<(), BackupError> {
        self.hasher = Sha256::new();
        self.rows = 0;
        self.bytes = 0;
        if let Some((path, out)) = &mut self.file {
            out.flush().await.map_err(BackupError::io(format!("writing {}", path.display())))?;
            let file = out.get_mut();
            file.set_len(0).await.map_err(BackupError::io(format!("truncating {}", path.display())))?;
            tokio::io::AsyncSeekExt::rewind(file)
                .await
                .map_err(BackupError::io(format!("truncating {}", path.display())))?;
        }
        Ok(())
    }

    pub(crate) async fn finish(self) -> Result<(FileEntry, Option<PathBuf>), BackupError> {
        let path = match self.file {
            Some((path, mut out)) => {
                out.flush().await.map_err(BackupError::io(format!("writing {}", path.display())))?;
                out.into_inner().sync_all().await.map_err(BackupError::io(format!("syncing {}", path.display())))?;
                Some(path)
            }
            None => None,
        };
        let entry = FileEntry {
            name: self.name,
            entity: self.entity,
            rows: self.rows,
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
        };
        Ok((entry, path))
    }
}

/// The tables as read: their entries in archive order, with the files when written to disk.
#[derive(Debug)]
pub(crate) struct Dump {
    pub files: Vec<(FileEntry, Option<PathBuf>)>,
    pub warnings: Vec<String>,
}

/// Reads every table of `repos`, writing the files into `dir` (or only hashing them), and
/// counts the rows a restore writes into `progress` (a table read again counts again).
pub(crate) async fn dump(
    repos: &Repositories,
    dir: Option<&Path>,
    progress: &dyn Progress,
) -> Result<Dump, BackupError> {
    let mut warnings = Vec::new();
    let mut tally = Tally::new(progress);
    let mut done: HashMap<Table, TableWriter> = HashMap::new();

    let mut users = UsersOut(TableWriter::create(dir, Table::Users).await?);
    paged("users", |page| repos.users.list(page), &mut users, &mut warnings, &mut tally).await?;
    done.insert(Table::Users, users.0);

    let mut media = MediaOut {
        media: TableWriter::create(dir, Table::Media).await?,
        objects: TableWriter::create(dir, Table::MediaObjects).await?,
    };
    let filter = MediaFilter::default();
    paged("media", |page| repos.media.list(&filter, page), &mut media, &mut warnings, &mut tally).await?;
    done.insert(Table::Media, media.media);
    done.insert(Table::MediaObjects, media.objects);

    // The ids of what other kinds nest in, to read those one parent at a time.
    let mut parents: Vec<(ParentKind, Vec<ItemId>)> = Vec::new();
    for table in Table::in_order() {
        match table {
            Table::Items(kind) => {
                let writer = TableWriter::create(dir, table).await?;
                let writer = dump_kind(repos, kind, writer, &mut parents, &mut tally).await?;
                done.insert(table, writer);
            }
            Table::Articles => {
                let mut articles = ArticlesOut { writer: TableWriter::create(dir, table).await?, ids: Vec::new() };
                let fetch = |page| async move { repos.articles.search(&all_articles(page)).await };
                paged("articles", fetch, &mut articles, &mut warnings, &mut tally).await?;
                parents.push((ParentKind::Article, articles.ids));
                done.insert(table, articles.writer);
            }
            Table::Users | Table::Media | Table::MediaObjects => {}
        }
    }

    tally.flush();
    let mut files = Vec::new();
    for table in Table::in_order() {
        let writer = done.remove(&table).ok_or_else(|| internal("a table was not read"))?;
        files.push(writer.finish().await?);
    }
    Ok(Dump { files, warnings })
}

/// One collection kind: all at once when top-level (the port has no paging, and a site's
/// collections are small), else one parent's items at a time, in the parents' order.
async fn dump_kind(
    repos: &Repositories,
    kind: CollectionKind,
    mut writer: TableWriter,
    parents: &mut Vec<(ParentKind, Vec<ItemId>)>,
    tally: &mut Tally<'_>,
) -> Result<TableWriter, BackupError> {
    let scopes: Vec<Option<ItemId>> = match kind.parent() {
        None => vec![None],
        Some(parent) => parents
            .iter()
            .find(|(kind, _)| *kind == parent)
            .map(|(_, ids)| ids.iter().copied().map(Some).collect())
            .unwrap_or_default(),
    };
    let nests_others = kind.children().next().is_some();
    let mut ids = Vec::new();
    for scope in scopes {
        let items: Vec<CollectionItem> = repos.items.list(kind, scope, true).await.map_err(BackupError::Database)?;
        for item in &items {
            writer.row(&ItemRecord::from(item)).await?;
            if nests_others {
                ids.push(item.id);
            }
        }
        tally.add(items.len() as u64);
    }
    if nests_others {
        parents.push((ParentKind::Collection(kind), ids));
    }
    Ok(writer)
}

fn internal(message: &str) -> BackupError {
    BackupError::Database(DomainError::Internal(message.to_owned()))
}

/// Where the rows of a paged table go.
#[async_trait::async_trait]
trait PagedOut<T: Sync>: Send {
    async fn reset(&mut self) -> Result<(), BackupError>;
    async fn rows(&mut self, rows: &[T]) -> Result<(), BackupError>;
}

struct UsersOut(TableWriter);

#[async_trait::async_trait]
impl PagedOut<User> for UsersOut {
    async fn reset(&mut self) -> Result<(), BackupError> {
        self.0.reset().await
    }
    async fn rows(&mut self, rows: &[User]) -> Result<(), BackupError> {
        for user in rows {
            self.0.row(&UserRecord::from(user)).await?;
        }
        Ok(())
    }
}

/// Media records, and the objects they name.
struct MediaOut {
    media: TableWriter,
    objects: TableWriter,
}

#[async_trait::async_trait]
impl PagedOut<Media> for MediaOut {
    async fn reset(&mut self) -> Result<(), BackupError> {
        self.media.reset().await?;
        self.objects.reset().await
    }
    async fn rows(&mut self, rows: &[Media]) -> Result<(), BackupError> {
        for media in rows {
            self.media.row(&MediaRecord::from(media)).await?;
            for object in MediaObjectRecord::of(media) {
                self.objects.row(&object).await?;
            }
        }
        Ok(())
    }
}

/// Articles, and their ids for their sections.
struct ArticlesOut {
    writer: TableWriter,
    ids: Vec<ItemId>,
}

#[async_trait::async_trait]
impl PagedOut<Article> for ArticlesOut {
    async fn reset(&mut self) -> Result<(), BackupError> {
        self.ids.clear();
        self.writer.reset().await
    }
    async fn rows(&mut self, rows: &[Article]) -> Result<(), BackupError> {
        for article in rows {
            self.writer.row(&ArticleRecord::from(article)).await?;
            self.ids.push(article.id);
        }
        Ok(())
    }
}

/// Reads a paged table into `out`, again from the start when its total changes on the way
/// (see the module comment).
async fn paged<T, F, Fut, O>(
    what: &str,
    fetch: F,
    out: &mut O,
    warnings: &mut Vec<String>,
    tally: &mut Tally<'_>,
) -> Result<(), BackupError>
where
    T: Sync,
    F: Fn(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, DomainError>>,
    O: PagedOut<T>,
{
    for attempt in 1..=ATTEMPTS {
        out.reset().await?;
        let last_attempt = attempt == ATTEMPTS;
        let mut first_total = None;
        let mut changed = false;
        let mut page = 1;
        loop {
            let p = fetch(PageRequest { page, per_page: PageRequest::MAX_PER_PAGE })
                .await
                .map_err(BackupError::Database)?;
            if *first_total.get_or_insert(p.total) != p.total {
                changed = true;
                if !last_attempt {
                    break;
                }
            }
            out.rows(&p.items).await?;
            tally.add(p.items.len() as u64);
            if p.items.is_empty() || u64::from(page) >= p.pages {
                break;
            }
            page += 1;
        }
        if !changed {
            return Ok(());
        }
        if last_attempt {
            let warning = format!("{what} changed while they were read, {ATTEMPTS} times; the last reading is kept");
            tracing::warn!(table = what, "{warning}");
            warnings.push(warning);
        }
    }
    Ok(())
}
