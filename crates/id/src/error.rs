/// Everything that can go wrong making, parsing or laying out an ID.
///
/// ```
/// use folio_id::{IdError, Snowflake};
/// assert_eq!("-1".parse::<Snowflake>(), Err(IdError::Parse));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// Not a decimal unsigned 64-bit integer.
    #[error("not an ID: expected a decimal number below 2^64")]
    Parse,
    /// Not an RFC 3339 time or a count of Unix milliseconds.
    #[error("not an epoch: expected an RFC 3339 time or Unix milliseconds, not in the future")]
    InvalidEpoch,
    /// A part does not fit its bits.
    #[error("{part} is {value}, above its maximum {max}")]
    OutOfRange { part: &'static str, value: u64, max: u64 },
    /// The clock reads earlier than the epoch.
    #[error("the clock reads before the epoch")]
    ClockBeforeEpoch,
    /// More than 2^42 ms (139 years) after the epoch.
    #[error("the timestamp no longer fits 42 bits")]
    TimestampOverflow,
    /// The Sonyflake generator failed (its own message).
    #[error("sonyflake: {0}")]
    Sonyflake(String),
    /// The generator was stopped: its node ids may be someone else's now (a lost lease).
    #[error("ID generation is suspended: this instance no longer holds its worker id")]
    Suspended,
}
