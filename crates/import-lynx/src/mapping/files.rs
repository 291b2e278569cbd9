//! A `files` document onto media that points at the object it already has: nothing is
//! copied. The key is `s3Key`, else the path of `location` (the old direct S3 URL, or a
//! local path from before S3), else the path of `cdnUrl`.

use chrono::{DateTime, Utc};
use folio_domain::media::{accepted_category, ExistingObject};
use folio_domain::objects::ObjectKey;
use folio_domain::values::Localized;
use mongodb::bson::Document;

use super::Pairs;
use crate::document::{number_of, quote, Doc, Number};

/// A file as media, with notes on what was guessed or left out; `Err` with the reason
/// when it cannot be media at all.
pub(crate) fn file(doc: &mut Doc<'_>, pairs: &Pairs) -> Result<(ExistingObject, Vec<String>), String> {
    let mut notes = Vec::new();
    let title = pairs.pair(doc, "title").and_then(|value| serde_json::from_value::<Localized>(value).ok());
    let key = object_key(doc)?;
    let checksums = doc.document("checksums");
    let metadata = doc.document("metadata");
    let mime = metadata.and_then(|m| m.get_str("mimeType").ok()).map(str::to_owned);
    let declared = doc.text("type");
    let content_type = content_type(mime.as_deref(), declared.as_deref(), key.as_str()).ok_or_else(|| {
        let seen: Vec<String> = mime.iter().chain(declared.iter()).map(|t| quote(t)).collect();
        format!(
            "its type ({}) is not one Folio serves (PNG, JPEG, GIF, WebP, MP3, OGG, WAV, FLAC, M4A, AAC, MP4, WebM, \
             QuickTime, Matroska, PDF)",
            if seen.is_empty() { format!("from the key {}", quote(key.as_str())) } else { seen.join(", ") }
        )
    })?;
    let category = accepted_category(content_type).ok_or_else(|| format!("{content_type} has no category"))?;
    let size = size(doc, metadata, &mut notes);
    let sha256 = checksums.and_then(|c| c.get_str("sha256").ok()).map(str::trim).filter(|s| !s.is_empty());
    let sha256 = match sha256 {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => Some(hex.to_owned()),
        Some(other) => {
            notes.push(format!("checksums.sha256 {} is not a sha256; left out", quote(other)));
            None
        }
        None => None,
    };
    let etag = checksums.and_then(|c| c.get_str("etag").ok()).map(str::to_owned);
    let dimensions = metadata.and_then(|m| m.get_document("dimensions").ok());
    let dimension = |name: &str| {
        dimensions.and_then(|d| d.get(name)).map(number_of).and_then(Number::value).filter(|n| *n >= 1.0 && *n < 1e9)
    };
    let duration = metadata.and_then(|m| m.get("duration")).map(number_of).and_then(Number::value);
    let created_at = created_at(doc, &mut notes);
    doc.skip("updatedAt");
    let object = ExistingObject {
        key,
        category,
        title: title.unwrap_or_default(),
        size,
        content_type: content_type.to_owned(),
        sha256,
        etag,
        width: dimension("width").map(|w| w as u32),
        height: dimension("height").map(|h| h as u32),
        duration_ms: duration.filter(|s| *s >= 0.0 && *s < 1e9).map(|s| (s * 1000.0).round() as u64),
        created_at,
    };
    Ok((object, notes))
}

/// `s3Key` as it is; else the path of `location`, else of `cdnUrl`.
fn object_key(doc: &mut Doc<'_>) -> Result<ObjectKey, String> {
    let s3_key = doc.text("s3Key");
    let location = doc.text("location");
    let cdn_url = doc.text("cdnUrl");
    if let Some(raw) = s3_key {
        let raw = raw.trim_start_matches('/');
        return ObjectKey::parse(raw).map_err(|e| format!("s3Key {} is not a usable object key: {e}", quote(raw)));
    }
    let mut problems = Vec::new();
    for (field, raw) in [("location", location), ("cdnUrl", cdn_url)] {
        let Some(raw) = raw else { continue };
        match key_of_address(&raw) {
            Some(path) => match ObjectKey::parse(&path) {
                Ok(key) => return Ok(key),
                Err(e) => problems.push(format!("{field} {} gives no usable object key: {e}", quote(&raw))),
            },
            None => problems.push(format!("{field} {} names no object", quote(&raw))),
        }
    }
    if problems.is_empty() {
        Err("no object key: s3Key, location and cdnUrl are all missing".to_owned())
    } else {
        Err(format!("no s3Key, and {}", problems.join("; ")))
    }
}

