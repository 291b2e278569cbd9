//! Real components for the backup tests: SQLite, PostgreSQL and MongoDB databases of their own, a
//! disk object store in a temporary directory, the S3 test server, and a site's worth of
//! content with everything a restore must get right (nested items, shuffled positions,
//! hidden items, media slots, password hashes, articles with sections).

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{Duration, Utc};
use folio_backup::{BackupSettings, Backups, Repositories, Scratch, ScratchTarget};
use folio_domain::content::articles::{Article, Slug};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, Tags};
use folio_domain::media::{Media, MediaCategory, MediaFilter, MediaId, MediaVariant, VariantName};
use folio_domain::objects::{ObjectKey, ObjectStore, PutOptions};
use folio_domain::testing::{sample_user, unique_id};
use folio_domain::users::{Role, User, UserId, UserStatus};
use folio_domain::values::Localized;
use folio_domain::PageRequest;
use folio_id::Snowflake;
use folio_storage_local::DiskObjectStore;
use folio_storage_mongo::{MongoContent, MongoMediaRepository, MongoUserRepository};
use folio_storage_sql::testing::{self, TestDatabase};
use folio_storage_sql::{DatabaseConnection, SqlContent, SqlMediaRepository, SqlUserRepository};
use futures_util::stream;
use serde_json::{json, Map, Value};

/// A migrated database and its repositories.
pub struct Db<G = TestDatabase> {
    pub repos: Repositories,
    pub guard: G,
}

pub fn repositories(db: &DatabaseConnection) -> Repositories {
    let content = SqlContent::new(db.clone());
    Repositories {
        users: Arc::new(SqlUserRepository::new(db.clone())),
        media: Arc::new(SqlMediaRepository::new(db.clone())),
        items: Arc::new(content.collections()),
        articles: Arc::new(content.articles()),
    }
}

pub async fn sqlite() -> Db {
    let guard = testing::sqlite().await;
    Db { repos: repositories(&guard.db), guard }
}

pub async fn postgres() -> Db {
    let guard = testing::postgres().await;
    Db { repos: repositories(&guard.db), guard }
}

/// A migrated MongoDB database of its own on the test server (`FOLIO_TEST_MONGO_URI`), with
/// transactions as the server offers them, or forced off to test the path a standalone
/// mongod takes.
pub async fn mongo(transactions: bool) -> Db<folio_storage_mongo::testing::TestDatabase> {
    let mut guard = folio_storage_mongo::testing::TestDatabase::migrated().await;
    if !transactions {
        guard.store = guard.store.clone().with_transactions(false);
    }
    let store = &guard.store;
    let content = MongoContent::new(store.clone());
    let repos = Repositories {
        users: Arc::new(MongoUserRepository::new(store.db())),
        media: Arc::new(MongoMediaRepository::new(store.db())),
        items: Arc::new(content.collections()),
        articles: Arc::new(content.articles()),
    };
    Db { repos, guard }
}

/// Scratch databases for `verify`: temporary SQLite files.
#[derive(Debug)]
pub struct SqliteScratch;

#[async_trait::async_trait]
impl ScratchTarget for SqliteScratch {
    async fn create(&self) -> Result<Scratch, folio_backup::BackupError> {
        let db = sqlite().await;
        Ok(Scratch { repos: db.repos, guard: Box::new(db.guard) })
    }
}

/// A disk object store in `dir`.
pub fn disk_store(dir: &Path) -> Arc<dyn ObjectStore> {
    Arc::new(DiskObjectStore::new(dir.join("objects")).expect("disk store"))
}

pub fn settings(dir: &Path) -> BackupSettings {
    BackupSettings::new(dir.join("backups"), "sqlite", "m20260101_000001_test")
}

pub fn backups(store: Arc<dyn ObjectStore>, settings: BackupSettings) -> Backups {
    Backups::new(store, settings).expect("valid settings")
}

