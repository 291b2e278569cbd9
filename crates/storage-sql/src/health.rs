use folio_domain::health::HealthCheck;
use sea_orm::DatabaseConnection;

/// Health of the SQL database: a round trip on a pooled connection.
#[derive(Debug, Clone)]
pub struct SqlHealth {
    db: DatabaseConnection,
}

impl SqlHealth {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl HealthCheck for SqlHealth {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn check(&self) -> Result<(), String> {
        // DbErr messages name the backend's problem, not the credentials.
        self.db.ping().await.map_err(|e| e.to_string())
    }
}
