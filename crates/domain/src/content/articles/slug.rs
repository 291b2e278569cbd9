use std::fmt;

use serde::{Deserialize, Serialize};

/// An article's address: lower-case ASCII letters, digits and single hyphens, 1 to 120
/// characters, not only digits (so that `/articles/{slug-or-id}` is never ambiguous).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Slug, String> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_CHARS
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if !ok {
            return Err(format!(
                "a slug is 1 to {} lower-case letters, digits and single hyphens, like `my-first-post`",
                Self::MAX_CHARS
            ));
        }
        if raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a slug needs at least one letter (numbers alone are ids)".to_owned());
        }
        Ok(Slug(raw.to_owned()))
    }

    /// A slug made from a title: accents dropped, anything else non-alphanumeric becoming a
    /// hyphen. `None` when nothing usable is left.
    pub fn from_title(title: &str) -> Option<Slug> {
        let mut out = String::new();
        for c in title.chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let mut out = out.trim_end_matches('-').to_owned();
        if out.len() > Self::MAX_CHARS {
            out.truncate(Self::MAX_CHARS);
            out = out.trim_end_matches('-').to_owned();
        }
        if !out.is_empty() && out.bytes().all(|b| b.is_ascii_digit()) {
            out.insert_str(0, "n-");
        }
        Slug::parse(&out).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The unaccented letters of the Latin characters Spanish and its neighbours use.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &[char] = match c {
        'á' | 'à' | 'ä' | 'â' | 'ã' | 'Á' | 'À' | 'Ä' | 'Â' | 'Ã' => &['a'],
        'é' | 'è' | 'ë' | 'ê' | 'É' | 'È' | 'Ë' | 'Ê' => &['e'],
        'í' | 'ì' | 'ï' | 'î' | 'Í' | 'Ì' | 'Ï' | 'Î' => &['i'],
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'Ó' | 'Ò' | 'Ö' | 'Ô' | 'Õ' => &['o'],
        'ú' | 'ù' | 'ü' | 'û' | 'Ú' | 'Ù' | 'Ü' | 'Û' => &['u'],
        'ñ' | 'Ñ' => &['n'],
        'ç' | 'Ç' => &['c'],
        _ => &[],
    };
    let keep = folded.is_empty().then_some(c);
    folded.iter().copied().chain(keep)
}

impl TryFrom<String> for Slug {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Slug::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_and_never_just_digits() {
        assert!(Slug::parse("hello-world-2").is_ok());
        for bad in ["", "Hello", "a--b", "-a", "a-", "a b", "123", "ñu"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn titles_become_slugs() {
        let slug = |t: &str| Slug::from_title(t).map(|s| s.0);
        assert_eq!(slug("¡Hola, Señor Ñandú!").as_deref(), Some("hola-senor-nandu"));
        assert_eq!(slug("  Rust & Web  ").as_deref(), Some("rust-web"));
        assert_eq!(slug("2025").as_deref(), Some("n-2025"));
        assert_eq!(slug("!!!"), None);
    }
}