fn id() -> Snowflake {
    Snowflake::from_u64(unique_id())
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn bilingual(en: &str) -> Value {
    json!({ "en": en, "es": format!("{en} (es)") })
}

/// What [`seed`] stored, for the tests that need to name it.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub users: Vec<User>,
    pub media: Vec<Media>,
    pub articles: Vec<Article>,
}

impl Seeded {
    /// Every object key the media records name.
    pub fn object_keys(&self) -> Vec<(String, u64)> {
        self.media
            .iter()
            .flat_map(|m| {
                std::iter::once((m.key.to_string(), m.size)).chain(m.variants.iter().map(|v| (v.key.clone(), v.size)))
            })
            .collect()
    }
}

fn media(category: MediaCategory, ext: &str, content_type: &str, uploaded_by: UserId, minutes_ago: i64) -> Media {
    let at = folio_domain::clock::now() - Duration::minutes(minutes_ago);
    let id = MediaId(id());
    let base = format!("media/{}/2026/03/{id}-file", category.as_str());
    Media {
        id,
        category,
        title: Localized::parse(BTreeMap::from([("en".into(), "A file".into()), ("es".into(), "Un archivo".into())]))
            .expect("title"),
        key: ObjectKey::parse(&format!("{base}.{ext}")).expect("key"),
        size: 100 + minutes_ago as u64,
        content_type: content_type.to_owned(),
        sha256: format!("{:064x}", minutes_ago),
        etag: Some(format!("etag-{minutes_ago}")),
        width: None,
        height: None,
        duration_ms: None,
        variants: Vec::new(),
        uploaded_by: Some(uploaded_by),
        created_at: at,
        updated_at: at,
    }
}

fn item(kind: CollectionKind, parent: Option<ItemId>, title: &str, visible: bool) -> CollectionItem {
    let now = folio_domain::clock::now();
    CollectionItem {
        id: ItemId(id()),
        kind,
        parent,
        position: 0,
        visible,
        fields: object(json!({ "title": bilingual(title), "text": bilingual("Some text") })),
        media: BTreeMap::new(),
        created_at: now,
        updated_at: now,
    }
}

/// Inserts `n` items, then moves the last to the front and deletes the second, so positions
/// are not the insertion order.
async fn shuffled(repos: &Repositories, kind: CollectionKind, parent: Option<ItemId>, n: usize) -> Vec<CollectionItem> {
    let mut ids = Vec::new();
    for i in 0..n {
        let stored = repos.items.insert(&item(kind, parent, &format!("{kind} {i}"), i % 3 != 2)).await.expect("insert");
        ids.push(stored.id);
    }
    if n >= 3 {
        repos.items.move_to(kind, ids[n - 1], 1).await.expect("move");
        repos.items.delete(kind, ids[1]).await.expect("delete");
    }
    repos.items.list(kind, parent, true).await.expect("list")
}

