//! `articles` onto articles: their categories translated, their address kept free, their
//! old `urltitle` recorded beside their ObjectId.

use folio_domain::content::articles::Article;
use folio_domain::content::{CollectionKind, ItemId};
use folio_domain::legacy::lynx::{ARTICLE_CATEGORIES, ARTICLE_SUBCATEGORIES};
use folio_domain::DomainError;
use serde_json::Value;

use super::{drop_invalid, in_order, Holder, Run, Step, Stop, ARTICLES, URLTITLES};
use crate::document::{quote, Doc, Ref};
use crate::mapping::articles::article;
use crate::mapping::{Draft, MediaRef};
use crate::report::CollectionReport;

impl Run<'_> {
    pub(super) async fn articles(&self, report: &mut CollectionReport) -> Step {
        for doc in in_order(self.snapshot.of(ARTICLES), false) {
            report.read += 1;
            let mut d = Doc::new(doc);
            let Some(old_id) = d.old_id() else {
                report.skip("?", None, "the document has no _id");
                continue;
            };
            if self.mapped(ARTICLES, &old_id).await?.is_some() {
                report.already_imported += 1;
                continue;
            }
            let mut mapped = match article(&mut d, &self.importer.pairs, &self.importer.languages) {
                Ok(mapped) => mapped,
                Err(reason) => {
                    report.skip(&old_id, None, reason);
                    continue;
                }
            };
            let label = mapped.draft.label.clone();
            mapped.draft.made = d.id_time();
            let (category, sub_categories) =
                self.categories(&mapped.category, &mapped.sub_categories, &mut mapped.draft.notes).await?;
            let body = &mut mapped.draft.body;
            if let Some(category) = category {
                body.insert("category_id".to_owned(), Value::String(category.to_string()));
            }
            let subs: Vec<Value> = sub_categories.iter().map(|id| Value::String(id.to_string())).collect();
            body.insert("sub_category_ids".to_owned(), Value::Array(subs));
            let created = match self.create_article(&mut mapped.draft).await? {
                Ok(created) => created,
                Err(reason) => {
                    report.skip(&old_id, label, reason);
                    continue;
                }
            };
            let notes = &mut mapped.draft.notes;
            self.record(ARTICLES, &old_id, created.id.0, notes).await?;
            if let Some(urltitle) = &mapped.urltitle {
                match self.targets().legacy.record(URLTITLES, urltitle, created.id.0).await {
                    Ok(()) => {}
                    Err(DomainError::Conflict { .. }) => notes.push(format!(
                        "urltitle {} also belongs to an article imported before; the old address keeps leading there",
                        quote(urltitle)
                    )),
                    Err(error) => {
                        let reason = self.stop_or(error)?;
                        notes.push(format!("urltitle {} could not be recorded ({reason})", quote(urltitle)));
                    }
                }
            }
            let mut covers = mapped.covers.into_iter();
            if let Some(reference) = covers.next() {
                let cover = MediaRef { slot: "cover", field: "coverImg", reference };
                self.attach(Holder::Article(created.id), &cover, notes).await?;
            }
            let more = covers.count();
            if more > 0 {
                notes.push(format!("coverImg holds {more} more image(s); only the first is the cover"));
            }
            report.imported += 1;
            report.note(&old_id, label, mapped.draft.notes);
            report.left_out.extend(d.unread());
        }
        Ok(())
    }

    /// The article's category and sub-categories in Folio. References that lead nowhere are
    /// left out; an article without a category takes its sub-categories' (Folio's
    /// sub-categories belong to the article's category); sub-categories of another category
    /// are left out.
    async fn categories(
        &self,
        cat: &Option<Ref>,
        sub_categories: &[Ref],
        notes: &mut Vec<String>,
    ) -> Step<(Option<ItemId>, Vec<ItemId>)> {
        let mut category = None;
        match cat {
            None => {}
            Some(Ref::Invalid(seen)) => notes.push(format!("cat holds {seen}, not an id; left out")),
            Some(Ref::Id(id)) => match self.mapped(ARTICLE_CATEGORIES, id).await? {
                Some(new_id) => category = Some(ItemId(new_id)),
                None => notes.push(format!("{}; left out", self.missing("cat", ARTICLE_CATEGORIES, id))),
            },
        }
        let mut subs: Vec<(String, ItemId, Option<ItemId>)> = Vec::new();
        for reference in sub_categories {
            let id = match reference {
                Ref::Invalid(seen) => {
                    notes.push(format!("subCats holds {seen}, not an id; left out"));
                    continue;
                }
                Ref::Id(id) => id,
            };
            let Some(new_id) = self.mapped(ARTICLE_SUBCATEGORIES, id).await? else {
                notes.push(format!("{}; left out", self.missing("subCats", ARTICLE_SUBCATEGORIES, id)));
                continue;
            };
            match self.targets().collections.get(CollectionKind::ArticleSubcategories, ItemId(new_id), true).await {
                Ok(sub) => subs.push((id.clone(), sub.id, sub.parent)),
                Err(DomainError::NotFound { .. }) => {
                    notes.push(format!("subCats: {id} was imported but has been deleted since; left out"));
                }
                Err(error) => return Err(Stop(error)),
            }
        }
        if category.is_none() {
            if let Some((_, _, Some(parent))) = subs.first() {
                category = Some(*parent);
                notes.push("no usable cat; the category of its sub-categories is used".to_owned());
            }
        }
        let mut kept = Vec::new();
        for (old, id, parent) in subs {
            if parent != category {
                notes.push(format!("subCats: {old} belongs to another category than the article's; left out"));
            } else if !kept.contains(&id) {
                kept.push(id);
            }
        }
        Ok((category, kept))
    }

    /// Creates the article: optional fields that fail validation are left out (once), and a
    /// taken address gets `-2`, `-3`… (the Node service did not keep `urltitle` unique).
    async fn create_article(&self, draft: &mut Draft) -> Step<Result<Article, String>> {
        const REQUIRED: [&str; 6] = ["title", "slug", "category_id", "sub_category_ids", "visible", "published_at"];
        let base = draft.body.get("slug").and_then(Value::as_str).unwrap_or_default().to_owned();
        let (mut retried, mut suffix) = (false, 1);
        loop {
            let articles = &self.targets().articles;
            let created = match draft.made {
                Some(made) => articles.create_made_at(draft.body.clone(), made).await,
                None => articles.create(draft.body.clone()).await,
            };
            match created {
                Ok(created) => {
                    if suffix > 1 {
                        draft
                            .notes
                            .push(format!("the address `{base}` is taken; the article is at `{}`", created.slug));
                    }
                    return Ok(Ok(created));
                }
                Err(DomainError::Conflict { field: "slug", .. }) if suffix < 10 => {
                    suffix += 1;
                    let stem: String = base.chars().take(116).collect();
                    draft
                        .body
                        .insert("slug".to_owned(), Value::String(format!("{}-{suffix}", stem.trim_end_matches('-'))));
                }
                Err(DomainError::Invalid(errors)) if !retried => {
                    retried = true;
                    if let Err(reason) = drop_invalid(draft, &REQUIRED, &errors) {
                        return Ok(Err(reason));
                    }
                }
                Err(error) => return self.stop_or(error).map(Err),
            }
        }
    }
}
