use chrono::{DateTime, Utc};

use crate::layout::MAX_NODE;
use crate::{Epoch, IdError, IdGenerator, Snowflake};

/// Sonyflake IDs (through the `sonyflake` crate), behind [`IdGenerator`].
///
/// ```
/// use folio_id::{Epoch, IdGenerator, SonyflakeGenerator};
/// let ids = SonyflakeGenerator::new(Epoch::DEFAULT, 0, 1).unwrap();
/// assert!(ids.generate().unwrap() < ids.generate().unwrap());
/// ```
#[derive(Debug)]
pub struct SonyflakeGenerator {
    inner: sonyflake::Sonyflake,
}

impl SonyflakeGenerator {
    /// The machine id is `worker_id << 5 | process_id`, so the pair configured for the
    /// snowflake layout is just as unique here.
    ///
    /// ```
    /// use folio_id::{Epoch, IdGenerator, SonyflakeGenerator};
    /// let ids = SonyflakeGenerator::new(Epoch::DEFAULT, 2, 3).unwrap();
    /// assert_eq!(ids.generate().unwrap().as_u64() & 0xffff, 2 << 5 | 3);
    /// assert!(SonyflakeGenerator::new(Epoch::DEFAULT, 32, 0).is_err());
    /// ```
    pub fn new(epoch: Epoch, worker_id: u8, process_id: u8) -> Result<Self, IdError> {
        if worker_id > MAX_NODE || process_id > MAX_NODE {
            return Err(IdError::OutOfRange {
                part: "worker_id/process_id",
                value: u64::from(worker_id.max(process_id)),
                max: u64::from(MAX_NODE),
            });
        }
        let machine_id = (u16::from(worker_id) << 5) | u16::from(process_id);
        let start = i64::try_from(epoch.unix_ms())
            .ok()
            .and_then(DateTime::<Utc>::from_timestamp_millis)
            .ok_or(IdError::InvalidEpoch)?;
        let machine = move || -> Result<u16, Box<dyn std::error::Error + Send + Sync>> { Ok(machine_id) };
        let inner = sonyflake::Sonyflake::builder()
            .start_time(start)
            .machine_id(&machine)
            .finalize()
            .map_err(|e| IdError::Sonyflake(e.to_string()))?;
        Ok(SonyflakeGenerator { inner })
    }
}

impl IdGenerator for SonyflakeGenerator {
    fn generate(&self) -> Result<Snowflake, IdError> {
        self.inner.next_id().map(|id| Snowflake::from_u64(id.to_u64())).map_err(|e| IdError::Sonyflake(e.to_string()))
    }
}
