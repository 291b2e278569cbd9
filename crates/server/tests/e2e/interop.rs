//! Every node-argon2 hash of the interop vectors signs in, and is upgraded to the
//! configured parameters on that first login.

use folio_domain::users::{Email, Role, User, UserId, UserName, UserRepository, UserStatus};
use folio_storage_sql::SqlUserRepository;
use serde_json::Value;

use crate::support::{new_client, Credentials, TestApp};

/// Stronger than every vector (node-argon2's default is m=65536, t=3, p=4), so each one
/// counts as weaker and must be rehashed.
const STRONGER: [(&str, &str); 3] =
    [("ARGON2_MEMORY_KIB", "65536"), ("ARGON2_ITERATIONS", "4"), ("ARGON2_PARALLELISM", "4")];

#[tokio::test]
async fn every_node_argon2_hash_signs_in_and_is_rehashed() {
    let vectors: Value =
        serde_json::from_str(include_str!("../../../crypto/tests/fixtures/node-vectors.json")).expect("vectors");
    let vectors = vectors["argon2"].as_array().expect("argon2 vectors").clone();
    assert!(!vectors.is_empty());
    let app = TestApp::spawn_with(&STRONGER).await;
    let url = format!("sqlite://{}/folio.db", app.data_dir.path().display());
    let db = folio_storage_sql::connect(&url, &folio_storage_sql::PoolOptions::default()).await.expect("connect");
    let repo = SqlUserRepository::new(db);

    for (n, vector) in vectors.iter().enumerate() {
        let hash = vector["hash"].as_str().expect("hash");
        let email = format!("node{n}@example.com");
        let now = folio_domain::clock::now();
        let user = User {
            id: UserId(folio_id::Snowflake::from_u64(1_000 + n as u64)),
            name: UserName::parse("Node").expect("name"),
            email: Email::parse(&email).expect("email"),
            password_hash: folio_crypto::PasswordHash::parse(hash).expect("PHC"),
            role: Role::Editor,
            status: UserStatus::Active,
            last_login_at: None,
            created_at: now,
            updated_at: now,
        };
        repo.insert(&user).await.expect("insert");

        let wrong = Credentials {
            id: String::new(),
            email: email.clone(),
            password: vector["wrong_password"].as_str().expect("wrong").to_owned(),
        };
        assert_eq!(app.login(&new_client(), &wrong).await.status(), 401, "{hash}");
        let right = Credentials { password: vector["password"].as_str().expect("password").to_owned(), ..wrong };
        let response = app.login(&new_client(), &right).await;
        assert_eq!(response.status(), 200, "{hash}");

        let stored = repo.find_by_id(user.id).await.expect("find").expect("user");
        assert!(
            stored.password_hash.as_str().starts_with("$argon2id$v=19$m=65536,t=4,p=4$"),
            "{hash} was not upgraded: {}",
            stored.password_hash.as_str()
        );
        // The upgraded hash still signs in.
        assert_eq!(app.login(&new_client(), &right).await.status(), 200);
    }
}
