use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use folio_id::{
    build_generator, decode, encode, Clock, Epoch, IdError, IdGenerator, IdLayout, Snowflake, SnowflakeGenerator,
    SnowflakeParts,
};
use proptest::prelude::*;

#[test]
fn four_threads_of_a_million_ids_never_repeat_and_each_thread_increases() {
    let ids = Arc::new(SnowflakeGenerator::new(Epoch::DEFAULT, 1, 1).expect("generator"));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let ids = ids.clone();
            std::thread::spawn(move || {
                let mut out = Vec::with_capacity(1_000_000);
                for _ in 0..1_000_000 {
                    out.push(ids.generate().expect("id").as_u64());
                }
                out
            })
        })
        .collect();
    let mut all = Vec::with_capacity(4_000_000);
    for thread in threads {
        let ids = thread.join().expect("thread");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "a thread's ids increase");
        all.extend(ids);
    }
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 4_000_000, "no duplicates");
}

/// A clock tests move by hand; every read advances it by `step` ms (0 = frozen).
#[derive(Debug)]
struct TestClock {
    now: AtomicU64,
    step: u64,
}

impl TestClock {
    fn at(ms: u64, step: u64) -> Arc<TestClock> {
        Arc::new(TestClock { now: AtomicU64::new(ms), step })
    }
    fn set(&self, ms: u64) {
        self.now.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.now.fetch_add(self.step, Ordering::SeqCst)
    }
}

#[test]
fn a_clock_that_goes_backwards_yields_no_duplicate_and_no_panic() {
    let start = Epoch::DEFAULT.unix_ms() + 10_000_000;
    let clock = TestClock::at(start, 0);
    let ids = SnowflakeGenerator::with_clock(Epoch::DEFAULT, 0, 0, clock.clone()).expect("generator");
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen.push(ids.generate().expect("id"));
    }
    // An hour back: IDs keep increasing from the last one instead of repeating an hour's.
    clock.set(start - 3_600_000);
    for _ in 0..10_000 {
        seen.push(ids.generate().expect("id"));
    }
    clock.set(start + 5);
    for _ in 0..100 {
        seen.push(ids.generate().expect("id"));
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "monotonic");
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
}

#[test]
fn a_spent_millisecond_waits_for_the_next_instead_of_wrapping() {
    let start = Epoch::DEFAULT.unix_ms() + 10;
    // The clock moves one ms every 1000 reads, so the generator must wait for it.
    #[derive(Debug)]
    struct SlowClock(AtomicU64, u64);
    impl Clock for SlowClock {
        fn now_ms(&self) -> u64 {
            self.1 + self.0.fetch_add(1, Ordering::SeqCst) / 1000
        }
    }
    let ids = SnowflakeGenerator::with_clock(Epoch::DEFAULT, 0, 0, Arc::new(SlowClock(AtomicU64::new(0), start)))
        .expect("generator");
    let batch: Vec<Snowflake> = (0..10_000).map(|_| ids.generate().expect("id")).collect();
    assert!(batch.windows(2).all(|w| w[0] < w[1]));
    for id in &batch {
        let parts = decode(*id, Epoch::DEFAULT);
        assert!(parts.increment <= 4095);
    }
    // 10,000 IDs need at least three milliseconds of 4096.
    let first = decode(batch[0], Epoch::DEFAULT).timestamp_ms;
    let last = decode(batch[9_999], Epoch::DEFAULT).timestamp_ms;
    assert!(last >= first + 2);
}

#[test]
fn a_clock_before_the_epoch_is_an_error() {
    let clock = TestClock::at(Epoch::DEFAULT.unix_ms() - 1, 0);
    let ids = SnowflakeGenerator::with_clock(Epoch::DEFAULT, 0, 0, clock).expect("generator");
    assert_eq!(ids.generate(), Err(IdError::ClockBeforeEpoch));
}

#[test]
fn node_ids_above_31_are_refused() {
    assert!(SnowflakeGenerator::new(Epoch::DEFAULT, 32, 0).is_err());
    assert!(SnowflakeGenerator::new(Epoch::DEFAULT, 0, 32).is_err());
    assert!(build_generator(IdLayout::Sonyflake, Epoch::DEFAULT, 40, 0).is_err());
}

#[test]
fn generated_ids_carry_the_configured_node() {
    let ids = SnowflakeGenerator::new(Epoch::DEFAULT, 17, 9).expect("generator");
    let parts = decode(ids.generate().expect("id"), Epoch::DEFAULT);
    assert_eq!((parts.worker_id, parts.process_id), (17, 9));
}

#[test]
fn sonyflake_ids_are_unique_and_increasing() {
    let ids = build_generator(IdLayout::Sonyflake, Epoch::DEFAULT, 3, 7).expect("generator");
    let batch: Vec<u64> = (0..2_000).map(|_| ids.generate().expect("id").as_u64()).collect();
    assert!(batch.windows(2).all(|w| w[0] < w[1]));
    // The low 16 bits are the machine id.
    assert!(batch.iter().all(|id| id & 0xffff == (3 << 5 | 7)));
}

proptest! {
    #[test]
    fn encode_and_decode_round_trip(offset in 0u64..(1 << 42), worker in 0u8..32, process in 0u8..32, increment in 0u16..4096) {
        let parts = SnowflakeParts { timestamp_ms: Epoch::DEFAULT.unix_ms() + offset, worker_id: worker, process_id: process, increment };
        let id = encode(parts, Epoch::DEFAULT).expect("encodes");
        prop_assert_eq!(decode(id, Epoch::DEFAULT), parts);
        prop_assert_eq!(id.to_string().parse::<Snowflake>().expect("parses"), id);
        let json = serde_json::to_string(&id).expect("json");
        prop_assert_eq!(serde_json::from_str::<Snowflake>(&json).expect("json back"), id);
    }

    #[test]
    fn every_u64_decodes_and_reencodes(raw in any::<u64>()) {
        let id = Snowflake::from_u64(raw);
        prop_assert_eq!(encode(decode(id, Epoch::DEFAULT), Epoch::DEFAULT), Ok(id));
    }

    #[test]
    fn garbage_strings_never_panic(s in ".*") {
        let _ = s.parse::<Snowflake>();
        let _ = Epoch::parse(&s);
        let _ = s.parse::<IdLayout>();
    }
}
