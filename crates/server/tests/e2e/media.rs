//! Uploads end to end, on the disk store (the embedded default) and on S3 (s3s-fs).

use std::io::Cursor;

use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{new_client, TestApp};

/// A JPEG whose EXIF block carries a GPS marker the tests look for.
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    }));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).expect("encode");
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(out.into_inner().into()).expect("jpeg");
    use img_parts::ImageEXIF;
    jpeg.set_exif(Some(bytes::Bytes::from_static(b"Exif\0\0MM\0*GPS-SECRET-LOCATION")));
    jpeg.encoder().bytes().to_vec()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image =
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(width, height, image::Rgba([1, 2, 3, 128])));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("encode");
    out.into_inner()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
    bytes: Vec<u8>,
    file_name: &str,
    declared_type: &str,
) -> reqwest::Response {
    let part = Part::bytes(bytes).file_name(file_name.to_owned()).mime_str(declared_type).expect("mime");
    let form = Form::new().text("title", r#"{"en": "Cover", "es": "Portada"}"#).part("file", part);
    client.post(app.url(&format!("/api/v1/media{query}"))).multipart(form).send().await.expect("upload")
}

/// Every stored file under the disk store's root (sidecars and temp files aside).
fn stored_files(app: &TestApp) -> Vec<String> {
    let root = app.data_dir.path().join("objects");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == ".meta" || name == ".tmp" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(&root).expect("under root").display().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn an_image_upload_is_stripped_measured_and_served_with_variants() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let original = jpeg_with_exif(2400, 1200);
    assert!(contains(&original, b"GPS-SECRET"));
    let response = upload(&app, &client, "?category=image", original, "holiday.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let media: Value = response.json().await.expect("json");
    assert_eq!(media["category"], "image");
    assert_eq!(media["content_type"], "image/jpeg");
    assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(2400), Some(1200)));
    assert_eq!(media["title"]["es"], "Portada");
    let variants = media["variants"].as_array().expect("variants");
    let dims = |name: &str| {
        let v = variants.iter().find(|v| v["name"] == name).expect("variant");
        (v["width"].as_u64().expect("w"), v["height"].as_u64().expect("h"))
    };
    assert_eq!(dims("web"), (1920, 960));
    assert_eq!(dims("thumb"), (400, 200));

    let id = media["id"].as_str().expect("id");
    let file = app.get(&format!("/api/v1/files/{id}")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["cache-control"], "public, max-age=31536000, immutable");
    let etag = file.headers()["etag"].to_str().expect("etag").to_owned();
    assert!(file.headers().contains_key("last-modified"));
    let bytes = file.bytes().await.expect("bytes");
    assert!(!contains(&bytes, b"GPS-SECRET"), "EXIF stripped from the stored original");
    assert_eq!(hex::encode(Sha256::digest(&bytes)), media["sha256"].as_str().expect("sha"));
    assert_eq!(bytes.len() as u64, media["size"].as_u64().expect("size"));

    let not_modified = app
        .client
        .get(app.url(&format!("/api/v1/files/{id}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("get");
    assert_eq!(not_modified.status(), 304);
    let partial =
        app.client.get(app.url(&format!("/api/v1/files/{id}"))).header("range", "bytes=0-9").send().await.expect("get");
    assert_eq!(partial.status(), 206);
    assert_eq!(partial.headers()["content-range"], format!("bytes 0-9/{}", bytes.len()).as_str());
    assert_eq!(partial.bytes().await.expect("bytes"), bytes[..10]);
    let unsatisfiable = app
        .client
        .get(app.url(&format!("/api/v1/files/{id}")))
        .header("range", format!("bytes={}-", bytes.len() + 5))
        .send()
        .await
        .expect("get");
    assert_eq!(unsatisfiable.status(), 416);

    let thumb = app.get(&format!("/api/v1/files/{id}?variant=thumb")).await;
    assert_eq!(thumb.status(), 200);
    let thumb = image::load_from_memory(&thumb.bytes().await.expect("bytes")).expect("decodes");
    assert_eq!((thumb.width(), thumb.height()), (400, 200));

    // Three objects: the original and two variants; deleting the media removes them all.
    assert_eq!(stored_files(&app).len(), 3, "{:?}", stored_files(&app));
    let deleted = client.delete(app.url(&format!("/api/v1/media/{id}"))).send().await.expect("delete");
    assert_eq!(deleted.status(), 204);
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
    assert_eq!(app.get(&format!("/api/v1/files/{id}")).await.status(), 404);
}

#[tokio::test]
async fn a_transparent_png_keeps_png_variants_and_the_category_comes_from_the_bytes() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let response = upload(&app, &client, "", png(500, 500), "logo.png", "application/octet-stream").await;
    assert_eq!(response.status(), 201);
    let media: Value = response.json().await.expect("json");
    assert_eq!(media["category"], "image");
    assert!(media["variants"].as_array().expect("variants").iter().all(|v| v["content_type"] == "image/png"));
}

#[tokio::test]
async fn spoofed_types_are_refused_whatever_the_name_and_declared_type() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let as_audio = upload(&app, &client, "?category=audio", png(20, 20), "song.mp3", "audio/mpeg").await;
    assert_eq!(as_audio.status(), 415);
    let body: Value = as_audio.json().await.expect("json");
    assert_eq!(body["code"], "unsupported_media_type");
    let html = b"<!doctype html><html><script>alert(document.cookie)</script></html>".to_vec();
    let as_jpeg = upload(&app, &client, "?category=image", html, "photo.jpg", "image/jpeg").await;
    assert_eq!(as_jpeg.status(), 415);
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec();
    assert_eq!(upload(&app, &client, "", svg, "icon.svg", "image/svg+xml").await.status(), 415);
    assert!(stored_files(&app).is_empty());
    let list: Value = client.get(app.url("/api/v1/media")).send().await.expect("list").json().await.expect("json");
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn a_file_over_its_limit_is_413_and_nothing_is_stored() {
    let app = TestApp::spawn_with(&[("MEDIA_MAX_IMAGE_BYTES", "20000"), ("MEDIA_MAX_DOCUMENT_BYTES", "20000")]).await;
    let (_, client) = app.login_as("editor").await;
    // With a declared length: refused before the body is read.
    let big = jpeg_with_exif(1200, 1200);
    assert!(big.len() > 100_000);
    let response = upload(&app, &client, "?category=image", big, "big.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 413);
    // Streamed without a length: refused as soon as the limit passes.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(300_000, b'x');
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = pdf.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let part = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))).file_name("big.pdf");
    let response =
        client.post(app.url("/api/v1/media")).multipart(Form::new().part("file", part)).send().await.expect("upload");
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "payload_too_large");
    assert!(stored_files(&app).is_empty(), "{:?}", stored_files(&app));
}

