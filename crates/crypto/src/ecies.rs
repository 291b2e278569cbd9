//! ECIES on secp256k1, wire-compatible with [eciesjs] 0.4 in its default
//! configuration, in both directions.
//!
//! Ciphertext layout (97 bytes of overhead, see [`CIPHERTEXT_OVERHEAD`]):
//!
//! ```text
//! ephemeral public key, uncompressed (65) ‖ nonce (16) ‖ GCM tag (16) ‖ AES-256-GCM ciphertext
//! ```
//!
//! The AES key is HKDF-SHA256 (no salt, no info) over
//! `ephemeral public key (65 bytes) ‖ shared point (65 bytes)`, both
//! uncompressed — eciesjs' defaults (`isEphemeralKeyCompressed = false`,
//! `isHkdfKeyCompressed = false`, `symmetricNonceLength = 16`).
//!
//! The primitives come from the pure-Rust [`ecies`](https://docs.rs/ecies/0.2)
//! crate (k256, aes-gcm, hkdf). This module passes the point-format choices
//! explicitly instead of relying on that crate's process-wide mutable
//! configuration, so the wire format cannot be changed behind its back.
//!
//! ```
//! use folio_crypto::ecies::{decrypt, encrypt};
//! use folio_crypto::{KeyPair, SecretKey};
//!
//! // Round trip.
//! let pair = KeyPair::generate();
//! let ct = encrypt(&pair.public, b"hello")?;
//! assert_eq!(ct.len(), 97 + 5);
//! assert_eq!(decrypt(&pair.secret, &ct)?, b"hello");
//!
//! // A ciphertext produced by eciesjs 0.4.17.
//! let sk = SecretKey::from_hex("a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede")?;
//! let ct = hex::decode(concat!(
//!     "0446aac423898fde856e05f85ba70e7411431a3b6bc192fd4f8d4386aa2ee001a58c26822d8dec3aed981c",
//!     "857121960bf289cffd168045ea7f33008dce17ea9f3142bdff3a5c12bfab2dbd1478657c743a5c345bf918",
//!     "28fd4cea80e5556c03347bfd8602e32ed0403542fad41f0e49183e0ba5e7f86c1864a27eccef271e933c2f",
//!     "635f082be18723550a941f0c18559aba7bd5b7e9715b",
//! ))
//! .unwrap();
//! assert_eq!(decrypt(&sk, &ct)?, br#"{"email":"ada@example.com","phone":"+44 20 7946 0958"}"#);
//! # Ok::<(), folio_crypto::CryptoError>(())
//! ```
//!
//! [eciesjs]: https://github.com/ecies/js

use std::fmt;

use ::ecies::consts::{NONCE_TAG_LENGTH, UNCOMPRESSED_PUBLIC_KEY_SIZE};
use ::ecies::symmetric::{sym_decrypt, sym_encrypt};
use ::ecies::utils::{decapsulate, encapsulate, generate_keypair};
use zeroize::Zeroizing;

use crate::CryptoError;

/// Length of the (uncompressed) ephemeral public key at the start of a ciphertext.
const EPHEMERAL_KEY_LEN: usize = 65;

/// Bytes a ciphertext adds to its plaintext: 65 (ephemeral public key) + 16
/// (nonce) + 16 (tag). Anything shorter cannot be decrypted.
///
/// ```
/// use folio_crypto::{ecies, KeyPair};
///
/// let pair = KeyPair::generate();
/// let ct = ecies::encrypt(&pair.public, &[0u8; 55])?;
/// assert_eq!(ct.len(), ecies::CIPHERTEXT_OVERHEAD + 55);
/// # Ok::<(), folio_crypto::CryptoError>(())
/// ```
pub const CIPHERTEXT_OVERHEAD: usize = EPHEMERAL_KEY_LEN + 16 + 16;

// Fail the build if feature unification ever switches the `ecies` crate to
// another nonce length (`aes-short-nonce`, `xchacha20`): that would silently
// break compatibility with eciesjs' defaults.
const _: () = assert!(UNCOMPRESSED_PUBLIC_KEY_SIZE == EPHEMERAL_KEY_LEN);
const _: () = assert!(NONCE_TAG_LENGTH == 32);

/// A secp256k1 secret key.
///
/// `Debug` prints `SecretKey(<redacted>)`. The key material is wiped from
/// memory when the value is dropped (the underlying `k256` key zeroizes on
/// drop), and temporary buffers used for hex conversion are wiped too.
/// Equality is constant-time.
///
/// ```
/// use folio_crypto::SecretKey;
///
/// let sk = SecretKey::generate();
/// assert_eq!(format!("{sk:?}"), "SecretKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(::ecies::SecretKey);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl zeroize::ZeroizeOnDrop for SecretKey {}

