//! Reading an archive, checking it whole.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use folio_crypto::SecretKey;
use sha2::{Digest, Sha256};

use crate::encryption::{is_encrypted, DecryptingReader, WrongKey};
use crate::manifest::{FileEntry, Manifest, Table, MANIFEST, MAX_MANIFEST_BYTES};
use crate::media_files::{IncludedObject, MediaFileRecord};
use crate::progress::{Phase, Progress, Tally};

/// A line longer than this is taken for damage rather than read into memory.
const MAX_LINE: u64 = 64 * 1024 * 1024;
/// How much of a media object is read (and handed on) at a time.
const CHUNK: usize = 64 * 1024;

/// Why an archive could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// It is encrypted and no key was given.
    KeyRequired,
    /// It is encrypted to another key than the one given.
    WrongKey(String),
    /// Damaged, truncated, unlike its manifest, or not an archive at all.
    Corrupt(String),
    /// The caller's line handler failed (a restore's write, say).
    Handler(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<WrongKey>()) {
            return ReadError::WrongKey(e.to_string());
        }
        ReadError::Corrupt(format!("reading the archive failed: {e}"))
    }
}

/// Opens the archive at `path` for reading its tar stream.
fn open(path: &Path, key: Option<&SecretKey>) -> Result<Box<dyn Read + Send>, ReadError> {
    let mut file = File::open(path).map_err(|e| ReadError::Corrupt(format!("cannot open {}: {e}", path.display())))?;
    let mut start = [0u8; 8];
    let n = file.read(&mut start)?;
    let encrypted = is_encrypted(&start[..n]);
    let file = io::Cursor::new(start[..n].to_vec()).chain(file);
    let body: Box<dyn Read + Send> = if encrypted {
        let key = key.ok_or(ReadError::KeyRequired)?;
        Box::new(DecryptingReader::new(BufReader::with_capacity(256 * 1024, file), key)?)
    } else {
        Box::new(file)
    };
    Ok(Box::new(zstd::stream::read::Decoder::new(body)?))
}

/// What [`read`] hands on besides checking: lines of the tables it wants, and media bytes.
pub(crate) trait Visitor {
    fn wants(&self, table: Table) -> bool;
    /// A line of a wanted table, without its newline.
    fn line(&mut self, table: Table, line: &[u8]) -> Result<(), String>;
    fn wants_objects(&self) -> bool;
    /// An included object's bytes begin; `chunk`s follow, then `object_end` once they have
    /// all been checked. The last chunk is held back until then, so an object that does not
    /// match the manifest never reaches its end.
    fn object_start(&mut self, object: &IncludedObject) -> Result<(), String>;
    fn object_chunk(&mut self, chunk: Vec<u8>) -> Result<(), String>;
    fn object_end(&mut self) -> Result<(), String>;
}

/// Wants nothing: [`read`] only checks.
pub(crate) struct CheckOnly;

impl Visitor for CheckOnly {
    fn wants(&self, _: Table) -> bool {
        false
    }
    fn line(&mut self, _: Table, _: &[u8]) -> Result<(), String> {
        Ok(())
    }
    fn wants_objects(&self) -> bool {
        false
    }
    fn object_start(&mut self, _: &IncludedObject) -> Result<(), String> {
        Ok(())
    }
    fn object_chunk(&mut self, _: Vec<u8>) -> Result<(), String> {
        Ok(())
    }
    fn object_end(&mut self) -> Result<(), String> {
        Ok(())
    }
}

