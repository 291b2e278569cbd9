//! The one error type of this crate.

/// Everything that can go wrong in `folio-crypto`, phrased in the caller's terms.
///
/// Messages never contain secret material: no passwords, no key bytes, no
/// plaintext, and not even the offending character of a malformed hex string
/// (it could be part of a secret key). Reasons attached to variants are fixed
/// texts or come from the underlying libraries' parameter validation.
///
/// The enum is `#[non_exhaustive]`: match the variants you care about and keep
/// a wildcard arm.
///
/// ```
/// use folio_crypto::{CryptoError, SecretKey};
///
/// let err = SecretKey::from_hex("not hex").unwrap_err();
/// assert_eq!(err, CryptoError::InvalidHex);
/// assert_eq!(err.to_string(), "invalid hex encoding");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Argon2 cost parameters out of range (e.g. `memory_kib < 8 * parallelism`,
    /// `iterations == 0`, `parallelism == 0`).
    #[error("invalid Argon2 parameters: {0}")]
    InvalidParams(String),

    /// A string is not a well-formed Argon2 PHC hash
    /// (`$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`), or names an unsupported
    /// algorithm/version.
    #[error("invalid password hash: {0}")]
    InvalidHash(String),

    /// Argon2 failed while hashing (should not happen with validated parameters).
    #[error("password hashing failed: {0}")]
    Hashing(String),

    /// Input was not valid hexadecimal (odd length or a non-hex character).
    #[error("invalid hex encoding")]
    InvalidHex,

    /// Key material has the wrong length or is not a valid secp256k1 key
    /// (secret scalar zero or ≥ the curve order, public key not on the curve).
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),

    /// The ciphertext cannot be an ECIES message: shorter than
    /// [`CIPHERTEXT_OVERHEAD`](crate::ecies::CIPHERTEXT_OVERHEAD) bytes, or its
    /// ephemeral public key is not a valid curve point.
    #[error("malformed ciphertext: {0}")]
    MalformedCiphertext(&'static str),

    /// Authenticated decryption failed: the ciphertext was encrypted for a
    /// different key or has been tampered with.
    #[error("decryption failed: wrong key or tampered ciphertext")]
    Decryption,

    /// Encryption failed (not expected to happen with a valid public key).
    #[error("encryption failed")]
    Encryption,
}
