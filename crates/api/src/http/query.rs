//! `QueryParams<T>`: the query-string extractor, answering a bad parameter with a 422 that
//! names it (actix's `Query` answers a bare 400).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest};
use folio_domain::FieldError;
use serde::de::DeserializeOwned;

use super::problem::Problem;

#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(QueryParams))
    }
}

pub(crate) fn parse<T: DeserializeOwned>(query: &str) -> Result<T, Problem> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let message = error.into_inner().to_string();
        let field = if field == "." { String::new() } else { field };
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "some query parameters are invalid")
            .with_errors(vec![FieldError::new(field, "invalid", message)])
    })
}

fn form_urlencoded_parse(query: &str) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(query.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Paging {
        page: Option<u32>,
    }

    #[test]
    fn a_bad_number_names_its_parameter() {
        let problem = parse::<Paging>("page=abc").expect_err("invalid");
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "page");
        assert_eq!(parse::<Paging>("page=2").map(|p| p.page).ok().flatten(), Some(2));
    }
}
