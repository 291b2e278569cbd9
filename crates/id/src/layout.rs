use chrono::{DateTime, Utc};

use crate::{IdError, Snowflake};

pub(crate) const TIMESTAMP_BITS: u32 = 42;
pub(crate) const WORKER_SHIFT: u32 = 17;
pub(crate) const PROCESS_SHIFT: u32 = 12;
pub(crate) const TIMESTAMP_SHIFT: u32 = 22;
pub(crate) const MAX_NODE: u8 = 31;
pub(crate) const MAX_INCREMENT: u16 = 4095;
pub(crate) const MAX_TIMESTAMP_OFFSET: u64 = (1 << TIMESTAMP_BITS) - 1;

/// The instant IDs count milliseconds from, as Unix milliseconds.
///
/// ```
/// use folio_id::Epoch;
///
/// assert_eq!(Epoch::DEFAULT.unix_ms(), 1_735_689_600_000); // 2025-01-01T00:00:00Z
/// assert_eq!(Epoch::parse("2025-01-01T00:00:00Z").unwrap(), Epoch::DEFAULT);
/// assert_eq!(Epoch::parse("1735689600000").unwrap(), Epoch::DEFAULT);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Epoch(u64);

impl Epoch {
    /// 2025-01-01T00:00:00Z, Folio's default.
    pub const DEFAULT: Epoch = Epoch(1_735_689_600_000);

    /// An epoch at `ms` Unix milliseconds.
    ///
    /// ```
    /// assert_eq!(folio_id::Epoch::from_unix_ms(5).unix_ms(), 5);
    /// ```
    pub const fn from_unix_ms(ms: u64) -> Epoch {
        Epoch(ms)
    }

    /// Unix milliseconds of the epoch.
    ///
    /// ```
    /// assert_eq!(folio_id::Epoch::from_unix_ms(5).unix_ms(), 5);
    /// ```
    pub const fn unix_ms(self) -> u64 {
        self.0
    }

    /// Parses an RFC 3339 time or a count of Unix milliseconds (the `SNOWFLAKE_EPOCH`
    /// variable). An epoch in the future is refused: no ID could be made yet.
    ///
    /// ```
    /// assert!(folio_id::Epoch::parse("yesterday").is_err());
    /// assert!(folio_id::Epoch::parse("2999-01-01T00:00:00Z").is_err());
    /// ```
    pub fn parse(raw: &str) -> Result<Epoch, IdError> {
        let raw = raw.trim();
        let ms = if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            raw.parse::<u64>().map_err(|_| IdError::InvalidEpoch)?
        } else {
            let time = DateTime::parse_from_rfc3339(raw).map_err(|_| IdError::InvalidEpoch)?;
            u64::try_from(time.timestamp_millis()).map_err(|_| IdError::InvalidEpoch)?
        };
        let now = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
        if ms > now {
            return Err(IdError::InvalidEpoch);
        }
        Ok(Epoch(ms))
    }
}

/// An ID's fields, as `@sapphire/snowflake` deconstructs them.
///
/// ```
/// use folio_id::{decode, Epoch, Snowflake};
/// let parts = decode(Snowflake::from_u64((5 << 22) | (1 << 17) | (2 << 12) | 7), Epoch::DEFAULT);
/// assert_eq!((parts.timestamp_ms - Epoch::DEFAULT.unix_ms(), parts.worker_id, parts.process_id, parts.increment), (5, 1, 2, 7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SnowflakeParts {
    /// Unix milliseconds.
    pub timestamp_ms: u64,
    /// 0 to 31.
    pub worker_id: u8,
    /// 0 to 31.
    pub process_id: u8,
    /// 0 to 4095.
    pub increment: u16,
}

/// The parts of `id` under `epoch`. Every 64-bit value decodes.
///
/// ```
/// use folio_id::{decode, encode, Epoch, Snowflake};
///
/// let id = Snowflake::from_u64(262_710_484_852_588_544);
/// let parts = decode(id, Epoch::DEFAULT);
/// assert_eq!(encode(parts, Epoch::DEFAULT).unwrap(), id);
/// ```
pub fn decode(id: Snowflake, epoch: Epoch) -> SnowflakeParts {
    let raw = id.as_u64();
    SnowflakeParts {
        timestamp_ms: (raw >> TIMESTAMP_SHIFT) + epoch.unix_ms(),
        worker_id: ((raw >> WORKER_SHIFT) & u64::from(MAX_NODE)) as u8,
        process_id: ((raw >> PROCESS_SHIFT) & u64::from(MAX_NODE)) as u8,
        increment: (raw & u64::from(MAX_INCREMENT)) as u16,
    }
}

/// The ID made of `parts` under `epoch`; each part must fit its bits.
///
/// ```
/// use folio_id::{encode, Epoch, SnowflakeParts};
///
/// let parts = SnowflakeParts { timestamp_ms: Epoch::DEFAULT.unix_ms() + 1, worker_id: 1, process_id: 0, increment: 3 };
/// assert_eq!(encode(parts, Epoch::DEFAULT).unwrap().as_u64(), (1 << 22) | (1 << 17) | 3);
/// assert!(encode(SnowflakeParts { worker_id: 32, ..parts }, Epoch::DEFAULT).is_err());
/// ```
pub fn encode(parts: SnowflakeParts, epoch: Epoch) -> Result<Snowflake, IdError> {
    let offset = parts.timestamp_ms.checked_sub(epoch.unix_ms()).ok_or(IdError::ClockBeforeEpoch)?;
    if offset > MAX_TIMESTAMP_OFFSET {
        return Err(IdError::TimestampOverflow);
    }
    check("worker_id", u64::from(parts.worker_id), u64::from(MAX_NODE))?;
    check("process_id", u64::from(parts.process_id), u64::from(MAX_NODE))?;
    check("increment", u64::from(parts.increment), u64::from(MAX_INCREMENT))?;
    Ok(Snowflake::from_u64(
        (offset << TIMESTAMP_SHIFT)
            | (u64::from(parts.worker_id) << WORKER_SHIFT)
            | (u64::from(parts.process_id) << PROCESS_SHIFT)
            | u64::from(parts.increment),
    ))
}

fn check(part: &'static str, value: u64, max: u64) -> Result<(), IdError> {
    if value > max {
        return Err(IdError::OutOfRange { part, value, max });
    }
    Ok(())
}
