//! `JsonBody<T>`: the JSON extractor every route uses. Unlike actix's `Json`, it answers
//! each failure with problem details: 415 for a non-JSON content type, 413 as soon as the
//! body passes the limit, 400 for malformed JSON, and 422 naming the field for a body that
//! is JSON but not the expected shape (wrong type, missing or unknown field, invalid value).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use folio_domain::FieldError;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use super::problem::Problem;

/// Largest accepted JSON body in bytes (app data; default 1 MiB).
#[derive(Debug, Clone, Copy)]
pub(crate) struct JsonLimit(pub usize);

/// A JSON request body parsed into `T`.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T> JsonBody<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<JsonLimit>().map_or(1024 * 1024, |l| l.0);
        let content_type_ok = is_json_content_type(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as application/json",
                ));
            }
            if declared_length.is_some_and(|len| len > limit) {
                return Err(too_large(limit));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    Problem::new(StatusCode::BAD_REQUEST, "bad_request", "the request body could not be read")
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body).map(JsonBody)
        })
    }
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

fn too_large(limit: usize) -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("the body is larger than {limit} bytes"))
}

pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = parsed.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not valid JSON: {inner}"),
            );
        }
        field_problem(&path, &inner)
    })?;
    deserializer.end().map_err(|inner| {
        Problem::new(StatusCode::BAD_REQUEST, "malformed_json", format!("the body is not valid JSON: {inner}"))
    })?;
    Ok(value)
}

/// A 422 naming the offending field. serde reports missing and unknown fields at the parent
/// path, so their names are lifted out of the message.
fn field_problem(path: &str, error: &serde_json::Error) -> Problem {
    let message = strip_position(&error.to_string());
    let (field, code) = if let Some(name) = quoted_after(&message, "missing field ") {
        (join(path, &name), "required")
    } else if let Some(name) = quoted_after(&message, "unknown field ") {
        (join(path, &name), "unknown_field")
    } else if message.starts_with("invalid type") {
        (path.to_owned(), "invalid_type")
    } else {
        (path.to_owned(), "invalid")
    };
    let field = if field == "." { String::new() } else { field };
    Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "some fields are invalid")
        .with_errors(vec![FieldError::new(field, code, message)])
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('`')?;
    Some(rest.split('`').next()?.to_owned())
}

fn join(path: &str, name: &str) -> String {
    // serde_path_to_error already ends the path with an unknown field's name.
    if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else if path.is_empty() || path == "." {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// serde_json appends " at line 1 column 17"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn problem_for(body: &str) -> Problem {
        match parse::<Login>(body.as_bytes()) {
            Ok(v) => panic!("{body} parsed as {v:?}"),
            Err(p) => p,
        }
    }

    #[test]
    fn malformed_json_is_a_400() {
        let p = problem_for("{\"email\": ");
        assert_eq!((p.status, p.code.as_str()), (400, "malformed_json"));
        assert_eq!(problem_for(r#"{"email":"a"} trailing"#).code, "malformed_json");
    }

    #[test]
    fn a_missing_field_is_named() {
        let p = problem_for("{}");
        assert_eq!(p.status, 422);
        assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("email", "required"));
    }

    #[test]
    fn an_unknown_nested_field_is_named_with_its_path() {
        let p = problem_for(r#"{"email":"a","inner":{"count":1,"extra":2}}"#);
        assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("inner.extra", "unknown_field"));
    }

    #[test]
    fn a_wrong_type_is_named_with_its_path() {
        let p = problem_for(r#"{"email":"a","inner":{"count":"x"}}"#);
        assert_eq!((p.errors[0].field.as_str(), p.errors[0].code.as_str()), ("inner.count", "invalid_type"));
        assert!(!p.errors[0].message.contains("line"), "{}", p.errors[0].message);
    }
}