#[tokio::test]
async fn path_traversal_in_a_file_name_is_harmless() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let response = upload(&app, &client, "", png(10, 10), "../../../../etc/passwd", "image/png").await;
    assert_eq!(response.status(), 201);
    let files = stored_files(&app);
    assert_eq!(files.len(), 3);
    assert!(files.iter().all(|f| !f.contains("..") && f.starts_with("image/")), "{files:?}");
    assert!(files.iter().any(|f| f.contains("-passwd.png")), "{files:?}");
}

#[tokio::test]
async fn media_routes_need_a_session_but_files_are_public() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    let media: Value = upload(&app, &client, "", png(10, 10), "a.png", "image/png").await.json().await.expect("json");
    let id = media["id"].as_str().expect("id");
    let anonymous = new_client();
    let form = Form::new().part("file", Part::bytes(png(10, 10)).file_name("x.png"));
    assert_eq!(anonymous.post(app.url("/api/v1/media")).multipart(form).send().await.expect("post").status(), 401);
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/media".to_owned()),
        (reqwest::Method::GET, format!("/api/v1/media/{id}")),
        (reqwest::Method::PATCH, format!("/api/v1/media/{id}")),
        (reqwest::Method::DELETE, format!("/api/v1/media/{id}")),
    ] {
        let status = anonymous
            .request(method.clone(), app.url(&path))
            .json(&serde_json::json!({"title": {"en": "x"}}))
            .send()
            .await
            .expect("request")
            .status();
        assert_eq!(status, 401, "{method} {path}");
    }
    assert_eq!(anonymous.get(app.url(&format!("/api/v1/files/{id}"))).send().await.expect("get").status(), 200);

    let renamed = client
        .patch(app.url(&format!("/api/v1/media/{id}")))
        .json(&serde_json::json!({"title": {"en": "Renamed", "fr": "Renommé"}}))
        .send()
        .await
        .expect("patch");
    assert_eq!(renamed.status(), 422, "fr is not a configured language");
    let renamed = client
        .patch(app.url(&format!("/api/v1/media/{id}")))
        .json(&serde_json::json!({"title": {"en": "Renamed"}}))
        .send()
        .await
        .expect("patch");
    assert_eq!(renamed.status(), 200);
    let list: Value = client
        .get(app.url("/api/v1/media?category=image&type=image/png"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["title"]["en"], "Renamed");
}

