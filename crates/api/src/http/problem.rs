//! RFC 9457 problem details: the single shape of every error Folio answers with.

use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use folio_domain::{DomainError, FieldError};
use serde::Serialize;

use super::request_context::current_request_id;

pub(crate) const CONTENT_TYPE: &str = "application/problem+json";

/// A problem-details body. Build one with [`Problem::new`] or from a [`DomainError`].
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:folio:problem:{code}`: stable, and needs no documentation host to resolve.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code (`not_found`, `validation_failed`, …).
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// One entry per invalid field (validation failures only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldErrorSchema>)]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    #[schema(ignore)]
    pub retry_after_secs: Option<u64>,
}

/// The OpenAPI shape of one field error.
#[derive(Debug, utoipa::ToSchema)]
#[schema(as = FieldError)]
#[allow(dead_code)]
pub struct FieldErrorSchema {
    /// The field as the client sent it (`email`, `title.en`).
    field: String,
    /// Stable code (`required`, `invalid`, `unknown_field`, `taken`).
    code: String,
    message: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            problem_type: format!("urn:folio:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            code: code.to_owned(),
            request_id: current_request_id(),
            errors: Vec::new(),
            retry_after_secs: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// The problem for a bare error status produced outside any handler (unknown route,
    /// wrong method, a body rejected by the server before a handler ran).
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let (code, detail) = match status {
            StatusCode::NOT_FOUND => ("not_found", "no resource at this path"),
            StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this path does not accept this method"),
            StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported content type"),
            StatusCode::BAD_REQUEST => ("bad_request", "the request could not be understood"),
            StatusCode::REQUEST_TIMEOUT => ("request_timeout", "the request took too long to arrive"),
            s if s.is_server_error() => ("internal_error", "the server could not complete the request"),
            _ => ("error", "the request failed"),
        };
        Self::new(status, code, detail)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.code)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, CONTENT_TYPE));
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(self)
    }
}

impl From<DomainError> for Problem {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::NotFound { entity } => {
                Problem::new(StatusCode::NOT_FOUND, "not_found", format!("{entity} not found"))
            }
            DomainError::Conflict { entity, field } => {
                Problem::new(StatusCode::CONFLICT, "conflict", format!("a {entity} with this {field} already exists"))
                    .with_errors(vec![FieldError::new(field, "taken", format!("this {field} is already taken"))])
            }
            DomainError::Invalid(errors) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "some fields are invalid")
                    .with_errors(errors)
            }
            DomainError::Unauthenticated => {
                Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in to do this")
            }
            DomainError::InvalidCredentials => {
                Problem::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "wrong email or password")
            }
            DomainError::AccountDisabled { status } => Problem::new(
                StatusCode::FORBIDDEN,
                if status == "banned" { "account_banned" } else { "account_unverified" },
                format!("this account is {status} and cannot sign in"),
            ),
            DomainError::Forbidden(why) => Problem::new(StatusCode::FORBIDDEN, "forbidden", why),
            DomainError::TooLarge { limit } => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the file is larger than the {limit} bytes allowed"),
            ),
            DomainError::UnsupportedType(seen) => Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("this file type is not accepted: {seen}"),
            ),
            DomainError::RateLimited { retry_after } => {
                let mut p =
                    Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests; retry later");
                p.retry_after_secs = Some(retry_after.as_secs_f64().ceil() as u64);
                p
            }
            DomainError::Unavailable { dependency } => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                format!("{dependency} is unavailable; retry shortly"),
            ),
            DomainError::Internal(message) => {
                // The detail stays in the log, next to the request id the client sees.
                tracing::error!(error = %message, "internal error");
                Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// Default service: a path no resource claims (404), or a resource that has no route for
/// this method (405; actix hands those to the app's default service too).
pub(crate) async fn not_found(req: HttpRequest) -> HttpResponse {
    if req.match_pattern().is_some() {
        Problem::for_status(StatusCode::METHOD_NOT_ALLOWED).error_response()
    } else {
        not_found_response()
    }
}

pub(crate) fn not_found_response() -> HttpResponse {
    Problem::for_status(StatusCode::NOT_FOUND).error_response()
}
