//! What the store needs to know, checked once when it is built.

use std::fmt;
use std::time::Duration;

use http::HeaderValue;
use s3::Region;
use secrecy::SecretString;

use crate::S3ConfigError;

/// Where the objects live and how to reach them. Build it with [`S3Config::new`] and set the
/// optional fields; [`S3ObjectStore::new`](crate::S3ObjectStore::new) validates it.
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    /// An AWS region name (`eu-west-1`); any name an S3-compatible service accepts when
    /// `endpoint` is set (`us-east-1` for most).
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// An S3-compatible service's base URL (`http://127.0.0.1:9000`); `None` for AWS.
    pub endpoint: Option<String>,
    /// When set, every object is encrypted with this KMS key (SSE-KMS).
    pub kms_key_arn: Option<String>,
    /// A CDN host (`d111111abcdef8.cloudfront.net`) that serves the bucket publicly.
    pub cdn_domain: Option<String>,
    /// Bodies up to this size go in one PUT; larger ones as a multipart upload in parts of
    /// this size. An upload holds about one part in memory. S3 wants parts of 5 MiB at least.
    pub part_size: usize,
    /// How long one request may take (a whole part upload included). A download's body has no
    /// overall limit, as a large object may take long to read; it fails when no byte arrives
    /// for this long.
    pub request_timeout: Duration,
}

impl S3Config {
    pub const DEFAULT_PART_SIZE: usize = 8 * 1024 * 1024;
    pub const MIN_PART_SIZE: usize = 5 * 1024 * 1024;
    pub const MAX_PART_SIZE: usize = 5 * 1024 * 1024 * 1024;
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

    /// A configuration for AWS with the defaults: no endpoint, KMS key or CDN, 8 MiB parts,
    /// 30 s per request.
    pub fn new(
        bucket: impl Into<String>,
        region: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: SecretString,
    ) -> Self {
        Self {
            bucket: bucket.into(),
            region: region.into(),
            access_key_id: access_key_id.into(),
            secret_access_key,
            endpoint: None,
            kms_key_arn: None,
            cdn_domain: None,
            part_size: Self::DEFAULT_PART_SIZE,
            request_timeout: Self::DEFAULT_REQUEST_TIMEOUT,
        }
    }

    pub(crate) fn validate(&self) -> Result<Validated, S3ConfigError> {
        let bucket_ok = (3..=63).contains(&self.bucket.len())
            && self.bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && self.bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && self.bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(invalid(
                "bucket",
                "3 to 63 lowercase letters, digits, `.` or `-`, starting and ending with a letter or digit",
                &self.bucket,
            ));
        }
        let region_ok =
            !self.region.is_empty() && self.region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !region_ok {
            return Err(invalid("region", "a region name such as eu-west-1", &self.region));
        }
        if self.access_key_id.trim().is_empty() {
            return Err(S3ConfigError::Missing { field: "access_key_id" });
        }
        if secrecy::ExposeSecret::expose_secret(&self.secret_access_key).trim().is_empty() {
            return Err(S3ConfigError::Missing { field: "secret_access_key" });
        }
        let endpoint = self.endpoint.as_deref().map(parse_endpoint).transpose()?;
        let kms_key_arn = match self.kms_key_arn.as_deref() {
            None => None,
            Some(arn) => match HeaderValue::from_str(arn) {
                Ok(value) if !arn.trim().is_empty() => Some(value),
                _ => return Err(invalid("kms_key_arn", "a KMS key ARN or id", arn)),
            },
        };
        let cdn_domain = self.cdn_domain.as_deref().map(parse_cdn_domain).transpose()?;
        if !(Self::MIN_PART_SIZE..=Self::MAX_PART_SIZE).contains(&self.part_size) {
            return Err(invalid("part_size", "5 MiB to 5 GiB", &self.part_size.to_string()));
        }
        if self.request_timeout.is_zero() {
            return Err(invalid("request_timeout", "a positive duration", "0"));
        }
        let region = match &endpoint {
            Some(url) => Region::Custom { region: self.region.clone(), endpoint: url.clone() },
            // The regional endpoint works for every region, new ones included, and virtual-host
            // style makes it `{bucket}.s3.{region}.amazonaws.com`, as `public_url` says.
            None => Region::Custom {
                region: self.region.clone(),
                endpoint: format!("https://s3.{}.amazonaws.com", self.region),
            },
        };
        Ok(Validated {
            bucket: self.bucket.clone(),
            region_name: self.region.clone(),
            region,
            endpoint,
            kms_key_arn,
            cdn_domain,
            part_size: self.part_size,
            request_timeout: self.request_timeout,
        })
    }
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("endpoint", &self.endpoint)
            .field("kms_key_arn", &self.kms_key_arn)
            .field("cdn_domain", &self.cdn_domain)
            .field("part_size", &self.part_size)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// A configuration known to be usable, in the shapes the store works with.