pub fn s3_env(prefix: &str) -> Vec<(String, String)> {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    vec![
        ("S3_BUCKET_NAME".into(), var("FOLIO_TEST_S3_BUCKET", "folio-test")),
        ("S3_REGION".into(), var("FOLIO_TEST_S3_REGION", "us-east-1")),
        ("S3_ENDPOINT".into(), var("FOLIO_TEST_S3_ENDPOINT", "http://127.0.0.1:9014")),
        ("S3_ACCESS_KEY_ID".into(), var("FOLIO_TEST_S3_ACCESS_KEY", "folio-test-key")),
        ("S3_SECRET_ACCESS_KEY".into(), var("FOLIO_TEST_S3_SECRET_KEY", "folio-test-secret")),
        ("S3_UPLOAD_PREFIX".into(), prefix.to_owned()),
    ]
}

pub fn unique_prefix() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("e2e-{}-{nanos}/", std::process::id())
}

#[tokio::test]
async fn on_s3_files_redirect_to_a_presigned_url_and_delete_removes_every_object() {
    let prefix = unique_prefix();
    let env = s3_env(&prefix);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(&env).await;
    let health: Value = app.get("/health").await.json().await.expect("json");
    assert!(
        health["checks"].as_array().is_some_and(|c| c.iter().any(|c| c["name"] == "objects" && c["status"] == "up")),
        "{health}"
    );
    let (_, client) = app.login_as("editor").await;
    let response = upload(&app, &client, "?category=image", jpeg_with_exif(800, 600), "cover.jpg", "image/jpeg").await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let media: Value = response.json().await.expect("json");
    let id = media["id"].as_str().expect("id");

    let mut locations = Vec::new();
    for query in ["", "?variant=web", "?variant=thumb"] {
        let redirect = app.get(&format!("/api/v1/files/{id}{query}")).await;
        assert_eq!(redirect.status(), 302);
        let location = redirect.headers()["location"].to_str().expect("location").to_owned();
        assert!(location.starts_with(&format!("{}/folio-test/{prefix}image/", env[2].1)), "{location}");
        assert!(location.contains("X-Amz-Signature="), "presigned: {location}");
        locations.push(location);
    }
    let bytes = reqwest::get(&locations[0]).await.expect("presigned get").bytes().await.expect("bytes");
    assert_eq!(hex::encode(Sha256::digest(&bytes)), media["sha256"].as_str().expect("sha"));
    assert!(!contains(&bytes, b"GPS-SECRET"));
    let thumb = reqwest::get(&locations[2]).await.expect("get").bytes().await.expect("bytes");
    let thumb = image::load_from_memory(&thumb).expect("decodes");
    assert_eq!((thumb.width(), thumb.height()), (400, 300));

    assert_eq!(client.delete(app.url(&format!("/api/v1/media/{id}"))).send().await.expect("delete").status(), 204);
    for location in &locations {
        assert_eq!(reqwest::get(location).await.expect("get").status(), 404, "deleted: {location}");
    }
}

