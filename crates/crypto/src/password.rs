//! Argon2 password hashing in PHC string format, compatible with node-argon2.
//!
//! * [`PasswordHasher::hash`] always produces **argon2id** (version 0x13,
//!   32-byte output, 16-byte random salt) at the configured [`Argon2Params`].
//! * [`PasswordHasher::verify`] accepts **any** Argon2 PHC hash — argon2id,
//!   argon2i or argon2d, any cost parameters — because the parameters are read
//!   from the hash string. Hashes written by node-argon2 verify unchanged.
//! * [`PasswordHasher::needs_rehash`] tells you when a stored hash is weaker
//!   than the current configuration, so it can be upgraded after a successful
//!   login.
//! * [`PasswordHasher::verify_dummy`] burns the same CPU time as a real verify,
//!   for logins of unknown users.
//!
//! Every method that touches a password is synchronous and CPU-bound (tens to
//! hundreds of milliseconds and `memory_kib` KiB of RAM per call). From async
//! code, run them on a blocking thread pool (`tokio::task::spawn_blocking`).
//! Like libargon2 (node-argon2), hashes with `p > 1` have their lanes computed
//! in parallel — here on rayon's global thread pool, while the calling thread
//! waits.
//!
//! Passwords are taken as `&str` and are never logged, stored, or included in
//! errors or `Debug` output by this module.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use argon2::password_hash::{self, phc::PasswordHash as Phc};
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use rand::rngs::OsRng;
use rand::RngCore as _;

use crate::CryptoError;

/// Length in bytes of the hash output produced by [`PasswordHasher::hash`]
/// (node-argon2's default `hashLength` as well).
pub const OUTPUT_LEN: usize = 32;

/// Argon2 cost parameters.
///
/// The fields are public for convenience; values are checked by
/// [`Argon2Params::new`] and again by [`PasswordHasher::new`].
///
/// ```
/// use folio_crypto::Argon2Params;
///
/// // OWASP's recommendation for argon2id is the default.
/// assert_eq!(Argon2Params::default(), Argon2Params::OWASP);
/// assert_eq!(Argon2Params::OWASP.memory_kib, 19_456);
///
/// let p = Argon2Params::new(65_536, 3, 4)?;
/// assert_eq!(p, Argon2Params::NODE_ARGON2);
/// # Ok::<(), folio_crypto::CryptoError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Argon2Params {
    /// Memory cost `m`, in KiB. Must be at least `8 * parallelism`.
    pub memory_kib: u32,
    /// Time cost `t`: number of passes over memory. At least 1.
    pub iterations: u32,
    /// Degree of parallelism `p` (lanes). Between 1 and 2²⁴ − 1.
    pub parallelism: u32,
}

impl Argon2Params {
    /// OWASP Password Storage Cheat Sheet minimum for argon2id:
    /// m = 19456 KiB (19 MiB), t = 2, p = 1. This is the [`Default`].
    ///
    /// ```
    /// let p = folio_crypto::Argon2Params::OWASP;
    /// assert_eq!((p.memory_kib, p.iterations, p.parallelism), (19_456, 2, 1));
    /// ```
    pub const OWASP: Self = Self { memory_kib: 19_456, iterations: 2, parallelism: 1 };

    /// node-argon2's defaults (argon2id m = 65536 KiB, t = 3, p = 4), i.e. what
    /// the Node.js services wrote.
    ///
    /// ```
    /// let p = folio_crypto::Argon2Params::NODE_ARGON2;
    /// assert_eq!((p.memory_kib, p.iterations, p.parallelism), (65_536, 3, 4));
    /// ```
    pub const NODE_ARGON2: Self = Self { memory_kib: 65_536, iterations: 3, parallelism: 4 };

    /// Validated constructor.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidParams`] if `iterations` is 0, `parallelism` is 0
    /// or above 2²⁴ − 1, or `memory_kib < 8 * parallelism`.
    ///
    /// ```
    /// use folio_crypto::{Argon2Params, CryptoError};
    ///
    /// assert!(Argon2Params::new(19_456, 2, 1).is_ok());
    /// assert!(matches!(Argon2Params::new(19_456, 0, 1), Err(CryptoError::InvalidParams(_))));
    /// assert!(matches!(Argon2Params::new(16, 1, 4), Err(CryptoError::InvalidParams(_))));
    /// ```
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, CryptoError> {
        let params = Self { memory_kib, iterations, parallelism };
        params.to_argon2()?;
        Ok(params)
    }

