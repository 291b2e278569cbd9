//! Backup and restore throughput (rows/s) and peak memory, on SQLite, for 100,000 rows
//! (`FOLIO_BENCH_ROWS` for another count): 10% users, 30% media records, 20% articles, 38%
//! article sections (nested, two per article on average) and 2% albums.
//!
//! Run: `cargo bench -p folio-backup --bench backup_restore`
//!
//! Peak memory is the process's high-water mark (`VmHWM`), reset before each phase through
//! `/proc/self/clear_refs` (Linux); "growth" is that peak minus the resident size when the
//! phase began, i.e. what the phase itself held at most.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::Duration;
use folio_backup::{BackupRef, BackupSettings, Backups, Repositories, RestoreOptions, Scratch, ScratchTarget};
use folio_crypto::KeyPair;
use folio_domain::content::articles::{Article, Slug};
use folio_domain::content::{CollectionItem, CollectionKind, ItemId, Tags};
use folio_domain::media::{Media, MediaCategory, MediaId};
use folio_domain::objects::{ObjectKey, ObjectStore};
use folio_domain::testing::sample_user;
use folio_domain::users::Role;
use folio_domain::values::Localized;
use folio_id::Snowflake;
use folio_storage_local::DiskObjectStore;
use folio_storage_sql::{SqlContent, SqlMediaRepository, SqlUserRepository};
use serde_json::json;

