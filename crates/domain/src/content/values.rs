//! Value types of collection fields: links, colours, embed snippets and track lengths.

use serde::{Deserialize, Serialize};

/// An absolute `http` or `https` URL of at most 2048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpUrl(String);

impl HttpUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(raw: &str) -> Result<HttpUrl, String> {
        let raw = raw.trim();
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(format!("a URL has at most {} characters", Self::MAX_CHARS));
        }
        let url = url::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err("expected an http or https URL".to_owned());
        }
        Ok(HttpUrl(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HttpUrl {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        HttpUrl::parse(&value)
    }
}

impl From<HttpUrl> for String {
    fn from(value: HttpUrl) -> Self {
        value.0
    }
}

/// A CSS hex colour, `#rgb` or `#rrggbb`, stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HexColor(String);

impl HexColor {
    pub fn parse(raw: &str) -> Result<HexColor, String> {
        let hex = raw.trim().strip_prefix('#').ok_or_else(|| "expected a colour like #1a2b3c or #abc".to_owned())?;
        if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("expected a colour like #1a2b3c or #abc".to_owned());
        }
        Ok(HexColor(format!("#{}", hex.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HexColor {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        HexColor::parse(&value)
    }
}

impl From<HexColor> for String {
    fn from(value: HexColor) -> Self {
        value.0
    }
}

/// An embed snippet (an `<iframe>`, say), kept exactly as given and only ever returned as
/// data: Folio never renders it, so it is not sanitized, only bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Embed(String);

impl Embed {
    pub const MAX_BYTES: usize = 10 * 1024;
}

impl TryFrom<String> for Embed {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        if value.len() > Self::MAX_BYTES {
            return Err(format!("an embed has at most {} bytes", Self::MAX_BYTES));
        }
        Ok(Embed(value))
    }
}

impl From<Embed> for String {
    fn from(value: Embed) -> Self {
        value.0
    }
}

/// A track length as people write it: `m:ss` or `h:mm:ss` (`3:45`, `1:02:03`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackLength(String);

impl TryFrom<String> for TrackLength {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        let value = value.trim();
        let parts: Vec<&str> = value.split(':').collect();
        let digits = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
        let ok = match parts.as_slice() {
            [m, s] => digits(m, 3) && s.len() == 2 && digits(s, 2) && s < &"60",
            [h, m, s] => {
                digits(h, 2) && m.len() == 2 && digits(m, 2) && m < &"60" && s.len() == 2 && digits(s, 2) && s < &"60"
            }
            _ => false,
        };
        if ok {
            Ok(TrackLength(value.to_owned()))
        } else {
            Err("expected a length like 3:45 or 1:02:03".to_owned())
        }
    }
}

impl From<TrackLength> for String {
    fn from(value: TrackLength) -> Self {
        value.0
    }
}

/// Short labels (article tags, SEO keywords): trimmed, without empty or repeated ones
/// (compared case-insensitively), at most [`Tags::MAX`] of at most [`Tags::MAX_CHARS`] each.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Tags(Vec<String>);

impl Tags {
    pub const MAX: usize = 50;
    pub const MAX_CHARS: usize = 60;

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl TryFrom<Vec<String>> for Tags {
    type Error = String;
    fn try_from(values: Vec<String>) -> Result<Self, String> {
        let mut tags: Vec<String> = Vec::with_capacity(values.len());
        for value in values {
            let tag = value.trim();
            if tag.is_empty() || tags.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
                continue;
            }
            if tag.chars().count() > Self::MAX_CHARS || tag.contains('|') {
                return Err(format!("a tag has at most {} characters and no `|`", Self::MAX_CHARS));
            }
            tags.push(tag.to_owned());
        }
        if tags.len() > Self::MAX {
            return Err(format!("at most {} tags", Self::MAX));
        }
        Ok(Tags(tags))
    }
}

impl From<Tags> for Vec<String> {
    fn from(value: Tags) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_links() {
        assert_eq!(
            HttpUrl::parse("https://open.spotify.com/album/1").expect("valid").as_str(),
            "https://open.spotify.com/album/1"
        );
        for bad in ["ftp://example.com", "javascript:alert(1)", "example.com", "http://", ""] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(HttpUrl::parse(&format!("https://example.com/{}", "a".repeat(2100))).is_err());
    }

    #[test]
    fn colours_are_three_or_six_hex_digits() {
        assert_eq!(HexColor::parse("#ABC").expect("valid").as_str(), "#abc");
        assert!(HexColor::parse("#a1b2c3").is_ok());
        for bad in ["abc", "#abcd", "#ggg", "#", "red"] {
            assert!(HexColor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn track_lengths_and_embeds_are_bounded() {
        assert!(TrackLength::try_from("3:45".to_owned()).is_ok());
        assert!(TrackLength::try_from("1:02:03".to_owned()).is_ok());
        for bad in ["3:75", "345", "a:bc", "3:4"] {
            assert!(TrackLength::try_from(bad.to_owned()).is_err(), "{bad}");
        }
        assert!(Embed::try_from("x".repeat(10 * 1024)).is_ok());
        assert!(Embed::try_from("x".repeat(10 * 1024 + 1)).is_err());
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        let tags = Tags::try_from(vec![" Rust ".to_owned(), "rust".to_owned(), String::new(), "Web".to_owned()])
            .expect("valid");
        assert_eq!(tags.iter().collect::<Vec<_>>(), vec!["Rust", "Web"]);
        assert!(Tags::try_from(vec!["x".repeat(61)]).is_err());
        assert!(Tags::try_from(vec!["a|b".to_owned()]).is_err());
        assert!(Tags::try_from((0..51).map(|i| i.to_string()).collect::<Vec<_>>()).is_err());
    }
}
