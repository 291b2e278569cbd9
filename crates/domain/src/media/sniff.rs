//! The type of an upload, decided from its first bytes (magic numbers): the client's
//! declared content type and file name are never trusted.

use super::MediaCategory;

/// How many leading bytes detection looks at.
pub(crate) const SNIFF_LEN: usize = 8192;

/// A detected type accepted somewhere: (MIME type, file extension, category).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detected {
    pub mime: &'static str,
    pub extension: &'static str,
    pub category: MediaCategory,
}

/// What each category accepts. SVG and HTML are absent on purpose: they can carry scripts
/// that run on the site's origin.
const ACCEPTED: &[(&str, &str, MediaCategory)] = &[
    ("image/png", "png", MediaCategory::Image),
    ("image/jpeg", "jpg", MediaCategory::Image),
    ("image/gif", "gif", MediaCategory::Image),
    ("image/webp", "webp", MediaCategory::Image),
    ("audio/mpeg", "mp3", MediaCategory::Audio),
    ("audio/ogg", "ogg", MediaCategory::Audio),
    ("audio/x-wav", "wav", MediaCategory::Audio),
    ("audio/x-flac", "flac", MediaCategory::Audio),
    ("audio/m4a", "m4a", MediaCategory::Audio),
    ("audio/aac", "aac", MediaCategory::Audio),
    ("video/mp4", "mp4", MediaCategory::Video),
    ("video/webm", "webm", MediaCategory::Video),
    ("video/quicktime", "mov", MediaCategory::Video),
    ("video/x-matroska", "mkv", MediaCategory::Video),
    ("application/pdf", "pdf", MediaCategory::Document),
];

/// The accepted type of `head`, if it is one. An unrecognised or refused type is `Err`
/// with what was seen (for the 415 message).
pub(crate) fn detect(head: &[u8]) -> Result<Detected, String> {
    let Some(kind) = infer::get(head) else {
        return Err(if looks_like_markup(head) { "text/html or image/svg+xml".into() } else { "unknown".into() });
    };
    ACCEPTED
        .iter()
        .find(|(mime, _, _)| *mime == kind.mime_type())
        .map(|(mime, extension, category)| Detected { mime, extension, category: *category })
        .ok_or_else(|| kind.mime_type().to_owned())
}

/// Whether the category accepts the detected type.
pub(crate) fn accepts(category: MediaCategory, detected: &Detected) -> bool {
    detected.category == category
}

/// The category of an accepted MIME type (`image/png` → image); `None` for any other type.
pub fn accepted_category(content_type: &str) -> Option<MediaCategory> {
    ACCEPTED.iter().find(|(mime, _, _)| *mime == content_type).map(|(_, _, category)| *category)
}

/// The types a category accepts, for error messages.
pub(crate) fn accepted_types(category: MediaCategory) -> Vec<&'static str> {
    ACCEPTED.iter().filter(|(_, _, c)| *c == category).map(|(m, _, _)| *m).collect()
}

fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_not_names() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(detect(png).map(|d| d.mime), Ok("image/png"));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
        assert_eq!(detect(&jpeg).map(|d| d.category), Ok(MediaCategory::Image));
        assert_eq!(detect(b"%PDF-1.7\n").map(|d| d.category), Ok(MediaCategory::Document));
    }

    #[test]
    fn only_accepted_types_have_a_category() {
        assert_eq!(accepted_category("audio/mpeg"), Some(MediaCategory::Audio));
        assert_eq!(accepted_category("image/svg+xml"), None);
        assert_eq!(accepted_category("text/html"), None);
    }

    #[test]
    fn markup_and_unknown_bytes_are_refused() {
        assert!(detect(b"<!doctype html><script>alert(1)</script>").is_err());
        assert!(detect(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>").is_err());
        assert!(detect(b"just some text").is_err());
        assert!(detect(b"").is_err());
    }
}
