# Convenience recipes; every one is a plain command you can run without `just`.

# Run Folio on the embedded default (SQLite and files in ./data).
run:
    cargo run --release

# The whole test suite, starting the services it needs.
test *ARGS:
    scripts/test {{ARGS}}

# Start PostgreSQL and Redis (and install them on a bare machine).
services:
    bash -c '. scripts/lib/services.sh && ensure_postgres && ensure_redis'

# Load benchmarks against release builds; writes target/bench/results.json.
bench *ARGS:
    scripts/bench {{ARGS}}

# Micro-benchmarks (criterion) of the id and crypto crates.
microbench:
    cargo bench -p folio-id -p folio-crypto

fmt:
    cargo fmt --all

lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