#[tokio::test]
async fn with_a_cdn_files_redirect_to_the_cdn_host() {
    let prefix = unique_prefix();
    let mut env = s3_env(&prefix);
    env.push(("CLOUDFRONT_DOMAIN".into(), "d111111abcdef8.cloudfront.net".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(&env).await;
    let (_, client) = app.login_as("editor").await;
    let media: Value =
        upload(&app, &client, "", png(20, 20), "logo.png", "image/png").await.json().await.expect("json");
    let redirect = app.get(&format!("/api/v1/files/{}", media["id"].as_str().expect("id"))).await;
    assert_eq!(redirect.status(), 302);
    let location = redirect.headers()["location"].to_str().expect("location");
    assert!(location.starts_with(&format!("https://d111111abcdef8.cloudfront.net/{prefix}image/")), "{location}");
    assert!(location.ends_with("-logo.png"), "{location}");
}

/// Keys stored under `prefix` in the S3 test bucket.
async fn s3_keys(prefix: &str) -> Vec<String> {
    use folio_domain::objects::ObjectStore;
    let env = s3_env(prefix);
    let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).expect("var");
    let mut config = folio_storage_s3::S3Config::new(
        get("S3_BUCKET_NAME"),
        get("S3_REGION"),
        get("S3_ACCESS_KEY_ID"),
        secrecy::SecretString::from(get("S3_SECRET_ACCESS_KEY")),
    );
    config.endpoint = Some(get("S3_ENDPOINT"));
    let store = folio_storage_s3::S3ObjectStore::new(config).expect("store");
    store.list(prefix).await.expect("list").into_iter().map(|m| m.key.to_string()).collect()
}

#[tokio::test]
async fn on_s3_refused_uploads_store_nothing_and_names_stay_harmless() {
    let prefix = unique_prefix();
    let mut env = s3_env(&prefix);
    env.push(("MEDIA_MAX_DOCUMENT_BYTES".into(), "20000".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = TestApp::spawn_with(&env).await;
    let (_, client) = app.login_as("editor").await;

    assert_eq!(upload(&app, &client, "?category=audio", png(20, 20), "song.mp3", "audio/mpeg").await.status(), 415);
    let html = b"<html><script>alert(1)</script></html>".to_vec();
    assert_eq!(upload(&app, &client, "?category=image", html, "photo.jpg", "image/jpeg").await.status(), 415);
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(300_000, b'x');
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = pdf.chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let part = Part::stream(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))).file_name("big.pdf");
    let response =
        client.post(app.url("/api/v1/media")).multipart(Form::new().part("file", part)).send().await.expect("upload");
    assert_eq!(response.status(), 413);
    assert!(s3_keys(&prefix).await.is_empty(), "nothing stored: {:?}", s3_keys(&prefix).await);

    let response = upload(&app, &client, "", png(10, 10), "../../../../etc/passwd", "image/png").await;
    assert_eq!(response.status(), 201);
    let keys = s3_keys(&prefix).await;
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with(&format!("{prefix}image/")) && !k.contains("..")), "{keys:?}");
}

#[tokio::test]
async fn audio_duration_is_read_from_the_header() {
    let app = TestApp::spawn().await;
    let (_, client) = app.login_as("editor").await;
    // Two seconds of 16-bit mono silence at 8 kHz.
    let data_len: u32 = 2 * 16_000;
    let mut wav = b"RIFF".to_vec();
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for field in [
        16u32.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        1u16.to_le_bytes().to_vec(),
        8000u32.to_le_bytes().to_vec(),
        16_000u32.to_le_bytes().to_vec(),
        2u16.to_le_bytes().to_vec(),
        16u16.to_le_bytes().to_vec(),
    ] {
        wav.extend_from_slice(&field);
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.resize(44 + data_len as usize, 0);
    let response = upload(&app, &client, "?category=audio", wav, "tone.wav", "audio/wav").await;
    assert_eq!(response.status(), 201);
    let media: Value = response.json().await.expect("json");
    assert_eq!(media["content_type"], "audio/x-wav");
    assert_eq!(media["duration_ms"], 2000);
    assert!(media["variants"].as_array().is_some_and(Vec::is_empty));
}

#[tokio::test]
async fn uploads_have_their_own_rate_limit() {
    let app = TestApp::spawn_with(&[("UPLOAD_THROTTLE_LIMIT", "2")]).await;
    let (_, client) = app.login_as("editor").await;
    for _ in 0..2 {
        assert_eq!(upload(&app, &client, "", png(8, 8), "a.png", "image/png").await.status(), 201);
    }
    let limited = upload(&app, &client, "", png(8, 8), "a.png", "image/png").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    // Other requests are not held back by the upload quota.
    assert_eq!(client.get(app.url("/api/v1/media")).send().await.expect("list").status(), 200);
}
