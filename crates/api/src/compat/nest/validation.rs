//! The NestJS template's DTO rules (class-validator's `IsString`, `IsEmail`, `Length`),
//! checked on a lenient body (unknown fields are ignored, as Nest's `ValidationPipe` did
//! without `whitelist`), with class-validator's messages.

use folio_domain::users::Email;
use serde_json::{Map, Value};

/// Collects the messages of failed constraints.
#[derive(Debug, Default)]
pub(crate) struct Rules {
    pub messages: Vec<String>,
}

impl Rules {
    /// The field as a string, if it is one (`IsString`).
    pub fn string<'b>(&mut self, body: &'b Map<String, Value>, field: &str) -> Option<&'b str> {
        let value = body.get(field).and_then(Value::as_str);
        if value.is_none() {
            self.messages.push(format!("{field} must be a string"));
        }
        value
    }

    /// `IsEmail`.
    pub fn email<'b>(&mut self, body: &'b Map<String, Value>, field: &str) -> Option<&'b str> {
        let value = body.get(field).and_then(Value::as_str).filter(|raw| Email::parse(raw).is_ok());
        if value.is_none() {
            self.messages.push(format!("{field} must be an email"));
        }
        value
    }

    /// `Length(min, max)` in characters; a missing value is too short.
    pub fn length(&mut self, body: &Map<String, Value>, field: &str, min: usize, max: Option<usize>) {
        let chars = body.get(field).and_then(Value::as_str).map(|s| s.chars().count());
        match (chars, max) {
            (None, _) => self.messages.push(format!("{field} must be longer than or equal to {min} characters")),
            (Some(n), _) if n < min => {
                self.messages.push(format!("{field} must be longer than or equal to {min} characters"))
            }
            (Some(n), Some(max)) if n > max => {
                self.messages.push(format!("{field} must be shorter than or equal to {max} characters"))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn messages_read_as_class_validator_writes_them() {
        let body = object(json!({"name": "A", "email": "nope", "code": "12345"}));
        let mut rules = Rules::default();
        rules.string(&body, "name");
        rules.length(&body, "name", 2, Some(10));
        rules.email(&body, "email");
        rules.string(&body, "password");
        rules.length(&body, "code", 4, Some(4));
        assert_eq!(
            rules.messages,
            vec![
                "name must be longer than or equal to 2 characters",
                "email must be an email",
                "password must be a string",
                "code must be shorter than or equal to 4 characters",
            ]
        );
    }
}