/// Reads the archive at `path` from end to end, checking that it is whole and that every file
/// and media object has the rows, size and sha256 its manifest says, and hands what `visitor`
/// wants to it. Nothing is trusted before the end: a caller that writes what it is handed
/// somewhere must check the archive first (`read` with [`CheckOnly`]). Rows and objects as
/// they are checked go to `progress` ([`Phase::Check`], [`Phase::CheckMedia`]).
pub(crate) fn read(
    path: &Path,
    key: Option<&SecretKey>,
    visitor: &mut dyn Visitor,
    progress: &dyn Progress,
) -> Result<Manifest, ReadError> {
    let mut archive = tar::Archive::new(open(path, key)?);
    let mut entries = archive.entries()?;

    let mut first = entries.next().ok_or_else(|| ReadError::Corrupt("the archive is empty".into()))??;
    if first.path_bytes().as_ref() != MANIFEST.as_bytes() {
        return Err(ReadError::Corrupt(format!("the first entry is not {MANIFEST}")));
    }
    if first.size() > MAX_MANIFEST_BYTES {
        return Err(ReadError::Corrupt(format!("{MANIFEST} is implausibly large")));
    }
    let mut manifest_json = Vec::new();
    first.read_to_end(&mut manifest_json)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_json)
        .map_err(|e| ReadError::Corrupt(format!("{MANIFEST} cannot be read: {e}")))?;
    manifest.check_format().map_err(ReadError::Corrupt)?;

    progress.start(Phase::Check, Some(manifest.rows()));
    let mut tally = Tally::new(progress);
    for expected in &manifest.files {
        let entry = next_entry(&mut entries, &expected.name)?;
        let table = Table::by_file_name(&expected.name)
            .ok_or_else(|| ReadError::Corrupt(format!("unknown file {}", expected.name)))?;
        let (wanted, rows) = (visitor.wants(table), table != Table::MediaObjects);
        read_lines(entry, expected, |line| {
            if rows {
                tally.add(1);
            }
            if wanted {
                visitor.line(table, line).map_err(ReadError::Handler)?;
            }
            Ok(())
        })?;
    }
    tally.flush();
    progress.finish();

    if let Some(media) = &manifest.media {
        let mut objects = Vec::new();
        let entry = next_entry(&mut entries, &media.listing.name)?;
        read_lines(entry, &media.listing, |line| {
            let record: MediaFileRecord =
                serde_json::from_slice(line).map_err(|e| ReadError::Corrupt(format!("{}: {e}", media.listing.name)))?;
            objects.extend(record.included().map_err(ReadError::Corrupt)?);
            Ok(())
        })?;
        let (count, bytes) = (objects.len() as u64, objects.iter().map(|o| o.size).sum::<u64>());
        if (count, bytes, media.listing.rows - count) != (media.objects, media.bytes, media.missing) {
            return Err(ReadError::Corrupt(format!(
                "{} does not match the manifest's media figures",
                media.listing.name
            )));
        }
        progress.start(Phase::CheckMedia, Some(count));
        for object in &objects {
            let entry = next_entry(&mut entries, &object.entry_name())?;
            read_object(entry, object, visitor)?;
            progress.advance(1);
        }
        progress.finish();
    }
    if let Some(extra) = entries.next() {
        let extra = extra?;
        let name = String::from_utf8_lossy(extra.path_bytes().as_ref()).into_owned();
        return Err(ReadError::Corrupt(format!("{name} is in the archive but not in the manifest")));
    }
    // The rest of the stream: the tar's end, the zstd frame's checksum, the last sealed chunk.
    io::copy(&mut archive.into_inner(), &mut io::sink())?;
    Ok(manifest)
}

type Entries<'a> = tar::Entries<'a, Box<dyn Read + Send>>;
type Entry<'a> = tar::Entry<'a, Box<dyn Read + Send>>;

/// The next entry, which must be `name`.
fn next_entry<'a>(entries: &mut Entries<'a>, name: &str) -> Result<Entry<'a>, ReadError> {
    let entry =
        entries.next().ok_or_else(|| ReadError::Corrupt(format!("{name} is missing: the archive ends early")))??;
    let found = String::from_utf8_lossy(entry.path_bytes().as_ref()).into_owned();
    if found != name {
        return Err(ReadError::Corrupt(format!("found {found} where the manifest lists {name}")));
    }
    Ok(entry)
}

/// Hands each line of an NDJSON entry to `on_line`, checking it against `expected`.
fn read_lines(
    entry: Entry<'_>,
    expected: &FileEntry,
    mut on_line: impl FnMut(&[u8]) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let name = &expected.name;
    let mut reader = BufReader::with_capacity(64 * 1024, entry);
    let (mut rows, mut bytes, mut hasher) = (0u64, 0u64, Sha256::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader).take(MAX_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            return Err(ReadError::Corrupt(format!("{name}: a line is unterminated or too long")));
        }
        hasher.update(&line);
        rows += 1;
        bytes += n as u64;
        on_line(&line[..n - 1])?;
    }
    let sha256 = hex::encode(hasher.finalize());
    if rows != expected.rows || bytes != expected.bytes || sha256 != expected.sha256 {
        return Err(ReadError::Corrupt(format!(
            "{name} does not match the manifest ({rows} rows, {bytes} bytes, sha256 {sha256}; expected {} rows, \
             {} bytes, sha256 {})",
            expected.rows, expected.bytes, expected.sha256
        )));
    }
    Ok(())
}

/// Checks an object's bytes against the listing, handing them to `visitor` when it wants them.
fn read_object(mut entry: Entry<'_>, object: &IncludedObject, visitor: &mut dyn Visitor) -> Result<(), ReadError> {
    let wanted = visitor.wants_objects();
    if wanted {
        visitor.object_start(object).map_err(ReadError::Handler)?;
    }
    let (mut size, mut hasher) = (0u64, Sha256::new());
    let mut held: Option<Vec<u8>> = None;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let n = entry.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
        if wanted {
            if let Some(chunk) = held.replace(buffer[..n].to_vec()) {
                visitor.object_chunk(chunk).map_err(ReadError::Handler)?;
            }
        }
    }
    let sha256 = hex::encode(hasher.finalize());
    if size != object.size || sha256 != object.sha256 {
        return Err(ReadError::Corrupt(format!(
            "{} does not match the manifest ({size} bytes, sha256 {sha256}; expected {} bytes, sha256 {})",
            object.entry_name(),
            object.size,
            object.sha256
        )));
    }
    if wanted {
        if let Some(chunk) = held {
            visitor.object_chunk(chunk).map_err(ReadError::Handler)?;
        }
        visitor.object_end().map_err(ReadError::Handler)?;
    }
    Ok(())
}
