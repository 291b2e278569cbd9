//! This crate's own error (a configuration Folio cannot start with), and how `rust-s3`'s
//! errors become [`DomainError`]s on the request path.

use std::fmt;

use folio_domain::DomainError;

/// Why [`S3ObjectStore::new`](crate::S3ObjectStore::new) refused a configuration. Names the
/// field; never holds the secret key.
#[derive(Debug, thiserror::Error)]
pub enum S3ConfigError {
    #[error("invalid S3 configuration: {field} is required")]
    Missing { field: &'static str },
    #[error("invalid S3 configuration: {field} holds `{got}`; expected {expected}")]
    Invalid { field: &'static str, expected: &'static str, got: String },
    #[error("could not build the S3 client: {0}")]
    Client(String),
}

impl S3ConfigError {
    /// The [`S3Config`](crate::S3Config) field at fault, if one is.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Missing { field } | Self::Invalid { field, .. } => field,
            Self::Client(_) => "",
        }
    }
}

const DEPENDENCY: &str = "object storage";

/// A failed request. Connection trouble, timeouts, throttling and server errors are
/// `Unavailable` (the caller may retry later); any other answer Folio did not expect (a
/// refused signature, a missing bucket) is a misconfiguration or a bug, so `Internal`.
pub(crate) fn from_s3(err: s3::error::S3Error) -> DomainError {
    use s3::error::S3Error as E;
    match &err {
        E::Reqwest(e) if !e.is_builder() => unavailable(&err),
        E::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => unavailable(&err),
        E::HttpFailWithBody(status, _) if is_transient(*status) => unavailable(&err),
        E::HttpFailWithBody(status, body) => {
            DomainError::Internal(format!("object storage answered {status} {}", error_code(body).unwrap_or("")))
        }
        _ => DomainError::Internal(format!("object storage request failed: {err}")),
    }
}

/// The status of an answer that says "not now" rather than "not like this".
pub(crate) fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..600).contains(&status)
}

fn unavailable(err: impl fmt::Display) -> DomainError {
    tracing::warn!(error = %err, "object storage is unavailable");
    DomainError::Unavailable { dependency: DEPENDENCY }
}

/// The `<Code>` of an S3 error document (`NoSuchKey`, `AccessDenied`…).
pub(crate) fn error_code(body: &str) -> Option<&str> {
    let start = body.find("<Code>")? + "<Code>".len();
    let end = start + body[start..].find("</Code>")?;
    Some(&body[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_and_throttling_are_unavailable_others_internal() {
        use s3::error::S3Error as E;
        for status in [500, 502, 503, 504, 429, 408] {
            let err = from_s3(E::HttpFailWithBody(status, String::new()));
            assert!(matches!(err, DomainError::Unavailable { dependency: "object storage" }), "{status}: {err:?}");
        }
        let body = "<Error><Code>AccessDenied</Code><Message>no</Message></Error>";
        let err = from_s3(E::HttpFailWithBody(403, body.into()));
        assert!(matches!(&err, DomainError::Internal(m) if m.contains("403 AccessDenied")), "{err:?}");
    }
}