impl SecretKey {
    /// A fresh random key from the OS CSPRNG.
    ///
    /// ```
    /// let a = folio_crypto::SecretKey::generate();
    /// let b = folio_crypto::SecretKey::generate();
    /// assert_ne!(a, b);
    /// ```
    #[must_use]
    pub fn generate() -> Self {
        Self(::ecies::SecretKey::generate())
    }

    /// Parses a 32-byte big-endian scalar.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidKey`] if `bytes` is not 32 bytes long, or is zero
    /// or not below the curve order.
    ///
    /// ```
    /// use folio_crypto::SecretKey;
    ///
    /// let mut bytes = [0u8; 32];
    /// bytes[31] = 1;
    /// assert!(SecretKey::from_bytes(&bytes).is_ok());
    /// assert!(SecretKey::from_bytes(&[0u8; 32]).is_err()); // zero
    /// assert!(SecretKey::from_bytes(&[1u8; 31]).is_err()); // too short
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 32 {
            return Err(CryptoError::InvalidKey("secret key must be 32 bytes"));
        }
        ::ecies::SecretKey::parse_slice(bytes)
            .map(Self)
            .map_err(|_| CryptoError::InvalidKey("secret key is zero or not below the curve order"))
    }

    /// Parses 64 hex digits (either case), with or without a `0x` prefix — the
    /// format of eciesjs' `PrivateKey.toHex()` / `fromHex()`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidHex`] for non-hex input or an odd number of
    /// digits, [`CryptoError::InvalidKey`] for the wrong length or an
    /// out-of-range scalar.
    ///
    /// ```
    /// use folio_crypto::{CryptoError, SecretKey};
    ///
    /// let hex = "a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede";
    /// let sk = SecretKey::from_hex(hex)?;
    /// assert_eq!(SecretKey::from_hex(&format!("0x{hex}"))?, sk);
    /// assert_eq!(SecretKey::from_hex("zz"), Err(CryptoError::InvalidHex));
    /// assert!(matches!(SecretKey::from_hex("abcd"), Err(CryptoError::InvalidKey(_))));
    /// # Ok::<(), CryptoError>(())
    /// ```
    pub fn from_hex(s: &str) -> Result<Self, CryptoError> {
        let s = check_hex(s)?;
        if s.len() != 64 {
            return Err(CryptoError::InvalidKey("secret key must be 32 bytes"));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s, bytes.as_mut_slice()).map_err(|_| CryptoError::InvalidHex)?;
        Self::from_bytes(bytes.as_slice())
    }

    /// The key as 64 lowercase hex digits without prefix (what eciesjs'
    /// `PrivateKey.toHex()` returns). The returned string is a secret: the
    /// caller is responsible for it.
    ///
    /// ```
    /// use folio_crypto::SecretKey;
    ///
    /// let hex = "a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede";
    /// assert_eq!(SecretKey::from_hex(hex)?.to_hex(), hex);
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    #[must_use]
    pub fn to_hex(&self) -> String {
        let bytes = Zeroizing::new(self.0.serialize());
        hex::encode(bytes.as_slice())
    }

    /// The matching public key.
    ///
    /// ```
    /// use folio_crypto::SecretKey;
    ///
    /// let sk = SecretKey::from_hex("a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede")?;
    /// assert_eq!(
    ///     sk.public_key().to_hex_compressed(),
    ///     "027f65a79803104d711104788da407ec665d46bdbff65bfc092a82cc77963342a9",
    /// );
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        PublicKey(::ecies::PublicKey::from_secret_key(&self.0))
    }
}

/// A secp256k1 public key (a valid curve point, never the identity).
///
/// `Debug` and `Display` show the compressed hex form.
///
/// ```
/// use folio_crypto::KeyPair;
///
/// let pair = KeyPair::generate();
/// let pk = pair.public;
/// assert_eq!(pk.to_string(), pk.to_hex_compressed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(::ecies::PublicKey);

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex_compressed())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex_compressed())
    }
}