    fn to_argon2(self) -> Result<Params, CryptoError> {
        check_costs(self.memory_kib, self.iterations, self.parallelism)
            .map_err(|e| CryptoError::InvalidParams(e.to_owned()))?;
        Params::new(self.memory_kib, self.iterations, self.parallelism, Some(OUTPUT_LEN))
            .map_err(|e| CryptoError::InvalidParams(e.to_string()))
    }
}

/// Range checks done before handing costs to `argon2::Params`, whose own check
/// computes `8 * p` in `u32` and panics on overflow (debug builds) for
/// `p >= 2^29` — reachable from an untrusted PHC string.
fn check_costs(m: u32, t: u32, p: u32) -> Result<(), &'static str> {
    if t < Params::MIN_T_COST {
        return Err("iterations (t) must be at least 1");
    }
    if !(Params::MIN_P_COST..=Params::MAX_P_COST).contains(&p) {
        return Err("parallelism (p) must be between 1 and 16777215");
    }
    if u64::from(m) < 8 * u64::from(p) || m < Params::MIN_M_COST {
        return Err("memory (m) must be at least 8 KiB per lane (8 * p)");
    }
    Ok(())
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self::OWASP
    }
}

/// A validated Argon2 hash in PHC string format, e.g.
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// This is what you store in the database. It is not secret (it is designed to
/// be stored), so `Debug` and `Display` show it.
///
/// Parsing accepts exactly what [`PasswordHasher::verify`] can check:
/// algorithm `argon2id`, `argon2i` or `argon2d`; version 16 or 19 (absent means
/// 16); explicit `m`, `t` and `p` within Argon2's limits; a salt of at least 8
/// bytes; and an output of 10 to 64 bytes.
///
/// ```
/// use folio_crypto::PasswordHash;
///
/// let h = PasswordHash::parse(
///     "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
/// )?;
/// assert!(h.as_str().starts_with("$argon2id$"));
///
/// assert!(PasswordHash::parse("$2b$10$notargon2").is_err());
/// assert!(PasswordHash::try_from(String::from("plaintext")).is_err());
/// # Ok::<(), folio_crypto::CryptoError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Parses and validates a PHC string (see the type docs for what is accepted).
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidHash`] with the reason.
    ///
    /// ```
    /// use folio_crypto::{CryptoError, PasswordHash};
    ///
    /// let err = PasswordHash::parse("$argon2id$v=19$m=19456,t=2,p=1").unwrap_err();
    /// assert!(matches!(err, CryptoError::InvalidHash(_)));
    /// ```
    pub fn parse(s: &str) -> Result<Self, CryptoError> {
        validate_phc(s)?;
        Ok(Self(s.to_owned()))
    }

    /// The PHC string.
    ///
    /// ```
    /// # let hasher = folio_crypto::PasswordHasher::new(folio_crypto::Argon2Params::new(64, 1, 1)?)?;
    /// let h = hasher.hash("pw")?;
    /// assert!(h.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the hash, returning the PHC string.
    ///
    /// ```
    /// # let hasher = folio_crypto::PasswordHasher::new(folio_crypto::Argon2Params::new(64, 1, 1)?)?;
    /// let s: String = hasher.hash("pw")?.into_string();
    /// assert!(s.starts_with("$argon2id$"));
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

fn invalid(reason: impl fmt::Display) -> CryptoError {
    CryptoError::InvalidHash(reason.to_string())
}

