//! Cryptography for Folio services, usable on its own:
//!
//! * [`password`] — Argon2 password hashing (PHC strings), compatible with
//!   hashes written by node-argon2: [`PasswordHasher`], [`PasswordHash`],
//!   [`Argon2Params`].
//! * [`ecies`] — ECIES on secp256k1, wire-compatible with eciesjs 0.4:
//!   [`ecies::encrypt`], [`ecies::decrypt`], [`KeyPair`], [`SecretKey`],
//!   [`PublicKey`].
//! * [`token`] — OS-random tokens and constant-time comparison:
//!   [`random_token`], [`random_bytes`], [`constant_time_eq`].
//! * [`error`] — the single error type, [`CryptoError`].
//!
//! Everything is synchronous. Password hashing is deliberately slow; call it
//! from a blocking thread pool in async code.
//!
//! ```
//! use folio_crypto::{ecies, random_token, Argon2Params, KeyPair, PasswordHasher};
//!
//! let hasher = PasswordHasher::new(Argon2Params::new(1024, 1, 1)?)?; // tiny params for the example
//! let hash = hasher.hash("s3cret")?;
//! assert!(hasher.verify("s3cret", &hash)?);
//!
//! let pair = KeyPair::generate();
//! let ct = ecies::encrypt(&pair.public, b"pii")?;
//! assert_eq!(ecies::decrypt(&pair.secret, &ct)?, b"pii");
//!
//! assert_eq!(random_token(32).len(), 43);
//! # Ok::<(), folio_crypto::CryptoError>(())
//! ```

pub mod ecies;
pub mod error;
pub mod password;
pub mod token;

pub use self::ecies::{KeyPair, PublicKey, SecretKey};
pub use self::error::CryptoError;
pub use self::password::{Argon2Params, PasswordHash, PasswordHasher};
pub use self::token::{constant_time_eq, random_bytes, random_token};
