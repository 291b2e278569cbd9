use folio_id::Snowflake;

use crate::DomainError;

/// One recorded mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyId {
    pub source: String,
    pub old_id: String,
    pub new_id: Snowflake,
}

/// Storage of old ids. `(source, old_id)` is unique, also under concurrent calls from
/// several processes; old ids are stored exactly as given (the service normalizes them).
#[async_trait::async_trait]
pub trait LegacyIdRepository: Send + Sync + std::fmt::Debug {
    /// Stores the mapping. Storing an identical one again is `Ok`; when `(source, old_id)`
    /// maps to another new id already, `Conflict { field: "old_id" }` and nothing changes.
    async fn record(&self, source: &str, old_id: &str, new_id: Snowflake) -> Result<(), DomainError>;
    async fn find(&self, source: &str, old_id: &str) -> Result<Option<Snowflake>, DomainError>;
    /// Every mapping of `source`, by old id.
    async fn list(&self, source: &str) -> Result<Vec<LegacyId>, DomainError>;
    /// Forgets one mapping; `true` when there was one.
    async fn delete(&self, source: &str, old_id: &str) -> Result<bool, DomainError>;
}
