//! Every repository port's conformance suite, on SQLite and on PostgreSQL (a database of
//! its own per test, dropped when the test ends).

use std::sync::Arc;

use folio_domain::legacy::LegacyIdRepository;
use folio_domain::media::MediaRepository;
use folio_domain::testing::collections::ContentRepositories;
use folio_domain::users::UserRepository;
use folio_storage_sql::testing;
use folio_storage_sql::{SqlContent, SqlLegacyIdRepository, SqlMediaRepository, SqlUserRepository};

mod sqlite {
    use super::*;

    folio_domain::user_repository_tests!(async {
        let db = testing::sqlite().await;
        (Arc::new(SqlUserRepository::new(db.db.clone())) as Arc<dyn UserRepository>, db)
    });

    mod media {
        use super::*;

        folio_domain::media_repository_tests!(async {
            let db = testing::sqlite().await;
            (Arc::new(SqlMediaRepository::new(db.db.clone())) as Arc<dyn MediaRepository>, db)
        });
    }

    mod legacy_ids {
        use super::*;

        folio_domain::legacy_id_repository_tests!(async {
            let db = testing::sqlite().await;
            (Arc::new(SqlLegacyIdRepository::new(db.db.clone())) as Arc<dyn LegacyIdRepository>, db)
        });
    }

    mod collections {
        use super::*;

        folio_domain::content_repository_tests!(async {
            let db = testing::sqlite().await;
            let content = SqlContent::new(db.db.clone());
            (ContentRepositories { items: Arc::new(content.collections()), articles: Arc::new(content.articles()) }, db)
        });
    }
}

mod postgres {
    use super::*;

    folio_domain::user_repository_tests!(async {
        let db = testing::postgres().await;
        (Arc::new(SqlUserRepository::new(db.db.clone())) as Arc<dyn UserRepository>, db)
    });

    mod media {
        use super::*;

        folio_domain::media_repository_tests!(async {
            let db = testing::postgres().await;
            (Arc::new(SqlMediaRepository::new(db.db.clone())) as Arc<dyn MediaRepository>, db)
        });
    }

    mod legacy_ids {
        use super::*;

        folio_domain::legacy_id_repository_tests!(async {
            let db = testing::postgres().await;
            (Arc::new(SqlLegacyIdRepository::new(db.db.clone())) as Arc<dyn LegacyIdRepository>, db)
        });
    }

    mod collections {
        use super::*;

        folio_domain::content_repository_tests!(async {
            let db = testing::postgres().await;
            let content = SqlContent::new(db.db.clone());
            (ContentRepositories { items: Arc::new(content.collections()), articles: Arc::new(content.articles()) }, db)
        });
    }
}
