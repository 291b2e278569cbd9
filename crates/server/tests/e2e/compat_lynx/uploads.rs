//! Uploads through the Lynx routes (into the default disk store): every slot, the file
//! object they answer with, `get-file` and `file-info`, and the replaced file's cleanup.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde_json::{json, Value};

use super::{failure, id, success, Lynx};
use crate::media::jpeg_with_exif;

/// Two seconds of silence as a WAV file.
fn wav() -> Vec<u8> {
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
    wav
}

/// The head of an MP4 file (an `ftyp` box), enough to be recognised as video.
fn mp4() -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.resize(2048, 0);
    bytes
}

fn jpeg() -> Vec<u8> {
    jpeg_with_exif(40, 20)
}

/// A multipart form with the files in `file`, and other fields beside them (ignored).
pub fn form(files: Vec<(Vec<u8>, &str)>) -> Form {
    named(files, |_| "file".to_owned())
}

/// A form as the Angular client builds it: the files in `file0`, `file1`…
pub fn numbered(files: Vec<(Vec<u8>, &str)>) -> Form {
    named(files, |i| format!("file{i}"))
}

fn named(files: Vec<(Vec<u8>, &str)>, field: impl Fn(usize) -> String) -> Form {
    let mut form = Form::new().text("title", "not JSON, and ignored").text("_id", "");
    for (i, (bytes, name)) in files.into_iter().enumerate() {
        form = form.part(field(i), Part::bytes(bytes).file_name(name.to_owned()));
    }
    form
}

pub async fn upload(lynx: &Lynx, path: &str, form: Form) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(lynx.app.url(path))
        .header("authorization", &lynx.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The file object's shape, and that its `location` serves the bytes.
async fn check_file(lynx: &Lynx, file: &Value, mime: &str) {
    for key in ["_id", "title", "titleEng", "location", "size", "type", "createdAt", "updatedAt"] {
        assert!(file[key].is_string(), "{key} in {file}");
    }
    assert!(file["size"].as_str().is_some_and(|s| s.parse::<u64>().is_ok()), "size as a string: {file}");
    assert_eq!(file["cdnUrl"], Value::Null, "no CDN configured");
    assert_eq!(file["metadata"]["mimeType"], mime);
    assert!(file["checksums"].get("etag").is_some(), "{file}");
    let location = file["location"].as_str().expect("location");
    assert_eq!(location, lynx.app.url(&format!("/api/main/get-file/{}", id(file))), "absolute, on this server");
    let served = reqwest::get(location).await.expect("get-file");
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], mime);
    assert_eq!(served.bytes().await.expect("bytes").len().to_string(), file["size"].as_str().unwrap_or_default());
}

#[tokio::test]
async fn every_upload_route_fills_its_slot_and_answers_the_file() {
    let lynx = Lynx::start().await;
    let album = lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Disco"})), "album").await;
    let (status, answer) = upload(
        &lynx,
        &format!("/api/main/upload-file-album/{}", id(&album)),
        form(vec![(jpeg(), "PortadaEnglishTitleCover.jpg")]),
    )
    .await;
    let file = success(status, &answer, "file", "album upload");
    assert_eq!(answer["album"]["img"], file, "the document, with the file populated");
    assert_eq!(
        (&file["title"], &file["titleEng"], &file["type"]),
        (&json!("Portada"), &json!("Cover"), &json!("jpeg"))
    );
    assert_eq!(
        (&file["metadata"]["dimensions"]["width"], &file["metadata"]["dimensions"]["height"]),
        (&json!(40), &json!(20))
    );
    check_file(&lynx, &file, "image/jpeg").await;
    let (status, info) = lynx.get(&format!("/api/main/file-info/{}", id(&file))).await;
    assert_eq!(success(status, &info, "file", "file-info"), file);

    let book = lynx.ok(Method::POST, "/api/main/book-img", Some(&json!({"title": "Libro"})), "bookImg").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-book-img/{}", id(&book)), form(vec![(jpeg(), "a.jpg")])).await;
    assert_eq!(success(status, &answer, "bookImg", "book upload")["img"], answer["file"]);

    let video = lynx.ok(Method::POST, "/api/main/video", Some(&json!({"title": "Demo"})), "video").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-video/{}", id(&video)), form(vec![(mp4(), "demo.mp4")])).await;
    assert_eq!(success(status, &answer, "video", "video upload")["video"], answer["file"]);
    check_file(&lynx, &answer["file"], "video/mp4").await;

    let song = lynx.ok(Method::POST, "/api/main/song", Some(&json!({"title": "Canción"})), "song").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-song/{}/song", id(&song)), form(vec![(wav(), "tone.wav")])).await;
    let audio = success(status, &answer, "file", "song upload");
    assert_eq!(audio["metadata"]["duration"], 2.0);
    assert_eq!(audio["metadata"]["dimensions"]["duration"], 2.0);
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-song/{}/coverArt", id(&song)), form(vec![(jpeg(), "c.jpg")]))
            .await;
    let song = success(status, &answer, "song", "cover upload");
    assert_eq!((&song["song"], &song["coverArt"]), (&audio, &answer["file"]));

    let site = lynx
        .ok(Method::POST, "/api/main/web-site", Some(&json!({"title": "T", "type": "t", "desc": "d"})), "website")
        .await;
    for option in ["desktopImg", "tabletImg", "mobileImg"] {
        let path = format!("/api/main/upload-file-web-site/{}/{option}", id(&site));
        let (status, answer) = upload(&lynx, &path, form(vec![(jpeg(), "w.jpg")])).await;
        assert_eq!(success(status, &answer, "website", option)[option], answer["file"]);
    }

    for slot in ["logo", "backgroundImg", "CVImage", "CVBackground"] {
        let (status, answer) =
            upload(&lynx, &format!("/api/main/upload-file-main/{slot}"), form(vec![(jpeg(), "m.jpg")])).await;
        assert_eq!(success(status, &answer, "main", slot)[slot], answer["file"]);
    }
    let (_, main) = lynx.get("/api/main/main").await;
    assert!(main["main"]["CVBackground"]["location"].is_string(), "{main}");
}

