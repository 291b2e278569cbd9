//! Streaming encryption of an archive to an ECIES public key, so that a bucket only ever holds
//! ciphertext and neither side holds a whole archive in memory.
//!
//! A random 256-bit data key encrypts the stream with AES-256-GCM in chunks (the STREAM
//! construction); the data key itself is encrypted to the public key with Folio's
//! eciesjs-compatible ECIES and travels in the header:
//!
//! ```text
//! header  "FOLIOENC"            8 bytes, magic
//!         version               1 byte, 1
//!         chunk size            u32 big-endian: plaintext bytes per chunk (64 KiB)
//!         nonce prefix          7 random bytes
//!         recipient             33 bytes: the public key, compressed (names the key needed)
//!         wrapped key length    u16 big-endian
//!         wrapped key           ECIES(public key, data key): 32 + 97 bytes
//! chunks  AES-256-GCM(data key, nonce = prefix ‖ counter u32 BE ‖ last-flag u8,
//!                     aad = the whole header, plaintext chunk) = ciphertext ‖ 16-byte tag
//! ```
//!
//! Every chunk but the last holds exactly `chunk size` bytes of plaintext; the last holds
//! fewer (possibly none) and is the only one sealed with the last flag set to 1. So a reader
//! detects a flipped byte (authentication fails), reordered or dropped chunks (the counter is
//! in the nonce), a stream cut at a chunk boundary (no chunk with the last flag), a cut inside
//! a chunk, and bytes appended after the end, and the header cannot be swapped for another's
//! (it is authenticated with every chunk).

use std::io::{self, Read, Write};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use folio_crypto::{ecies, PublicKey, SecretKey};
use rand::RngCore;
use zeroize::Zeroizing;

/// The first bytes of an encrypted archive.
pub(crate) const MAGIC: &[u8; 8] = b"FOLIOENC";
const VERSION: u8 = 1;
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const PREFIX: usize = 7;
const RECIPIENT: usize = 33;
/// Magic, version, chunk size, nonce prefix, recipient, wrapped key length.
const FIXED: usize = 8 + 1 + 4 + PREFIX + RECIPIENT + 2;
/// Bounds what a damaged header can make a reader allocate.
const MAX_CHUNK: usize = 16 * 1024 * 1024;
const MAX_WRAPPED_KEY: usize = 1024;

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

/// The archive is encrypted to another public key than the one of the private key given.
#[derive(Debug)]
pub(crate) struct WrongKey {
    /// The public key the archive is encrypted to (hex, compressed).
    pub recipient: String,
    pub given: String,
}

impl std::fmt::Display for WrongKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it is encrypted to public key {}, and the private key given belongs to {}",
            self.recipient, self.given
        )
    }
}