impl PublicKey {
    /// Parses a SEC1-encoded point: compressed (33 bytes, `02`/`03` prefix) or
    /// uncompressed (65 bytes, `04` prefix).
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidKey`] for any other length or a point that is not
    /// on the curve.
    ///
    /// ```
    /// use folio_crypto::{KeyPair, PublicKey};
    ///
    /// let pk = KeyPair::generate().public;
    /// assert_eq!(PublicKey::from_bytes(&pk.to_bytes_compressed())?, pk);
    /// assert_eq!(PublicKey::from_bytes(&pk.to_bytes_uncompressed())?, pk);
    /// assert!(PublicKey::from_bytes(&[4u8; 65]).is_err());
    /// assert!(PublicKey::from_bytes(&[4u8; 64]).is_err());
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        // Only the two standard SEC1 forms; `k256` alone would also accept the
        // 33-byte x-only "compact" form (prefix 05), which eciesjs does not.
        match (bytes.len(), bytes.first()) {
            (33, Some(0x02 | 0x03)) | (65, Some(0x04)) => {}
            (33 | 65, _) => return Err(CryptoError::InvalidKey("public key has an invalid SEC1 prefix byte")),
            _ => return Err(CryptoError::InvalidKey("public key must be 33 (compressed) or 65 (uncompressed) bytes")),
        }
        ::ecies::PublicKey::parse_slice(bytes, None)
            .map(Self)
            .map_err(|_| CryptoError::InvalidKey("public key is not a valid secp256k1 point"))
    }

    /// Parses hex of a compressed (66 digits) or uncompressed (130 digits)
    /// SEC1 point, with or without a `0x` prefix.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidHex`] for malformed hex, [`CryptoError::InvalidKey`]
    /// for a wrong length or an invalid point.
    ///
    /// ```
    /// use folio_crypto::PublicKey;
    ///
    /// let c = PublicKey::from_hex("027f65a79803104d711104788da407ec665d46bdbff65bfc092a82cc77963342a9")?;
    /// let u = PublicKey::from_hex(concat!(
    ///     "047f65a79803104d711104788da407ec665d46bdbff65bfc092a82cc77963342a9",
    ///     "daeff29ea11d2555d7ae960030a46e917e84274543a617bac1ebc43ee0a2be98",
    /// ))?;
    /// assert_eq!(c, u);
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    pub fn from_hex(s: &str) -> Result<Self, CryptoError> {
        let s = check_hex(s)?;
        let bytes = hex::decode(s).map_err(|_| CryptoError::InvalidHex)?;
        Self::from_bytes(&bytes)
    }

    /// The 33-byte compressed SEC1 encoding.
    ///
    /// ```
    /// let pk = folio_crypto::KeyPair::generate().public;
    /// assert!(matches!(pk.to_bytes_compressed()[0], 2 | 3));
    /// ```
    #[must_use]
    pub fn to_bytes_compressed(&self) -> [u8; 33] {
        self.0.serialize_compressed()
    }

    /// The 65-byte uncompressed SEC1 encoding.
    ///
    /// ```
    /// let pk = folio_crypto::KeyPair::generate().public;
    /// assert_eq!(pk.to_bytes_uncompressed()[0], 4);
    /// ```
    #[must_use]
    pub fn to_bytes_uncompressed(&self) -> [u8; 65] {
        self.0.serialize()
    }

    /// Compressed form as 66 lowercase hex digits (eciesjs' `PublicKey.compressed`
    /// as hex).
    ///
    /// ```
    /// let pk = folio_crypto::KeyPair::generate().public;
    /// assert_eq!(pk.to_hex_compressed().len(), 66);
    /// ```
    #[must_use]
    pub fn to_hex_compressed(&self) -> String {
        hex::encode(self.to_bytes_compressed())
    }

    /// Uncompressed form as 130 lowercase hex digits (eciesjs'
    /// `PublicKey.toHex()` default).
    ///
    /// ```
    /// let pk = folio_crypto::KeyPair::generate().public;
    /// let hex = pk.to_hex_uncompressed();
    /// assert_eq!(hex.len(), 130);
    /// assert!(hex.starts_with("04"));
    /// ```
    #[must_use]
    pub fn to_hex_uncompressed(&self) -> String {
        hex::encode(self.to_bytes_uncompressed())
    }
}

/// A secret key together with its public key.
///
/// ```
/// use folio_crypto::KeyPair;
///
/// let pair = KeyPair::generate();
/// assert_eq!(pair.secret.public_key(), pair.public);
/// assert!(format!("{pair:?}").contains("SecretKey(<redacted>)"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPair {
    /// The secret key (decrypts).
    pub secret: SecretKey,
    /// The public key (encrypts); `secret.public_key()`.
    pub public: PublicKey,
}

impl KeyPair {
    /// A fresh random key pair from the OS CSPRNG.
    ///
    /// ```
    /// let pair = folio_crypto::KeyPair::generate();
    /// assert_ne!(pair, folio_crypto::KeyPair::generate());
    /// ```
    #[must_use]
    pub fn generate() -> Self {
        Self::from_secret(SecretKey::generate())
    }