/// A site: users, media records, items of every kind (nested ones under several parents,
/// positions shuffled, some hidden, media in slots), the profile, and articles with sections.
pub async fn seed(repos: &Repositories) -> Seeded {
    let mut users = vec![
        sample_user(unique_id(), &format!("admin-{}@example.com", unique_id()), Role::Admin),
        sample_user(unique_id(), &format!("editor-{}@example.com", unique_id()), Role::Editor),
        sample_user(unique_id(), &format!("banned-{}@example.com", unique_id()), Role::Editor),
    ];
    users[1].last_login_at = Some(folio_domain::clock::now() - Duration::hours(5));
    users[2].status = UserStatus::Banned;
    for user in &users {
        repos.users.insert(user).await.expect("user");
    }

    let mut image = media(MediaCategory::Image, "jpg", "image/jpeg", users[0].id, 3);
    (image.width, image.height) = (Some(3000), Some(2000));
    let base = image.key.as_str().trim_end_matches(".jpg").to_owned();
    image.variants = vec![
        MediaVariant {
            name: VariantName::Web,
            key: format!("{base}.web.webp"),
            size: 50,
            content_type: "image/webp".into(),
            width: 1620,
            height: 1080,
        },
        MediaVariant {
            name: VariantName::Thumb,
            key: format!("{base}.thumb.webp"),
            size: 10,
            content_type: "image/webp".into(),
            width: 400,
            height: 267,
        },
    ];
    let mut audio = media(MediaCategory::Audio, "flac", "audio/flac", users[1].id, 2);
    audio.duration_ms = Some(225_000);
    let video = media(MediaCategory::Video, "mp4", "video/mp4", users[1].id, 1);
    let mut document = media(MediaCategory::Document, "pdf", "application/pdf", users[0].id, 0);
    document.uploaded_by = None;
    document.etag = None;
    let all_media = vec![image, audio, video, document];
    for m in &all_media {
        repos.media.insert(m).await.expect("media");
    }

    let now = folio_domain::clock::now();
    for kind in CollectionKind::ALL.into_iter().filter(|k| k.parent().is_none() && !k.is_singleton()) {
        let items = shuffled(repos, kind, None, 5).await;
        if let Some(slot) = kind.slots().first() {
            repos.items.set_media(kind, items[0].id, slot.name, Some(all_media[0].id), now).await.expect("slot");
        }
    }
    let mut profile = item(CollectionKind::SiteProfile, None, "profile", true);
    profile.id = ItemId(Snowflake::from_u64(1));
    profile.fields = object(json!({ "welcome": bilingual("Welcome"), "seo_tags": ["rust", "portfolio"] }));
    profile.media.insert("logo".into(), all_media[0].id);
    repos.items.insert(&profile).await.expect("profile");

    for parent in repos.items.list(CollectionKind::CvSections, None, true).await.expect("list").iter().take(2) {
        shuffled(repos, CollectionKind::CvSubsections, Some(parent.id), 4).await;
    }
    let categories = repos.items.list(CollectionKind::ArticleCategories, None, true).await.expect("list");
    let mut subcategories = Vec::new();
    for parent in categories.iter().take(2) {
        subcategories.extend(shuffled(repos, CollectionKind::ArticleSubcategories, Some(parent.id), 3).await);
    }

    let mut articles = Vec::new();
    for i in 0..4i64 {
        let at = now - Duration::days(10 - i);
        let article_id = ItemId(id());
        let mut article = Article {
            id: article_id,
            slug: Slug::parse(&format!("article-{i}-{}", unique_id())).expect("slug"),
            category: Some(categories[0].id),
            sub_categories: vec![subcategories[0].id],
            tags: Tags::try_from(vec!["Rust".to_owned(), format!("tag-{i}")]).expect("tags"),
            languages: vec!["en".into(), "es".into()],
            visible: i != 2,
            published_at: at + Duration::hours(1),
            fields: object(json!({ "title": bilingual(&format!("Article {i}")), "intro": bilingual("Intro") })),
            media: BTreeMap::new(),
            created_at: at,
            updated_at: at,
        };
        if i == 0 {
            article.media.insert("cover".into(), all_media[0].id);
            article.category = None;
            article.sub_categories.clear();
        }
        repos.articles.insert(&article).await.expect("article");
        let sections = shuffled(repos, CollectionKind::ArticleSections, Some(article_id), 1 + i as usize).await;
        if let Some(first) = sections.first() {
            for m in all_media.iter().take(2) {
                repos
                    .items
                    .set_media(CollectionKind::ArticleSections, first.id, &format!("files/{}", m.id), Some(m.id), now)
                    .await
                    .expect("files slot");
            }
        }
        articles.push(article);
    }
    Seeded { users, media: all_media, articles }
}

/// Everything a database holds, read through the ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub users: Vec<User>,
    pub media: Vec<Media>,
    pub items: Vec<(CollectionKind, Vec<CollectionItem>)>,
    pub articles: Vec<Article>,
}

