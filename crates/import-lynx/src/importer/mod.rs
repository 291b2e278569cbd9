//! Writing the drafts through Folio's services, in dependency order (files, the profile, the
//! portfolio collections, CV sections before their sub-sections, categories before
//! sub-categories before articles before their sections), translating references through
//! the legacy ids recorded on the way.
//!
//! Each document's old id is recorded right after its item is created, before its media are
//! attached: a run that dies in between leaves an item without some images, never a second
//! copy of it. A failure of the target database stops the run (what was written stays, and
//! the next run carries on); anything wrong with one document only skips that document.

mod articles;
mod files;

use std::collections::{HashMap, HashSet};

use folio_domain::content::articles::ArticleService;
use folio_domain::content::{CollectionItem, CollectionKind, CollectionService, ItemId};
use folio_domain::legacy::lynx::{ARTICLES, ARTICLE_URLTITLES as URLTITLES, FILES, MAINS};
use folio_domain::legacy::LegacyIds;
use folio_domain::media::{MediaId, MediaService};
use folio_domain::values::Languages;
use folio_domain::{DomainError, FieldError};
use folio_id::Snowflake;
use mongodb::bson::Document;
use serde_json::Value;

use crate::document::{quote, Doc, Ref};
use crate::mapping::items::{self, ItemSpec};
use crate::mapping::profile::profile;
use crate::mapping::{Draft, MediaRef, Pairs};
use crate::report::{CollectionReport, Report};
use crate::source::{LynxSource, Snapshot, SourceError};

/// The services an import writes through (the same ones the API uses, so everything is
/// validated as an editor's input would be).
#[derive(Debug, Clone)]
pub struct Targets {
    pub collections: CollectionService,
    pub articles: ArticleService,
    pub media: MediaService,
    pub legacy: LegacyIds,
}

/// Imports the Lynx portfolio's content into Folio.
#[derive(Debug, Clone)]
pub struct Importer {
    targets: Targets,
    pairs: Pairs,
    languages: Languages,
}

/// The target failed: not one document's problem, so the run stops.
#[derive(Debug)]
struct Stop(DomainError);

type Step<T = ()> = Result<T, Stop>;

/// Where media is attached.
#[derive(Debug, Clone, Copy)]
enum Holder {
    Item(CollectionKind, ItemId),
    Article(ItemId),
}

impl Importer {
    pub fn new(targets: Targets) -> Importer {
        let languages = targets.collections.languages().clone();
        Importer { pairs: Pairs::new(&languages), languages, targets }
    }

    /// Reads the whole source, then imports it. `Err` only when the source cannot be read
    /// (then nothing was written); a target that fails half-way gives a report saying where
    /// it stopped.
    pub async fn run(&self, source: &LynxSource) -> Result<Report, SourceError> {
        let snapshot = source.read().await?;
        let mut run = Run { importer: self, ids: old_ids(&snapshot), snapshot: &snapshot, report: Report::default() };
        if !self.pairs.english() {
            run.report.notices.push(
                "this site's LANGUAGES has no `en`: the English texts (the `…Eng` fields) are left out".to_owned(),
            );
        }
        if let Err(Stop(error)) = run.all().await {
            run.report.stopped =
                Some(format!("{error}; what was imported stays, and running the import again carries on"));
        }
        Ok(run.report)
    }
}

/// Every old id of every collection, to tell a reference to a missing document from one to
/// a document that was skipped.
fn old_ids(snapshot: &Snapshot) -> HashMap<&'static str, HashSet<String>> {
    snapshot
        .documents
        .iter()
        .map(|(name, docs)| (*name, docs.iter().filter_map(|d| Doc::new(d).old_id()).collect()))
        .collect()
}