    /// The pair for an existing secret key.
    ///
    /// ```
    /// use folio_crypto::{KeyPair, SecretKey};
    ///
    /// let sk = SecretKey::generate();
    /// let pair = KeyPair::from_secret(sk.clone());
    /// assert_eq!(pair.public, sk.public_key());
    /// ```
    #[must_use]
    pub fn from_secret(secret: SecretKey) -> Self {
        let public = secret.public_key();
        Self { secret, public }
    }
}

/// Encrypts `msg` to `pk` with a fresh ephemeral key and nonce. The result is
/// `msg.len() + 97` bytes and can be decrypted by eciesjs' `decrypt`.
///
/// # Errors
///
/// [`CryptoError::Encryption`], which cannot happen for a valid [`PublicKey`];
/// the `Result` only exists so that no code path can panic.
///
/// ```
/// use folio_crypto::{ecies, KeyPair};
///
/// let pair = KeyPair::generate();
/// let a = ecies::encrypt(&pair.public, b"same message")?;
/// let b = ecies::encrypt(&pair.public, b"same message")?;
/// assert_ne!(a, b); // randomized
/// assert_eq!(ecies::decrypt(&pair.secret, &a)?, b"same message");
/// # Ok::<(), folio_crypto::CryptoError>(())
/// ```
pub fn encrypt(pk: &PublicKey, msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (ephemeral_sk, ephemeral_pk) = generate_keypair();
    // HKDF over the uncompressed ephemeral key and shared point (`false`).
    let key = Zeroizing::new(encapsulate(&ephemeral_sk, &pk.0, false).map_err(|_| CryptoError::Encryption)?);
    let sealed = sym_encrypt(key.as_slice(), msg).ok_or(CryptoError::Encryption)?;

    let mut out = Vec::with_capacity(EPHEMERAL_KEY_LEN + sealed.len());
    out.extend_from_slice(&ephemeral_pk.serialize());
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Decrypts a ciphertext produced by [`encrypt`] or by eciesjs' `encrypt`
/// (default configuration) for the public key of `sk`.
///
/// # Errors
///
/// * [`CryptoError::MalformedCiphertext`] if `ct` is shorter than
///   [`CIPHERTEXT_OVERHEAD`] or its ephemeral key is not a valid point;
/// * [`CryptoError::Decryption`] if authentication fails — wrong key, or any
///   byte of nonce, tag or body changed.
///
/// ```
/// use folio_crypto::{ecies, CryptoError, KeyPair};
///
/// let alice = KeyPair::generate();
/// let bob = KeyPair::generate();
/// let ct = ecies::encrypt(&alice.public, b"for alice")?;
/// assert_eq!(ecies::decrypt(&bob.secret, &ct), Err(CryptoError::Decryption));
/// assert!(matches!(
///     ecies::decrypt(&alice.secret, &ct[..96]),
///     Err(CryptoError::MalformedCiphertext(_))
/// ));
/// # Ok::<(), CryptoError>(())
/// ```
pub fn decrypt(sk: &SecretKey, ct: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if ct.len() < CIPHERTEXT_OVERHEAD {
        return Err(CryptoError::MalformedCiphertext("shorter than the 97-byte ECIES overhead"));
    }
    let (ephemeral, sealed) = ct.split_at(EPHEMERAL_KEY_LEN);
    let ephemeral = PublicKey::from_bytes(ephemeral)
        .map_err(|_| CryptoError::MalformedCiphertext("ephemeral public key is not a valid secp256k1 point"))?;
    // HKDF over the uncompressed ephemeral key and shared point (`false`).
    let key = Zeroizing::new(decapsulate(&ephemeral.0, &sk.0, false).map_err(|_| CryptoError::Decryption)?);
    sym_decrypt(key.as_slice(), sealed).ok_or(CryptoError::Decryption)
}

/// Strips an optional `0x`/`0X` prefix and checks for an even number of hex
/// digits, without revealing which character was wrong.
fn check_hex(s: &str) -> Result<&str, CryptoError> {
    let s = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CryptoError::InvalidHex);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn types_are_send_sync() {
        assert_send_sync::<SecretKey>();
        assert_send_sync::<PublicKey>();
        assert_send_sync::<KeyPair>();
    }

    #[test]
    fn overhead_matches_ecies_crate() {
        assert_eq!(CIPHERTEXT_OVERHEAD, UNCOMPRESSED_PUBLIC_KEY_SIZE + NONCE_TAG_LENGTH);
    }

    #[test]
    fn empty_hex() {
        assert!(matches!(SecretKey::from_hex(""), Err(CryptoError::InvalidKey(_))));
        assert!(matches!(PublicKey::from_hex("0x"), Err(CryptoError::InvalidKey(_))));
    }
}
