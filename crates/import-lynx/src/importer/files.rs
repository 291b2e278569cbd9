//! `files` onto media records that point at the objects where they already are.

use std::collections::HashMap;

use folio_domain::media::MediaId;

use super::{in_order, Run, Step, FILES};
use crate::document::Doc;
use crate::mapping::files::file;
use crate::report::CollectionReport;

impl Run<'_> {
    pub(super) async fn files(&self, report: &mut CollectionReport) -> Step {
        // A key already recorded in this run: one object gets one media record (two would
        // each delete it from under the other).
        let mut by_key: HashMap<String, (String, MediaId)> = HashMap::new();
        for doc in in_order(self.snapshot.of(FILES), false) {
            report.read += 1;
            let mut d = Doc::new(doc);
            let Some(old_id) = d.old_id() else {
                report.skip("?", None, "the document has no _id");
                continue;
            };
            if self.mapped(FILES, &old_id).await?.is_some() {
                report.already_imported += 1;
                continue;
            }
            let title = self.importer.pairs.pair(&mut Doc::new(doc), "title");
            let mut label = self.importer.pairs.label(title.as_ref());
            let (object, mut notes) = match file(&mut d, &self.importer.pairs) {
                Ok(mapped) => mapped,
                Err(reason) => {
                    report.skip(&old_id, label, reason);
                    continue;
                }
            };
            if label.is_none() {
                label = object.key.as_str().rsplit('/').next().map(str::to_owned);
            }
            if let Some((first, media)) = by_key.get(object.key.as_str()) {
                notes.push(format!("the same object as {first}: both ids name one media record"));
                self.record(FILES, &old_id, media.0, &mut notes).await?;
            } else {
                let key = object.key.to_string();
                match self.targets().media.register_existing(object).await {
                    Ok(media) => {
                        self.record(FILES, &old_id, media.id.0, &mut notes).await?;
                        by_key.insert(key, (old_id.clone(), media.id));
                    }
                    Err(error) => {
                        let reason = self.stop_or(error)?;
                        report.skip(&old_id, label, reason);
                        continue;
                    }
                }
            }
            report.imported += 1;
            report.note(&old_id, label, notes);
            report.left_out.extend(d.unread());
        }
        Ok(())
    }
}
