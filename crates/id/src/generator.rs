use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::layout::{MAX_NODE, MAX_TIMESTAMP_OFFSET, PROCESS_SHIFT, TIMESTAMP_SHIFT, WORKER_SHIFT};
use crate::{Epoch, IdError, Snowflake, SonyflakeGenerator};

/// Something that hands out unique IDs. Object safe: hold an `Arc<dyn IdGenerator>`.
///
/// ```
/// use std::sync::Arc;
/// use folio_id::{Epoch, IdGenerator, SnowflakeGenerator};
///
/// let ids: Arc<dyn IdGenerator> = Arc::new(SnowflakeGenerator::new(Epoch::DEFAULT, 0, 0).unwrap());
/// assert_ne!(ids.generate().unwrap(), ids.generate().unwrap());
/// ```
pub trait IdGenerator: Send + Sync + fmt::Debug {
    /// A new ID, greater than every ID this generator returned before.
    ///
    /// ```
    /// use folio_id::{Epoch, IdGenerator, SnowflakeGenerator};
    /// let ids = SnowflakeGenerator::new(Epoch::DEFAULT, 0, 0).unwrap();
    /// assert!(ids.generate().unwrap() < ids.generate().unwrap());
    /// ```
    fn generate(&self) -> Result<Snowflake, IdError>;
}

/// Milliseconds since the Unix epoch; injectable so tests can move time.
///
/// ```
/// use folio_id::{Clock, SystemClock};
/// assert!(SystemClock.now_ms() > 1_700_000_000_000);
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// use folio_id::{Clock, SystemClock};
    /// assert!(SystemClock.now_ms() > 0);
    /// ```
    fn now_ms(&self) -> u64;
}

/// The system clock.
///
/// ```
/// use folio_id::{Clock, SystemClock};
/// let a = SystemClock.now_ms();
/// assert!(SystemClock.now_ms() >= a);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Snowflakes in the `@sapphire/snowflake` layout that never repeat.
///
/// The whole state is one atomic word: the last issued (milliseconds ‖ increment), advanced
/// with compare-and-swap, so threads never block each other. The next value is the larger of
/// "last + 1" and "now, increment 0". When that lands in a millisecond the clock has not
/// reached yet, two cases differ:
/// - the clock is at the last millisecond used and its 4096 increments are spent: wait for
///   the next millisecond (the layout's ceiling, 4,096,000 IDs a second);
/// - the clock is behind the last millisecond used (it went backwards): carry on from the
///   last ID, borrowing the following milliseconds, so IDs stay unique and increasing and no
///   caller stalls for as long as the clock was set back.
///
/// ```
/// use folio_id::{Epoch, IdGenerator, SnowflakeGenerator};
///
/// let ids = SnowflakeGenerator::new(Epoch::DEFAULT, 3, 4).unwrap();
/// let first = ids.generate().unwrap();
/// assert!(ids.generate().unwrap() > first);
/// ```
#[derive(Debug)]
pub struct SnowflakeGenerator {
    epoch: Epoch,
    node_bits: u64,
    clock: Arc<dyn Clock>,
    /// (ms since epoch) << 12 | increment, of the last ID issued.
    last: AtomicU64,
}

impl SnowflakeGenerator {
    /// A generator on the system clock; worker and process ids are 0 to 31.
    ///
    /// ```
    /// use folio_id::{Epoch, SnowflakeGenerator};
    /// assert!(SnowflakeGenerator::new(Epoch::DEFAULT, 32, 0).is_err());
    /// ```
    pub fn new(epoch: Epoch, worker_id: u8, process_id: u8) -> Result<Self, IdError> {
        Self::with_clock(epoch, worker_id, process_id, Arc::new(SystemClock))
    }

    /// A generator on `clock`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use folio_id::{Epoch, IdGenerator, SnowflakeGenerator, SystemClock};
    /// let ids = SnowflakeGenerator::with_clock(Epoch::DEFAULT, 0, 0, Arc::new(SystemClock)).unwrap();
    /// assert!(ids.generate().is_ok());
    /// ```
    pub fn with_clock(epoch: Epoch, worker_id: u8, process_id: u8, clock: Arc<dyn Clock>) -> Result<Self, IdError> {
        for (part, value) in [("worker_id", worker_id), ("process_id", process_id)] {
            if value > MAX_NODE {
                return Err(IdError::OutOfRange { part, value: u64::from(value), max: u64::from(MAX_NODE) });
            }
        }
        Ok(SnowflakeGenerator {
            epoch,
            node_bits: (u64::from(worker_id) << WORKER_SHIFT) | (u64::from(process_id) << PROCESS_SHIFT),
            clock,
            last: AtomicU64::new(0),
        })
    }

    fn now_offset(&self) -> Result<u64, IdError> {
        self.clock.now_ms().checked_sub(self.epoch.unix_ms()).ok_or(IdError::ClockBeforeEpoch)
    }
}

impl IdGenerator for SnowflakeGenerator {
    fn generate(&self) -> Result<Snowflake, IdError> {
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let now = self.now_offset()?;
            let last_ms = last >> PROCESS_SHIFT;
            let next = (last + 1).max(now << PROCESS_SHIFT);
            let next_ms = next >> PROCESS_SHIFT;
            if next_ms > now && now == last_ms {
                // This millisecond's increments are spent: wait for the clock to move on.
                std::hint::spin_loop();
                std::thread::yield_now();
                last = self.last.load(Ordering::Relaxed);
                continue;
            }
            if next_ms > MAX_TIMESTAMP_OFFSET {
                return Err(IdError::TimestampOverflow);
            }
            match self.last.compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => {
                    let increment = next & ((1 << PROCESS_SHIFT) - 1);
                    return Ok(Snowflake::from_u64((next_ms << TIMESTAMP_SHIFT) | self.node_bits | increment));
                }
                Err(current) => last = current,
            }
        }
    }
}

/// Which layout a generator makes.
///
/// ```
/// use folio_id::IdLayout;
/// assert_eq!("sonyflake".parse::<IdLayout>().unwrap(), IdLayout::Sonyflake);
/// assert!("uuid".parse::<IdLayout>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdLayout {
    /// `@sapphire/snowflake`'s layout (the default).
    Snowflake,
    /// Sony's: 39 bits of 10 ms units, 8 bits of sequence, 16 bits of machine id.
    Sonyflake,
}

impl FromStr for IdLayout {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "snowflake" => Ok(IdLayout::Snowflake),
            "sonyflake" => Ok(IdLayout::Sonyflake),
            _ => Err(IdError::Parse),
        }
    }
}

/// A generator of `layout`, shared as a trait object. For Sonyflake the machine id is
/// `worker_id << 5 | process_id`.
///
/// ```
/// use folio_id::{build_generator, Epoch, IdLayout};
/// let ids = build_generator(IdLayout::Sonyflake, Epoch::DEFAULT, 1, 1).unwrap();
/// assert!(ids.generate().unwrap() < ids.generate().unwrap());
/// ```
pub fn build_generator(
    layout: IdLayout,
    epoch: Epoch,
    worker_id: u8,
    process_id: u8,
) -> Result<Arc<dyn IdGenerator>, IdError> {
    Ok(match layout {
        IdLayout::Snowflake => Arc::new(SnowflakeGenerator::new(epoch, worker_id, process_id)?),
        IdLayout::Sonyflake => Arc::new(SonyflakeGenerator::new(epoch, worker_id, process_id)?),
    })
}