fn validate_phc(s: &str) -> Result<(), CryptoError> {
    let phc = Phc::new(s).map_err(invalid)?;
    Algorithm::try_from(phc.algorithm.as_str())
        .map_err(|_| invalid("unsupported algorithm (expected argon2id, argon2i or argon2d)"))?;
    if let Some(v) = phc.version {
        Version::try_from(v).map_err(|_| invalid("unsupported version (expected 16 or 19)"))?;
    }
    let mut costs = [0u32; 3];
    for (cost, name) in costs.iter_mut().zip(["m", "t", "p"]) {
        *cost = phc
            .params
            .get_decimal(name)
            .ok_or_else(|| invalid(format_args!("missing or non-decimal parameter `{name}`")))?;
    }
    let [m, t, p] = costs;
    check_costs(m, t, p).map_err(invalid)?;
    Params::try_from(&phc).map_err(invalid)?;
    let salt = phc.salt.ok_or_else(|| invalid("missing salt"))?;
    if salt.len() < argon2::MIN_SALT_LEN {
        return Err(invalid("salt shorter than 8 bytes"));
    }
    if phc.hash.is_none() {
        return Err(invalid("missing hash output"));
    }
    Ok(())
}

impl FromStr for PasswordHash {
    type Err = CryptoError;

    /// Same as [`PasswordHash::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PasswordHash {
    type Error = CryptoError;

    /// Validates like [`PasswordHash::parse`], reusing the allocation.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        validate_phc(&s)?;
        Ok(Self(s))
    }
}

impl TryFrom<&str> for PasswordHash {
    type Error = CryptoError;

    /// Same as [`PasswordHash::parse`].
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl AsRef<str> for PasswordHash {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<PasswordHash> for String {
    fn from(h: PasswordHash) -> Self {
        h.0
    }
}

impl fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hashes and verifies passwords with Argon2.
///
/// Cheap to clone and `Send + Sync`; build one at startup and share it. All
/// methods are CPU-bound and blocking — call them from `spawn_blocking` in
/// async code.
///
/// ```
/// use folio_crypto::{Argon2Params, PasswordHasher};
///
/// // Small parameters keep the example fast; use `PasswordHasher::default()`
/// // (OWASP parameters) in production.
/// let hasher = PasswordHasher::new(Argon2Params::new(1024, 1, 1)?)?;
///
/// let hash = hasher.hash("correct horse battery staple")?;
/// assert!(hasher.verify("correct horse battery staple", &hash)?);
/// assert!(!hasher.verify("Tr0ub4dor&3", &hash)?);
/// assert!(!hasher.needs_rehash(&hash));
/// # Ok::<(), folio_crypto::CryptoError>(())
/// ```
#[derive(Clone)]
pub struct PasswordHasher {
    params: Argon2Params,
    argon2: Argon2<'static>,
    dummy: OnceLock<PasswordHash>,
}

impl fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("algorithm", &"argon2id")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Default for PasswordHasher {
    /// A hasher at [`Argon2Params::OWASP`].
    ///
    /// ```
    /// let hasher = folio_crypto::PasswordHasher::default();
    /// assert_eq!(hasher.params(), folio_crypto::Argon2Params::OWASP);
    /// ```
    fn default() -> Self {
        // OWASP parameters are Argon2's own defaults; `Params::new` cannot fail here.
        let params = Argon2Params::OWASP.to_argon2().unwrap_or(Params::DEFAULT);
        Self::with_valid_params(Argon2Params::OWASP, params)
    }
}

impl PasswordHasher {
    /// A hasher producing argon2id hashes at `params`.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidParams`] if `params` are out of range (see
    /// [`Argon2Params::new`]).
    ///
    /// ```
    /// use folio_crypto::{Argon2Params, PasswordHasher};
    ///
    /// let hasher = PasswordHasher::new(Argon2Params::NODE_ARGON2)?;
    /// assert_eq!(hasher.params().parallelism, 4);
    ///
    /// let bad = Argon2Params { memory_kib: 19_456, iterations: 0, parallelism: 1 };
    /// assert!(PasswordHasher::new(bad).is_err());
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    pub fn new(params: Argon2Params) -> Result<Self, CryptoError> {
        let argon2_params = params.to_argon2()?;
        Ok(Self::with_valid_params(params, argon2_params))
    }

    fn with_valid_params(params: Argon2Params, argon2_params: Params) -> Self {
        Self { params, argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2_params), dummy: OnceLock::new() }
    }

    /// The configured parameters (used for new hashes and [`Self::needs_rehash`]).
    ///
    /// ```
    /// let hasher = folio_crypto::PasswordHasher::default();
    /// assert_eq!(hasher.params().iterations, 2);
    /// ```
    #[must_use]
    pub fn params(&self) -> Argon2Params {
        self.params
    }

    /// Hashes `password` with argon2id at the configured parameters and a fresh
    /// 16-byte salt from the OS CSPRNG.
    ///
    /// # Errors
    ///
    /// [`CryptoError::Hashing`] if Argon2 fails, which does not happen with
    /// validated parameters short of running out of memory.
    ///
    /// ```
    /// # use folio_crypto::{Argon2Params, PasswordHasher};
    /// let hasher = PasswordHasher::new(Argon2Params::new(1024, 1, 1)?)?;
    /// let a = hasher.hash("hunter2")?;
    /// let b = hasher.hash("hunter2")?;
    /// assert_ne!(a, b); // different salts
    /// assert!(a.as_str().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    pub fn hash(&self, password: &str) -> Result<PasswordHash, CryptoError> {
        let mut salt = [0u8; argon2::RECOMMENDED_SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        let phc = self
            .argon2
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map_err(|e| CryptoError::Hashing(e.to_string()))?;
        Ok(PasswordHash(phc.to_string()))
    }

    /// Checks `password` against `hash`, which may be any Argon2 PHC hash
    /// (argon2id/argon2i/argon2d, any parameters — they are taken from the
    /// hash, not from this hasher's configuration). The output comparison is
    /// constant-time.
    ///
    /// Returns `Ok(false)` for a wrong password.
    ///
    /// # Errors
    ///
    /// [`CryptoError::InvalidHash`] if the hash cannot be evaluated. Malformed
    /// strings are already rejected by [`PasswordHash::parse`], so this is not
    /// expected in practice.
    ///
    /// ```
    /// use folio_crypto::{PasswordHash, PasswordHasher};
    ///
    /// // An argon2i hash written by node-argon2 (m=4096, t=3, p=1).
    /// let stored = PasswordHash::parse(
    ///     "$argon2i$v=19$m=4096,t=3,p=1$wVA8kmG5WxikrhHT8fqaZA$X9M0/5WGPk+5g/hBNxLFIpdmPXteD71uHKQTZfmEW/E",
    /// )?;
    /// let hasher = PasswordHasher::default();
    /// assert!(hasher.verify("correct horse battery staple", &stored)?);
    /// assert!(!hasher.verify("wrong", &stored)?);
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    pub fn verify(&self, password: &str, hash: &PasswordHash) -> Result<bool, CryptoError> {
        let mut phc = Phc::new(hash.as_str()).map_err(invalid)?;
        // Like the reference implementation (and node-argon2), read a missing
        // `v=` as version 0x10; the `argon2` crate would assume 0x13.
        phc.version.get_or_insert(u32::from(Version::V0x10));
        match self.argon2.verify_password(password.as_bytes(), &phc) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(invalid(e)),
        }
    }

