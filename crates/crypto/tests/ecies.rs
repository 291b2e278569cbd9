//! ECIES behaviour: round trips, tampering, truncation, wrong keys, key parsing.

use folio_crypto::ecies::{decrypt, encrypt, CIPHERTEXT_OVERHEAD};
use folio_crypto::{CryptoError, KeyPair, PublicKey, SecretKey};
use proptest::prelude::*;

const MSG55: &[u8; 55] = b"{\"email\":\"ada@example.com\",\"phone\":\"+44 20 7946 09588\"}";

fn is_malformed(r: &Result<Vec<u8>, CryptoError>) -> bool {
    matches!(r, Err(CryptoError::MalformedCiphertext(_)))
}

#[test]
fn round_trip_various_sizes() {
    let pair = KeyPair::generate();
    for len in [0usize, 1, 15, 16, 17, 55, 4096, 1 << 20] {
        let msg: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let ct = encrypt(&pair.public, &msg).expect("encrypt");
        assert_eq!(ct.len(), msg.len() + CIPHERTEXT_OVERHEAD);
        assert_eq!(decrypt(&pair.secret, &ct).expect("decrypt"), msg);
    }
}

#[test]
fn ciphertexts_are_randomized() {
    let pair = KeyPair::generate();
    let a = encrypt(&pair.public, MSG55).expect("encrypt");
    let b = encrypt(&pair.public, MSG55).expect("encrypt");
    assert_ne!(a[..65], b[..65], "ephemeral keys must differ");
    assert_ne!(a[65..81], b[65..81], "nonces must differ");
    assert_ne!(a[97..], b[97..]);
}

#[test]
fn tampering_any_byte_of_any_region_fails() {
    let pair = KeyPair::generate();
    let ct = encrypt(&pair.public, MSG55).expect("encrypt");
    assert_eq!(ct.len(), 97 + 55);
    let regions = [("ephemeral key", 0..65), ("nonce", 65..81), ("tag", 81..97), ("body", 97..ct.len())];
    for (name, range) in regions {
        for i in range {
            for bit in [0x01u8, 0x80] {
                let mut bad = ct.clone();
                bad[i] ^= bit;
                let r = decrypt(&pair.secret, &bad);
                if name == "ephemeral key" {
                    // Usually no longer a curve point; if it still is, the
                    // derived key differs and authentication fails.
                    assert!(is_malformed(&r) || r == Err(CryptoError::Decryption), "{name} byte {i}: {r:?}");
                } else {
                    assert_eq!(r, Err(CryptoError::Decryption), "{name} byte {i}");
                }
            }
        }
    }
    // Prefix byte of the ephemeral key: anything but 0x04 is malformed at 65 bytes.
    for prefix in [0x00u8, 0x02, 0x03, 0x05, 0x06, 0x07, 0xff] {
        let mut bad = ct.clone();
        bad[0] = prefix;
        assert!(is_malformed(&decrypt(&pair.secret, &bad)), "prefix {prefix:#x}");
    }
    // Ephemeral key replaced by another valid point: authentication fails.
    let mut bad = ct.clone();
    bad[..65].copy_from_slice(&KeyPair::generate().public.to_bytes_uncompressed());
    assert_eq!(decrypt(&pair.secret, &bad), Err(CryptoError::Decryption));
}

#[test]
fn truncation_and_extension_fail() {
    let pair = KeyPair::generate();
    let ct = encrypt(&pair.public, MSG55).expect("encrypt");
    for len in 0..=96 {
        assert!(is_malformed(&decrypt(&pair.secret, &ct[..len])), "length {len}");
        // Arbitrary bytes of these lengths too.
        assert!(is_malformed(&decrypt(&pair.secret, &vec![0x04; len])));
    }
    for len in 97..ct.len() {
        assert_eq!(decrypt(&pair.secret, &ct[..len]), Err(CryptoError::Decryption), "length {len}");
    }
    let mut longer = ct.clone();
    longer.push(0);
    assert_eq!(decrypt(&pair.secret, &longer), Err(CryptoError::Decryption));
}

