//! Random tokens and constant-time comparison.

use std::collections::HashSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use folio_crypto::token::SESSION_ID_BYTES;
use folio_crypto::{constant_time_eq, random_bytes, random_token};
use proptest::prelude::*;

fn is_base64url(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

#[test]
fn token_length_and_alphabet() {
    for n in 0..=100usize {
        let t = random_token(n);
        assert_eq!(t.len(), (4 * n).div_ceil(3), "n = {n}");
        assert!(is_base64url(&t), "{t}");
        assert!(!t.contains('='));
        assert_eq!(URL_SAFE_NO_PAD.decode(&t).expect("decodes").len(), n);
    }
    assert_eq!(SESSION_ID_BYTES, 32);
    assert_eq!(random_token(SESSION_ID_BYTES).len(), 43);
}

#[test]
fn tokens_are_unique() {
    let set: HashSet<String> = (0..10_000).map(|_| random_token(16)).collect();
    assert_eq!(set.len(), 10_000);
}

#[test]
fn tokens_use_the_whole_alphabet() {
    // 2000 tokens × 43 chars: every one of the 64 symbols shows up.
    let seen: HashSet<u8> = (0..2000).flat_map(|_| random_token(32).into_bytes()).collect();
    assert_eq!(seen.len(), 64);
}

#[test]
fn random_bytes_look_random() {
    assert_eq!(random_bytes(0).len(), 0);
    assert_eq!(random_bytes(1000).len(), 1000);
    assert_ne!(random_bytes(32), random_bytes(32));
    // Crude bias check: each bit set ~50% of the time over 64 KiB.
    let b = random_bytes(1 << 16);
    let ones: u32 = b.iter().map(|x| x.count_ones()).sum();
    let total = 8 * b.len() as u32;
    assert!((ones as f64 / total as f64 - 0.5).abs() < 0.01);
}

#[test]
fn constant_time_eq_cases() {
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"bbc"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(!constant_time_eq(b"", b"a"));
    let t = random_token(32);
    assert!(constant_time_eq(t.as_bytes(), t.clone().as_bytes()));
}

proptest! {
    #[test]
    fn prop_constant_time_eq_matches_eq(
        a in proptest::collection::vec(any::<u8>(), 0..64),
        b in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        prop_assert_eq!(constant_time_eq(&a, &b), a == b);
        prop_assert!(constant_time_eq(&a, &a.clone()));
    }

    #[test]
    fn prop_token_length(n in 0usize..512) {
        let t = random_token(n);
        prop_assert_eq!(t.len(), (4 * n).div_ceil(3));
        prop_assert!(is_base64url(&t));
    }
}
