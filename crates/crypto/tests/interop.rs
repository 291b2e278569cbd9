//! Interoperability with the Node.js libraries Folio replaces: every vector in
//! `tests/fixtures/node-vectors.json` (node-argon2 0.44.0, eciesjs 0.4.17).

use folio_crypto::ecies::{decrypt, encrypt};
use folio_crypto::{Argon2Params, PasswordHash, PasswordHasher, PublicKey, SecretKey};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    argon2: Vec<Argon2Vector>,
    ecies: Vec<EciesVector>,
}

#[derive(Deserialize)]
struct Argon2Vector {
    params: String,
    password: String,
    hash: String,
    wrong_password: String,
}

#[derive(Deserialize)]
struct EciesVector {
    private_key_hex: String,
    public_key_compressed_hex: String,
    public_key_uncompressed_hex: String,
    plaintext_hex: String,
    ciphertext_hex: String,
}

fn vectors() -> Vectors {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/node-vectors.json");
    let json = std::fs::read_to_string(path).expect("read node-vectors.json");
    serde_json::from_str(&json).expect("parse node-vectors.json")
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("fixture hex")
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    NodeDefault,
    Owasp,
    Argon2i,
    Argon2d,
}

fn kind(hash: &str) -> Kind {
    if hash.starts_with("$argon2id$v=19$m=65536,t=3,p=4$") {
        Kind::NodeDefault
    } else if hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$") {
        Kind::Owasp
    } else if hash.starts_with("$argon2i$") {
        Kind::Argon2i
    } else if hash.starts_with("$argon2d$") {
        Kind::Argon2d
    } else {
        panic!("unexpected vector {hash}")
    }
}

#[test]
fn argon2_vectors_verify() {
    let v = vectors();
    assert_eq!(v.argon2.len(), 14);
    let owasp = PasswordHasher::default();
    for (i, e) in v.argon2.iter().enumerate() {
        let hash = PasswordHash::parse(&e.hash).unwrap_or_else(|err| panic!("#{i}: {err}"));
        assert!(owasp.verify(&e.password, &hash).expect("verify"), "#{i} ({}): correct password rejected", e.params);
        assert!(
            !owasp.verify(&e.wrong_password, &hash).expect("verify"),
            "#{i} ({}): wrong password accepted",
            e.params
        );
    }
}

#[test]
fn argon2_vectors_needs_rehash_under_owasp() {
    let owasp = PasswordHasher::default();
    let mut seen = Vec::new();
    for e in vectors().argon2 {
        let hash = PasswordHash::parse(&e.hash).expect("parse");
        let k = kind(&e.hash);
        let expected = match k {
            // Stronger than OWASP in every parameter: keep.
            Kind::NodeDefault => false,
            // Exactly the configuration: keep.
            Kind::Owasp => false,
            // Not argon2id (and weaker memory): rehash.
            Kind::Argon2i | Kind::Argon2d => true,
        };
        assert_eq!(owasp.needs_rehash(&hash), expected, "{}", e.params);
        seen.push(k);
    }
    for k in [Kind::NodeDefault, Kind::Owasp, Kind::Argon2i, Kind::Argon2d] {
        assert!(seen.contains(&k), "no {k:?} vector");
    }
}

#[test]
fn argon2_vectors_needs_rehash_under_node_defaults() {
    let node = PasswordHasher::new(Argon2Params::NODE_ARGON2).expect("params");
    for e in vectors().argon2 {
        let hash = PasswordHash::parse(&e.hash).expect("parse");
        let expected = match kind(&e.hash) {
            Kind::NodeDefault => false,
            // m=19456 < 65536, t=2 < 3, p=1 < 4.
            Kind::Owasp => true,
            Kind::Argon2i | Kind::Argon2d => true,
        };
        assert_eq!(node.needs_rehash(&hash), expected, "{}", e.params);
    }
}

#[test]
fn our_hashes_have_node_argon2_shape() {
    // node-argon2 writes `$argon2id$v=19$m=…,t=…,p=…$<22 chars salt>$<43 chars hash>`;
    // ours must look the same so that either side can verify the other's.
    let hasher = PasswordHasher::default();
    let ours = hasher.hash("correct horse battery staple").expect("hash");
    let node = &vectors().argon2[5].hash; // OWASP params
    let shape = |s: &str| s.split('$').map(str::len).collect::<Vec<_>>();
    assert_eq!(shape(ours.as_str()), shape(node));
    assert!(ours.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[test]
fn ecies_vectors_decrypt() {
    let v = vectors();
    assert_eq!(v.ecies.len(), 12);
    for (i, e) in v.ecies.iter().enumerate() {
        let sk = SecretKey::from_hex(&e.private_key_hex).expect("secret key");
        let pt = decrypt(&sk, &hex(&e.ciphertext_hex)).unwrap_or_else(|err| panic!("#{i}: {err}"));
        assert_eq!(pt, hex(&e.plaintext_hex), "#{i}");
    }
}

#[test]
fn ecies_vectors_public_keys() {
    for (i, e) in vectors().ecies.iter().enumerate() {
        let sk = SecretKey::from_hex(&e.private_key_hex).expect("secret key");
        assert_eq!(sk.to_hex(), e.private_key_hex, "#{i}");
        let pk = sk.public_key();
        assert_eq!(pk.to_hex_compressed(), e.public_key_compressed_hex, "#{i}");
        assert_eq!(pk.to_hex_uncompressed(), e.public_key_uncompressed_hex, "#{i}");
        assert_eq!(PublicKey::from_hex(&e.public_key_compressed_hex).expect("compressed"), pk);
        assert_eq!(PublicKey::from_hex(&e.public_key_uncompressed_hex).expect("uncompressed"), pk);
    }
}

#[test]
fn ecies_vectors_reencrypt_with_each_public_key_form() {
    for (i, e) in vectors().ecies.iter().enumerate() {
        let sk = SecretKey::from_hex(&e.private_key_hex).expect("secret key");
        let pt = hex(&e.plaintext_hex);
        for pk_hex in [&e.public_key_compressed_hex, &e.public_key_uncompressed_hex] {
            let pk = PublicKey::from_hex(pk_hex).expect("public key");
            let ct = encrypt(&pk, &pt).expect("encrypt");
            // Same layout as eciesjs: 65-byte uncompressed ephemeral key first.
            assert_eq!(ct.len(), hex(&e.ciphertext_hex).len(), "#{i}");
            assert_eq!(ct[0], 0x04, "#{i}");
            assert_eq!(decrypt(&sk, &ct).expect("decrypt"), pt, "#{i}");
        }
    }
}
