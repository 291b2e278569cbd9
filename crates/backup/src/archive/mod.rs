//! The archive file: a tar of `manifest.json`, the NDJSON files and, with `--with-media`, the
//! media listing and bytes ([`crate::media_files`]), compressed with zstd (with its content
//! checksum), optionally encrypted ([`crate::encryption`]). Written and read as streams, on a
//! blocking thread: neither side holds more than a buffer of it.

mod read;
mod write;

pub(crate) use read::{read, CheckOnly, ReadError, Visitor};
pub(crate) use write::{write, MediaPart};
