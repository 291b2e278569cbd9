//! Password hashing: parameters, PHC parsing, verify, needs_rehash, dummy verify.

use folio_crypto::{Argon2Params, CryptoError, PasswordHash, PasswordHasher};
use proptest::prelude::*;

/// Small parameters so debug-mode tests stay fast.
fn small() -> PasswordHasher {
    PasswordHasher::new(Argon2Params::new(256, 1, 1).expect("params")).expect("hasher")
}

fn invalid_params(r: Result<Argon2Params, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::InvalidParams(_)))
}

#[test]
fn params_validation() {
    assert_eq!(Argon2Params::default(), Argon2Params::OWASP);
    assert_eq!(Argon2Params::OWASP, Argon2Params { memory_kib: 19_456, iterations: 2, parallelism: 1 });
    assert!(Argon2Params::new(19_456, 2, 1).is_ok());
    assert!(Argon2Params::new(65_536, 3, 4).is_ok());
    assert!(Argon2Params::new(8, 1, 1).is_ok()); // minimum memory
    assert!(Argon2Params::new(32, 1, 4).is_ok()); // m == 8 * p

    assert!(invalid_params(Argon2Params::new(19_456, 0, 1))); // t = 0
    assert!(invalid_params(Argon2Params::new(19_456, 2, 0))); // p = 0
    assert!(invalid_params(Argon2Params::new(7, 1, 1))); // m < 8
    assert!(invalid_params(Argon2Params::new(31, 1, 4))); // m < 8 * p
    assert!(invalid_params(Argon2Params::new(u32::MAX, 1, 1 << 24))); // p too large
    assert!(invalid_params(Argon2Params::new(0, 0, 0)));
    // 8 * p overflows u32 (argon2's own check panics on this in debug builds).
    assert!(invalid_params(Argon2Params::new(8, 1, 1 << 29)));
    assert!(invalid_params(Argon2Params::new(u32::MAX, 1, u32::MAX)));

    // Public fields can bypass `new`; the hasher validates again.
    let bad = Argon2Params { memory_kib: 0, iterations: 1, parallelism: 1 };
    assert!(matches!(PasswordHasher::new(bad), Err(CryptoError::InvalidParams(_))));
}

#[test]
fn hash_and_verify_round_trip() {
    let h = small();
    for pw in ["", "a", "correct horse battery staple", "pässwörd-ünïcode-🔑", "tab\tand\nnewline", &"x".repeat(4096)]
    {
        let hash = h.hash(pw).expect("hash");
        assert!(h.verify(pw, &hash).expect("verify"), "{pw:?}");
        assert!(!h.verify(&format!("{pw}x"), &hash).expect("verify"));
        assert!(!h.needs_rehash(&hash));
        // Survives a store/load cycle.
        let reloaded = PasswordHash::try_from(hash.as_str().to_owned()).expect("reparse");
        assert!(h.verify(pw, &reloaded).expect("verify"));
    }
}

#[test]
fn hash_format() {
    let hash = small().hash("pw").expect("hash");
    let parts: Vec<&str> = hash.as_str().split('$').collect();
    assert_eq!(parts[..4], ["", "argon2id", "v=19", "m=256,t=1,p=1"]);
    assert_eq!(parts[4].len(), 22, "16-byte salt, unpadded base64");
    assert_eq!(parts[5].len(), 43, "32-byte hash, unpadded base64");
    assert_eq!(format!("{hash}"), hash.as_str());
    assert!(format!("{hash:?}").contains(hash.as_str()));
}

#[test]
fn verify_uses_params_from_the_hash_not_the_hasher() {
    let a = PasswordHasher::new(Argon2Params::new(64, 1, 1).expect("p")).expect("h");
    let b = PasswordHasher::new(Argon2Params::new(128, 2, 2).expect("p")).expect("h");
    let hash = a.hash("pw").expect("hash");
    assert!(b.verify("pw", &hash).expect("verify"));
    assert!(b.needs_rehash(&hash));
    assert!(!a.needs_rehash(&b.hash("pw").expect("hash")));
}

