//! Times as BSON dates: milliseconds since the Unix epoch, which is also the precision the
//! domain's clock keeps, so a time reads back exactly as it was written.

use chrono::{DateTime, Utc};
use folio_domain::DomainError;
use mongodb::bson;

use crate::errors::corrupt;

pub(crate) fn to_bson(time: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(time.timestamp_millis())
}

pub(crate) fn from_bson(time: bson::DateTime, field: &str) -> Result<DateTime<Utc>, DomainError> {
    DateTime::from_timestamp_millis(time.timestamp_millis())
        .ok_or_else(|| corrupt(field, format!("{} ms is out of range", time.timestamp_millis())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millisecond_times_round_trip() {
        let now = folio_domain::clock::now();
        assert_eq!(from_bson(to_bson(now), "t").expect("in range"), now);
    }
}
