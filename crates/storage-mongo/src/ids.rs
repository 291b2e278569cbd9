//! Snowflakes are unsigned 64-bit; BSON has no unsigned integers, so `_id` holds the same 64
//! bits as a signed `Int64` (`as` casts both ways, as the SQL adapter does with BIGINT). Every
//! id survives the round trip exactly.
//!
//! Ordering by `_id` (users in creation order, media newest first) matches id order while the
//! top bit is clear. The layout gives the timestamp 42 bits, and its highest one is the sign
//! bit: ids stay positive while fewer than 2^41 ms (2,199,023,255,552 ms, about 69.7 years)
//! have passed since the epoch. With the default epoch (2025-01-01T00:00:00Z,
//! 1,735,689,600,000 Unix ms) the last positive id falls in 2094-09-07T15:47:35.551Z; ids from
//! 2094-09-07T15:47:35.552Z on are negative and would sort before older ones. A deployment
//! with an earlier `SNOWFLAKE_EPOCH` reaches that point correspondingly sooner.

use folio_id::Snowflake;

pub(crate) fn to_db_id(id: Snowflake) -> i64 {
    id.as_u64() as i64
}

pub(crate) fn from_db_id(value: i64) -> Snowflake {
    Snowflake::from_u64(value as u64)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use folio_id::{decode, encode, Epoch, SnowflakeParts};

    use super::*;

    fn at(timestamp_ms: u64) -> Snowflake {
        let parts = SnowflakeParts { timestamp_ms, worker_id: 31, process_id: 31, increment: 4095 };
        encode(parts, Epoch::DEFAULT).expect("fits the layout")
    }

    #[test]
    fn the_last_positive_id_is_in_september_2094_and_round_trips() {
        let last_ms = Epoch::DEFAULT.unix_ms() + (1 << 41) - 1;
        let last = at(last_ms);
        assert_eq!(to_db_id(last), i64::MAX);
        assert_eq!(from_db_id(to_db_id(last)), last);
        let when = DateTime::<Utc>::from_timestamp_millis(last_ms as i64).expect("a date");
        assert_eq!(when.to_rfc3339_opts(chrono::SecondsFormat::Millis, true), "2094-09-07T15:47:35.551Z");

        // One millisecond later the sign bit is set: still exact, but negative.
        let next = at(last_ms + 1);
        assert!(to_db_id(next) < 0);
        assert_eq!(from_db_id(to_db_id(next)), next);
        assert_eq!(decode(from_db_id(to_db_id(next)), Epoch::DEFAULT).timestamp_ms, last_ms + 1);
    }

    #[test]
    fn every_bit_pattern_round_trips() {
        for raw in [0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            assert_eq!(from_db_id(to_db_id(Snowflake::from_u64(raw))).as_u64(), raw);
        }
    }
}
