//! The repository ports' conformance suites on MongoDB, each test with a database of its own
//! (dropped when the test ends) on the server named by `FOLIO_TEST_MONGO_URI`.

use std::sync::Arc;

use folio_domain::legacy::LegacyIdRepository;
use folio_domain::media::MediaRepository;
use folio_domain::testing::collections::ContentRepositories;
use folio_domain::users::UserRepository;
use folio_storage_mongo::testing::TestDatabase;
use folio_storage_mongo::{MongoContent, MongoLegacyIdRepository, MongoMediaRepository, MongoUserRepository};

mod users {
    use super::*;

    folio_domain::user_repository_tests!(async {
        let test = TestDatabase::migrated().await;
        (Arc::new(MongoUserRepository::new(test.db())) as Arc<dyn UserRepository>, test)
    });
}

mod media {
    use super::*;

    folio_domain::media_repository_tests!(async {
        let test = TestDatabase::migrated().await;
        (Arc::new(MongoMediaRepository::new(test.db())) as Arc<dyn MediaRepository>, test)
    });
}

mod legacy_ids {
    use super::*;

    folio_domain::legacy_id_repository_tests!(async {
        let test = TestDatabase::migrated().await;
        (Arc::new(MongoLegacyIdRepository::new(test.db())) as Arc<dyn LegacyIdRepository>, test)
    });
}

/// The content repositories on a fresh database, with transactions forced on or off.
async fn content(transactions: bool) -> (ContentRepositories, TestDatabase) {
    let test = TestDatabase::migrated().await;
    let content = MongoContent::new(test.store.clone().with_transactions(transactions));
    (ContentRepositories { items: Arc::new(content.collections()), articles: Arc::new(content.articles()) }, test)
}

/// SecantusDB runs transactions even standalone, so both paths run against it.
mod content_with_transactions {
    use super::*;

    folio_domain::content_repository_tests!(content(true));
}

mod content_without_transactions {
    use super::*;

    folio_domain::content_repository_tests!(content(false));
}
