//! The `media-sweep` job: retries the object deletions that failed before, and deletes media
//! objects that no record names (an upload whose record was never written, say) once they are
//! older than a grace period.
//!
//! It is careful in what it takes for an orphan. It looks only under the media prefixes
//! (`{S3_UPLOAD_PREFIX}{image,audio,video,document}/`), so backups and anything else in the
//! bucket are out of its reach; it deletes only keys named the way Folio names media objects
//! (`…/{media id}-{name}.{ext}`, variants included) whose media id has no record, checked
//! again one by one before each deletion, since the list of records is read in pages while
//! uploads go on; and any error reading the records stops it before it deletes anything.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use folio_domain::media::{MediaCategory, MediaFilter, MediaId, MediaRepository};
use folio_domain::objects::{ObjectKey, ObjectStore};
use folio_domain::{DomainError, PageRequest};
use folio_id::Snowflake;

/// Pending deletions taken at once.
const PENDING_BATCH: u64 = 500;

/// What the sweep needs.
#[derive(Debug, Clone)]
pub struct MediaSweep {
    pub media: Arc<dyn MediaRepository>,
    pub objects: Arc<dyn ObjectStore>,
    /// `S3_UPLOAD_PREFIX`, as the media service uses it.
    pub upload_prefix: String,
    /// `MEDIA_SWEEP_GRACE`: how old an object without a record must be to go (uploads write
    /// the object before the record, so a young one may be mid-upload).
    pub grace: Duration,
}

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub pending_deleted: u64,
    pub pending_left: u64,
    /// Objects looked at under the media prefixes.
    pub scanned: u64,
    pub orphans_deleted: u64,
    /// Orphans younger than the grace period (or of unknown age), left for a later sweep.
    pub young_kept: u64,
    /// Objects not named the way Folio names media: never deleted.
    pub foreign_kept: u64,
    pub failures: u64,
}

impl fmt::Display for SweepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} pending deletions done ({} left); {} objects scanned, {} orphans deleted, {} too young, {} not Folio's, \
             {} failures",
            self.pending_deleted,
            self.pending_left,
            self.scanned,
            self.orphans_deleted,
            self.young_kept,
            self.foreign_kept,
            self.failures
        )
    }
}

/// The media id a Folio media key starts its last segment with.
fn media_id_of(key: &str) -> Option<MediaId> {
    let name = key.rsplit('/').next()?;
    let (id, rest) = name.split_once('-')?;
    if rest.is_empty() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse::<Snowflake>().ok().map(MediaId)
}

impl MediaSweep {
    #[tracing::instrument(skip_all)]
    pub async fn run(&self) -> Result<SweepReport, DomainError> {
        let mut report = SweepReport::default();
        self.retry_pending(&mut report).await?;

        let mut named: HashSet<String> = HashSet::new();
        let mut page = 1;
        loop {
            let p = self
                .media
                .list(&MediaFilter::default(), PageRequest { page, per_page: PageRequest::MAX_PER_PAGE })
                .await?;
            for media in &p.items {
                named.extend(media.object_keys());
            }
            if p.items.is_empty() || u64::from(page) >= p.pages {
                break;
            }
            page += 1;
        }

        let now = Utc::now();
        let grace = chrono::Duration::from_std(self.grace).unwrap_or(chrono::Duration::MAX);
        for category in MediaCategory::ALL {
            let prefix = format!("{}{}/", self.upload_prefix, category.as_str());
            for meta in self.objects.list(&prefix).await? {
                report.scanned += 1;
                let key = meta.key.as_str();
                if named.contains(key) {
                    continue;
                }
                let Some(id) = media_id_of(key) else {
                    report.foreign_kept += 1;
                    continue;
                };
                if meta.last_modified.is_none_or(|at| now - at < grace) {
                    report.young_kept += 1;
                    continue;
                }
                if self.media.find(id).await?.is_some() {
                    continue;
                }
                match self.objects.delete(&meta.key).await {
                    Ok(()) => {
                        tracing::info!(key, "orphaned media object deleted");
                        report.orphans_deleted += 1;
                    }
                    Err(e) => {
                        tracing::warn!(key, error = %e, "orphaned media object could not be deleted");
                        report.failures += 1;
                    }
                }
            }
        }
        Ok(report)
    }

    /// Deletes the objects whose deletion failed before, a batch at a time, until the rest
    /// all fail again.
    async fn retry_pending(&self, report: &mut SweepReport) -> Result<(), DomainError> {
        loop {
            let pending = self.media.pending_deletions(PENDING_BATCH).await?;
            let mut done = Vec::new();
            let mut failed = 0;
            for raw in &pending {
                let deleted = match ObjectKey::parse(raw) {
                    Ok(key) => self.objects.delete(&key).await,
                    // Nothing can be stored under such a key: nothing to delete.
                    Err(_) => Ok(()),
                };
                match deleted {
                    Ok(()) => done.push(raw.clone()),
                    Err(e) => {
                        tracing::warn!(key = %raw, error = %e, "pending deletion failed again");
                        failed += 1;
                    }
                }
            }
            if !done.is_empty() {
                self.media.remove_pending_deletions(&done).await?;
            }
            report.pending_deleted += done.len() as u64;
            if done.is_empty() || (pending.len() as u64) < PENDING_BATCH {
                report.pending_left += failed;
                report.failures += failed;
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folio_media_keys_name_a_media_id() {
        assert_eq!(
            media_id_of("media/image/2026/03/7300000000000000001-photo.jpg"),
            Some(MediaId(Snowflake::from_u64(7_300_000_000_000_000_001)))
        );
        assert!(media_id_of("image/2026/03/123-photo.thumb.webp").is_some());
        for foreign in ["media/image/readme.txt", "image/-x.jpg", "image/12a-x.jpg", "image/123-", "image/123"] {
            assert_eq!(media_id_of(foreign), None, "{foreign}");
        }
    }
}
