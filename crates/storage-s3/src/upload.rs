//! Writing objects. The body is read one part at a time: a body that fits in one part goes
//! as a single `PUT`; a larger one as a multipart upload, one part in flight after another,
//! each part's buffer sent as the request body as it is, so memory stays near one part
//! whatever the object's size. A failure after the upload began aborts it: S3 never shows a
//! partial object, and the parts already sent are discarded rather than billed.

use std::io;

use bytes::Bytes;
use folio_domain::objects::{ByteStream, ObjectKey, ObjectMeta, PutOptions};
use folio_domain::DomainError;
use futures_util::StreamExt;
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, ETAG};
use http::HeaderMap;
use s3::command::{Command, Multipart};
use s3::serde_types::Part;
use s3::Bucket;

use crate::config::Validated;
use crate::download::unquote;
use crate::error::from_s3;
use crate::signing;

/// S3 numbers parts from 1 to 10 000.
const MAX_PARTS: u32 = 10_000;

/// The headers the first request of every upload carries (the single `PUT`, or the
/// multipart initiation): caching and, when a KMS key is configured, SSE-KMS. Part uploads
/// carry none of them: S3 refuses SSE headers there, and keeps what the initiation set.
pub(crate) fn upload_headers(config: &Validated, options: &PutOptions) -> Result<HeaderMap, DomainError> {
    let mut headers = HeaderMap::new();
    if let Some(cache_control) = &options.cache_control {
        let value = HeaderValue::from_str(cache_control).map_err(|_| {
            DomainError::invalid("cache_control", "invalid_format", "Cache-Control holds characters a header cannot")
        })?;
        headers.insert(CACHE_CONTROL, value);
    }
    if let Some(key_id) = &config.kms_key_arn {
        headers.insert(HeaderName::from_static("x-amz-server-side-encryption"), HeaderValue::from_static("aws:kms"));
        headers.insert(HeaderName::from_static("x-amz-server-side-encryption-aws-kms-key-id"), key_id.clone());
    }
    Ok(headers)
}

/// `bucket` with `headers` added to every request it makes: how the first request of an
/// upload gets them (`rust-s3` takes no per-request headers for an initiation).
pub(crate) fn with_headers(bucket: &Bucket, headers: &HeaderMap) -> Bucket {
    let mut bucket = bucket.clone();
    bucket.extra_headers_mut().extend(headers.clone());
    bucket
}

pub(crate) async fn put(
    bucket: &Bucket,
    config: &Validated,
    key: &ObjectKey,
    body: ByteStream,
    options: PutOptions,
) -> Result<ObjectMeta, DomainError> {
    if HeaderValue::from_str(&options.content_type).is_err() {
        return Err(DomainError::invalid(
            "content_type",
            "invalid_format",
            "Content-Type holds characters a header cannot",
        ));
    }
    let first_request = with_headers(bucket, &upload_headers(config, &options)?);
    let mut body = PartReader::new(body, config.part_size, options.content_length);
    let first = body.next_part().await?;
    let etag = if body.has_more().await? {
        put_multipart(bucket, &first_request, key, &options.content_type, first, &mut body).await?
    } else {
        body.check_length()?;
        let command = Command::PutObject {
            content: &first,
            content_type: &options.content_type,
            custom_headers: None,
            multipart: None,
        };
        let prepared = signing::prepare(&first_request, key.as_str(), command).await.map_err(from_s3)?;
        // The part moves into the request body: no copy of it is made.
        let response = signing::send(&first_request, prepared, Bytes::from(first)).await.map_err(from_s3)?;
        response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(unquote).filter(|e| !e.is_empty())
    };
    Ok(ObjectMeta {
        key: key.clone(),
        size: body.read,
        content_type: Some(options.content_type),
        etag,
        last_modified: None,
    })
}

async fn put_multipart(
    bucket: &Bucket,
    first_request: &Bucket,
    key: &ObjectKey,
    content_type: &str,
    first: Vec<u8>,
    body: &mut PartReader,
) -> Result<Option<String>, DomainError> {
    let command = Command::InitiateMultipartUpload { content_type };
    let prepared = signing::prepare(first_request, key.as_str(), command).await.map_err(from_s3)?;
    let response = signing::send(first_request, prepared, Bytes::new()).await.map_err(from_s3)?;
    let answer = response.text().await.map_err(|e| from_s3(e.into()))?;
    let Some(id) = xml_element(&answer, "UploadId") else {
        return Err(DomainError::Internal("object storage began an upload without an UploadId".into()));
    };
    let upload = PendingUpload { bucket: bucket.clone(), key: key.to_string(), id, armed: true };
    match send_parts(bucket, key, &upload.id, content_type, first, body).await {
        Ok(etag) => {
            upload.completed();
            Ok(etag)
        }
        Err(err) => {
            upload.abort().await;
            Err(err)
        }
    }
}

