//! The first request of an upload, signed here rather than by `rust-s3`.
//!
//! `rust-s3` 0.38 sorts the canonical headers of a SigV4 signature as whole `name:value`
//! lines, where SigV4 sorts them by name. The two orders differ when one header name extends
//! another, as `x-amz-server-side-encryption` and `x-amz-server-side-encryption-aws-kms-key-id`
//! do (`-` sorts before `:`): S3, and s3s-fs, refuse every SSE-KMS request it signs with
//! `SignatureDoesNotMatch` (durch/rust-s3#258 is the same bug with SSE-C). So the requests
//! that carry those headers keep everything `rust-s3` prepares (URL, headers, payload hash)
//! but get their `Authorization` computed here, with the headers in SigV4's order.
//!
//! Part uploads go this way too, though they carry no such header: sent from here, a part's
//! buffer becomes the request body as it is, where `rust-s3` would copy it first, and an
//! upload holds one part in memory rather than two.

use std::time::Duration;

use bytes::Bytes;
use hmac::Mac;
use http::header::{AUTHORIZATION, DATE};
use http::HeaderMap;
use s3::command::{Command, HttpMethod};
use s3::error::S3Error;
use s3::request::tokio_backend::ReqwestRequest;
use s3::request::Request;
use s3::signing::{self, HmacSha256};
use s3::Bucket;

use crate::error::is_transient;

/// A request ready to go: everything but its body, which it does not borrow.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub method: reqwest::Method,
    pub url: url::Url,
    pub headers: HeaderMap,
}

/// The request `rust-s3` would make for `command` on `bucket`, with a SigV4 `Authorization`
/// that S3 accepts whatever the header names.
pub(crate) async fn prepare(bucket: &Bucket, path: &str, command: Command<'_>) -> Result<Prepared, S3Error> {
    let request = ReqwestRequest::new(bucket, path, command).await?;
    let mut headers = request.headers().await?;
    headers.remove(AUTHORIZATION);
    // Left out of the signature, as `rust-s3` does: `x-amz-date` carries the time signed.
    let date = headers.remove(DATE);
    let region = &bucket.region;
    let url = request.url()?;
    let verb = request.command.http_verb();
    let payload_hash = match headers.get("x-amz-content-sha256") {
        Some(value) => value.to_str()?.to_owned(),
        None => request.command.sha256()?,
    };
    let signed_names = signing::signed_header_string(&headers);
    let canonical_request = format!(
        "{verb}\n{uri}\n{query}\n{headers}\n\n{signed_names}\n{payload_hash}",
        uri = signing::canonical_uri_string(&url),
        query = signing::canonical_query_string(&url),
        headers = canonical_headers(&headers)?,
    );
    let string_to_sign = signing::string_to_sign(&request.datetime, region, &canonical_request)?;
    let secret_key = bucket.secret_key().await?.unwrap_or_default();
    let access_key = bucket.access_key().await?.unwrap_or_default();
    let key = signing::signing_key(&request.datetime, &secret_key, region, "s3")?;
    let mut mac = HmacSha256::new_from_slice(&key)?;
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization =
        signing::authorization_header(&access_key, &request.datetime, region, &signed_names, &signature)?;
    headers.insert(AUTHORIZATION, authorization.parse()?);
    if let Some(date) = date {
        headers.insert(DATE, date);
    }
    let method = match verb {
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Delete => reqwest::Method::DELETE,
    };
    Ok(Prepared { method, url, headers })
}

/// Sends `prepared` with `body` through `bucket`'s client, each attempt within its timeout.
/// A `PUT` (a whole object, or one part) is idempotent, so one that met connection trouble
/// or a transient answer is sent once more after a second, as `rust-s3` does for its own
/// retry-safe requests; a `POST` is sent once. Answers other than 2xx are errors, as with
/// `rust-s3`'s `fail-on-err`.
pub(crate) async fn send(bucket: &Bucket, prepared: Prepared, body: Bytes) -> Result<reqwest::Response, S3Error> {
    let attempts = if prepared.method == reqwest::Method::PUT { 2 } else { 1 };
    let mut attempt = 1;
    loop {
        match send_once(bucket, &prepared, body.clone()).await {
            Err(err) if attempt < attempts && is_retryable(&err) => {
                tracing::debug!(error = %err, "retrying an upload request");
                attempt += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            outcome => return outcome,
        }
    }
}

async fn send_once(bucket: &Bucket, prepared: &Prepared, body: Bytes) -> Result<reqwest::Response, S3Error> {
    let client = bucket.http_client();
    let mut builder =
        client.request(prepared.method.clone(), prepared.url.clone()).headers(prepared.headers.clone()).body(body);
    if let Some(timeout) = bucket.request_timeout {
        builder = builder.timeout(timeout);
    }
    let response = builder.send().await?;
    if response.status().is_success() {
        Ok(response)
    } else {
        let status = response.status().as_u16();
        Err(S3Error::HttpFailWithBody(status, response.text().await.unwrap_or_default()))
    }
}

fn is_retryable(err: &S3Error) -> bool {
    match err {
        S3Error::Reqwest(e) => e.is_connect() || e.is_timeout(),
        S3Error::HttpFailWithBody(status, _) => is_transient(*status),
        _ => false,
    }
}

/// `name:value` lines sorted by name alone, as SigV4 wants.
fn canonical_headers(headers: &HeaderMap) -> Result<String, S3Error> {
    let mut lines = headers
        .iter()
        .map(|(name, value)| Ok((name.as_str().to_ascii_lowercase(), value.to_str()?.trim().to_owned())))
        .collect::<Result<Vec<(String, String)>, S3Error>>()?;
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(lines.into_iter().map(|(name, value)| format!("{name}:{value}")).collect::<Vec<_>>().join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_headers_sort_by_name_even_when_one_name_extends_another() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:k".parse().expect("value"));
        headers.insert("x-amz-server-side-encryption", "aws:kms".parse().expect("value"));
        headers.insert("host", "s3.example.com".parse().expect("value"));
        assert_eq!(
            canonical_headers(&headers).expect("canonical"),
            "host:s3.example.com\nx-amz-server-side-encryption:aws:kms\n\
             x-amz-server-side-encryption-aws-kms-key-id:arn:aws:kms:k"
        );
        // What `rust-s3` 0.38 produces, and S3 refuses.
        let theirs = signing::canonical_header_string(&headers).expect("canonical");
        assert!(theirs.ends_with("x-amz-server-side-encryption:aws:kms"), "{theirs}");
    }
}
