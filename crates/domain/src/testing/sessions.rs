//! The `SessionStore` conformance suite.

use std::sync::Arc;
use std::time::Duration;

use super::unique_id as user;
use crate::sessions::{Session, SessionId, SessionStore};
use crate::users::{Role, UserId};

fn session(user: u64) -> Session {
    let now = crate::clock::now();
    Session {
        user_id: UserId(folio_id::Snowflake::from_u64(user)),
        role: Role::Editor,
        created_at: now,
        last_seen_at: now,
        absolute_expires_at: now + chrono::Duration::days(30),
        user_agent: Some("conformance/1.0".into()),
        ip: Some("127.0.0.1".into()),
    }
}

const LONG: Duration = Duration::from_secs(600);

pub async fn a_created_session_reads_back(store: Arc<dyn SessionStore>) {
    let id = SessionId::generate();
    let s = session(user());
    store.create(&id, &s, LONG).await.expect("create");
    assert_eq!(store.get(&id).await.expect("get"), Some(s));
}

pub async fn an_unknown_session_is_none(store: Arc<dyn SessionStore>) {
    assert_eq!(store.get(&SessionId::generate()).await.expect("get"), None);
}

pub async fn a_session_expires_after_its_ttl(store: Arc<dyn SessionStore>) {
    let id = SessionId::generate();
    store.create(&id, &session(user()), Duration::from_millis(300)).await.expect("create");
    assert!(store.get(&id).await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(store.get(&id).await.expect("get"), None);
}

pub async fn touch_restarts_the_ttl_and_saves_the_session(store: Arc<dyn SessionStore>) {
    let id = SessionId::generate();
    let mut s = session(user());
    store.create(&id, &s, Duration::from_millis(500)).await.expect("create");
    tokio::time::sleep(Duration::from_millis(300)).await;
    s.last_seen_at = crate::clock::now();
    store.touch(&id, &s, Duration::from_millis(700)).await.expect("touch");
    tokio::time::sleep(Duration::from_millis(400)).await;
    // 700 ms after the first write: past the first TTL, within the second.
    assert_eq!(store.get(&id).await.expect("get"), Some(s));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(store.get(&id).await.expect("get"), None);
}

pub async fn touch_does_not_resurrect_a_deleted_session(store: Arc<dyn SessionStore>) {
    let id = SessionId::generate();
    let s = session(user());
    store.create(&id, &s, LONG).await.expect("create");
    store.delete(&id).await.expect("delete");
    store.touch(&id, &s, LONG).await.expect("touch");
    assert_eq!(store.get(&id).await.expect("get"), None);
}

pub async fn delete_ends_a_session(store: Arc<dyn SessionStore>) {
    let id = SessionId::generate();
    store.create(&id, &session(user()), LONG).await.expect("create");
    store.delete(&id).await.expect("delete");
    assert_eq!(store.get(&id).await.expect("get"), None);
    // Deleting again is fine.
    store.delete(&id).await.expect("delete again");
}

pub async fn ending_a_users_sessions_keeps_the_one_asked_for(store: Arc<dyn SessionStore>) {
    let (alice, bob) = (user(), user());
    let ids: Vec<SessionId> = (0..3).map(|_| SessionId::generate()).collect();
    for id in &ids {
        store.create(id, &session(alice), LONG).await.expect("create");
    }
    let bobs = SessionId::generate();
    store.create(&bobs, &session(bob), LONG).await.expect("create");

    let ended = store
        .delete_for_user(UserId(folio_id::Snowflake::from_u64(alice)), Some(&ids[0]))
        .await
        .expect("delete_for_user");
    assert_eq!(ended, 2);
    assert!(store.get(&ids[0]).await.expect("get").is_some(), "kept");
    assert!(store.get(&ids[1]).await.expect("get").is_none());
    assert!(store.get(&ids[2]).await.expect("get").is_none());
    assert!(store.get(&bobs).await.expect("get").is_some(), "other users untouched");

    let ended =
        store.delete_for_user(UserId(folio_id::Snowflake::from_u64(alice)), None).await.expect("delete_for_user");
    assert_eq!(ended, 1);
    assert!(store.get(&ids[0]).await.expect("get").is_none());
}