#[derive(Debug, Clone)]
pub(crate) struct Validated {
    pub bucket: String,
    pub region_name: String,
    pub region: Region,
    /// Without a trailing slash.
    pub endpoint: Option<String>,
    pub kms_key_arn: Option<HeaderValue>,
    pub cdn_domain: Option<String>,
    pub part_size: usize,
    pub request_timeout: Duration,
}

fn parse_endpoint(raw: &str) -> Result<String, S3ConfigError> {
    const EXPECTED: &str = "an http(s) URL such as http://127.0.0.1:9000, without query or fragment";
    let url = url::Url::parse(raw).map_err(|_| invalid("endpoint", EXPECTED, raw))?;
    let usable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !usable {
        return Err(invalid("endpoint", EXPECTED, raw));
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

fn parse_cdn_domain(raw: &str) -> Result<String, S3ConfigError> {
    let ok = !raw.is_empty()
        && raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
        && !raw.starts_with(['.', '-', ':']);
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(invalid("cdn_domain", "a host name such as d111111abcdef8.cloudfront.net, without scheme or path", raw))
    }
}

fn invalid(field: &'static str, expected: &'static str, got: &str) -> S3ConfigError {
    S3ConfigError::Invalid { field, expected, got: got.to_owned() }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> S3Config {
        S3Config::new("folio-media", "eu-west-1", "AKIDEXAMPLE", SecretString::from("wJalrXUtnFEMI-very-secret"))
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let config = sample();
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("AKIDEXAMPLE"));
    }

    #[test]
    fn a_sample_configuration_is_valid() {
        let valid = sample().validate().expect("valid");
        assert_eq!(valid.part_size, 8 * 1024 * 1024);
        assert_eq!(valid.region.host(), "s3.eu-west-1.amazonaws.com");
    }

    /// Spoils one field of a good configuration.
    type Spoil = fn(&mut S3Config);

    #[test]
    fn bad_values_name_their_field() {
        let cases: &[(&str, Spoil)] = &[
            ("bucket", |c| c.bucket = "Bad_Bucket".into()),
            ("bucket", |c| c.bucket = "a/b".into()),
            ("region", |c| c.region = "eu west".into()),
            ("access_key_id", |c| c.access_key_id = " ".into()),
            ("secret_access_key", |c| c.secret_access_key = SecretString::from("")),
            ("endpoint", |c| c.endpoint = Some("127.0.0.1:9000".into())),
            ("endpoint", |c| c.endpoint = Some("ftp://example.com".into())),
            ("endpoint", |c| c.endpoint = Some("http://example.com/?x=1".into())),
            ("kms_key_arn", |c| c.kms_key_arn = Some("arn\nbad".into())),
            ("cdn_domain", |c| c.cdn_domain = Some("https://cdn.example.com".into())),
            ("cdn_domain", |c| c.cdn_domain = Some("cdn.example.com/media".into())),
            ("part_size", |c| c.part_size = 1024 * 1024),
            ("request_timeout", |c| c.request_timeout = Duration::ZERO),
        ];
        for (field, spoil) in cases {
            let mut config = sample();
            spoil(&mut config);
            let err = config.validate().expect_err(field);
            assert_eq!(err.field(), *field, "{err}");
        }
    }

    #[test]
    fn an_endpoint_loses_its_trailing_slash() {
        let mut config = sample();
        config.endpoint = Some("http://127.0.0.1:9014/".into());
        assert_eq!(config.validate().expect("valid").endpoint.as_deref(), Some("http://127.0.0.1:9014"));
    }
}
