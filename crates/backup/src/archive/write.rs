//! Writing an archive.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use folio_crypto::PublicKey;
use sha2::{Digest, Sha256};

use crate::encryption::EncryptingWriter;
use crate::manifest::{FileEntry, Manifest, MANIFEST};
use crate::media_files::IncludedObject;
use crate::progress::{Phase, Progress};

/// What [`write`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Written {
    pub size: u64,
    pub sha256: String,
}

/// The media part of an archive to write: the listing on disk, the objects it includes, and
/// how to read their bytes.
pub(crate) struct MediaPart<Open> {
    pub listing: PathBuf,
    pub objects: Vec<IncludedObject>,
    pub open: Open,
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

/// Writes the archive to `out`: the manifest, then `files` (their NDJSON on disk) in order,
/// then the media part when `manifest.media` says there is one.
pub(crate) fn write<Open>(
    out: &Path,
    manifest: &Manifest,
    files: &[(FileEntry, PathBuf)],
    media: Option<MediaPart<Open>>,
    level: i32,
    encrypt_to: Option<&PublicKey>,
    progress: &dyn Progress,
) -> io::Result<Written>
where
    Open: FnMut(&IncludedObject) -> io::Result<Box<dyn Read + Send>>,
{
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
    progress.start(Phase::WriteArchive, Some(manifest.rows()));
    for (entry, path) in files {
        append_file(&mut tar, entry, path, mtime)?;
        if entry.name != manifest.media_objects {
            progress.advance(entry.rows);
        }
    }
    progress.finish();
    match (&manifest.media, media) {
        (Some(included), Some(mut media)) => {
            append_file(&mut tar, &included.listing, &media.listing, mtime)?;
            progress.start(Phase::WriteMedia, Some(media.objects.len() as u64));
            for object in &media.objects {
                append_object(&mut tar, object, (media.open)(object)?, mtime)?;
                progress.advance(1);
            }
            progress.finish();
        }
        (None, None) => {}
        _ => return Err(io::Error::other("the manifest and the media to write disagree")),
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

fn append_file<W: Write>(tar: &mut tar::Builder<W>, entry: &FileEntry, path: &Path, mtime: u64) -> io::Result<()> {
    let data = File::open(path)?;
    let size = data.metadata()?.len();
    if size != entry.bytes {
        return Err(io::Error::other(format!("{} changed after it was written", entry.name)));
    }
    tar.append(&header(&entry.name, size, mtime)?, data)
}

/// Reads and hashes what passes through.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    size: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.hasher.update(&out[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

/// Appends an object's bytes, which must be those the listing describes (see
/// [`crate::media_files`]). A GNU header, for keys longer than a ustar name holds.
fn append_object<W: Write>(
    tar: &mut tar::Builder<W>,
    object: &IncludedObject,
    data: Box<dyn Read + Send>,
    mtime: u64,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(object.size);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    let mut data = HashingReader { inner: data.take(object.size), hasher: Sha256::new(), size: 0 };
    tar.append_data(&mut header, object.entry_name(), &mut data)?;
    let sha256 = hex::encode(data.hasher.finalize());
    if data.size != object.size || sha256 != object.sha256 {
        return Err(io::Error::other(format!(
            "media object {} changed while it was backed up (first read as {} bytes with sha256 {}, then {} \
             bytes with sha256 {sha256}); back up again",
            object.key, object.size, object.sha256, data.size
        )));
    }
    Ok(())
}
