//! Benchmarks against the Node.js figures this crate replaces
//! (node-argon2 0.44: 111 ms/hash at m=65536,t=3,p=4 and 21.6 ms at OWASP;
//! eciesjs 0.4.17: 13.8 ms encrypt, 13.9 ms decrypt of a 55-byte message).
//!
//! Run: `cargo bench -p folio-crypto -- --warm-up-time 1 --measurement-time 5`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use folio_crypto::ecies::{decrypt, encrypt};
use folio_crypto::{Argon2Params, KeyPair, PasswordHasher};

const MSG55: &[u8; 55] = b"{\"email\":\"ada@example.com\",\"phone\":\"+44 20 7946 09588\"}";

fn argon2(c: &mut Criterion) {
    let mut group = c.benchmark_group("argon2_hash");
    group.sample_size(10);
    for (name, params) in
        [("owasp_m19456_t2_p1", Argon2Params::OWASP), ("node_default_m65536_t3_p4", Argon2Params::NODE_ARGON2)]
    {
        let hasher = PasswordHasher::new(params).expect("params");
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| hasher.hash("correct horse battery staple").expect("hash"));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("argon2_verify");
    group.sample_size(10);
    let hasher = PasswordHasher::default();
    let hash = hasher.hash("correct horse battery staple").expect("hash");
    group.bench_function("owasp_m19456_t2_p1", |b| {
        b.iter(|| hasher.verify("correct horse battery staple", &hash).expect("verify"));
    });
    group.bench_function("verify_dummy_owasp", |b| {
        b.iter(|| hasher.verify_dummy("correct horse battery staple"));
    });
    // Hashes migrated from Node keep node-argon2's parameters (they are not
    // weaker than OWASP, so `needs_rehash` leaves them alone): every login of
    // such a user pays this.
    let node_hash = PasswordHasher::new(Argon2Params::NODE_ARGON2)
        .expect("params")
        .hash("correct horse battery staple")
        .expect("hash");
    group.bench_function("node_default_m65536_t3_p4", |b| {
        b.iter(|| hasher.verify("correct horse battery staple", &node_hash).expect("verify"));
    });
    group.finish();
}

fn ecies(c: &mut Criterion) {
    let pair = KeyPair::generate();
    let ct = encrypt(&pair.public, MSG55).expect("encrypt");
    let mut group = c.benchmark_group("ecies_55_bytes");
    group.throughput(Throughput::Elements(1));
    group.bench_function("encrypt", |b| {
        b.iter(|| encrypt(&pair.public, MSG55).expect("encrypt"));
    });
    group.bench_function("decrypt", |b| {
        b.iter(|| decrypt(&pair.secret, &ct).expect("decrypt"));
    });
    group.finish();
}

criterion_group!(benches, argon2, ecies);
criterion_main!(benches);