async fn send_parts(
    bucket: &Bucket,
    key: &ObjectKey,
    upload_id: &str,
    content_type: &str,
    first: Vec<u8>,
    body: &mut PartReader,
) -> Result<Option<String>, DomainError> {
    let mut parts: Vec<Part> = Vec::new();
    let mut part = first;
    loop {
        let number = parts.len() as u32 + 1;
        if number > MAX_PARTS {
            return Err(DomainError::invalid("body", "too_large", "the body exceeds 10 000 parts"));
        }
        parts.push(send_part(bucket, key, upload_id, number, content_type, part).await?);
        if !body.has_more().await? {
            break;
        }
        part = body.next_part().await?;
    }
    body.check_length()?;
    let response = bucket.complete_multipart_upload(key.as_str(), upload_id, parts).await.map_err(from_s3)?;
    Ok(response.as_str().ok().and_then(completed_etag))
}

/// Uploads one part; the buffer becomes the request body without a copy.
async fn send_part(
    bucket: &Bucket,
    key: &ObjectKey,
    upload_id: &str,
    number: u32,
    content_type: &str,
    part: Vec<u8>,
) -> Result<Part, DomainError> {
    let command = Command::PutObject {
        content: &part,
        content_type,
        custom_headers: None,
        multipart: Some(Multipart::new(number, upload_id)),
    };
    let prepared = signing::prepare(bucket, key.as_str(), command).await.map_err(from_s3)?;
    let response = signing::send(bucket, prepared, Bytes::from(part)).await.map_err(from_s3)?;
    // Kept quoted, as S3 sent it: the completion request names each part by it.
    let etag = response.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let etag =
        etag.ok_or_else(|| DomainError::Internal(format!("object storage took part {number} without an ETag")))?;
    Ok(Part { part_number: number, etag })
}

/// The `<ETag>` of a `CompleteMultipartUploadResult`, unquoted.
fn completed_etag(xml: &str) -> Option<String> {
    xml_element(xml, "ETag").map(|etag| unquote(&etag)).filter(|e| !e.is_empty())
}

/// The text of the first `<name>` element of a small S3 answer, its quote entities undone
/// (ETags come as `&quot;…&quot;`; upload ids and ETags hold no other escapes).
fn xml_element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..end].replace("&quot;", "\"").replace("&#34;", "\""))
}

/// A multipart upload begun and not yet completed. Dropped unfinished (the caller's future
/// was cancelled, say, when a client disconnects), it aborts the upload in the background.
struct PendingUpload {
    bucket: Bucket,
    key: String,
    id: String,
    armed: bool,
}

impl PendingUpload {
    fn completed(mut self) {
        self.armed = false;
    }

    async fn abort(mut self) {
        // Disarmed only once the abort was sent: cancelled before, it is sent from `drop`.
        let outcome = self.bucket.abort_upload(&self.key, &self.id).await;
        self.armed = false;
        if let Err(err) = outcome {
            tracing::warn!(key = %self.key, error = %err, "could not abort a failed multipart upload");
        }
    }
}

impl Drop for PendingUpload {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (bucket, key, id) = (self.bucket.clone(), std::mem::take(&mut self.key), std::mem::take(&mut self.id));
        runtime.spawn(async move {
            if let Err(err) = bucket.abort_upload(&key, &id).await {
                tracing::warn!(key = %key, error = %err, "could not abort an abandoned multipart upload");
            }
        });
    }
}

/// The body, cut into parts of `part_size` bytes (the last one shorter).
struct PartReader {
    body: ByteStream,
    /// Bytes read from the body and not yet in a part.
    pending: Bytes,
    ended: bool,
    part_size: usize,
    /// Bytes handed out in parts so far.
    read: u64,
    announced: Option<u64>,
}

impl PartReader {
    fn new(body: ByteStream, part_size: usize, announced: Option<u64>) -> Self {
        Self { body, pending: Bytes::new(), ended: false, part_size, read: 0, announced }
    }

    /// The next part: `part_size` bytes, or fewer at the end of the body.
    async fn next_part(&mut self) -> Result<Vec<u8>, DomainError> {
        let expected = self.announced.map_or(self.part_size as u64, |n| n.saturating_sub(self.read));
        let mut part = Vec::with_capacity(expected.min(self.part_size as u64) as usize);
        while part.len() < self.part_size {
            if self.pending.is_empty() {
                match self.next_chunk().await? {
                    Some(chunk) => self.pending = chunk,
                    None => break,
                }
            }
            let take = self.pending.len().min(self.part_size - part.len());
            part.extend_from_slice(&self.pending.split_to(take));
        }
        self.read += part.len() as u64;
        if self.announced.is_some_and(|n| self.read > n) {
            return Err(self.length_mismatch());
        }
        Ok(part)
    }

