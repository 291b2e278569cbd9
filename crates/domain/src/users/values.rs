//! Parsed user values: past the boundary, a value of these types is valid by construction.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An email address, normalized (trimmed, lower-cased) so that equality is
/// case-insensitive everywhere, including the unique index.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("an email address is required".into());
        }
        if email.len() > Self::MAX_LEN {
            return Err(format!("an email address has at most {} characters", Self::MAX_LEN));
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("an email address looks like name@example.com".into());
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.chars().any(|c| c.is_whitespace() || c == '@');
        if !(local_ok && domain_ok) {
            return Err("an email address looks like name@example.com".into());
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name: 1 to 100 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<UserName, String> {
        let name = raw.trim();
        if name.is_empty() {
            return Err("a name is required".into());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(format!("a name has at most {} characters", Self::MAX_CHARS));
        }
        if name.chars().any(char::is_control) {
            return Err("a name cannot contain control characters".into());
        }
        Ok(UserName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        UserName::parse(&value)
    }
}

impl From<UserName> for String {
    fn from(value: UserName) -> String {
        value.0
    }
}

/// A new password as typed: 8 to 1024 bytes. `Debug` never shows it.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    /// Bounded so that a huge body cannot make hashing expensive.
    pub const MAX_BYTES: usize = 1024;

    pub fn parse(raw: String) -> Result<NewPassword, String> {
        if raw.chars().count() < Self::MIN_CHARS {
            return Err(format!("a password has at least {} characters", Self::MIN_CHARS));
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(format!("a password has at most {} bytes", Self::MAX_BYTES));
        }
        Ok(NewPassword(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NewPassword {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        NewPassword::parse(value)
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Editor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
        }
    }

    pub fn parse(raw: &str) -> Result<Role, String> {
        match raw {
            "admin" => Ok(Role::Admin),
            "editor" => Ok(Role::Editor),
            _ => Err("admin or editor".into()),
        }
    }
}

/// Account status. The Node template stored 0/1/2; [`UserStatus::from_legacy_code`] maps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Unverified,
    Banned,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Unverified => "unverified",
            UserStatus::Banned => "banned",
        }
    }

    pub fn parse(raw: &str) -> Result<UserStatus, String> {
        match raw {
            "active" => Ok(UserStatus::Active),
            "unverified" => Ok(UserStatus::Unverified),
            "banned" => Ok(UserStatus::Banned),
            _ => Err("active, unverified or banned".into()),
        }
    }

    /// The NestJS template's numeric codes, as its `users.status` column documents them:
    /// 0 active ("用户正常"), 1 email not verified, 2 banned.
    pub fn from_legacy_code(code: i64) -> Option<UserStatus> {
        match code {
            0 => Some(UserStatus::Active),
            1 => Some(UserStatus::Unverified),
            2 => Some(UserStatus::Banned),
            _ => None,
        }
    }

    /// The NestJS template's code for this status (the inverse of [`Self::from_legacy_code`]).
    pub fn legacy_code(self) -> i64 {
        match self {
            UserStatus::Active => 0,
            UserStatus::Unverified => 1,
            UserStatus::Banned => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.COM ").map(|e| e.0), Ok("ada@example.com".to_owned()));
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@exa..mple.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert!(NewPassword::parse("short".into()).is_err());
        assert!(NewPassword::parse("x".repeat(1025)).is_err());
        let p = NewPassword::parse("long enough".into()).expect("valid");
        assert_eq!(format!("{p:?}"), "NewPassword(<redacted>)");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(UserName::parse("  Ada ").map(|n| n.0), Ok("Ada".to_owned()));
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn legacy_status_codes_map() {
        assert_eq!(UserStatus::from_legacy_code(0), Some(UserStatus::Active), "the template registers users as 0");
        assert_eq!(UserStatus::from_legacy_code(1), Some(UserStatus::Unverified));
        assert_eq!(UserStatus::from_legacy_code(2), Some(UserStatus::Banned));
        assert_eq!(UserStatus::from_legacy_code(9), None);
        for status in [UserStatus::Active, UserStatus::Unverified, UserStatus::Banned] {
            assert_eq!(UserStatus::from_legacy_code(status.legacy_code()), Some(status));
        }
    }
}
