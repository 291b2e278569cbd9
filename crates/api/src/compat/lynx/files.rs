//! Files as the Lynx API showed them (its `File` documents, always populated), and its two
//! file routes: `get-file` (the bytes, or a redirect to them) and `file-info`.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use folio_domain::media::Media;
use serde_json::{json, Value};

use super::envelope::{success, LynxError};
use crate::compat::{ids, CompatConfig};
use crate::media::files;
use crate::AppState;

/// What rendering old documents needs: where files are served from, and which language the
/// unsuffixed text fields hold.
#[derive(Debug)]
pub(crate) struct Docs<'a> {
    pub state: &'a AppState,
    /// `APP_PUBLIC_URL`, or the scheme and host this request came to.
    base: String,
    cdn: bool,
    /// The site's default language: `title` holds it, `titleEng` holds English.
    pub lang: String,
}

impl<'a> Docs<'a> {
    pub fn new(req: &HttpRequest, state: &'a AppState) -> Docs<'a> {
        let config = req.app_data::<web::Data<CompatConfig>>();
        let base = match config.and_then(|c| c.public_url.clone()) {
            Some(url) => url,
            None => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        };
        Docs { state, base, cdn: config.is_some_and(|c| c.cdn), lang: state.collections.languages().default.clone() }
    }

    /// A populated `File` document. `location` always works: the CDN's URL when there is
    /// one, else this server's `get-file` route (which redirects to S3 or streams from disk).
    pub fn file(&self, media: &Media) -> Value {
        let cdn_url = if self.cdn { self.state.media.public_url(media) } else { None };
        let location = cdn_url.clone().unwrap_or_else(|| format!("{}/api/main/get-file/{}", self.base, media.id));
        let text = |lang: &str| media.title.get(lang).unwrap_or_default().to_owned();
        let subtype = media.content_type.split('/').nth(1).unwrap_or_default();
        let seconds = media.duration_ms.map(|ms| ms as f64 / 1000.0);
        json!({
            "_id": media.id.to_string(),
            "title": text(&self.lang),
            "titleEng": text("en"),
            "location": location,
            "cdnUrl": cdn_url,
            "size": media.size.to_string(),
            "type": subtype,
            "checksums": {"etag": media.etag, "sha256": media.sha256},
            "metadata": {
                "mimeType": media.content_type,
                "dimensions": {"width": media.width, "height": media.height, "duration": seconds},
                "duration": seconds,
            },
            "createdAt": iso(media.created_at),
            "updatedAt": iso(media.updated_at),
        })
    }
}

/// Dates as JavaScript's `toISOString` writes them, like the old documents.
pub(crate) fn iso(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn media(state: &AppState, raw: &str) -> Result<Media, LynxError> {
    let id = ids::media(state, raw).await.ok_or_else(|| LynxError::not_found("file"))?;
    state.media.get(id).await.map_err(LynxError::from)
}

/// `GET /api/main/get-file/{id}`: a redirect to the CDN or storage URL, or the bytes.
pub(crate) async fn get_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, LynxError> {
    let media = media(&state, &id).await?;
    Ok(files::respond(&req, &state, media.id, None).await?)
}

/// `GET /api/main/file-info/{id}`.
pub(crate) async fn file_info(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, LynxError> {
    let media = media(&state, &id).await?;
    Ok(success([("file", Docs::new(&req, &state).file(&media))]))
}