/// The object key an address names: an `http(s)` URL's path (percent-decoded; on a
/// path-style S3 host, without the bucket), or a relative path as it is.
pub(crate) fn key_of_address(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (host, path) = match raw.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
            let rest = rest.split(['?', '#']).next().unwrap_or_default();
            let (host, path) = rest.split_once('/')?;
            (Some(host.to_ascii_lowercase()), decode(path)?)
        }
        Some(_) => return None,
        None => (None, raw.trim_start_matches("./").to_owned()),
    };
    let path = path.trim_start_matches('/');
    // `s3.region.amazonaws.com/bucket/key` (path style) carries the bucket first;
    // `bucket.s3.region.amazonaws.com/key` (virtual-hosted) and CDNs do not.
    let path_style = host.is_some_and(|h| (h.starts_with("s3.") || h.starts_with("s3-")) && h.contains("amazonaws"));
    let path = if path_style { path.split_once('/')?.1 } else { path };
    (!path.is_empty()).then(|| path.to_owned())
}

fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Node service stored `type` as the second half of the upload's MIME type (`png`,
/// `jpeg`, `mpeg`…); newer files also have `metadata.mimeType`. The first that names a type
/// Folio accepts wins, then the key's extension.
pub(crate) fn content_type(mime: Option<&str>, declared: Option<&str>, key: &str) -> Option<&'static str> {
    let extension = key.rsplit_once('.').map(|(_, ext)| ext).filter(|e| !e.contains('/'));
    [mime, declared, extension].into_iter().flatten().find_map(canonical)
}

