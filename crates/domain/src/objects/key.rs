use std::fmt;

/// An object key that cannot escape its store: relative, `/`-separated segments of
/// `[A-Za-z0-9._-]`, no empty, `.` or `..` segment, at most 512 bytes. Built by Folio, never
/// taken from a client as is.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub const MAX_LEN: usize = 512;

    pub fn parse(raw: &str) -> Result<ObjectKey, String> {
        if raw.is_empty() || raw.len() > Self::MAX_LEN {
            return Err(format!("an object key has 1 to {} bytes", Self::MAX_LEN));
        }
        for segment in raw.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err("an object key has no empty, `.` or `..` segment".into());
            }
            if !segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
                return Err("an object key uses only letters, digits, `.`, `_`, `-` and `/`".into());
            }
        }
        Ok(ObjectKey(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectKey({})", self.0)
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_or_carry_odd_bytes() {
        assert!(ObjectKey::parse("media/image/2026/11/123-photo.jpg").is_ok());
        for bad in ["", "/abs", "a//b", "../x", "a/../b", "a/./b", "a\\b", "a b", "ü", "a/", "x\0y"] {
            assert!(ObjectKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ObjectKey::parse(&"a".repeat(513)).is_err());
    }
}