    /// `true` when `hash` is weaker than this hasher's configuration and should
    /// be replaced by [`Self::hash`] after the next successful [`Self::verify`]:
    ///
    /// * the algorithm is not argon2id, or the version is not 19 (0x13);
    /// * any of `m`, `t`, `p` is **lower** than configured;
    /// * the output length differs from [`OUTPUT_LEN`] (32 bytes).
    ///
    /// Stronger hashes (e.g. node-argon2's m=65536,t=3,p=4 under the OWASP
    /// configuration) are left alone.
    ///
    /// ```
    /// use folio_crypto::{Argon2Params, PasswordHash, PasswordHasher};
    ///
    /// let argon2i = PasswordHash::parse(
    ///     "$argon2i$v=19$m=4096,t=3,p=1$wVA8kmG5WxikrhHT8fqaZA$X9M0/5WGPk+5g/hBNxLFIpdmPXteD71uHKQTZfmEW/E",
    /// )?;
    /// let small = PasswordHasher::new(Argon2Params::new(1024, 1, 1)?)?;
    /// assert!(small.needs_rehash(&argon2i)); // not argon2id
    ///
    /// let h = small.hash("pw")?;
    /// assert!(!small.needs_rehash(&h));
    /// assert!(PasswordHasher::default().needs_rehash(&h)); // m=1024 < 19456
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    #[must_use]
    pub fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        let Ok(phc) = Phc::new(hash.as_str()) else {
            return true;
        };
        if Algorithm::try_from(phc.algorithm.as_str()) != Ok(Algorithm::Argon2id) {
            return true;
        }
        // An absent version means 0x10 (the pre-1.3 algorithm).
        if phc.version != Some(u32::from(Version::V0x13)) {
            return true;
        }
        let Ok(params) = Params::try_from(&phc) else {
            return true;
        };
        params.m_cost() < self.params.memory_kib
            || params.t_cost() < self.params.iterations
            || params.p_cost() < self.params.parallelism
            || params.output_len() != Some(OUTPUT_LEN)
    }

    /// Spends the same work as [`Self::verify`] of a hash at the configured
    /// parameters, and returns nothing.
    ///
    /// Call it when a login names an unknown user, so that the response takes
    /// as long as for a known user with a wrong password and does not reveal
    /// which accounts exist:
    ///
    /// ```
    /// # use folio_crypto::{Argon2Params, PasswordHash, PasswordHasher};
    /// # let hasher = PasswordHasher::new(Argon2Params::new(1024, 1, 1)?)?;
    /// # let stored: Option<PasswordHash> = None;
    /// let ok = match &stored {
    ///     Some(hash) => hasher.verify("password from request", hash)?,
    ///     None => {
    ///         hasher.verify_dummy("password from request");
    ///         false
    ///     }
    /// };
    /// assert!(!ok);
    /// # Ok::<(), folio_crypto::CryptoError>(())
    /// ```
    ///
    /// The dummy hash (of a random password, at the configured parameters) is
    /// computed lazily on first use and cached in this hasher; that first call
    /// does the hashing *instead of* the verification, so it costs the same as
    /// every later call.
    ///
    /// Timing only matches for known users whose stored hashes use the
    /// configured parameters. Hashes that are *stronger* than the
    /// configuration are never flagged by [`Self::needs_rehash`] — e.g.
    /// node-argon2's m=65536,t=3,p=4 under OWASP parameters — and make a known
    /// user's login slower than an unknown user's. If that matters, configure
    /// the hasher with the parameters most stored hashes use.
    pub fn verify_dummy(&self, password: &str) {
        let mut computed_now = false;
        let dummy = self.dummy.get_or_init(|| {
            computed_now = true;
            let random_password = crate::token::random_token(24);
            self.hash(&random_password)
                // Unreachable with validated parameters; an unparsable
                // placeholder just makes the verification below fail fast.
                .unwrap_or_else(|_| PasswordHash(String::new()))
        });
        if !computed_now {
            let result = self.verify(password, dummy);
            std::hint::black_box(result).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn types_are_send_sync() {
        assert_send_sync::<PasswordHasher>();
        assert_send_sync::<PasswordHash>();
    }

    #[test]
    fn default_matches_owasp_constructor() -> Result<(), CryptoError> {
        let a = PasswordHasher::default();
        let b = PasswordHasher::new(Argon2Params::OWASP)?;
        assert_eq!(a.params(), b.params());
        assert_eq!(Params::DEFAULT.m_cost(), Argon2Params::OWASP.memory_kib);
        assert_eq!(Params::DEFAULT.t_cost(), Argon2Params::OWASP.iterations);
        assert_eq!(Params::DEFAULT.p_cost(), Argon2Params::OWASP.parallelism);
        Ok(())
    }

    #[test]
    fn dummy_is_cached_and_verifiable() -> Result<(), CryptoError> {
        let hasher = PasswordHasher::new(Argon2Params::new(64, 1, 1)?)?;
        hasher.verify_dummy("x");
        let first = hasher.dummy.get().cloned();
        hasher.verify_dummy("y");
        assert_eq!(first.as_ref(), hasher.dummy.get());
        let dummy = first.expect("dummy hash computed by the first call");
        assert!(!hasher.needs_rehash(&dummy));
        assert!(!hasher.verify("x", &dummy)?);
        Ok(())
    }
}
