//! Naming backups, and what is known about each without opening it.
//!
//! In the object store, under the backup prefix (`backups/` by default), a backup is two
//! objects: `{id}.tar.zst` (or `{id}.tar.zst.enc` when encrypted) and `{id}.json`, a small
//! sidecar with its size, sha256, row count and the outcome of its last verification, so that
//! listing and pruning never need to download (or be able to decrypt) an archive. The sidecar
//! holds no content, only figures about it. The local directory keeps the same two files for
//! a backup that is not uploaded yet.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// A backup's id: `folio-YYYYMMDDTHHMMSSZ-xxxxxx`, its creation time (UTC, to the second)
/// and a random suffix. Ids of different seconds sort by time; the sidecar's `created_at`
/// (to the millisecond) orders the rest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BackupId(String);

const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

impl BackupId {
    pub fn generate(at: DateTime<Utc>) -> BackupId {
        let mut suffix = [0u8; 3];
        rand::rngs::OsRng.fill_bytes(&mut suffix);
        BackupId(format!("folio-{}-{}", at.format(TIME_FORMAT), hex::encode(suffix)))
    }

    pub fn parse(raw: &str) -> Result<BackupId, String> {
        let expected = || format!("`{raw}` is not a backup id (folio-YYYYMMDDTHHMMSSZ-xxxxxx)");
        let rest = raw.strip_prefix("folio-").ok_or_else(expected)?;
        let (time, suffix) = rest.split_once('-').ok_or_else(expected)?;
        let suffix_ok = suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !suffix_ok || NaiveDateTime::parse_from_str(time, TIME_FORMAT).is_err() {
            return Err(expected());
        }
        Ok(BackupId(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// When the backup was started, from its id (to the second).
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        let time = self.0.strip_prefix("folio-")?.split('-').next()?;
        NaiveDateTime::parse_from_str(time, TIME_FORMAT).ok().map(|t| t.and_utc())
    }
}

impl fmt::Display for BackupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for BackupId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        BackupId::parse(&value)
    }
}

impl From<BackupId> for String {
    fn from(value: BackupId) -> Self {
        value.0
    }
}

/// Which backup a command means: `latest` or an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupRef {
    Latest,
    Id(BackupId),
}

impl FromStr for BackupRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "latest" {
            Ok(BackupRef::Latest)
        } else {
            BackupId::parse(s).map(BackupRef::Id).map_err(|e| format!("{e}, or `latest`"))
        }
    }
}

/// The sidecar (`{id}.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub id: BackupId,
    pub created_at: DateTime<Utc>,
    /// Bytes of the archive object.
    pub size: u64,
    /// Hex sha256 of the archive object.
    pub sha256: String,
    pub encrypted: bool,
    /// Rows a restore writes.
    pub rows: u64,
    pub format_version: u32,
    pub source_backend: String,
    pub folio_version: String,
    #[serde(default)]
    pub verification: Option<Verification>,
}

/// The outcome of the last `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub message: String,
}

/// One backup as `list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupEntry {
    pub id: BackupId,
    pub created_at: DateTime<Utc>,
    pub size: u64,
    /// Hex sha256 of the archive; `None` when the sidecar is missing (an upload cut short
    /// before it).
    pub sha256: Option<String>,
    /// `None` when the sidecar is missing.
    pub rows: Option<u64>,
    pub encrypted: bool,
    pub verification: Option<Verification>,
    /// `false` while it waits in the local directory for an upload.
    pub uploaded: bool,
}

impl BackupEntry {
    pub fn verified(&self) -> bool {
        self.verification.as_ref().is_some_and(|v| v.ok)
    }

    pub(crate) fn from_info(info: &BackupInfo, uploaded: bool) -> BackupEntry {
        BackupEntry {
            id: info.id.clone(),
            created_at: info.created_at,
            size: info.size,
            sha256: Some(info.sha256.clone()),
            rows: Some(info.rows),
            encrypted: info.encrypted,
            verification: info.verification.clone(),
            uploaded,
        }
    }
}

/// The archive's file name: what it is, from its name alone.
pub(crate) fn archive_name(id: &BackupId, encrypted: bool) -> String {
    if encrypted {
        format!("{id}.tar.zst.enc")
    } else {
        format!("{id}.tar.zst")
    }
}

pub(crate) fn info_name(id: &BackupId) -> String {
    format!("{id}.json")
}

/// What a file name under the prefix (or in the local directory) is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Named {
    Archive { id: BackupId, encrypted: bool },
    Info(BackupId),
}

pub(crate) fn parse_name(name: &str) -> Option<Named> {
    if let Some(id) = name.strip_suffix(".tar.zst.enc") {
        return BackupId::parse(id).ok().map(|id| Named::Archive { id, encrypted: true });
    }
    if let Some(id) = name.strip_suffix(".tar.zst") {
        return BackupId::parse(id).ok().map(|id| Named::Archive { id, encrypted: false });
    }
    name.strip_suffix(".json").and_then(|id| BackupId::parse(id).ok()).map(Named::Info)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ids_carry_their_time_and_refuse_anything_else() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 3, 0, 5).single().expect("time");
        let id = BackupId::generate(at);
        assert!(id.as_str().starts_with("folio-20260301T030005Z-"), "{id}");
        assert_eq!(BackupId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.created_at(), Some(at));
        for bad in
            ["", "latest", "folio-20260301T030005Z", "folio-2026-abcdef", "folio-20260301T030005Z-ABCDEF", "../x"]
        {
            assert!(BackupId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!("latest".parse(), Ok(BackupRef::Latest));
        assert_eq!(id.as_str().parse(), Ok(BackupRef::Id(id.clone())));
        assert_eq!(parse_name(&archive_name(&id, true)), Some(Named::Archive { id: id.clone(), encrypted: true }));
        assert_eq!(parse_name(&archive_name(&id, false)), Some(Named::Archive { id: id.clone(), encrypted: false }));
        assert_eq!(parse_name(&info_name(&id)), Some(Named::Info(id)));
        assert_eq!(parse_name("notes.txt"), None);
    }
}
