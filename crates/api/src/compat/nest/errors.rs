//! NestJS's error shape: `{"statusCode": 400, "message": […] or "…", "error": "Bad Request"}`,
//! with validation failures as class-validator words them.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};
use folio_domain::DomainError;
use serde_json::{json, Value};

use crate::http::problem::Problem;

#[derive(Debug)]
pub(crate) struct NestError {
    pub status: StatusCode,
    /// A string, or a list of strings for validation failures.
    pub message: Value,
    pub retry_after_secs: Option<u64>,
}

impl NestError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> NestError {
        NestError { status, message: Value::String(message.into()), retry_after_secs: None }
    }

    /// 400 with one message per failed constraint, as Nest's `ValidationPipe` answers.
    pub fn validation(messages: Vec<String>) -> NestError {
        NestError { status: StatusCode::BAD_REQUEST, message: json!(messages), retry_after_secs: None }
    }

    pub fn unauthorized() -> NestError {
        NestError::new(StatusCode::UNAUTHORIZED, "Unauthorized")
    }
}

impl From<Problem> for NestError {
    fn from(problem: Problem) -> NestError {
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if !problem.errors.is_empty() {
            // Folio's 422 for a body of the wrong shape is Nest's 400.
            return NestError::validation(
                problem.errors.iter().map(|e| format!("{} {}", e.field, e.message).trim().to_owned()).collect(),
            );
        }
        let message = problem.detail.clone().unwrap_or_else(|| problem.title.clone());
        NestError { status, message: Value::String(message), retry_after_secs: problem.retry_after_secs }
    }
}

impl From<DomainError> for NestError {
    fn from(error: DomainError) -> NestError {
        match error {
            // The template answered every refused sign-in with 401.
            DomainError::InvalidCredentials => NestError::new(StatusCode::UNAUTHORIZED, "wrong email or password"),
            DomainError::AccountDisabled { status } => {
                NestError::new(StatusCode::UNAUTHORIZED, format!("this account is {status}"))
            }
            DomainError::Conflict { field, .. } => {
                NestError::new(StatusCode::CONFLICT, format!("{field} is already registered"))
            }
            other => Problem::from(other).into(),
        }
    }
}

impl std::fmt::Display for NestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl ResponseError for NestError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        response.json(json!({
            "statusCode": self.status.as_u16(),
            "message": self.message,
            "error": self.status.canonical_reason().unwrap_or("Error"),
        }))
    }
}

/// Any extractor whose errors are problem details, answering in Nest's shape instead.
#[derive(Debug)]
pub(crate) struct Nx<T>(pub T);

impl<T> FromRequest for Nx<T>
where
    T: FromRequest<Error = Problem> + 'static,
{
    type Error = NestError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, NestError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let inner = T::from_request(req, payload);
        Box::pin(async move { inner.await.map(Nx).map_err(NestError::from) })
    }
}