fn repositories(db: &folio_storage_sql::DatabaseConnection) -> Repositories {
    let content = SqlContent::new(db.clone());
    Repositories {
        users: Arc::new(SqlUserRepository::new(db.clone())),
        media: Arc::new(SqlMediaRepository::new(db.clone())),
        items: Arc::new(content.collections()),
        articles: Arc::new(content.articles()),
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// Resets the high-water mark; returns the resident size now (KiB).
fn start_phase() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    status_kib("VmRSS:")
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[derive(Debug)]
struct SqliteScratch;

#[async_trait::async_trait]
impl ScratchTarget for SqliteScratch {
    async fn create(&self) -> Result<Scratch, folio_backup::BackupError> {
        let db = folio_storage_sql::testing::sqlite().await;
        Ok(Scratch { repos: repositories(&db.db), guard: Box::new(db) })
    }
}

async fn seed(repos: &Repositories, rows: u64) {
    let base = 7_000_000_000_000_000_000u64;
    let mut next = base;
    let mut id = || {
        next += 1;
        next
    };
    let now = folio_domain::clock::now();
    let title = |s: String| json!({ "en": s.clone(), "es": format!("{s} (es)") });
    let share = |percent: u64| rows * percent / 100;
    for i in 0..share(10) {
        let user = sample_user(id(), &format!("user{i}@example.com"), if i == 0 { Role::Admin } else { Role::Editor });
        repos.users.insert(&user).await.expect("user");
    }
    for i in 0..share(30) {
        let media_id = MediaId(Snowflake::from_u64(id()));
        let media = Media {
            id: media_id,
            category: MediaCategory::Image,
            title: Localized::parse(BTreeMap::from([("en".into(), format!("Photo {i}"))])).expect("title"),
            key: ObjectKey::parse(&format!("media/image/2026/03/{media_id}-photo-{i}.jpg")).expect("key"),
            size: 1_000_000 + i,
            content_type: "image/jpeg".into(),
            sha256: format!("{i:064x}"),
            etag: Some(format!("{i:032x}")),
            width: Some(3000),
            height: Some(2000),
            duration_ms: None,
            variants: Vec::new(),
            uploaded_by: None,
            created_at: now - Duration::seconds(i as i64),
            updated_at: now,
        };
        repos.media.insert(&media).await.expect("media");
    }
    for i in 0..share(2) {
        let item = CollectionItem {
            id: ItemId(Snowflake::from_u64(id())),
            kind: CollectionKind::Albums,
            parent: None,
            position: 0,
            visible: true,
            fields: serde_json::from_value(json!({ "title": title(format!("Album {i}")) })).expect("fields"),
            media: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        };
        repos.items.insert(&item).await.expect("album");
    }
    let articles = share(20);
    let sections = rows - share(10) - share(30) - share(2) - articles;
    for i in 0..articles {
        let article_id = ItemId(Snowflake::from_u64(id()));
        let article = Article {
            id: article_id,
            slug: Slug::parse(&format!("article-{i}")).expect("slug"),
            category: None,
            sub_categories: Vec::new(),
            tags: Tags::try_from(vec!["rust".to_owned(), format!("t{}", i % 50)]).expect("tags"),
            languages: vec!["en".into(), "es".into()],
            visible: i % 10 != 0,
            published_at: now - Duration::minutes(i as i64),
            fields: serde_json::from_value(json!({
                "title": title(format!("Article {i}")),
                "intro": title("An introduction of a sentence or two, as articles have.".to_owned()),
            }))
            .expect("fields"),
            media: BTreeMap::new(),
            created_at: now - Duration::minutes(i as i64),
            updated_at: now,
        };
        repos.articles.insert(&article).await.expect("article");
        let mine = sections / articles + u64::from(i < sections % articles);
        for s in 0..mine {
            let section = CollectionItem {
                id: ItemId(Snowflake::from_u64(id())),
                kind: CollectionKind::ArticleSections,
                parent: Some(article_id),
                position: 0,
                visible: true,
                fields: serde_json::from_value(json!({
                    "title": title(format!("Section {s}")),
                    "text": title("A paragraph of text. ".repeat(10)),
                }))
                .expect("fields"),
                media: BTreeMap::new(),
                created_at: now,
                updated_at: now,
            };
            repos.items.insert(&section).await.expect("section");
        }
    }
}

fn main() {
    let rows: u64 = std::env::var("FOLIO_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let source = folio_storage_sql::testing::sqlite().await;
        let repos = repositories(&source.db);
        let started = Instant::now();
        seed(&repos, rows).await;
        let seeded = started.elapsed().as_secs_f64();
        println!("seeded {rows} rows through the ports in {seeded:.1} s ({:.0} rows/s)", rows as f64 / seeded);

        let store: Arc<dyn ObjectStore> = Arc::new(DiskObjectStore::new(dir.path().join("objects")).expect("store"));
        let pair = KeyPair::generate();
        println!();
        println!("| phase | rows | seconds | rows/s | archive MiB | peak RSS MiB | growth MiB |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for encrypted in [false, true] {
            let mut settings = BackupSettings::new(dir.path().join("local"), "sqlite", "bench");
            if encrypted {
                settings.encrypt_to = Some(pair.public);
                settings.private_key = Some(pair.secret.clone());
            }
            let backups = Backups::new(store.clone(), settings).expect("backups");
            let label = if encrypted { " (encrypted)" } else { "" };

            let before = start_phase();
            let started = Instant::now();
            let report = backups.create(&repos).await.expect("backup");
            let took = started.elapsed().as_secs_f64();
            let peak = status_kib("VmHWM:");
            assert_eq!(report.rows, rows);
            println!(
                "| backup{label} (read, write, compress, upload, read back) | {} | {took:.2} | {:.0} | {:.1} | {:.1} | {:.1} |",
                report.rows,
                report.rows as f64 / took,
                report.size as f64 / 1048576.0,
                mib(peak),
                mib(peak.saturating_sub(before))
            );

            let target = folio_storage_sql::testing::sqlite().await;
            let target_repos = repositories(&target.db);
            let before = start_phase();
            let started = Instant::now();
            let which = BackupRef::Id(report.id.clone());
            let restored = backups.restore(&which, &target_repos, RestoreOptions::default()).await.expect("restore");
            let took = started.elapsed().as_secs_f64();
            let peak = status_kib("VmHWM:");
            assert!(restored.differences.is_empty(), "{:?}", restored.differences);
            println!(
                "| restore{label} (download, check, write, read back) | {} | {took:.2} | {:.0} | | {:.1} | {:.1} |",
                restored.rows,
                restored.rows as f64 / took,
                mib(peak),
                mib(peak.saturating_sub(before))
            );

            if !encrypted {
                let before = start_phase();
                let started = Instant::now();
                let verified = backups.verify(&which, &SqliteScratch).await.expect("verify");
                let took = started.elapsed().as_secs_f64();
                let peak = status_kib("VmHWM:");
                println!(
                    "| verify (download, check, restore into scratch SQLite, read back, {} objects looked up) | {} | {took:.2} | {:.0} | | {:.1} | {:.1} |",
                    verified.objects.checked,
                    verified.rows,
                    verified.rows as f64 / took,
                    mib(peak),
                    mib(peak.saturating_sub(before))
                );
            }
        }
    });
}
