//! Random tokens and constant-time comparison.
//!
//! All randomness comes straight from the operating system's CSPRNG
//! (`getrandom(2)` on Linux) via [`rand::rngs::OsRng`]; nothing is seeded or
//! buffered in user space.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

/// Number of random bytes in a session id: 32 bytes = 256 bits, which
/// [`random_token`] renders as 43 base64url characters.
///
/// ```
/// let sid = folio_crypto::random_token(folio_crypto::token::SESSION_ID_BYTES);
/// assert_eq!(sid.len(), 43);
/// ```
pub const SESSION_ID_BYTES: usize = 32;

/// `n` bytes from the OS CSPRNG.
///
/// # Panics
///
/// Panics if the operating system's random number generator fails, which on
/// supported platforms only happens if it is unavailable altogether.
///
/// ```
/// let salt = folio_crypto::random_bytes(16);
/// assert_eq!(salt.len(), 16);
/// ```
#[must_use]
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    OsRng.fill_bytes(&mut buf);
    buf
}

/// A random token of `bytes` bytes of OS CSPRNG output, encoded as base64url
/// without padding (alphabet `A–Z a–z 0–9 - _`, length `ceil(4 * bytes / 3)`).
///
/// Use [`SESSION_ID_BYTES`] (32 bytes = 256 bits) for session ids.
///
/// # Panics
///
/// Panics if the operating system's random number generator fails (see
/// [`random_bytes`]).
///
/// ```
/// use folio_crypto::random_token;
///
/// let t = random_token(32);
/// assert_eq!(t.len(), 43);
/// assert!(t.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
/// assert_ne!(t, random_token(32));
/// ```
#[must_use]
pub fn random_token(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(bytes))
}

/// Compares two byte strings in time that depends only on their lengths, not
/// on where they differ. Use it for comparing secrets such as tokens or MACs.
///
/// Slices of different lengths compare unequal immediately (lengths are not
/// considered secret).
///
/// ```
/// use folio_crypto::constant_time_eq;
///
/// assert!(constant_time_eq(b"token", b"token"));
/// assert!(!constant_time_eq(b"token", b"tokem"));
/// assert!(!constant_time_eq(b"token", b"token2"));
/// ```
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_length() {
        assert_eq!(random_token(0), "");
        assert!(random_bytes(0).is_empty());
        assert!(constant_time_eq(b"", b""));
    }
}
