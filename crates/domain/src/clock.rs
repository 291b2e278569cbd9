//! Time as Folio stores it.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

/// Now, truncated to milliseconds: the finest precision every backend keeps (MongoDB's
/// dates are milliseconds), so a value reads back exactly as it was written.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(now)
}
