use folio_domain::DomainError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// Maps a database error to the domain's terms: a unique violation is a conflict on
/// `field`, a lost connection makes the database unavailable, anything else is internal
/// (its text goes to the log, never to a client).
pub(crate) fn map_db_err(error: DbErr, entity: &'static str, field: &'static str) -> DomainError {
    if let Some(SqlErr::UniqueConstraintViolation(_)) = error.sql_err() {
        return DomainError::Conflict { entity, field };
    }
    match &error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => DomainError::Unavailable { dependency: "database" },
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) if is_connection_error(e) => {
            DomainError::Unavailable { dependency: "database" }
        }
        _ => DomainError::Internal(format!("database: {error}")),
    }
}

fn is_connection_error(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    matches!(error, Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed)
}

/// A stored value that no longer parses: a bug or a hand edit, never the client's fault.
pub(crate) fn corrupt(column: &str, problem: String) -> DomainError {
    DomainError::Internal(format!("stored {column} is invalid: {problem}"))
}
