//! Image processing, run in `spawn_blocking`: metadata stripped from the original without
//! re-encoding it (so it keeps its quality), dimensions read, and the web and thumbnail
//! variants rendered.

use std::io::Cursor;

use bytes::Bytes;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use img_parts::{jpeg::Jpeg, png::Png, webp::WebP, ImageEXIF};

use super::VariantName;

/// Largest image side accepted for decoding, and the most memory decoding may take.
const MAX_SIDE: u32 = 20_000;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug)]
pub(crate) struct Rendition {
    pub name: VariantName,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug)]
pub(crate) struct ProcessedImage {
    /// The original with its metadata removed.
    pub original: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Rendition>,
}

/// Strips, measures and renders. `Err` says why the image cannot be used.
pub(crate) fn process(bytes: Vec<u8>, mime: &str) -> Result<ProcessedImage, String> {
    let original = strip_metadata(bytes, mime)?;
    let mut reader =
        ImageReader::new(Cursor::new(&original)).with_guessed_format().map_err(|e| format!("unreadable image: {e}"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| format!("unreadable image: {e}"))?;
    let (width, height) = (image.width(), image.height());
    let variants = vec![render(&image, VariantName::Web, 1920, 1080)?, render(&image, VariantName::Thumb, 400, 400)?];
    Ok(ProcessedImage { original, width, height, variants })
}

/// Fitted inside `max_w`×`max_h` (never enlarged); PNG when the image has transparency,
/// JPEG otherwise.
fn render(image: &DynamicImage, name: VariantName, max_w: u32, max_h: u32) -> Result<Rendition, String> {
    let fitted = if image.width() > max_w || image.height() > max_h {
        image.resize(max_w, max_h, image::imageops::FilterType::Triangle)
    } else {
        image.clone()
    };
    let mut out = Cursor::new(Vec::new());
    let (content_type, extension) = if fitted.color().has_alpha() {
        fitted.write_to(&mut out, ImageFormat::Png).map_err(|e| format!("encoding a variant: {e}"))?;
        ("image/png", "png")
    } else {
        let rgb = DynamicImage::ImageRgb8(fitted.to_rgb8());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        rgb.write_with_encoder(encoder).map_err(|e| format!("encoding a variant: {e}"))?;
        ("image/jpeg", "jpg")
    };
    Ok(Rendition {
        name,
        bytes: out.into_inner(),
        content_type,
        extension,
        width: fitted.width(),
        height: fitted.height(),
    })
}

/// Removes EXIF (camera, GPS position, time), XMP, IPTC and text chunks. Colour profiles
/// stay: they are rendering data, not metadata about the photographer.
fn strip_metadata(bytes: Vec<u8>, mime: &str) -> Result<Vec<u8>, String> {
    let bytes = Bytes::from(bytes);
    let bad = |e: img_parts::Error| format!("unreadable image: {e}");
    Ok(match mime {
        "image/jpeg" => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(bad)?;
            // APP1 holds EXIF and XMP, APP13 IPTC, COM comments.
            jpeg.segments_mut().retain(|s| {
                !matches!(
                    s.marker(),
                    img_parts::jpeg::markers::APP1 | img_parts::jpeg::markers::APP13 | img_parts::jpeg::markers::COM
                )
            });
            jpeg.encoder().bytes().to_vec()
        }
        "image/png" => {
            let mut png = Png::from_bytes(bytes).map_err(bad)?;
            png.chunks_mut().retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
            png.encoder().bytes().to_vec()
        }
        "image/webp" => {
            let mut webp = WebP::from_bytes(bytes).map_err(bad)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes().to_vec()
        }
        // GIF carries no EXIF; comment extensions are harmless text.
        _ => bytes.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Jpeg).expect("encode");
        out.into_inner()
    }

    fn with_exif(bytes: Vec<u8>) -> Vec<u8> {
        let mut jpeg = Jpeg::from_bytes(Bytes::from(bytes)).expect("jpeg");
        jpeg.set_exif(Some(Bytes::from_static(b"Exif\0\0MM\0*GPS-SECRET-LOCATION")));
        jpeg.encoder().bytes().to_vec()
    }

    #[test]
    fn exif_is_removed_and_variants_fit_their_boxes() {
        let input = with_exif(jpeg(2400, 1200));
        assert!(input.windows(10).any(|w| w == b"GPS-SECRET"));
        let processed = process(input, "image/jpeg").expect("processed");
        assert!(!processed.original.windows(10).any(|w| w == b"GPS-SECRET"));
        assert_eq!((processed.width, processed.height), (2400, 1200));
        let web = &processed.variants[0];
        assert_eq!((web.width, web.height), (1920, 960));
        let thumb = &processed.variants[1];
        assert_eq!((thumb.width, thumb.height), (400, 200));
        assert_eq!(thumb.content_type, "image/jpeg");
    }

    #[test]
    fn small_images_are_not_enlarged() {
        let processed = process(jpeg(300, 200), "image/jpeg").expect("processed");
        assert!(processed.variants.iter().all(|v| (v.width, v.height) == (300, 200)));
    }

    #[test]
    fn a_truncated_image_is_an_error_not_a_panic() {
        let mut bytes = jpeg(64, 64);
        bytes.truncate(40);
        assert!(process(bytes, "image/jpeg").is_err());
    }
}