#[test]
fn needs_rehash_dimensions() {
    // Configured: m=1024, t=2, p=2.
    let h = PasswordHasher::new(Argon2Params::new(1024, 2, 2).expect("p")).expect("h");
    let salt = "c29tZXNhbHRzb21lc2FsdA";
    let out32 = "QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo";
    let out64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw";
    let cases = [
        ("argon2id", "v=19$", "m=1024,t=2,p=2", out32, false),
        ("argon2id", "v=19$", "m=4096,t=3,p=4", out32, false), // stronger
        ("argon2id", "v=19$", "m=1023,t=2,p=2", out32, true),
        ("argon2id", "v=19$", "m=1024,t=1,p=2", out32, true),
        ("argon2id", "v=19$", "m=1024,t=2,p=1", out32, true),
        ("argon2id", "v=19$", "m=8192,t=1,p=8", out32, true), // t lower, rest higher
        ("argon2id", "v=19$", "m=1024,t=2,p=2", out64, true), // output length differs
        ("argon2id", "v=16$", "m=1024,t=2,p=2", out32, true), // old version
        ("argon2id", "", "m=1024,t=2,p=2", out32, true),      // no version = 0x10
        ("argon2i", "v=19$", "m=4096,t=3,p=4", out32, true),
        ("argon2d", "v=19$", "m=4096,t=3,p=4", out32, true),
    ];
    for (alg, version, params, out, expected) in cases {
        let s = format!("${alg}${version}{params}${salt}${out}");
        let hash = PasswordHash::parse(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(h.needs_rehash(&hash), expected, "{s}");
    }
}

#[test]
fn phc_parse_errors() {
    let good = "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo";
    assert!(PasswordHash::parse(good).is_ok());
    assert!(good.parse::<PasswordHash>().is_ok());
    assert!(PasswordHash::try_from(good).is_ok());

    let bad = [
        "",
        "$",
        "password",
        "$argon2id",
        "$argon2id$v=19",
        "$argon2id$v=19$m=19456,t=2,p=1",
        "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw", // no hash
        "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$", // empty hash
        "$argon2id$v=19$m=19456,t=2,p=1$$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // 4-byte salt
        "$argon2id$v=20$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // no m
        "$argon2id$v=19$m=19456,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // no t
        "$argon2id$v=19$m=19456,t=2$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // no p
        "$argon2id$v=19$m=0,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=19456,t=0,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=19456,t=2,p=0$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=16,t=2,p=4$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // m < 8p
        "$argon2id$v=19$m=8,t=1,p=536870912$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo", // 8p overflows
        "$argon2id$v=19$m=4294967295,t=1,p=4294967295$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=abc,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=19456,t=2,p=1,x=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4B!",
        "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo=",
        "$argon2$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$argon2ID$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "$pbkdf2-sha256$29000$N2bMmfO.F/DHmKg5z9n7jw$cTVd8XHZ3zF2vLdqtD8aX7BTqUlJ1e0zjwV8KzJbLq8",
        " $argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
    ];
    for s in bad {
        let r = PasswordHash::parse(s);
        assert!(matches!(r, Err(CryptoError::InvalidHash(_))), "{s:?} -> {r:?}");
        assert!(PasswordHash::try_from(s.to_owned()).is_err());
    }
}

#[test]
fn old_version_hashes_parse_and_verify() {
    // Version 0x10 hashes (no `v=` field, as written by libargon2 < 1.3) are
    // accepted, verified as 0x10 like the reference implementation does, and
    // flagged for rehash.
    use argon2::PasswordHasher as _;
    let params = argon2::Params::new(256, 1, 1, Some(32)).expect("params");
    let v10 = argon2::Argon2::new(argon2::Algorithm::Argon2i, argon2::Version::V0x10, params);
    let explicit = v10.hash_password_with_salt(b"pw", b"somesaltsomesalt").expect("hash").to_string();
    assert!(explicit.starts_with("$argon2i$v=16$m=256,t=1,p=1$"), "{explicit}");
    let implicit = explicit.replace("$v=16$", "$");
    let h = small();
    for s in [&explicit, &implicit] {
        let hash = PasswordHash::parse(s).expect("parse");
        assert!(h.verify("pw", &hash).expect("verify"), "{s}");
        assert!(!h.verify("pW", &hash).expect("verify"), "{s}");
        assert!(h.needs_rehash(&hash));
    }

    let hash = h.hash("pw").expect("hash");
    let v13 = hash.as_str();
    assert!(v13.contains("$v=19$"));
    let without_version = v13.replace("$v=19$", "$");
    let old = PasswordHash::parse(&without_version).expect("parse");
    // Different algorithm version, so the output differs: a wrong answer, not an error.
    assert!(!h.verify("pw", &old).expect("verify"));
    assert!(h.needs_rehash(&old));
}

#[test]
fn verify_dummy_does_comparable_work() {
    let h = PasswordHasher::new(Argon2Params::new(4096, 2, 1).expect("p")).expect("h");
    // First call computes the dummy hash, later calls verify against it.
    for pw in ["", "user-supplied", "pässwörd"] {
        h.verify_dummy(pw);
    }
    // Clones share nothing mutable and keep working.
    let c = h.clone();
    c.verify_dummy("x");

    // Rough sanity check of the cost: verify_dummy must not be a no-op. Compare
    // the fastest of several runs of each, which filters out scheduling noise.
    let hash = h.hash("pw").expect("hash");
    // Runs alternate, so that load from tests running beside this one slows both alike.
    let time = |f: &dyn Fn()| {
        let t0 = std::time::Instant::now();
        f();
        t0.elapsed()
    };
    let (mut real, mut dummy) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..9 {
        real = real.min(time(&|| {
            h.verify("pw", &hash).expect("verify");
        }));
        dummy = dummy.min(time(&|| h.verify_dummy("pw")));
    }
    assert!(dummy * 3 > real, "verify_dummy too cheap: {dummy:?} vs verify {real:?}");
}

#[test]
fn hasher_debug_shows_params_only() {
    let h = small();
    let s = format!("{h:?}");
    assert!(s.contains("memory_kib: 256"), "{s}");
    h.verify_dummy("secret-password-123");
    assert!(!format!("{h:?}").contains("secret-password-123"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn prop_parse_never_panics(s in ".{0,200}") {
        if let Ok(h) = PasswordHash::parse(&s) {
            let _ = small().needs_rehash(&h);
        }
    }

    #[test]
    fn prop_parse_phc_like_never_panics(
        alg in prop_oneof![Just("argon2id".to_owned()), Just("argon2i".to_owned()), Just("argon2d".to_owned()), "[a-z0-9-]{0,10}"],
        v in proptest::option::of(any::<u32>()),
        m in any::<u32>(), t in any::<u32>(), p in any::<u32>(),
        salt in "[A-Za-z0-9+/]{0,70}",
        out in "[A-Za-z0-9+/]{0,90}",
    ) {
        let v = v.map(|v| format!("v={v}$")).unwrap_or_default();
        let s = format!("${alg}${v}m={m},t={t},p={p}${salt}${out}");
        let strict = PasswordHasher::default();
        if let Ok(h) = PasswordHash::parse(&s) {
            // needs_rehash must agree with the parameters in the string.
            let weaker = m < 19_456 || t < 2 || p < 1 || alg != "argon2id";
            if weaker {
                prop_assert!(strict.needs_rehash(&h));
            }
        }
    }

    #[test]
    fn prop_round_trip_small_params(pw in ".{0,64}") {
        let h = PasswordHasher::new(Argon2Params::new(16, 1, 1).expect("p")).expect("h");
        let hash = h.hash(&pw).expect("hash");
        prop_assert!(h.verify(&pw, &hash).expect("verify"));
        let other = format!("{pw}!");
        prop_assert!(!h.verify(&other, &hash).expect("verify"));
    }
}