fn canonical(raw: &str) -> Option<&'static str> {
    let raw = raw.trim().to_ascii_lowercase();
    let subtype = raw.split(';').next().unwrap_or_default().trim();
    let subtype = subtype.rsplit('/').next().unwrap_or(subtype);
    Some(match subtype {
        "png" => "image/png",
        "jpeg" | "jpg" | "pjpeg" | "jfif" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        // `audio/mpeg` was the song upload's type; a video would have said `mp4`.
        "mpeg" | "mp3" | "mpeg3" | "x-mpeg-3" => "audio/mpeg",
        "ogg" | "oga" | "vorbis" => "audio/ogg",
        "wav" | "x-wav" | "wave" | "vnd.wave" => "audio/x-wav",
        "flac" | "x-flac" => "audio/x-flac",
        "m4a" | "x-m4a" => "audio/m4a",
        "aac" => "audio/aac",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "quicktime" | "mov" => "video/quicktime",
        "x-matroska" | "mkv" => "video/x-matroska",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

/// `size` is a string of digits in the Node model; a number, `metadata.processedSize` or
/// `metadata.originalSize` will do; else 0, said so.
fn size(doc: &mut Doc<'_>, metadata: Option<&Document>, notes: &mut Vec<String>) -> u64 {
    let from_metadata = || {
        ["processedSize", "originalSize"]
            .into_iter()
            .find_map(|name| metadata?.get(name).map(number_of).and_then(Number::value).filter(|n| *n >= 0.0))
    };
    let raw = doc.text("size");
    match doc.number("size") {
        Number::Value(n) if n >= 0.0 => n.round() as u64,
        found => {
            let fallback = from_metadata();
            let what = match (found, raw) {
                (Number::Missing, _) => "no size".to_owned(),
                (_, Some(raw)) => format!("size {} is not a number of bytes", quote(&raw)),
                (_, None) => "size is not a number of bytes".to_owned(),
            };
            match fallback {
                Some(n) => {
                    notes.push(format!("{what}; the size in metadata is used"));
                    n.round() as u64
                }
                None => {
                    notes.push(format!("{what}; recorded as 0"));
                    0
                }
            }
        }
    }
}

/// `createdAt` (Mongoose timestamps), else the time in the ObjectId.
fn created_at(doc: &mut Doc<'_>, notes: &mut Vec<String>) -> Option<DateTime<Utc>> {
    match doc.date("createdAt") {
        Ok(Some(time)) => Some(time),
        Ok(None) => doc.id_time(),
        Err(seen) => {
            notes.push(format!("createdAt {seen} is not a time; the id's time is used"));
            doc.id_time()
        }
    }
}

#[cfg(test)]
mod tests {
    use folio_domain::media::MediaCategory;
    use folio_domain::values::Languages;
    use mongodb::bson::{doc, oid::ObjectId};

    use super::*;

    fn map(stored: &Document) -> Result<(ExistingObject, Vec<String>), String> {
        file(&mut Doc::new(stored), &Pairs::new(&Languages::default()))
    }

    #[test]
    fn a_file_keeps_its_key_and_its_size_given_as_a_string() {
        let id = ObjectId::parse_str("5f5e0f40a1d3e4f5a6b7c8d9").expect("oid");
        let stored = doc! {
            "_id": id, "title": "Portada", "titleEng": "Cover", "location": "https://b.s3.us-east-1.amazonaws.com/x",
            "s3Key": "uploads/albums/1600000000000_5f5e0f40a1d3e4f5a6b7c8d9_portada.png",
            "cdnUrl": "https://cdn.example/uploads/albums/1600000000000_5f5e0f40a1d3e4f5a6b7c8d9_portada.png",
            "size": "48213", "type": "png",
            "checksums": { "etag": "9b2cf535f27731c974343645a3985328", "sha256": null },
            "metadata": { "mimeType": "image/png", "dimensions": { "width": 800, "height": 600 }, "compressionRatio": 0 },
            "createdAt": mongodb::bson::DateTime::from_millis(1_600_000_000_000), "updatedAt": mongodb::bson::DateTime::now(),
        };
        let (object, notes) = map(&stored).expect("a file");
        assert_eq!(object.key.as_str(), "uploads/albums/1600000000000_5f5e0f40a1d3e4f5a6b7c8d9_portada.png");
        assert_eq!(
            (object.size, object.category, object.content_type.as_str()),
            (48213, MediaCategory::Image, "image/png")
        );
        assert_eq!(object.title.get("es"), Some("Portada"));
        assert_eq!(object.title.get("en"), Some("Cover"));
        assert_eq!((object.width, object.height), (Some(800), Some(600)));
        assert_eq!(object.etag.as_deref(), Some("9b2cf535f27731c974343645a3985328"));
        assert_eq!(object.sha256, None);
        assert_eq!(object.created_at, DateTime::from_timestamp_millis(1_600_000_000_000));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn without_s3_key_the_location_or_cdn_path_is_the_key() {
        let stored = doc! { "location": "https://bucket.s3.eu-west-1.amazonaws.com/uploads/songs/1_a_b%20c.mp3", "type": "mpeg", "size": 10 };
        let err = map(&stored).expect_err("a space is no key");
        assert!(err.contains("no usable object key"), "{err}");
        let stored =
            doc! { "location": "https://s3.eu-west-1.amazonaws.com/bucket/uploads/songs/1_a.mp3", "type": "mpeg" };
        let (object, notes) = map(&stored).expect("path style");
        assert_eq!(object.key.as_str(), "uploads/songs/1_a.mp3");
        assert_eq!((object.category, object.content_type.as_str()), (MediaCategory::Audio, "audio/mpeg"));
        assert_eq!(notes, vec!["no size; recorded as 0".to_owned()]);
        let stored = doc! { "cdnUrl": "https://cdn.example/uploads/v/clip.mp4?x=1", "size": "12kb" };
        let (object, notes) = map(&stored).expect("cdn");
        assert_eq!((object.key.as_str(), object.category), ("uploads/v/clip.mp4", MediaCategory::Video));
        assert_eq!(notes, vec!["size \"12kb\" is not a number of bytes; recorded as 0".to_owned()]);
        assert_eq!(
            map(&doc! { "title": "huérfano" }).expect_err("no key"),
            "no object key: s3Key, location and cdnUrl are all missing"
        );
    }

    #[test]
    fn types_folio_does_not_serve_are_refused_with_what_was_seen() {
        let err = map(&doc! { "s3Key": "uploads/x/logo.svg", "type": "svg+xml" }).expect_err("svg");
        assert!(err.contains("\"svg+xml\"") && err.contains("not one Folio serves"), "{err}");
        let (object, _) = map(&doc! { "s3Key": "uploads/x/photo.JPG", "size": 1 }).expect("from the extension");
        assert_eq!(object.content_type, "image/jpeg");
    }

    #[test]
    fn sizes_fall_back_to_the_metadata_and_bad_hashes_are_left_out() {
        let stored = doc! {
            "s3Key": "a/b.png", "size": "?", "metadata": { "processedSize": 2048, "duration": 1.5 },
            "checksums": { "sha256": "nope" },
        };
        let (object, notes) = map(&stored).expect("a file");
        assert_eq!((object.size, object.duration_ms, object.sha256), (2048, Some(1500), None));
        assert_eq!(
            notes,
            vec![
                "size \"?\" is not a number of bytes; the size in metadata is used".to_owned(),
                "checksums.sha256 \"nope\" is not a sha256; left out".to_owned(),
            ]
        );
    }

    #[test]
    fn addresses_become_keys() {
        assert_eq!(key_of_address("https://cdn.example/uploads/a%2Bb.png").as_deref(), Some("uploads/a+b.png"));
        assert_eq!(key_of_address("uploads/local.png").as_deref(), Some("uploads/local.png"));
        assert_eq!(key_of_address("./uploads/local.png").as_deref(), Some("uploads/local.png"));
        assert_eq!(key_of_address("ftp://host/x"), None);
        assert_eq!(key_of_address("https://cdn.example/"), None);
    }
}
