//! The archive file: a tar of `manifest.json` and the NDJSON files, compressed with zstd (with
//! its content checksum), optionally encrypted ([`crate::encryption`]). Written and read as
//! streams, on a blocking thread: neither side holds more than a buffer of it.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use folio_crypto::{PublicKey, SecretKey};
use sha2::{Digest, Sha256};

use crate::encryption::{is_encrypted, DecryptingReader, EncryptingWriter, WrongKey};
use crate::manifest::{FileEntry, Manifest, Table, MANIFEST, MAX_MANIFEST_BYTES};

/// A line longer than this is taken for damage rather than read into memory.
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// What [`write`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub size: u64,
    pub sha256: String,
}

/// Counts and hashes what passes through to the file.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(data)?;
        self.hasher.update(&data[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Plain or encrypted, below the compressor.
enum Sealing<W: Write> {
    Plain(W),
    Encrypted(Box<EncryptingWriter<W>>),
}

impl<W: Write> Write for Sealing<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        match self {
            Sealing::Plain(w) => w.write(data),
            Sealing::Encrypted(w) => w.write(data),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sealing::Plain(w) => w.flush(),
            Sealing::Encrypted(w) => w.flush(),
        }
    }
}

impl<W: Write> Sealing<W> {
    fn finish(self) -> io::Result<W> {
        match self {
            Sealing::Plain(w) => Ok(w),
            Sealing::Encrypted(w) => w.finish(),
        }
    }
}

fn header(name: &str, size: u64, mtime: u64) -> io::Result<tar::Header> {
    let mut header = tar::Header::new_ustar();
    header.set_path(name)?;
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    Ok(header)
}

/// Writes the archive to `out`: the manifest, then `files` (their NDJSON on disk) in order.
pub(crate) fn write(
    out: &Path,
    manifest: &Manifest,
    files: &[(FileEntry, PathBuf)],
    level: i32,
    encrypt_to: Option<&PublicKey>,
) -> io::Result<Written> {
    let file = File::create(out)?;
    let hashing = Hashing { inner: BufWriter::with_capacity(256 * 1024, file), hasher: Sha256::new(), size: 0 };
    let sealing = match encrypt_to {
        Some(public) => Sealing::Encrypted(Box::new(EncryptingWriter::new(hashing, public)?)),
        None => Sealing::Plain(hashing),
    };
    let mut zstd = zstd::stream::write::Encoder::new(sealing, level)?;
    zstd.include_checksum(true)?;
    let mut tar = tar::Builder::new(zstd);
    let mtime = u64::try_from(manifest.created_at.timestamp()).unwrap_or(0);

    let manifest_json = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    tar.append(&header(MANIFEST, manifest_json.len() as u64, mtime)?, manifest_json.as_slice())?;
    for (entry, path) in files {
        let data = File::open(path)?;
        let size = data.metadata()?.len();
        if size != entry.bytes {
            return Err(io::Error::other(format!("{} changed after it was written", entry.name)));
        }
        tar.append(&header(&entry.name, size, mtime)?, data)?;
    }
    let zstd = tar.into_inner()?;
    let sealing = zstd.finish()?;
    let mut hashing = sealing.finish()?;
    hashing.flush()?;
    let Hashing { inner, hasher, size } = hashing;
    let file = inner.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.sync_all()?;
    Ok(Written { size, sha256: hex::encode(hasher.finalize()) })
}

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

/// Reads the archive at `path` from end to end, checking that it is whole and that every file
/// has the rows, size and sha256 its manifest says, and hands each line of the tables `want`
/// picks to `on_line` (without its newline). Nothing is trusted before the end: a caller that
/// writes lines somewhere must check the archive first (`read` with no handler).
pub(crate) fn read(
    path: &Path,
    key: Option<&SecretKey>,
    want: impl Fn(Table) -> bool,
    mut on_line: impl FnMut(Table, &[u8]) -> Result<(), String>,
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

    for expected in &manifest.files {
        let entry = entries
            .next()
            .ok_or_else(|| ReadError::Corrupt(format!("{} is missing: the archive ends early", expected.name)))??;
        let name = String::from_utf8_lossy(entry.path_bytes().as_ref()).into_owned();
        if name != expected.name {
            return Err(ReadError::Corrupt(format!("found {name} where the manifest lists {}", expected.name)));
        }
        let table = Table::by_file_name(&name).ok_or_else(|| ReadError::Corrupt(format!("unknown file {name}")))?;
        let wanted = want(table);
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
            if wanted {
                on_line(table, &line[..n - 1]).map_err(ReadError::Handler)?;
            }
        }
        let sha256 = hex::encode(hasher.finalize());
        if rows != expected.rows || bytes != expected.bytes || sha256 != expected.sha256 {
            return Err(ReadError::Corrupt(format!(
                "{name} does not match the manifest ({rows} rows, {bytes} bytes, sha256 {sha256}; expected {} rows, \
                 {} bytes, sha256 {})",
                expected.rows, expected.bytes, expected.sha256
            )));
        }
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
