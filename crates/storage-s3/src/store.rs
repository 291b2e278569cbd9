//! The [`ObjectStore`] on S3.

use std::fmt;
use std::time::Duration;

use folio_domain::objects::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, ObjectStore, PutOptions};
use folio_domain::DomainError;
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::serde_types::Object;
use s3::Bucket;
use secrecy::ExposeSecret;

use crate::config::Validated;
use crate::download::unquote;
use crate::error::from_s3;
use crate::{download, upload, urls, S3Config, S3ConfigError};

/// Objects in one S3 bucket. Build one and share it (behind an `Arc`): it holds the HTTP
/// connection pool.
pub struct S3ObjectStore {
    /// Requests that end when their response has arrived whole: each within the timeout.
    pub(crate) bucket: Bucket,
    /// Requests whose response body streams to a reader: no overall deadline (a large object
    /// may take long to read); the headers and each chunk must come within the timeout.
    streaming: Bucket,
    pub(crate) config: Validated,
}

impl S3ObjectStore {
    /// Validates `config` and builds the client. Makes no request: a bucket that does not
    /// answer shows in [`S3Health`](crate::S3Health), not here.
    pub fn new(config: S3Config) -> Result<Self, S3ConfigError> {
        let valid = config.validate()?;
        let credentials = Credentials::new(
            Some(&config.access_key_id),
            Some(config.secret_access_key.expose_secret()),
            None,
            None,
            None,
        )
        .map_err(|e| S3ConfigError::Client(e.to_string()))?;
        let mut bucket = *Bucket::new(&valid.bucket, valid.region.clone(), credentials)
            .map_err(|e| S3ConfigError::Client(e.to_string()))?;
        if valid.endpoint.is_some() {
            bucket.set_path_style();
        } else {
            bucket.set_subdomain_style();
        }
        bucket.set_request_timeout(Some(valid.request_timeout));
        let mut streaming = bucket.clone();
        streaming.set_request_timeout(None);
        Ok(Self { bucket, streaming, config: valid })
    }

    /// The bucket's name.
    pub fn bucket_name(&self) -> &str {
        &self.config.bucket
    }
}

