//! Reading a multipart upload into the media service without buffering it: the file part
//! is forwarded chunk by chunk through a small channel (actix's payload is not `Send`; the
//! object store wants a `Send` stream), while the service writes it out.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use bytes::Bytes;
use folio_domain::media::{Media, MediaService, UploadRequest};
use folio_domain::objects::ByteStream;
use folio_domain::values::Localized;
use folio_domain::{DomainError, FieldError};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::http::problem::Problem;

/// Chunks in flight between the request and the store: bounds memory per upload.
const CHANNEL_CHUNKS: usize = 8;
/// After a refused upload, at most this much of the rest is read so that the client sees
/// the answer rather than a reset connection.
const DRAIN_LIMIT: usize = 8 * 1024 * 1024;
/// Largest non-file field (the title).
const FIELD_LIMIT: usize = 64 * 1024;

/// Makes an upload's title from its file name.
pub(crate) type TitleOf<'a> = &'a dyn Fn(Option<&str>) -> Localized;

/// How a multipart form names its parts.
pub(crate) struct FormRules<'a> {
    /// Files accepted in one request; one more is refused with a 400.
    pub max_files: usize,
    /// Whether a part carries a file, from its field name and whether it has a file name.
    pub is_file: &'a dyn Fn(&str, bool) -> bool,
    /// A `title` field holds the title as JSON (`{"en": "Cover"}`); when false, every field
    /// that is not a file is read and ignored.
    pub title_field: bool,
    /// A title made from each file's name, for forms that have no title field.
    pub title_of: Option<TitleOf<'a>>,
}

/// Folio's own form: one file in `file`, an optional JSON `title`.
const FOLIO_FORM: FormRules<'static> =
    FormRules { max_files: 1, is_file: &|name, _| name == "file", title_field: true, title_of: None };

pub(crate) async fn receive(
    service: &MediaService,
    request: UploadRequest,
    multipart: Multipart,
) -> Result<Media, Problem> {
    let mut stored = receive_files(service, request, multipart, &FOLIO_FORM).await?;
    stored.pop().ok_or_else(no_file)
}

/// Stores every file of the form, in order; all or nothing (files stored before a refused
/// one are deleted again). At least one file is required.
pub(crate) async fn receive_files(
    service: &MediaService,
    mut request: UploadRequest,
    mut multipart: Multipart,
    rules: &FormRules<'_>,
) -> Result<Vec<Media>, Problem> {
    let mut stored: Vec<Media> = Vec::new();
    let mut late_title: Option<Localized> = None;
    let outcome = async {
        while let Some(field) = multipart.next().await {
            let mut field = field.map_err(|e| bad_request(format!("malformed multipart body: {e}")))?;
            let disposition = field.content_disposition();
            let name = disposition.and_then(|cd| cd.get_name()).unwrap_or_default().to_owned();
            let file_name = disposition.and_then(|cd| cd.get_filename()).map(str::to_owned);
            if (rules.is_file)(&name, file_name.is_some()) {
                if stored.len() >= rules.max_files {
                    return Err(bad_request(if rules.max_files == 1 {
                        "send one file per request".to_owned()
                    } else {
                        format!("send at most {} files per request", rules.max_files)
                    }));
                }
                let mut this = request.clone();
                if let Some(title_of) = rules.title_of {
                    this.title = title_of(file_name.as_deref());
                }
                this.file_name = file_name;
                match upload_field(service, this, &mut field).await {
                    Ok(media) => stored.push(media),
                    Err(error) => {
                        // The multipart stream moves on only once this field is dropped.
                        drop(field);
                        drain_rest(&mut multipart).await;
                        return Err(error);
                    }
                }
            } else if name == "title" && rules.title_field {
                let text = read_small(&mut field).await?;
                let title = parse_title(&text)?;
                if stored.is_empty() {
                    request.title = title;
                } else {
                    late_title = Some(title);
                }
            } else {
                // Other fields (sent by some clients) are ignored.
                while field.next().await.is_some() {}
            }
        }
        if stored.is_empty() {
            return Err(no_file());
        }
        if let Some(title) = late_title {
            for media in &mut stored {
                *media = service.set_title(media.id, title.clone()).await?;
            }
        }
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(stored),
        Err(error) => {
            for media in &stored {
                if let Err(e) = service.delete(media.id).await {
                    tracing::warn!(media_id = %media.id, error = %e, "could not delete a file of a refused upload");
                }
            }
            Err(error)
        }
    }
}

/// Streams one file part into the media service.
async fn upload_field(
    service: &MediaService,
    request: UploadRequest,
    field: &mut actix_multipart::Field,
) -> Result<Media, Problem> {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    let body: ByteStream = Box::pin(
        futures_util::stream::unfold(receiver, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).fuse(),
    );
    // Returns whether the field was read to its end (actix panics if a finished field is
    // polled again).
    let forward = async {
        // Owned here, so the store sees the end of the body when the field ends.
        let sender = sender;
        loop {
            let Some(chunk) = field.next().await else { return true };
            let item = chunk.map_err(|e| std::io::Error::other(e.to_string()));
            let failed = item.is_err();
            if sender.send(item).await.is_err() || failed {
                return false;
            }
        }
    };
    let (result, field_finished) = futures_util::join!(service.upload(request, body), forward);
    match result {
        Ok(media) => Ok(media),
        Err(error) => {
            if !field_finished {
                drain_field(field).await;
            }
            Err(error.into())
        }
    }
}

fn no_file() -> Problem {
    Problem::from(DomainError::Invalid(vec![FieldError::new(
        "file",
        "required",
        "attach the file in a field named `file`",
    )]))
}

fn parse_title(text: &str) -> Result<Localized, Problem> {
    let invalid =
        |message: String| Problem::from(DomainError::Invalid(vec![FieldError::new("title", "invalid", message)]));
    let map: BTreeMap<String, String> = serde_json::from_str(text).map_err(|_| {
        invalid("the title is a JSON object of texts keyed by language, e.g. {\"en\": \"Cover\"}".into())
    })?;
    Localized::parse(map).map_err(invalid)
}

async fn read_small(field: &mut actix_multipart::Field) -> Result<String, Problem> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| bad_request(format!("malformed multipart body: {e}")))?;
        if bytes.len() + chunk.len() > FIELD_LIMIT {
            return Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "a form field is too large"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad_request("form fields are UTF-8 text".into()))
}

/// Reads what is left of a refused field, up to [`DRAIN_LIMIT`].
async fn drain_field(field: &mut actix_multipart::Field) -> bool {
    let mut read = 0usize;
    while let Some(chunk) = field.next().await {
        let Ok(chunk) = chunk else { return false };
        read += chunk.len();
        if read > DRAIN_LIMIT {
            return false;
        }
    }
    true
}

/// Reads the fields after a refused one, so the client gets to read the answer.
async fn drain_rest(multipart: &mut Multipart) {
    while let Some(Ok(mut next)) = multipart.next().await {
        if !drain_field(&mut next).await {
            return;
        }
    }
}

fn bad_request(detail: String) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "bad_request", detail)
}