/// Documents in the order they are created: by `order` (when `ordered`), then by when they
/// were made (`create_at`, else the ObjectId's time), then by id.
fn in_order(docs: &[Document], ordered: bool) -> Vec<&Document> {
    let mut keyed: Vec<(f64, i64, String, &Document)> = docs
        .iter()
        .map(|doc| {
            let mut d = Doc::new(doc);
            let order = if ordered { d.number("order").value().unwrap_or(f64::INFINITY) } else { 0.0 };
            let made = d.date("create_at").ok().flatten().or_else(|| d.id_time());
            (order, made.map_or(i64::MAX, |t| t.timestamp_millis()), d.old_id().unwrap_or_default(), doc)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then_with(|| a.2.cmp(&b.2)));
    keyed.into_iter().map(|(_, _, _, doc)| doc).collect()
}

/// Errors that are the target's, not the document's.
fn is_fatal(error: &DomainError) -> bool {
    matches!(error, DomainError::Unavailable { .. } | DomainError::Internal(_) | DomainError::RateLimited { .. })
}

/// A document's problem in one line.
fn describe(error: &DomainError) -> String {
    match error {
        DomainError::Invalid(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

/// The field a validation error is about: `title` for `title.fr`, `languages` for `languages[2]`.
fn root(field: &str) -> &str {
    field.split(['.', '[']).next().unwrap_or(field)
}

fn short(value: &Value) -> String {
    match value {
        Value::String(s) => quote(s),
        Value::Object(_) => "(text)".to_owned(),
        other => other.to_string(),
    }
}

/// Takes the fields an invalid body's errors name out of it, with a note each; `Err` with
/// the reason when one of them is a field the document cannot do without.
fn drop_invalid(draft: &mut Draft, required: &[&str], errors: &[FieldError]) -> Result<(), String> {
    let blocking: Vec<String> = errors
        .iter()
        .filter(|e| {
            let root = root(&e.field);
            root.is_empty() || required.contains(&root) || !draft.body.contains_key(root)
        })
        .map(|e| format!("{} is invalid: {}", draft.source_name(root(&e.field)), e.message))
        .collect();
    if !blocking.is_empty() {
        return Err(blocking.join("; "));
    }
    for error in errors {
        let field = root(&error.field);
        if let Some(value) = draft.body.remove(field) {
            draft.notes.push(format!("{} {} left out: {}", draft.source_name(field), short(&value), error.message));
        }
    }
    Ok(())
}

/// One import run over a read snapshot.
struct Run<'a> {
    importer: &'a Importer,
    snapshot: &'a Snapshot,
    ids: HashMap<&'static str, HashSet<String>>,
    report: Report,
}

impl Run<'_> {
    fn targets(&self) -> &Targets {
        &self.importer.targets
    }

    async fn all(&mut self) -> Step {
        let mut report = CollectionReport::new(FILES, "media");
        let result = self.files(&mut report).await;
        self.finish(report, result)?;
        let mut report = CollectionReport::new(MAINS, "profile");
        let result = self.profile(&mut report).await;
        self.finish(report, result)?;
        for spec in [
            items::ALBUMS,
            items::BOOK_IMAGES,
            items::SONGS,
            items::VIDEOS,
            items::WEBSITES,
            items::CV_SECTIONS,
            items::CV_SUBSECTIONS,
            items::ARTICLE_CATEGORIES,
            items::ARTICLE_SUBCATEGORIES,
        ] {
            self.items(spec).await?;
        }
        let mut report = CollectionReport::new(ARTICLES, "articles");
        let result = self.articles(&mut report).await;
        self.finish(report, result)?;
        self.items(items::ARTICLE_SECTIONS).await
    }

    async fn items(&mut self, spec: ItemSpec) -> Step {
        let mut report = CollectionReport::new(spec.source, spec.kind.as_str());
        let result = self.import_items(spec, &mut report).await;
        self.finish(report, result)
    }

    /// Keeps a collection's report, also when its import stopped.
    fn finish(&mut self, report: CollectionReport, result: Step) -> Step {
        self.report.collections.push(report);
        result
    }

    fn stop_or(&self, error: DomainError) -> Step<String> {
        if is_fatal(&error) {
            Err(Stop(error))
        } else {
            Ok(describe(&error))
        }
    }

    /// The new id an old one was given, if it was imported.
    async fn mapped(&self, source: &str, old_id: &str) -> Step<Option<Snowflake>> {
        self.targets().legacy.resolve_legacy_id(source, old_id).await.map_err(Stop)
    }

    /// Records an import; a conflict (another run mapped it meanwhile) is only noted.
    async fn record(&self, source: &str, old_id: &str, new_id: Snowflake, notes: &mut Vec<String>) -> Step {
        if let Err(error) = self.targets().legacy.record(source, old_id, new_id).await {
            let reason = self.stop_or(error)?;
            notes.push(format!("its old id could not be recorded ({reason}); a second run would import it again"));
        }
        Ok(())
    }

    /// Why a reference leads nowhere.
    fn missing(&self, field: &str, source: &str, id: &str) -> String {
        if self.ids.get(source).is_some_and(|ids| ids.contains(id)) {
            format!("{field} refers to {id} in `{source}`, which was not imported")
        } else {
            format!("{field} refers to {id}, which is not in `{source}`")
        }
    }

    async fn profile(&self, report: &mut CollectionReport) -> Step {
        let mut seen_one = false;
        for doc in in_order(self.snapshot.of(MAINS), false) {
            report.read += 1;
            let mut d = Doc::new(doc);
            let Some(old_id) = d.old_id() else {
                report.skip("?", None, "the document has no _id");
                continue;
            };
            if self.mapped(MAINS, &old_id).await?.is_some() {
                report.already_imported += 1;
                seen_one = true;
                continue;
            }
            if std::mem::replace(&mut seen_one, true) {
                report.skip(&old_id, None, "the site has one profile, imported from the first `mains` document");
                continue;
            }
            let mut draft = profile(&mut d, &self.importer.pairs);
            draft.made = d.id_time();
            let label = draft.label.clone();
            let existing = match self.targets().collections.singleton(CollectionKind::SiteProfile).await {
                Ok(existing) => existing,
                Err(error) => return Err(Stop(error)),
            };
            if existing.is_some() {
                report.skip(&old_id, label, "the site already has a profile; it is left as it is");
                continue;
            }
            let item = match self.create_item(CollectionKind::SiteProfile, &[], &mut draft).await? {
                Ok(item) => item,
                Err(reason) => {
                    report.skip(&old_id, label, reason);
                    continue;
                }
            };
            self.record(MAINS, &old_id, item.id.0, &mut draft.notes).await?;
            self.attach_all(Holder::Item(item.kind, item.id), &mut draft).await?;
            report.imported += 1;
            report.note(&old_id, label, draft.notes);
            report.left_out.extend(d.unread());
        }
        Ok(())
    }

    async fn import_items(&self, spec: ItemSpec, report: &mut CollectionReport) -> Step {
        let listed = self.listed_parents(spec);
        for doc in in_order(self.snapshot.of(spec.source), spec.ordered) {
            report.read += 1;
            let mut d = Doc::new(doc);
            let Some(old_id) = d.old_id() else {
                report.skip("?", None, "the document has no _id");
                continue;
            };
            if self.mapped(spec.source, &old_id).await?.is_some() {
                report.already_imported += 1;
                continue;
            }
            let mut draft = (spec.map)(&mut d, &self.importer.pairs);
            draft.made = d.id_time();
            let label = draft.label.clone();
            if let Err(reason) = self.place(spec, &old_id, &listed, &mut draft).await? {
                report.skip(&old_id, label, reason);
                continue;
            }
            let item = match self.create_item(spec.kind, spec.required, &mut draft).await? {
                Ok(item) => item,
                Err(reason) => {
                    report.skip(&old_id, label, reason);
                    continue;
                }
            };
            self.record(spec.source, &old_id, item.id.0, &mut draft.notes).await?;
            self.attach_all(Holder::Item(item.kind, item.id), &mut draft).await?;
            report.imported += 1;
            report.note(&old_id, label, draft.notes);
            report.left_out.extend(d.unread());
        }
        Ok(())
    }

    /// Child old id → parent old id, from the parents' lists of their children.
    fn listed_parents(&self, spec: ItemSpec) -> HashMap<String, String> {
        let mut listed = HashMap::new();
        let Some((source, list)) = spec.parent.and_then(|p| Some((p.source, p.listed_in?))) else {
            return listed;
        };
        for parent in self.snapshot.of(source) {
            let mut d = Doc::new(parent);
            let Some(parent_id) = d.old_id() else { continue };
            for child in d.references(list) {
                if let Ref::Id(child) = child {
                    listed.entry(child).or_insert_with(|| parent_id.clone());
                }
            }
        }
        listed
    }

    /// Puts a nested kind's `parent_id` in the body: from the document's own reference,
    /// else from the parent that lists it. `Err` with the reason when there is none.
    async fn place(
        &self,
        spec: ItemSpec,
        old_id: &str,
        listed: &HashMap<String, String>,
        draft: &mut Draft,
    ) -> Step<Result<(), String>> {
        let Some(parent) = spec.parent else { return Ok(Ok(())) };
        let (reference, from_list) = match (draft.parent.take(), listed.get(old_id)) {
            (Some(reference), _) => (reference, false),
            (None, Some(listing)) => (Ref::Id(listing.clone()), true),
            (None, None) => {
                return Ok(Err(format!(
                    "no {}, and no document in `{}` lists it: it has nowhere to go",
                    parent.field, parent.source
                )))
            }
        };
        let id = match reference {
            Ref::Invalid(seen) => return Ok(Err(format!("{} holds {seen}, not an id", parent.field))),
            Ref::Id(id) => id,
        };
        let Some(new_id) = self.mapped(parent.source, &id).await? else {
            return Ok(Err(self.missing(parent.field, parent.source, &id)));
        };
        if from_list {
            draft.notes.push(format!(
                "no {}; placed in {id}, whose {} lists it",
                parent.field,
                parent.listed_in.unwrap_or("list")
            ));
        }
        draft.body.insert("parent_id".to_owned(), Value::String(new_id.to_string()));
        Ok(Ok(()))
    }

    /// Creates the item, leaving out optional fields that fail validation (once).
    async fn create_item(
        &self,
        kind: CollectionKind,
        required: &[&str],
        draft: &mut Draft,
    ) -> Step<Result<CollectionItem, String>> {
        let mut retried = false;
        loop {
            let collections = &self.targets().collections;
            let created = match draft.made {
                Some(made) => collections.create_made_at(kind, draft.body.clone(), made).await,
                None => collections.create(kind, draft.body.clone()).await,
            };
            match created {
                Ok(item) => return Ok(Ok(item)),
                Err(DomainError::Invalid(errors)) if !retried => {
                    retried = true;
                    if let Err(reason) = drop_invalid(draft, required, &errors) {
                        return Ok(Err(reason));
                    }
                }
                Err(error) => return self.stop_or(error).map(Err),
            }
        }
    }

    async fn attach_all(&self, holder: Holder, draft: &mut Draft) -> Step {
        for media in std::mem::take(&mut draft.media) {
            self.attach(holder, &media, &mut draft.notes).await?;
        }
        Ok(())
    }

    /// Puts the file a reference names in a slot; a reference that leads nowhere, or to
    /// media of the wrong kind, is left out with a note.
    async fn attach(&self, holder: Holder, media: &MediaRef, notes: &mut Vec<String>) -> Step {
        let id = match &media.reference {
            Ref::Invalid(seen) => {
                notes.push(format!("{} holds {seen}, not a file id; left out", media.field));
                return Ok(());
            }
            Ref::Id(id) => match self.mapped(FILES, id).await? {
                Some(new_id) => MediaId(new_id),
                None => {
                    notes.push(format!("{}; left out", self.missing(media.field, FILES, id)));
                    return Ok(());
                }
            },
        };
        let result = match holder {
            Holder::Item(kind, item) => {
                self.targets().collections.set_media(kind, item, media.slot, id).await.map(drop)
            }
            Holder::Article(article) => self.targets().articles.set_media(article, media.slot, id).await.map(drop),
        };
        if let Err(error) = result {
            let reason = self.stop_or(error)?;
            notes.push(format!("{} left out: {reason}", media.field));
        }
        Ok(())
    }
}