impl fmt::Debug for S3ObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3ObjectStore")
            .field("bucket", &self.config.bucket)
            .field("region", &self.config.region_name)
            .field("endpoint", &self.config.endpoint)
            .field("sse_kms", &self.config.kms_key_arn.is_some())
            .field("cdn_domain", &self.config.cdn_domain)
            .field("part_size", &self.config.part_size)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl ObjectStore for S3ObjectStore {
    #[tracing::instrument(skip(self, body, options), fields(key = %key))]
    async fn put(&self, key: &ObjectKey, body: ByteStream, options: PutOptions) -> Result<ObjectMeta, DomainError> {
        upload::put(&self.bucket, &self.config, key, body, options).await
    }

    #[tracing::instrument(skip(self), fields(key = %key))]
    async fn get(&self, key: &ObjectKey, range: Option<ByteRange>) -> Result<Option<ObjectBody>, DomainError> {
        download::get(&self.streaming, self.config.request_timeout, key, range).await
    }

    #[tracing::instrument(skip(self), fields(key = %key))]
    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, DomainError> {
        download::head(&self.streaming, self.config.request_timeout, key).await
    }

    #[tracing::instrument(skip(self), fields(key = %key))]
    async fn delete(&self, key: &ObjectKey) -> Result<(), DomainError> {
        match self.bucket.delete_object(key.as_str()).await {
            // S3 answers 204 for a missing key; some compatible services answer 404.
            Ok(_) | Err(S3Error::HttpFailWithBody(404, _)) => Ok(()),
            Err(err) => Err(from_s3(err)),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectMeta>, DomainError> {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        let mut start_after: Option<String> = None;
        loop {
            let (page, _) = self
                .bucket
                .list_page(prefix.to_owned(), None, token.take(), start_after.take(), Some(1000))
                .await
                .map_err(from_s3)?;
            let last_key = page.contents.last().map(|o| o.key.clone());
            found.extend(page.contents.into_iter().filter_map(listed));
            if !page.is_truncated {
                return Ok(found);
            }
            // A service that truncates without a token still resumes after the last key.
            match (page.next_continuation_token, last_key) {
                (Some(next), _) => token = Some(next),
                (None, Some(last)) => start_after = Some(last),
                (None, None) => return Ok(found),
            }
        }
    }

    fn public_url(&self, key: &ObjectKey) -> Option<String> {
        Some(urls::public_url(&self.config, key))
    }

    async fn presigned_get_url(&self, key: &ObjectKey, expires: Duration) -> Result<Option<String>, DomainError> {
        urls::presigned_get_url(&self.bucket, key, expires).await.map(Some)
    }
}

/// One listed object. Keys Folio cannot address (written by another tool) are skipped.
fn listed(object: Object) -> Option<ObjectMeta> {
    let Ok(key) = ObjectKey::parse(&object.key) else {
        tracing::debug!(key = %object.key, "skipping an object whose key Folio does not use");
        return None;
    };
    Some(ObjectMeta {
        key,
        size: object.size,
        content_type: None,
        etag: object.e_tag.as_deref().map(unquote).filter(|e| !e.is_empty()),
        last_modified: chrono::DateTime::parse_from_rfc3339(&object.last_modified)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc)),
    })
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;
    use s3::command::{Command, Multipart};
    use s3::request::tokio_backend::ReqwestRequest;
    use s3::request::Request;

    use super::*;
    use crate::upload::{upload_headers, with_headers};

    const ARN: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /// The headers of the request made for `command` on `bucket`, signed, as they go on the wire.
    async fn built(bucket: &Bucket, command: Command<'_>, ours: bool) -> HeaderMap {
        if ours {
            crate::signing::prepare(bucket, "media/a.jpg", command).await.expect("prepared").headers
        } else {
            let request = ReqwestRequest::new(bucket, "media/a.jpg", command).await.expect("request");
            request.headers().await.expect("headers")
        }
    }

    fn sse(headers: &HeaderMap) -> (Option<&str>, Option<&str>) {
        let get = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        (get("x-amz-server-side-encryption"), get("x-amz-server-side-encryption-aws-kms-key-id"))
    }

    fn signed(headers: &HeaderMap) -> String {
        headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    }

    #[tokio::test]
    async fn sse_kms_headers_are_on_the_put_and_the_initiation_only_when_configured() {
        for kms in [None, Some(ARN)] {
            let mut config = crate::config::tests::sample();
            config.kms_key_arn = kms.map(str::to_owned);
            let store = S3ObjectStore::new(config).expect("store");
            let options = PutOptions {
                content_type: "image/jpeg".into(),
                cache_control: Some("public, max-age=31536000, immutable".into()),
                content_length: None,
            };
            // What `upload::put` does: the first request of an upload goes through this bucket,
            // signed by `signing::prepare`; parts go through the store's, signed by `rust-s3`.
            let first_request = with_headers(&store.bucket, &upload_headers(&store.config, &options).expect("headers"));
            let single = built(
                &first_request,
                Command::PutObject {
                    content: b"jpeg",
                    content_type: "image/jpeg",
                    custom_headers: None,
                    multipart: None,
                },
                true,
            )
            .await;
            let initiate =
                built(&first_request, Command::InitiateMultipartUpload { content_type: "image/jpeg" }, true).await;
            let part = built(
                &store.bucket,
                Command::PutObject {
                    content: b"jpeg",
                    content_type: "image/jpeg",
                    custom_headers: None,
                    multipart: Some(Multipart::new(1, "upload-id")),
                },
                false,
            )
            .await;
            let expected = match kms {
                Some(arn) => (Some("aws:kms"), Some(arn)),
                None => (None, None),
            };
            for (what, headers) in [("single PUT", &single), ("initiation", &initiate)] {
                assert_eq!(sse(headers), expected, "{what}");
                assert_eq!(headers.get("content-type").map(|v| v.as_bytes()), Some(&b"image/jpeg"[..]), "{what}");
                assert_eq!(
                    headers.get("cache-control").map(|v| v.as_bytes()),
                    Some(&b"public, max-age=31536000, immutable"[..]),
                    "{what}"
                );
                let signed_names = signed(headers);
                assert!(signed_names.contains("cache-control"), "{what}: {signed_names}");
                let sse_names = "x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id,";
                assert_eq!(signed_names.contains(sse_names), kms.is_some(), "{what}: {signed_names}");
            }
            assert_eq!(sse(&part), (None, None), "S3 refuses SSE headers on a part upload");
        }
    }

    #[test]
    fn debug_never_shows_the_secret_key() {
        let store = S3ObjectStore::new(crate::config::tests::sample()).expect("store");
        let shown = format!("{store:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("folio-media"), "{shown}");
    }
}
