use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::IdError;

/// A 64-bit ID. Displayed, parsed and serialized as a decimal string, because JSON numbers
/// lose precision past 2^53 in JavaScript clients.
///
/// ```
/// use folio_id::Snowflake;
///
/// let id: Snowflake = "262710484852588544".parse().unwrap();
/// assert_eq!(id.as_u64(), 262_710_484_852_588_544);
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"262710484852588544\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Snowflake(u64);

impl Snowflake {
    /// The ID with these 64 bits.
    ///
    /// ```
    /// assert_eq!(folio_id::Snowflake::from_u64(7).as_u64(), 7);
    /// ```
    pub const fn from_u64(value: u64) -> Snowflake {
        Snowflake(value)
    }

    /// The ID's 64 bits.
    ///
    /// ```
    /// assert_eq!(folio_id::Snowflake::from_u64(u64::MAX).as_u64(), u64::MAX);
    /// ```
    pub const fn as_u64(self) -> u64 {
        self.0
    }
}

impl From<Snowflake> for u64 {
    fn from(id: Snowflake) -> u64 {
        id.0
    }
}

impl fmt::Display for Snowflake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Snowflake {
    type Err = IdError;

    /// Only ASCII digits: no sign, no spaces, no leading `+`, at most `u64::MAX`.
    fn from_str(s: &str) -> Result<Self, IdError> {
        if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Parse);
        }
        s.parse::<u64>().map(Snowflake).map_err(|_| IdError::Parse)
    }
}

impl Serialize for Snowflake {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Snowflake {
    /// Accepts the decimal string, and, leniently, a non-negative integer.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SnowflakeVisitor;

        impl Visitor<'_> for SnowflakeVisitor {
            type Value = Snowflake;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ID as a decimal string")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Snowflake, E> {
                v.parse().map_err(|_| E::custom("an ID is a decimal string below 2^64"))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Snowflake, E> {
                Ok(Snowflake(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Snowflake, E> {
                u64::try_from(v).map(Snowflake).map_err(|_| E::custom("an ID is not negative"))
            }
        }

        deserializer.deserialize_any(SnowflakeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_does_not_parse() {
        for bad in ["", "-1", "+1", " 1", "1 ", "1.0", "abc", "18446744073709551616", "0x10"] {
            assert_eq!(bad.parse::<Snowflake>(), Err(IdError::Parse), "{bad:?}");
        }
        assert_eq!("18446744073709551615".parse::<Snowflake>(), Ok(Snowflake(u64::MAX)));
    }

    #[test]
    fn serde_uses_strings_and_accepts_numbers() {
        let id = Snowflake(u64::MAX);
        let json = serde_json::to_string(&id).expect("serialize");
        assert_eq!(json, "\"18446744073709551615\"");
        assert_eq!(serde_json::from_str::<Snowflake>(&json).expect("deserialize"), id);
        assert_eq!(serde_json::from_str::<Snowflake>("42").expect("number"), Snowflake(42));
        assert!(serde_json::from_str::<Snowflake>("-1").is_err());
        assert!(serde_json::from_str::<Snowflake>("\"x\"").is_err());
    }
}