#[tokio::test]
async fn a_replaced_file_is_cleaned_up_and_bad_uploads_are_refused() {
    let lynx = Lynx::start().await;
    let album = lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Disco"})), "album").await;
    let path = format!("/api/main/upload-file-album/{}", id(&album));
    let (status, answer) = upload(&lynx, &path, form(vec![(jpeg(), "a.jpg")])).await;
    let first = success(status, &answer, "file", "first");
    // The Angular client names its file parts file0, file1…
    let (status, answer) = upload(&lynx, &path, numbered(vec![(jpeg(), "b.jpg")])).await;
    let second = success(status, &answer, "file", "second");
    assert_ne!(first["_id"], second["_id"]);
    assert_eq!(answer["album"]["img"]["_id"], second["_id"]);
    let (status, answer) = lynx.get(&format!("/api/main/file-info/{}", id(&first))).await;
    failure(status, &answer, 404, "the replaced file is gone");
    let gone = reqwest::get(first["location"].as_str().expect("location")).await.expect("get-file");
    assert_eq!(gone.status(), 404);
    let (status, answer) = upload(&lynx, &path, form(vec![(jpeg(), "c.jpg")]).text("other", "x")).await;
    success(status, &answer, "album", "file0 and extra fields");

    // A sound where an image goes, an unknown slot, no file, an unknown item.
    let (status, answer) = upload(&lynx, &path, form(vec![(wav(), "x.jpg")])).await;
    failure(status, &answer, 415, "audio as an album cover");
    let song = lynx.ok(Method::POST, "/api/main/song", Some(&json!({"title": "C"})), "song").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-song/{}/lyrics", id(&song)), form(vec![(jpeg(), "a.jpg")])).await;
    assert!(failure(status, &answer, 404, "unknown option").contains("song, coverArt"));
    let (status, answer) = upload(&lynx, &path, Form::new().text("title", "no file")).await;
    failure(status, &answer, 422, "no file");
    let (status, answer) =
        upload(&lynx, "/api/main/upload-file-album/262710484852588544", form(vec![(jpeg(), "a.jpg")])).await;
    failure(status, &answer, 404, "unknown album");
    let (status, answer) = upload(&lynx, "/api/main/upload-file-main/favicon", form(vec![(jpeg(), "a.jpg")])).await;
    failure(status, &answer, 404, "unknown main slot");
}

#[tokio::test]
async fn a_put_may_name_another_existing_file_for_a_slot() {
    let lynx = Lynx::start().await;
    let album = lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Disco"})), "album").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-album/{}", id(&album)), form(vec![(jpeg(), "a.jpg")])).await;
    let cover = success(status, &answer, "file", "upload");
    let other =
        lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Otro", "img": cover.clone()})), "album").await;
    assert_eq!(other["img"]["_id"], cover["_id"], "a populated file object names it");

    let song = lynx.ok(Method::POST, "/api/main/song", Some(&json!({"title": "C"})), "song").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-song/{}/song", id(&song)), form(vec![(wav(), "t.wav")])).await;
    let audio = success(status, &answer, "file", "audio");
    let mut back = other.clone();
    back["img"] = audio["_id"].clone();
    let unchanged = lynx.ok(Method::PUT, &format!("/api/main/album/{}", id(&other)), Some(&back), "album").await;
    assert_eq!(unchanged["img"]["_id"], cover["_id"], "audio is not an album cover: the slot stays");
    back["img"] = Value::Null;
    let unchanged = lynx.ok(Method::PUT, &format!("/api/main/album/{}", id(&other)), Some(&back), "album").await;
    assert_eq!(unchanged["img"]["_id"], cover["_id"], "null does not clear it either");
}

#[tokio::test]
async fn on_s3_behind_a_cdn_files_carry_the_cdn_url_and_get_file_redirects_there() {
    let prefix = crate::media::unique_prefix();
    let mut env = crate::media::s3_env(&prefix);
    env.push(("CLOUDFRONT_DOMAIN".into(), "d111111abcdef8.cloudfront.net".into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let lynx = Lynx::start_with(&env).await;
    let album = lynx.ok(Method::POST, "/api/main/album", Some(&json!({"title": "Disco"})), "album").await;
    let (status, answer) =
        upload(&lynx, &format!("/api/main/upload-file-album/{}", id(&album)), form(vec![(jpeg(), "cover.jpg")])).await;
    let file = success(status, &answer, "file", "upload to S3");
    let cdn = file["cdnUrl"].as_str().expect("cdnUrl");
    assert!(cdn.starts_with(&format!("https://d111111abcdef8.cloudfront.net/{prefix}image/")), "{cdn}");
    assert_eq!(file["location"], file["cdnUrl"]);
    let redirect = crate::support::new_client()
        .get(lynx.app.url(&format!("/api/main/get-file/{}", id(&file))))
        .send()
        .await
        .expect("get-file");
    assert_eq!(redirect.status(), 302);
    assert_eq!(redirect.headers()["location"], cdn);

    let (status, answer) = lynx.get("/api/main/s3-status").await;
    success(status, &answer, "storageMode", "s3-status");
    assert_eq!(
        (&answer["storageMode"], &answer["success"], &answer["s3Configured"], &answer["cloudfrontConfigured"]),
        (&json!("s3"), &json!(true), &json!(true), &json!(true))
    );
    let text = answer.to_string();
    for secret in ["folio-test", "127.0.0.1", "secret"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