impl std::error::Error for WrongKey {}

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..PREFIX].copy_from_slice(prefix);
    nonce[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// Encrypts what is written to it into `inner`. [`EncryptingWriter::finish`] seals the last
/// chunk; a writer dropped without it leaves a stream that every reader refuses as truncated.
pub(crate) struct EncryptingWriter<W: Write> {
    inner: W,
    cipher: Aes256Gcm,
    header: Vec<u8>,
    prefix: [u8; PREFIX],
    counter: u32,
    buffer: Zeroizing<Vec<u8>>,
}

impl<W: Write> EncryptingWriter<W> {
    pub(crate) fn new(mut inner: W, public: &PublicKey) -> io::Result<Self> {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        let mut prefix = [0u8; PREFIX];
        rand::rngs::OsRng.fill_bytes(&mut prefix);
        let wrapped = ecies::encrypt(public, key.as_ref()).map_err(|e| io::Error::other(e.to_string()))?;
        let wrapped_len = u16::try_from(wrapped.len()).map_err(|_| io::Error::other("wrapped key too long"))?;
        let mut header = Vec::with_capacity(FIXED + wrapped.len());
        header.extend_from_slice(MAGIC);
        header.push(VERSION);
        header.extend_from_slice(&u32::try_from(CHUNK).unwrap_or(u32::MAX).to_be_bytes());
        header.extend_from_slice(&prefix);
        header.extend_from_slice(&public.to_bytes_compressed());
        header.extend_from_slice(&wrapped_len.to_be_bytes());
        header.extend_from_slice(&wrapped);
        inner.write_all(&header)?;
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).map_err(|_| io::Error::other("bad data key length"))?;
        Ok(Self { inner, cipher, header, prefix, counter: 0, buffer: Zeroizing::new(Vec::with_capacity(CHUNK)) })
    }

    fn seal(&mut self, last: bool) -> io::Result<()> {
        let nonce = nonce(&self.prefix, self.counter, last);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: &self.buffer, aad: &self.header })
            .map_err(|_| io::Error::other("encryption failed"))?;
        self.inner.write_all(&sealed)?;
        self.buffer.clear();
        self.counter = self.counter.checked_add(1).ok_or_else(|| io::Error::other("archive too large to encrypt"))?;
        Ok(())
    }

    /// Seals the last chunk and returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.seal(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let n = room.min(data.len());
        self.buffer.extend_from_slice(&data[..n]);
        if self.buffer.len() == CHUNK {
            // A full chunk is never the last one: the last is always shorter.
            self.seal(false)?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Whether `start` (the first bytes of an archive) is an encrypted one.
pub(crate) fn is_encrypted(start: &[u8]) -> bool {
    start.starts_with(MAGIC)
}

/// Decrypts what [`EncryptingWriter`] wrote; every read fails with `InvalidData` once the
/// stream is found damaged, truncated or sealed for another key.
pub(crate) struct DecryptingReader<R: Read> {
    inner: R,
    cipher: Aes256Gcm,
    header: Vec<u8>,
    prefix: [u8; PREFIX],
    counter: u32,
    plain: Zeroizing<Vec<u8>>,
    offset: usize,
    sealed: Vec<u8>,
    done: bool,
}

impl<R: Read> DecryptingReader<R> {
    pub(crate) fn new(mut inner: R, secret: &SecretKey) -> io::Result<Self> {
        let mut fixed = [0u8; FIXED];
        inner.read_exact(&mut fixed).map_err(|_| invalid("the encrypted archive's header is incomplete"))?;
        if &fixed[..8] != MAGIC {
            return Err(invalid("not an encrypted Folio archive"));
        }
        if fixed[8] != VERSION {
            return Err(invalid(format!("encryption format version {} is not supported", fixed[8])));
        }
        let chunk = u32::from_be_bytes([fixed[9], fixed[10], fixed[11], fixed[12]]) as usize;
        if chunk == 0 || chunk > MAX_CHUNK {
            return Err(invalid("the encrypted archive's header is damaged (chunk size)"));
        }
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&fixed[13..13 + PREFIX]);
        let recipient = &fixed[13 + PREFIX..13 + PREFIX + RECIPIENT];
        let given = secret.public_key().to_bytes_compressed();
        if recipient != given {
            let wrong = WrongKey { recipient: hex::encode(recipient), given: hex::encode(given) };
            return Err(io::Error::new(io::ErrorKind::InvalidData, wrong));
        }
        let wrapped_len = usize::from(u16::from_be_bytes([fixed[FIXED - 2], fixed[FIXED - 1]]));
        if wrapped_len > MAX_WRAPPED_KEY {
            return Err(invalid("the encrypted archive's header is damaged (key length)"));
        }
        let mut wrapped = vec![0u8; wrapped_len];
        inner.read_exact(&mut wrapped).map_err(|_| invalid("the encrypted archive's header is incomplete"))?;
        let key = Zeroizing::new(
            ecies::decrypt(secret, &wrapped)
                .map_err(|_| invalid("the archive's data key cannot be decrypted: its header is damaged"))?,
        );
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|_| invalid("the archive's data key is damaged"))?;
        let mut header = fixed.to_vec();
        header.extend_from_slice(&wrapped);
        Ok(Self {
            inner,
            cipher,
            header,
            prefix,
            counter: 0,
            plain: Zeroizing::new(Vec::new()),
            offset: 0,
            sealed: vec![0u8; chunk + TAG],
            done: false,
        })
    }

    /// Reads and opens the next chunk into `plain`.
    fn next_chunk(&mut self) -> io::Result<()> {
        let mut filled = 0;
        while filled < self.sealed.len() {
            match self.inner.read(&mut self.sealed[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        let last = filled < self.sealed.len();
        if last && filled < TAG {
            return Err(invalid("the encrypted archive is truncated"));
        }
        let nonce = nonce(&self.prefix, self.counter, last);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(&nonce), Payload { msg: &self.sealed[..filled], aad: &self.header })
            .map_err(|_| invalid("the encrypted archive is damaged or truncated (authentication failed)"))?;
        self.plain = Zeroizing::new(plain);
        self.offset = 0;
        self.counter = self.counter.checked_add(1).ok_or_else(|| invalid("too many chunks"))?;
        if last {
            self.done = true;
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? != 0 {
                return Err(invalid("the encrypted archive has bytes after its end"));
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecryptingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.offset == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.plain.len() - self.offset);
        out[..n].copy_from_slice(&self.plain[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use folio_crypto::KeyPair;

    use super::*;

    fn seal(data: &[u8], public: &PublicKey) -> Vec<u8> {
        let mut writer = EncryptingWriter::new(Vec::new(), public).expect("writer");
        // Odd-sized writes, so chunks are assembled from pieces.
        for piece in data.chunks(1000) {
            writer.write_all(piece).expect("write");
        }
        writer.finish().expect("finish")
    }

    fn open(sealed: &[u8], secret: &SecretKey) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        DecryptingReader::new(sealed, secret)?.read_to_end(&mut out)?;
        Ok(out)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn round_trips_at_every_chunk_boundary() {
        let pair = KeyPair::generate();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let plain = data(len);
            let sealed = seal(&plain, &pair.public);
            assert!(is_encrypted(&sealed));
            assert_eq!(open(&sealed, &pair.secret).expect("open"), plain, "{len} bytes");
        }
    }

    #[test]
    fn another_key_cannot_read_it() {
        let (pair, other) = (KeyPair::generate(), KeyPair::generate());
        let sealed = seal(&data(1000), &pair.public);
        let err = open(&sealed, &other.secret).expect_err("wrong key");
        let wrong = err.get_ref().and_then(|e| e.downcast_ref::<WrongKey>()).expect("names the key");
        assert_eq!(wrong.recipient, pair.public.to_hex_compressed());
    }

    #[test]
    fn a_flipped_byte_anywhere_is_refused() {
        let pair = KeyPair::generate();
        let sealed = seal(&data(2 * CHUNK + 100), &pair.public);
        for at in [0, 9, 15, 30, 200, sealed.len() / 2, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 0x01;
            assert!(open(&bad, &pair.secret).is_err(), "byte {at}");
        }
    }

    #[test]
    fn truncation_and_trailing_bytes_are_refused() {
        let pair = KeyPair::generate();
        for len in [2 * CHUNK, 2 * CHUNK + 100] {
            let sealed = seal(&data(len), &pair.public);
            let header = sealed.len() - (len / CHUNK) * (CHUNK + TAG) - (len % CHUNK + TAG);
            // Cut at each chunk boundary (whole chunks dropped) and inside a chunk.
            for keep in [header, header + CHUNK + TAG, header + 2 * (CHUNK + TAG), sealed.len() - 1, sealed.len() - 20]
            {
                if keep >= sealed.len() {
                    continue;
                }
                let err = open(&sealed[..keep], &pair.secret).expect_err("truncated");
                assert_eq!(err.kind(), io::ErrorKind::InvalidData, "kept {keep}: {err}");
            }
            let mut longer = sealed.clone();
            longer.push(0);
            assert!(open(&longer, &pair.secret).is_err(), "trailing byte");
        }
    }
}
