//! URLs a client can fetch objects from directly.

use std::time::Duration;

use folio_domain::objects::ObjectKey;
use folio_domain::DomainError;
use s3::Bucket;

use crate::config::Validated;
use crate::error::from_s3;

/// S3's longest presigned URL: seven days.
const MAX_PRESIGNED: Duration = Duration::from_secs(7 * 24 * 3600);

/// The CDN's URL when one fronts the bucket; else the bucket's own, path-style on an
/// S3-compatible endpoint, virtual-host style on AWS. Keys need no escaping: an [`ObjectKey`]
/// holds only URL-safe characters.
pub(crate) fn public_url(config: &Validated, key: &ObjectKey) -> String {
    match (&config.cdn_domain, &config.endpoint) {
        (Some(cdn), _) => format!("https://{cdn}/{key}"),
        (None, Some(endpoint)) => format!("{endpoint}/{}/{key}", config.bucket),
        (None, None) => format!("https://{}.s3.{}.amazonaws.com/{key}", config.bucket, config.region_name),
    }
}

/// A URL that GETs the object without credentials until `expires` has passed (1 s to 7 days).
pub(crate) async fn presigned_get_url(
    bucket: &Bucket,
    key: &ObjectKey,
    expires: Duration,
) -> Result<String, DomainError> {
    if expires < Duration::from_secs(1) || expires > MAX_PRESIGNED {
        return Err(DomainError::invalid("expires", "out_of_range", "a presigned URL lasts 1 second to 7 days"));
    }
    let seconds = u32::try_from(expires.as_secs()).unwrap_or(u32::MAX);
    bucket.presign_get(key.as_str(), seconds, None).await.map_err(from_s3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::sample;

    fn key() -> ObjectKey {
        ObjectKey::parse("media/image/2026/11/123-photo.jpg").expect("key")
    }

    #[test]
    fn a_cdn_domain_wins() {
        let mut config = sample();
        config.cdn_domain = Some("d111111abcdef8.cloudfront.net".into());
        config.endpoint = Some("http://127.0.0.1:9000".into());
        assert_eq!(
            public_url(&config.validate().expect("valid"), &key()),
            "https://d111111abcdef8.cloudfront.net/media/image/2026/11/123-photo.jpg"
        );
    }

    #[test]
    fn an_endpoint_gives_a_path_style_url() {
        let mut config = sample();
        config.endpoint = Some("http://127.0.0.1:9000/".into());
        assert_eq!(
            public_url(&config.validate().expect("valid"), &key()),
            "http://127.0.0.1:9000/folio-media/media/image/2026/11/123-photo.jpg"
        );
    }

    #[test]
    fn aws_gives_a_virtual_host_url() {
        assert_eq!(
            public_url(&sample().validate().expect("valid"), &key()),
            "https://folio-media.s3.eu-west-1.amazonaws.com/media/image/2026/11/123-photo.jpg"
        );
    }
}