impl Snapshot {
    pub fn rows(&self) -> u64 {
        (self.users.len()
            + self.media.len()
            + self.articles.len()
            + self.items.iter().map(|(_, i)| i.len()).sum::<usize>()) as u64
    }
}

pub async fn snapshot(repos: &Repositories) -> Snapshot {
    let mut users = Vec::new();
    let mut media = Vec::new();
    let mut articles = Vec::new();
    for page in 1.. {
        let p = repos.users.list(PageRequest { page, per_page: 100 }).await.expect("users");
        users.extend(p.items);
        if u64::from(page) >= p.pages {
            break;
        }
    }
    for page in 1.. {
        let p = repos.media.list(&MediaFilter::default(), PageRequest { page, per_page: 100 }).await.expect("media");
        media.extend(p.items);
        if u64::from(page) >= p.pages {
            break;
        }
    }
    for page in 1.. {
        let query = folio_domain::content::articles::ArticleQuery {
            page: PageRequest { page, per_page: 100 },
            sort: "created_at".parse().expect("sort"),
            include_hidden: true,
            ..Default::default()
        };
        let p = repos.articles.search(&query).await.expect("articles");
        articles.extend(p.items);
        if u64::from(page) >= p.pages {
            break;
        }
    }
    let mut items = Vec::new();
    for kind in CollectionKind::ALL {
        items.push((kind, repos.items.list(kind, None, true).await.expect("items")));
    }
    Snapshot { users, media, items, articles }
}

/// Stores a small object under every key the media records name (but those in `skip`).
pub async fn put_media_objects(store: &dyn ObjectStore, seeded: &Seeded, skip: &[&str]) {
    for (key, size) in seeded.object_keys() {
        if skip.contains(&key.as_str()) {
            continue;
        }
        let body = vec![7u8; size as usize];
        let options = PutOptions {
            content_type: "application/octet-stream".into(),
            cache_control: None,
            content_length: Some(size),
        };
        let key = ObjectKey::parse(&key).expect("key");
        store.put(&key, Box::pin(stream::iter(vec![Ok(Bytes::from(body))])), options).await.expect("put object");
    }
}

/// The bytes of a stored object.
pub async fn read_object(store: &dyn ObjectStore, key: &str) -> Vec<u8> {
    use futures_util::StreamExt;
    let key = ObjectKey::parse(key).expect("key");
    let mut body = store.get(&key, None).await.expect("get").expect("present").stream;
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.expect("chunk"));
    }
    out
}

/// Replaces a stored object's bytes.
pub async fn write_object(store: &dyn ObjectStore, key: &str, bytes: Vec<u8>) {
    let key = ObjectKey::parse(key).expect("key");
    let options = PutOptions {
        content_type: "application/octet-stream".into(),
        cache_control: None,
        content_length: Some(bytes.len() as u64),
    };
    store.put(&key, Box::pin(stream::iter(vec![Ok(Bytes::from(bytes))])), options).await.expect("put");
}

/// Files (not directories) directly in `dir`.
pub fn files_in(dir: &Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

pub fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// The bytes [`put_media_files`] stores under `key`: `size` of them, unlike any other key's,
/// with a marker (`MEDIA-BYTES`) that no record holds.
pub fn media_bytes(key: &str, size: u64) -> Vec<u8> {
    format!("MEDIA-BYTES {key}|").into_bytes().into_iter().cycle().take(size as usize).collect()
}

/// Stores [`media_bytes`] under every key the media records name (but those in `skip`).
pub async fn put_media_files(store: &dyn ObjectStore, seeded: &Seeded, skip: &[&str]) {
    for (key, size) in seeded.object_keys() {
        if !skip.contains(&key.as_str()) {
            write_object(store, &key, media_bytes(&key, size)).await;
        }
    }
}

/// A disk store of its own, under `dir`, whatever else is there.
pub fn disk_store_at(dir: &Path) -> Arc<dyn ObjectStore> {
    Arc::new(DiskObjectStore::new(dir.to_path_buf()).expect("disk store"))
}
