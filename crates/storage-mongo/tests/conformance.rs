//! The repository ports' conformance suites on MongoDB, each test with a database of its own
//! (dropped when the test ends) on the server named by `FOLIO_TEST_MONGO_URI`.

use std::sync::Arc;

use folio_domain::media::MediaRepository;
use folio_domain::users::UserRepository;
use folio_storage_mongo::testing::TestDatabase;
use folio_storage_mongo::{MongoMediaRepository, MongoUserRepository};

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
