//! Unique 64-bit IDs for Folio and any service that wants them.
//!
//! The default layout is `@sapphire/snowflake`'s, so IDs made by the Node services Folio
//! replaces decode and re-encode exactly:
//!
//! ```text
//!  63                    22 21    17 16    12 11          0
//! [ ms since the epoch (42) | worker | process | increment (12) ]
//! ```
//!
//! Unlike that library, [`SnowflakeGenerator`] never repeats an ID: when a millisecond's
//! 4096 increments are spent it waits for the next millisecond, and when the clock goes
//! backwards it keeps counting forward from the last ID it issued. The Sonyflake layout is
//! available behind the same [`IdGenerator`] trait.
//!
//! ```
//! use folio_id::{Epoch, IdGenerator, SnowflakeGenerator};
//!
//! let ids = SnowflakeGenerator::new(Epoch::DEFAULT, 1, 2).unwrap();
//! let a = ids.generate().unwrap();
//! let b = ids.generate().unwrap();
//! assert!(b > a);
//! let parts = folio_id::decode(b, Epoch::DEFAULT);
//! assert_eq!((parts.worker_id, parts.process_id), (1, 2));
//! ```

mod error;
mod generator;
mod layout;
mod snowflake;
mod sonyflake;

pub use error::IdError;
pub use generator::{build_generator, Clock, IdGenerator, IdLayout, SnowflakeGenerator, SystemClock};
pub use layout::{decode, encode, Epoch, SnowflakeParts};
pub use snowflake::Snowflake;
pub use sonyflake::SonyflakeGenerator;
