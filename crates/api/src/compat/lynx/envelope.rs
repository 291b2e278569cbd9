//! The Lynx API's envelope: `200 {"status":"success", <key>: …}`, and errors as
//! `{"status":"error","message":"…"}` with the status code Folio would answer.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use folio_domain::{DomainError, FieldError};
use serde_json::{json, Map, Value};

use crate::http::problem::Problem;

/// An error in the Lynx envelope.
#[derive(Debug)]
pub(crate) struct LynxError {
    pub status: StatusCode,
    pub message: String,
    pub retry_after_secs: Option<u64>,
}

impl LynxError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> LynxError {
        LynxError { status, message: message.into(), retry_after_secs: None }
    }

    pub fn bad_request(message: impl Into<String>) -> LynxError {
        LynxError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> LynxError {
        LynxError::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{field}: {}", message.into()))
    }

    pub fn not_found(what: &str) -> LynxError {
        LynxError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    /// A domain error, with field names written by `rename` (Folio's → the old API's).
    pub fn from_domain(error: DomainError, rename: &dyn Fn(&str) -> String) -> LynxError {
        match error {
            DomainError::Invalid(errors) => LynxError::new(StatusCode::UNPROCESSABLE_ENTITY, describe(&errors, rename)),
            DomainError::Conflict { field, .. } => {
                LynxError::new(StatusCode::CONFLICT, format!("{}: this value is already taken", rename(field)))
            }
            other => Problem::from(other).into(),
        }
    }
}

/// `field: message; field: message`, each field as the old API names it (a missing one
/// as `required`, since Folio's message would name it the new way).
fn describe(errors: &[FieldError], rename: &dyn Fn(&str) -> String) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| {
            let message = if e.code == "required" { "required" } else { e.message.as_str() };
            if e.field.is_empty() {
                message.to_owned()
            } else {
                format!("{}: {message}", rename(&e.field))
            }
        })
        .collect();
    parts.join("; ")
}

impl From<Problem> for LynxError {
    fn from(problem: Problem) -> LynxError {
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = problem.detail.clone().unwrap_or_else(|| problem.title.clone());
        let message =
            if problem.errors.is_empty() { detail } else { describe(&problem.errors, &|field| field.to_owned()) };
        LynxError { status, message, retry_after_secs: problem.retry_after_secs }
    }
}

impl From<DomainError> for LynxError {
    fn from(error: DomainError) -> LynxError {
        LynxError::from_domain(error, &|field| field.to_owned())
    }
}

impl std::fmt::Display for LynxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl ResponseError for LynxError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(json!({"status": "error", "message": self.message}))
    }
}

/// `200 {"status":"success", …entries}`. Never stored by shared caches: documents may
/// carry links built from the request's host, and hidden content for signed-in editors.
pub(crate) fn success(entries: impl IntoIterator<Item = (&'static str, Value)>) -> HttpResponse {
    let mut body = Map::new();
    body.insert("status".into(), Value::String("success".into()));
    for (key, value) in entries {
        body.insert(key.to_owned(), value);
    }
    json_answer(StatusCode::OK, Value::Object(body))
}

pub(crate) fn json_answer(status: StatusCode, body: Value) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

/// Any extractor whose errors are problem details, answering in the Lynx envelope instead.
#[derive(Debug)]
pub(crate) struct Lx<T>(pub T);

impl<T> FromRequest for Lx<T>
where
    T: FromRequest<Error = Problem> + 'static,
{
    type Error = LynxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, LynxError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let inner = T::from_request(req, payload);
        Box::pin(async move { inner.await.map(Lx).map_err(LynxError::from) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_named_as_the_old_api_names_them() {
        let error = DomainError::Invalid(vec![
            FieldError::new("title_color", "invalid", "expected a colour like #1a2b3c or #abc"),
            FieldError::new("title", "required", "missing field `title`"),
        ]);
        let rename = |field: &str| if field == "title_color" { "titleColor".to_owned() } else { field.to_owned() };
        let lynx = LynxError::from_domain(error, &rename);
        assert_eq!(lynx.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(lynx.message, "titleColor: expected a colour like #1a2b3c or #abc; title: required");
    }

    #[test]
    fn other_errors_keep_their_status_and_detail() {
        let lynx = LynxError::from(DomainError::NotFound { entity: "item" });
        assert_eq!((lynx.status, lynx.message.as_str()), (StatusCode::NOT_FOUND, "item not found"));
        let limited = LynxError::from(DomainError::RateLimited { retry_after: std::time::Duration::from_secs(3) });
        assert_eq!((limited.status, limited.retry_after_secs), (StatusCode::TOO_MANY_REQUESTS, Some(3)));
    }
}