#[test]
fn empty_message_ciphertext_is_exactly_overhead() {
    let pair = KeyPair::generate();
    let ct = encrypt(&pair.public, b"").expect("encrypt");
    assert_eq!(ct.len(), 97);
    assert_eq!(decrypt(&pair.secret, &ct).expect("decrypt"), b"");
    let mut bad = ct.clone();
    bad[96] ^= 1;
    assert_eq!(decrypt(&pair.secret, &bad), Err(CryptoError::Decryption));
}

#[test]
fn wrong_key_fails() {
    let alice = KeyPair::generate();
    let bob = KeyPair::generate();
    let ct = encrypt(&alice.public, MSG55).expect("encrypt");
    assert_eq!(decrypt(&bob.secret, &ct), Err(CryptoError::Decryption));
}

#[test]
fn secret_key_hex_parsing() {
    let hex = "a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede";
    let sk = SecretKey::from_hex(hex).expect("valid");
    assert_eq!(SecretKey::from_hex(&format!("0x{hex}")).expect("0x"), sk);
    assert_eq!(SecretKey::from_hex(&format!("0X{hex}")).expect("0X"), sk);
    assert_eq!(SecretKey::from_hex(&hex.to_uppercase()).expect("upper"), sk);
    assert_eq!(sk.to_hex(), hex);

    // Bad hex.
    for s in
        ["zz", "abc", &format!("{hex}0"), &format!(" {hex}"), &format!("{hex}\n"), &format!("0x0x{hex}"), "0xg0", "é"]
    {
        assert_eq!(SecretKey::from_hex(s), Err(CryptoError::InvalidHex), "{s:?}");
    }
    // Wrong length.
    for s in ["", "0x", "00", &hex[2..], &format!("{hex}00")] {
        assert!(matches!(SecretKey::from_hex(s), Err(CryptoError::InvalidKey(_))), "{s:?}");
    }
    // Out of range: 0, n, n + 1, 2^256 - 1.
    let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    for s in [
        "0000000000000000000000000000000000000000000000000000000000000000",
        n,
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ] {
        assert!(matches!(SecretKey::from_hex(s), Err(CryptoError::InvalidKey(_))), "{s}");
    }
    // n - 1 is the largest valid key.
    assert!(SecretKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140").is_ok());
}

#[test]
fn secret_key_is_redacted_and_error_messages_hold_no_secrets() {
    let hex = "a738c048cb01b3add4068955f2e61204d74849765d764b74b90fd3003ae8fede";
    let sk = SecretKey::from_hex(hex).expect("valid");
    assert_eq!(format!("{sk:?}"), "SecretKey(<redacted>)");
    assert_eq!(format!("{sk:#?}"), "SecretKey(<redacted>)");
    let pair = KeyPair::from_secret(sk);
    assert!(!format!("{pair:?}").contains(&hex[..16]));

    // A typo in a secret key must not echo any part of it.
    let typo = format!("{}x{}", &hex[..31], &hex[32..]);
    let err = SecretKey::from_hex(&typo).expect_err("invalid");
    assert!(!err.to_string().contains(&hex[..8]));
    assert!(!format!("{err:?}").contains(&hex[..8]));
    assert_eq!(err, CryptoError::InvalidHex);
}

#[test]
fn public_key_parsing() {
    let pair = KeyPair::generate();
    let pk = pair.public;
    let c = pk.to_hex_compressed();
    let u = pk.to_hex_uncompressed();
    assert_eq!(PublicKey::from_hex(&c).expect("c"), pk);
    assert_eq!(PublicKey::from_hex(&u).expect("u"), pk);
    assert_eq!(PublicKey::from_hex(&format!("0x{c}")).expect("0x"), pk);
    assert_eq!(format!("{pk:?}"), format!("PublicKey({c})"));

    // Raw 64-byte (no prefix) form is not accepted.
    assert!(matches!(PublicKey::from_hex(&u[2..]), Err(CryptoError::InvalidKey(_))));
    // Wrong prefixes (05 is SEC1's "compact" x-only form, which eciesjs rejects too;
    // 06/07 the "hybrid" form).
    for prefix in ["00", "01", "05", "06", "07", "ff"] {
        assert!(matches!(PublicKey::from_hex(&format!("{prefix}{}", &u[2..])), Err(CryptoError::InvalidKey(_))));
        assert!(matches!(PublicKey::from_hex(&format!("{prefix}{}", &c[2..])), Err(CryptoError::InvalidKey(_))));
    }
    // Compressed prefix with uncompressed length and vice versa.
    assert!(PublicKey::from_hex(&format!("02{}", &u[2..])).is_err());
    assert!(PublicKey::from_hex(&format!("04{}", &c[2..])).is_err());
    // Not on the curve: y changed.
    let mut off = pk.to_bytes_uncompressed();
    off[64] ^= 1;
    assert!(matches!(PublicKey::from_bytes(&off), Err(CryptoError::InvalidKey(_))));
    // x = p (field modulus) is not a valid coordinate.
    let p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
    assert!(PublicKey::from_hex(&format!("02{p}")).is_err());
    // Identity / empty.
    assert!(PublicKey::from_hex("00").is_err());
    assert!(PublicKey::from_hex("").is_err());
    assert_eq!(PublicKey::from_hex("0g"), Err(CryptoError::InvalidHex));
}

#[test]
fn keypair_consistency() {
    let pair = KeyPair::generate();
    assert_eq!(pair.secret.public_key(), pair.public);
    let again = KeyPair::from_secret(SecretKey::from_hex(&pair.secret.to_hex()).expect("hex"));
    assert_eq!(again, pair);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn prop_round_trip(msg in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let pair = KeyPair::generate();
        let ct = encrypt(&pair.public, &msg).expect("encrypt");
        prop_assert_eq!(ct.len(), msg.len() + CIPHERTEXT_OVERHEAD);
        prop_assert_eq!(decrypt(&pair.secret, &ct).expect("decrypt"), msg);
    }

    #[test]
    fn prop_round_trip_compressed_key_form(msg in proptest::collection::vec(any::<u8>(), 0..256)) {
        let pair = KeyPair::generate();
        let pk = PublicKey::from_hex(&pair.public.to_hex_compressed()).expect("pk");
        let ct = encrypt(&pk, &msg).expect("encrypt");
        prop_assert_eq!(decrypt(&pair.secret, &ct).expect("decrypt"), msg);
    }

    #[test]
    fn prop_garbage_decrypt_never_panics(ct in proptest::collection::vec(any::<u8>(), 0..400)) {
        let sk = SecretKey::generate();
        let r = decrypt(&sk, &ct);
        prop_assert!(r.is_err());
    }

    #[test]
    fn prop_garbage_after_valid_ephemeral_key_fails_authentication(
        rest in proptest::collection::vec(any::<u8>(), 32..200)
    ) {
        let sk = SecretKey::generate();
        let mut ct = KeyPair::generate().public.to_bytes_uncompressed().to_vec();
        ct.extend_from_slice(&rest);
        prop_assert_eq!(decrypt(&sk, &ct), Err(CryptoError::Decryption));
    }

    #[test]
    fn prop_from_hex_never_panics(s in ".{0,140}") {
        let _ = SecretKey::from_hex(&s);
        let _ = PublicKey::from_hex(&s);
    }

    #[test]
    fn prop_from_hexish_never_panics(s in "(0x)?[0-9a-fA-F]{0,140}") {
        let _ = SecretKey::from_hex(&s);
        let _ = PublicKey::from_hex(&s);
    }

    #[test]
    fn prop_key_bytes_never_panic(
        b in proptest::collection::vec(any::<u8>(), 0..80),
        prefix in prop_oneof![Just(2u8), Just(3u8), Just(4u8), any::<u8>()],
    ) {
        let _ = SecretKey::from_bytes(&b);
        let mut pk = b.clone();
        if let Some(first) = pk.first_mut() {
            *first = prefix;
        }
        if let Ok(pk) = PublicKey::from_bytes(&pk) {
            // Any accepted key re-encodes to itself and can be encrypted to.
            prop_assert_eq!(PublicKey::from_hex(&pk.to_hex_uncompressed()).expect("re-parse"), pk);
            prop_assert!(encrypt(&pk, b"x").is_ok());
        }
    }

    #[test]
    fn prop_valid_secret_keys_round_trip_hex(b in proptest::array::uniform32(any::<u8>())) {
        if let Ok(sk) = SecretKey::from_bytes(&b) {
            prop_assert_eq!(sk.to_hex(), hex::encode(b));
            prop_assert_eq!(SecretKey::from_hex(&sk.to_hex()).expect("hex"), sk);
        }
    }
}
