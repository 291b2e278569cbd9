//! Driver errors in the domain's terms.

use folio_domain::DomainError;
use mongodb::error::{Error, ErrorKind, WriteFailure};

/// The server's code for a unique index violation.
pub(crate) const DUPLICATE_KEY: i32 = 11000;

/// What `/health` and the problem details call this dependency, as the SQL adapter does.
pub(crate) const DEPENDENCY: &str = "database";

/// Maps a driver error: a duplicate key is a conflict on `field`, a server that cannot be
/// reached (or refuses Folio's credentials) makes the database unavailable, anything else is
/// internal (its text goes to the log, never to a client).
pub(crate) fn map_err(error: Error, entity: &'static str, field: &'static str) -> DomainError {
    if is_duplicate_key(&error) {
        return DomainError::Conflict { entity, field };
    }
    if is_unavailable(&error) {
        return DomainError::Unavailable { dependency: DEPENDENCY };
    }
    DomainError::Internal(format!("mongodb: {}", describe(&error)))
}

/// Whether the error is a unique index violation, whichever operation reported it.
pub(crate) fn is_duplicate_key(error: &Error) -> bool {
    match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(e)) => e.code == DUPLICATE_KEY,
        ErrorKind::Command(e) => e.code == DUPLICATE_KEY,
        ErrorKind::InsertMany(e) => {
            e.write_errors.as_ref().is_some_and(|errors| errors.iter().any(|e| e.code == DUPLICATE_KEY))
        }
        _ => false,
    }
}

/// The server is not there, or not usable: no server could be selected, the connection
/// broke, or the pool was cleared under the operation.
pub(crate) fn is_unavailable(error: &Error) -> bool {
    matches!(
        error.kind.as_ref(),
        ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::DnsResolve { .. }
            | ErrorKind::Authentication { .. }
            | ErrorKind::Shutdown
    )
}

/// A stored value that no longer parses: a bug or a hand edit, never the client's fault.
pub(crate) fn corrupt(field: &str, problem: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("stored {field} is invalid: {problem}"))
}

/// A driver error for a log line or a startup error: what went wrong (the error's kind,
/// without the labels and empty fields its `Display` appends), on one line, since server
/// selection errors describe the whole topology.
pub(crate) fn describe(error: &Error) -> String {
    one_line(&error.kind)
}

pub(crate) fn one_line(text: &impl std::fmt::Display) -> String {
    text.to_string().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_and_server_selection_failures_are_unavailable() {
        let io: Error = std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into();
        assert!(matches!(map_err(io, "user", "email"), DomainError::Unavailable { dependency: "database" }));
    }

    #[test]
    fn other_errors_are_internal() {
        let other = Error::custom("something odd");
        assert!(matches!(map_err(other, "user", "email"), DomainError::Internal(_)));
    }

    #[test]
    fn one_line_collapses_whitespace() {
        assert_eq!(one_line(&"a\n  b\tc"), "a b c");
    }
}
