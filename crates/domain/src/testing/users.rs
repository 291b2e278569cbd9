//! The `UserRepository` conformance suite.

use std::sync::Arc;

use crate::page::PageRequest;
use crate::users::{Email, Role, UserId, UserName, UserRepository, UserStatus};
use crate::DomainError;

use super::unique_id as id;
use super::{sample_user, unique};

fn email() -> String {
    format!("{}@example.com", unique("user"))
}

pub async fn an_inserted_user_reads_back_by_id_and_email(repo: Arc<dyn UserRepository>) {
    let mut user = sample_user(id(), &email(), Role::Editor);
    user.last_login_at = Some(crate::clock::now());
    repo.insert(&user).await.expect("insert");
    let by_id = repo.find_by_id(user.id).await.expect("find").expect("present");
    assert!(by_id == user, "read back {by_id:?}, wrote {user:?}");
    let upper = Email::parse(&user.email.as_str().to_uppercase()).expect("email");
    let by_email = repo.find_by_email(&upper).await.expect("find").expect("present");
    assert_eq!(by_email.id, user.id);
    assert!(repo.find_by_id(UserId(folio_id::Snowflake::from_u64(id()))).await.expect("find").is_none());
}

pub async fn a_taken_email_is_a_conflict(repo: Arc<dyn UserRepository>) {
    let first = sample_user(id(), &email(), Role::Editor);
    repo.insert(&first).await.expect("insert");
    let second = sample_user(id(), first.email.as_str(), Role::Admin);
    let err = repo.insert(&second).await.expect_err("duplicate");
    assert!(matches!(err, DomainError::Conflict { field: "email", .. }), "{err:?}");
}

pub async fn update_replaces_every_field(repo: Arc<dyn UserRepository>) {
    let mut user = sample_user(id(), &email(), Role::Editor);
    repo.insert(&user).await.expect("insert");
    user.name = UserName::parse("Renamed").expect("name");
    user.email = Email::parse(&email()).expect("email");
    user.role = Role::Admin;
    user.status = UserStatus::Banned;
    user.password_hash = folio_crypto::PasswordHash::parse(
        "$argon2i$v=19$m=4096,t=3,p=1$wVA8kmG5WxikrhHT8fqaZA$X9M0/5WGPk+5g/hBNxLFIpdmPXteD71uHKQTZfmEW/E",
    )
    .expect("hash");
    user.last_login_at = Some(crate::clock::now());
    user.updated_at = crate::clock::now();
    repo.update(&user).await.expect("update");
    let stored = repo.find_by_id(user.id).await.expect("find").expect("present");
    assert!(stored == user, "read back {stored:?}, wrote {user:?}");
}

pub async fn updating_a_missing_user_is_not_found(repo: Arc<dyn UserRepository>) {
    let user = sample_user(id(), &email(), Role::Editor);
    let err = repo.update(&user).await.expect_err("missing");
    assert!(matches!(err, DomainError::NotFound { .. }), "{err:?}");
}

pub async fn updating_to_a_taken_email_is_a_conflict(repo: Arc<dyn UserRepository>) {
    let a = sample_user(id(), &email(), Role::Editor);
    let mut b = sample_user(id(), &email(), Role::Editor);
    repo.insert(&a).await.expect("insert");
    repo.insert(&b).await.expect("insert");
    b.email = a.email.clone();
    let err = repo.update(&b).await.expect_err("taken");
    assert!(matches!(err, DomainError::Conflict { field: "email", .. }), "{err:?}");
}

pub async fn delete_says_whether_a_user_was_deleted(repo: Arc<dyn UserRepository>) {
    let user = sample_user(id(), &email(), Role::Editor);
    repo.insert(&user).await.expect("insert");
    assert!(repo.delete(user.id).await.expect("delete"));
    assert!(!repo.delete(user.id).await.expect("delete again"));
    assert!(repo.find_by_id(user.id).await.expect("find").is_none());
}

pub async fn list_pages_in_creation_order_with_totals(repo: Arc<dyn UserRepository>) {
    let before = repo.count().await.expect("count");
    let mut ids = Vec::new();
    for _ in 0..5 {
        let user = sample_user(id(), &email(), Role::Editor);
        repo.insert(&user).await.expect("insert");
        ids.push(user.id);
    }
    let total = repo.count().await.expect("count");
    assert_eq!(total, before + 5);
    // The five newest users are the last page when the page size divides what came before.
    let per_page = 5;
    let all = repo.list(PageRequest::new(1, 100).expect("page")).await.expect("list");
    assert_eq!(all.total, total);
    let listed: Vec<UserId> = all.items.iter().map(|u| u.id).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "ordered by id");
    if total <= 100 {
        assert!(ids.iter().all(|id| listed.contains(id)));
    }
    let page = repo.list(PageRequest::new(2, per_page).expect("page")).await.expect("list");
    assert_eq!(page.total, total);
    assert_eq!(page.pages, total.div_ceil(u64::from(per_page)));
    assert_eq!(page.items.len() as u64, (total - 5).min(5));
    let beyond = repo.list(PageRequest::new(10_000, per_page).expect("page")).await.expect("list");
    assert!(beyond.items.is_empty());
}

pub async fn active_admins_are_counted(repo: Arc<dyn UserRepository>) {
    let before = repo.count_active_admins().await.expect("count");
    let admin = sample_user(id(), &email(), Role::Admin);
    let mut banned_admin = sample_user(id(), &email(), Role::Admin);
    banned_admin.status = UserStatus::Banned;
    let editor = sample_user(id(), &email(), Role::Editor);
    for user in [&admin, &banned_admin, &editor] {
        repo.insert(user).await.expect("insert");
    }
    assert_eq!(repo.count_active_admins().await.expect("count"), before + 1);
}
