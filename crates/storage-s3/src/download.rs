//! Reading objects: `HEAD` for metadata, `GET` (whole or ranged) as a stream of the response
//! body, never buffered whole.

use std::io;
use std::time::Duration;

use chrono::{DateTime, Utc};
use folio_domain::objects::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta};
use folio_domain::DomainError;
use futures_util::StreamExt;
use http::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, LAST_MODIFIED};
use http::{HeaderMap, StatusCode};
use s3::command::Command;
use s3::error::S3Error;
use s3::request::tokio_backend::ReqwestRequest;
use s3::request::Request;
use s3::Bucket;

use crate::error::{error_code, from_s3};

/// The object, or the part of it `range` names. `None` when there is no such object.
pub(crate) async fn get(
    bucket: &Bucket,
    timeout: Duration,
    key: &ObjectKey,
    range: Option<ByteRange>,
) -> Result<Option<ObjectBody>, DomainError> {
    // S3 ignores a malformed range and sends the whole object; refuse it before asking.
    if let Some(ByteRange { start, end: Some(end) }) = range {
        if end < start {
            return Err(unsatisfiable(start));
        }
    }
    let command = match range {
        Some(ByteRange { start, end }) => Command::GetObjectRange { start, end },
        None => Command::GetObject,
    };
    let response = match send(bucket, timeout, key, command).await {
        Ok(response) => response,
        Err(S3Error::HttpFailWithBody(404, body)) if error_code(&body) == Some("NoSuchBucket") => {
            return Err(DomainError::Internal(format!("the bucket `{}` does not exist", bucket.name)));
        }
        Err(S3Error::HttpFailWithBody(404, _)) => return Ok(None),
        Err(S3Error::HttpFailWithBody(416, _)) => return Err(unsatisfiable(range.map_or(0, |r| r.start))),
        Err(err) => return Err(from_s3(err)),
    };
    let (meta, served) = meta_from_headers(key, response.status(), response.headers())?;
    if range.is_some() && served.is_none() {
        return Err(DomainError::Internal("object storage ignored the Range header".into()));
    }
    Ok(Some(ObjectBody { meta, range: served, stream: body_stream(response, timeout) }))
}

/// The object's metadata, `None` when there is no such object.
pub(crate) async fn head(
    bucket: &Bucket,
    timeout: Duration,
    key: &ObjectKey,
) -> Result<Option<ObjectMeta>, DomainError> {
    match send(bucket, timeout, key, Command::HeadObject).await {
        Ok(response) => Ok(Some(meta_from_headers(key, response.status(), response.headers())?.0)),
        Err(S3Error::HttpFailWithBody(404, _)) => Ok(None),
        Err(err) => Err(from_s3(err)),
    }
}

/// One request, answered within `timeout` as far as its headers go. `bucket` sets no overall
/// deadline of its own, so a body can stream for as long as the reader keeps up.
async fn send(
    bucket: &Bucket,
    timeout: Duration,
    key: &ObjectKey,
    command: Command<'_>,
) -> Result<reqwest::Response, S3Error> {
    let request = ReqwestRequest::new(bucket, key.as_str(), command).await?;
    match tokio::time::timeout(timeout, request.response()).await {
        Ok(outcome) => outcome,
        Err(_) => Err(S3Error::Io(io::Error::new(io::ErrorKind::TimedOut, "no answer within the request timeout"))),
    }
}

/// The response body, failing when nothing arrives for `idle` (a stalled connection would
/// otherwise hold the reader forever).
fn body_stream(response: reqwest::Response, idle: Duration) -> ByteStream {
    let chunks = Box::pin(response.bytes_stream());
    Box::pin(futures_util::stream::unfold(Some(chunks), move |state| async move {
        let mut chunks = state?;
        match tokio::time::timeout(idle, chunks.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(chunks))),
            Ok(Some(Err(err))) => Some((Err(io::Error::other(err)), None)),
            Ok(None) => None,
            Err(_) => {
                tracing::warn!(idle_ms = idle.as_millis() as u64, "object storage stopped sending a body");
                Some((Err(io::Error::new(io::ErrorKind::TimedOut, "object storage stopped sending")), None))
            }
        }
    }))
}

/// Metadata from a `HEAD` or `GET` answer, and the bytes a `206` serves.
pub(crate) fn meta_from_headers(
    key: &ObjectKey,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<(ObjectMeta, Option<(u64, u64)>), DomainError> {
    let text = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
    let malformed = |what: &str| DomainError::Internal(format!("object storage sent a malformed {what}"));
    let (size, served) = if status == StatusCode::PARTIAL_CONTENT {
        let (start, end, size) =
            text(CONTENT_RANGE).and_then(parse_content_range).ok_or_else(|| malformed("Content-Range"))?;
        (size, Some((start, end)))
    } else {
        let size = text(CONTENT_LENGTH).and_then(|v| v.parse().ok()).ok_or_else(|| malformed("Content-Length"))?;
        (size, None)
    };
    let meta = ObjectMeta {
        key: key.clone(),
        size,
        content_type: text(CONTENT_TYPE).map(str::to_owned),
        etag: text(ETAG).map(unquote),
        last_modified: text(LAST_MODIFIED).and_then(parse_http_date),
    };
    Ok((meta, served))
}

/// `bytes 10-19/100` → `(10, 19, 100)`.
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, size) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    Some((start.trim().parse().ok()?, end.trim().parse().ok()?, size.trim().parse().ok()?))
}

/// An entity tag without its quotes (S3 sends `"…"`; some services send it bare).
pub(crate) fn unquote(etag: &str) -> String {
    etag.trim().trim_start_matches("W/").trim_matches('"').to_owned()
}

fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value).ok().map(|t| t.with_timezone(&Utc))
}

fn unsatisfiable(start: u64) -> DomainError {
    DomainError::invalid("range", "range_not_satisfiable", format!("the object has no byte at offset {start}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ObjectKey {
        ObjectKey::parse("media/a.bin").expect("key")
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn a_whole_object_answer_gives_its_metadata() {
        let h = headers(&[
            ("content-length", "14"),
            ("content-type", "text/plain"),
            ("etag", "\"9a0364b9e99bb480dd25e1f0284c8555\""),
            ("last-modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ]);
        let (meta, served) = meta_from_headers(&key(), StatusCode::OK, &h).expect("meta");
        assert_eq!(served, None);
        assert_eq!(meta.size, 14);
        assert_eq!(meta.content_type.as_deref(), Some("text/plain"));
        assert_eq!(meta.etag.as_deref(), Some("9a0364b9e99bb480dd25e1f0284c8555"));
        assert_eq!(meta.last_modified.map(|t| t.to_rfc3339()).as_deref(), Some("2015-10-21T07:28:00+00:00"));
    }

    #[test]
    fn a_partial_answer_gives_the_whole_size_and_the_bytes_served() {
        let h = headers(&[("content-length", "10"), ("content-range", "bytes 10-19/100")]);
        let (meta, served) = meta_from_headers(&key(), StatusCode::PARTIAL_CONTENT, &h).expect("meta");
        assert_eq!((meta.size, served), (100, Some((10, 19))));
        assert!(meta_from_headers(&key(), StatusCode::PARTIAL_CONTENT, &headers(&[("content-range", "bytes */100")]))
            .is_err());
    }
}
