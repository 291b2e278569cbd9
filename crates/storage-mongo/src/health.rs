//! Whether MongoDB answers, for `/health` and readiness.

use folio_domain::health::HealthCheck;
use mongodb::bson::doc;
use mongodb::Database;

use crate::errors::describe;

/// A `ping` on Folio's database, bounded by the client's server selection timeout.
#[derive(Debug, Clone)]
pub struct MongoHealth {
    db: Database,
}

impl MongoHealth {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl HealthCheck for MongoHealth {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> Result<(), String> {
        // The driver's messages name hosts and the failure, never credentials.
        self.db.run_command(doc! { "ping": 1 }).await.map(drop).map_err(|e| describe(&e))
    }
}