    /// Whether another part follows (reads ahead one chunk to know).
    async fn has_more(&mut self) -> Result<bool, DomainError> {
        if self.pending.is_empty() {
            match self.next_chunk().await? {
                Some(chunk) => self.pending = chunk,
                None => return Ok(false),
            }
        }
        Ok(true)
    }

    /// At the end of the body: it must be as long as announced.
    fn check_length(&self) -> Result<(), DomainError> {
        match self.announced {
            Some(n) if n != self.read => Err(self.length_mismatch()),
            _ => Ok(()),
        }
    }

    async fn next_chunk(&mut self) -> Result<Option<Bytes>, DomainError> {
        while !self.ended {
            match self.body.next().await {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => return Ok(Some(chunk)),
                Some(Err(err)) => return Err(body_failed(&err)),
                None => self.ended = true,
            }
        }
        Ok(None)
    }

    fn length_mismatch(&self) -> DomainError {
        let announced = self.announced.unwrap_or_default();
        DomainError::invalid(
            "content_length",
            "length_mismatch",
            format!("the body is not the {announced} bytes announced"),
        )
    }
}

/// The body stream failed (the client went away, a file could not be read): the caller's
/// input is incomplete, not the store at fault.
fn body_failed(err: &io::Error) -> DomainError {
    tracing::debug!(error = %err, "an upload's body failed");
    DomainError::invalid("body", "incomplete", "the body could not be read to its end")
}

#[cfg(test)]
mod tests {
    use super::*;
    use folio_domain::testing::objects::chunked;

    fn options(cache_control: Option<&str>) -> PutOptions {
        PutOptions {
            content_type: "image/jpeg".into(),
            cache_control: cache_control.map(str::to_owned),
            content_length: None,
        }
    }

    async fn parts(body: Vec<u8>, chunk: usize, part_size: usize) -> Vec<usize> {
        let mut reader = PartReader::new(chunked(body, chunk), part_size, None);
        let mut sizes = vec![reader.next_part().await.expect("part").len()];
        while reader.has_more().await.expect("more") {
            sizes.push(reader.next_part().await.expect("part").len());
        }
        sizes
    }

    #[tokio::test]
    async fn a_body_is_cut_into_parts_whatever_its_chunks() {
        assert_eq!(parts(vec![7; 25], 3, 10).await, vec![10, 10, 5]);
        assert_eq!(parts(vec![7; 25], 100, 10).await, vec![10, 10, 5]);
        assert_eq!(parts(vec![7; 20], 4, 10).await, vec![10, 10], "no empty last part");
        assert_eq!(parts(vec![7; 10], 10, 10).await, vec![10], "exactly one part is a single PUT");
        assert_eq!(parts(Vec::new(), 10, 10).await, vec![0]);
    }

    #[tokio::test]
    async fn a_body_longer_or_shorter_than_announced_is_refused() {
        for (len, announced) in [(12, 10), (8, 10), (25, 20), (15, 20)] {
            let mut reader = PartReader::new(chunked(vec![1; len], 3), 10, Some(announced));
            let mut outcome = reader.next_part().await.map(drop);
            while outcome.is_ok() && reader.has_more().await.expect("more") {
                outcome = reader.next_part().await.map(drop);
            }
            let outcome = outcome.and_then(|()| reader.check_length());
            assert!(
                matches!(&outcome, Err(DomainError::Invalid(f)) if f[0].field == "content_length"),
                "{len} of {announced}: {outcome:?}"
            );
        }
    }

    #[test]
    fn the_etag_of_a_completed_upload_is_read_unquoted() {
        let xml = "<CompleteMultipartUploadResult><Key>k</Key><ETag>&quot;3858f622-9&quot;</ETag></CompleteMultipartUploadResult>";
        assert_eq!(completed_etag(xml).as_deref(), Some("3858f622-9"));
        assert_eq!(completed_etag("<CompleteMultipartUploadResult/>"), None);
    }

    #[test]
    fn cache_control_is_sent_as_given_and_sse_kms_only_when_configured() {
        let mut config = crate::config::tests::sample();
        let plain =
            upload_headers(&config.validate().expect("valid"), &options(Some("public, max-age=60"))).expect("headers");
        assert_eq!(plain.get("cache-control").map(|v| v.as_bytes()), Some(&b"public, max-age=60"[..]));
        assert!(!plain.keys().any(|k| k.as_str().starts_with("x-amz-server-side-encryption")));

        config.kms_key_arn = Some("arn:aws:kms:eu-west-1:111122223333:key/abcd".into());
        let kms = upload_headers(&config.validate().expect("valid"), &options(None)).expect("headers");
        assert_eq!(kms.get("x-amz-server-side-encryption").map(|v| v.as_bytes()), Some(&b"aws:kms"[..]));
        assert_eq!(
            kms.get("x-amz-server-side-encryption-aws-kms-key-id").map(|v| v.as_bytes()),
            Some(&b"arn:aws:kms:eu-west-1:111122223333:key/abcd"[..])
        );
    }
}
