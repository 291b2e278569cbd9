//! Snowflakes are unsigned 64-bit; SQL has signed BIGINT. The bits are stored as they are
//! (`as` casts both ways), which keeps every id exact. Ordering by the column matches id
//! order until the top bit is set: with the default 2025 epoch that is in 2094.

use folio_id::Snowflake;

pub(crate) fn to_db_id(id: Snowflake) -> i64 {
    id.as_u64() as i64
}

pub(crate) fn from_db_id(value: i64) -> Snowflake {
    Snowflake::from_u64(value as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_past_i64_max_survive_the_round_trip() {
        for raw in [0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            assert_eq!(from_db_id(to_db_id(Snowflake::from_u64(raw))).as_u64(), raw);
        }
    }
}
