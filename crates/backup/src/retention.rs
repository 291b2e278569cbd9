//! Which backups `prune` deletes.

use chrono::{DateTime, Duration, Utc};

use crate::catalog::BackupEntry;

/// How many backups to keep, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// The newest `keep` backups stay (at least one does, whatever this says).
    pub keep: usize,
    /// Backups younger than this many days stay too (0: none on that account).
    pub keep_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { keep: 7, keep_days: 7 }
    }
}

impl Retention {
    /// The uploaded backups of `entries` that may go: not among the newest `keep`, not within
    /// `keep_days` of `now`, and not the newest verified one, which is never deleted (nor is
    /// the newest backup of all). Backups still waiting for an upload are never touched.
    pub fn to_delete<'a>(&self, entries: &'a [BackupEntry], now: DateTime<Utc>) -> Vec<&'a BackupEntry> {
        let mut uploaded: Vec<&BackupEntry> = entries.iter().filter(|e| e.uploaded).collect();
        uploaded.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        let newest_verified = uploaded.iter().find(|e| e.verified()).map(|e| e.id.clone());
        let horizon = now - Duration::days(i64::from(self.keep_days));
        uploaded
            .into_iter()
            .enumerate()
            .filter(|(rank, entry)| {
                let kept = *rank < self.keep.max(1)
                    || (self.keep_days > 0 && entry.created_at >= horizon)
                    || newest_verified.as_ref() == Some(&entry.id);
                !kept
            })
            .map(|(_, entry)| entry)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::catalog::{BackupId, Verification};

    fn entry(days_ago: i64, verified: bool, now: DateTime<Utc>) -> BackupEntry {
        let at = now - Duration::days(days_ago);
        BackupEntry {
            id: BackupId::generate(at),
            created_at: at,
            size: 1,
            sha256: None,
            rows: Some(1),
            encrypted: false,
            verification: verified.then(|| Verification { at, ok: true, message: String::new() }),
            uploaded: true,
        }
    }

    fn deleted(retention: Retention, entries: &[BackupEntry], now: DateTime<Utc>) -> Vec<i64> {
        retention.to_delete(entries, now).into_iter().map(|e| (now - e.created_at).num_days()).collect()
    }

    #[test]
    fn keeps_the_newest_and_the_recent() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).single().expect("time");
        let entries: Vec<BackupEntry> = (0..10).map(|d| entry(d, false, now)).collect();
        let mut gone = deleted(Retention { keep: 3, keep_days: 0 }, &entries, now);
        gone.sort();
        assert_eq!(gone, vec![3, 4, 5, 6, 7, 8, 9]);
        let mut gone = deleted(Retention { keep: 3, keep_days: 5 }, &entries, now);
        gone.sort();
        assert_eq!(gone, vec![6, 7, 8, 9]);
    }

    #[test]
    fn the_newest_verified_backup_is_never_deleted() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).single().expect("time");
        let mut entries: Vec<BackupEntry> = (0..6).map(|d| entry(d, false, now)).collect();
        entries[4] = entry(4, true, now);
        entries[5] = entry(5, true, now);
        let mut gone = deleted(Retention { keep: 1, keep_days: 0 }, &entries, now);
        gone.sort();
        assert_eq!(gone, vec![1, 2, 3, 5], "the 4-day-old one is the newest verified");
    }

    #[test]
    fn at_least_one_stays_and_local_ones_are_left_alone() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 0).single().expect("time");
        let mut entries: Vec<BackupEntry> = (0..3).map(|d| entry(d, false, now)).collect();
        entries[0].uploaded = false;
        let mut gone = deleted(Retention { keep: 0, keep_days: 0 }, &entries, now);
        gone.sort();
        assert_eq!(gone, vec![2], "the newest uploaded one stays; the local one is not the prune's");
    }
}
