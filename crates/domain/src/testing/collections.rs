//! The content conformance suite: `CollectionRepository` and `ArticleRepository`, which
//! share a database (cascades cross them).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::unique_id as next_id;
use crate::content::articles::ArticleRepository;
use crate::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId};
use crate::media::MediaId;
use crate::DomainError;

/// The content repositories of one adapter, over one database.
#[derive(Debug, Clone)]
pub struct ContentRepositories {
    pub items: Arc<dyn CollectionRepository>,
    pub articles: Arc<dyn ArticleRepository>,
}

/// An item of `kind` with a unique id and a title.
pub fn sample_item(kind: CollectionKind, title: &str) -> CollectionItem {
    let now = crate::clock::now();
    let mut fields = Map::new();
    fields.insert("title".into(), json!({ "en": title }));
    CollectionItem {
        id: ItemId(folio_id::Snowflake::from_u64(next_id())),
        kind,
        parent: None,
        position: 0,
        visible: true,
        fields,
        media: BTreeMap::new(),
        created_at: now,
        updated_at: now,
    }
}

async fn insert_n(repo: &Arc<dyn CollectionRepository>, kind: CollectionKind, n: usize) -> Vec<CollectionItem> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(repo.insert(&sample_item(kind, &format!("item {i}"))).await.expect("insert"));
    }
    out
}

async fn order(repo: &Arc<dyn CollectionRepository>, kind: CollectionKind) -> Vec<(ItemId, u32)> {
    repo.list(kind, None, true).await.expect("list").into_iter().map(|i| (i.id, i.position)).collect()
}

fn assert_gapless(order: &[(ItemId, u32)]) {
    let positions: Vec<u32> = order.iter().map(|(_, p)| *p).collect();
    let expected: Vec<u32> = (1..=u32::try_from(order.len()).expect("small")).collect();
    assert_eq!(positions, expected, "positions are exactly 1..=n");
}

pub async fn inserted_items_append_and_read_back(repos: ContentRepositories) {
    let repo = repos.items;
    let items = insert_n(&repo, CollectionKind::Albums, 3).await;
    assert_eq!(items.iter().map(|i| i.position).collect::<Vec<_>>(), vec![1, 2, 3]);
    let read = repo.get(CollectionKind::Albums, items[1].id).await.expect("get").expect("found");
    assert_eq!(read, items[1]);
    // Kinds are apart: another kind starts at 1 and does not see albums.
    let song = repo.insert(&sample_item(CollectionKind::Songs, "song")).await.expect("insert");
    assert_eq!(song.position, 1);
    assert_eq!(repo.get(CollectionKind::Songs, items[0].id).await.expect("get"), None);
    assert_eq!(repo.list(CollectionKind::Songs, None, true).await.expect("list"), vec![song]);
}

pub async fn lists_are_ordered_and_hide_hidden_items(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::Videos;
    let mut items = insert_n(&repo, kind, 3).await;
    items[1].visible = false;
    repo.update(&items[1]).await.expect("update");
    let all = repo.list(kind, None, true).await.expect("list");
    assert_eq!(all.iter().map(|i| i.id).collect::<Vec<_>>(), items.iter().map(|i| i.id).collect::<Vec<_>>());
    let public = repo.list(kind, None, false).await.expect("list");
    assert_eq!(public.iter().map(|i| i.id).collect::<Vec<_>>(), vec![items[0].id, items[2].id]);
}

pub async fn update_replaces_fields_but_not_the_position(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::Websites;
    let items = insert_n(&repo, kind, 2).await;
    let mut changed = items[1].clone();
    changed.position = 1;
    changed.fields.insert("title".into(), json!({"es": "Nuevo"}));
    changed.media.insert("desktop".into(), MediaId(folio_id::Snowflake::from_u64(77)));
    changed.updated_at = crate::clock::now();
    repo.update(&changed).await.expect("update");
    let read = repo.get(kind, changed.id).await.expect("get").expect("found");
    assert_eq!(read.fields, changed.fields);
    assert_eq!(read.media, changed.media);
    assert_eq!(read.position, 2);
    let missing = sample_item(kind, "missing");
    assert!(matches!(repo.update(&missing).await, Err(DomainError::NotFound { .. })));
}

pub async fn delete_closes_the_gap(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::Songs;
    let items = insert_n(&repo, kind, 4).await;
    assert_eq!(repo.delete(kind, items[1].id).await.expect("delete"), vec![items[1].clone()]);
    assert!(repo.delete(kind, items[1].id).await.expect("delete again").is_empty());
    let now = order(&repo, kind).await;
    assert_eq!(now.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![items[0].id, items[2].id, items[3].id]);
    assert_gapless(&now);
    let appended = repo.insert(&sample_item(kind, "last")).await.expect("insert");
    assert_eq!(appended.position, 4);
}

pub async fn move_renumbers_without_gaps(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::GalleryImages;
    let items = insert_n(&repo, kind, 4).await;
    let moved = repo.move_to(kind, items[3].id, 1).await.expect("move");
    assert_eq!(moved.position, 1);
    let now = order(&repo, kind).await;
    assert_eq!(
        now.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![items[3].id, items[0].id, items[1].id, items[2].id]
    );
    assert_gapless(&now);
    repo.move_to(kind, items[3].id, 3).await.expect("move down");
    let now = order(&repo, kind).await;
    assert_eq!(
        now.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        vec![items[0].id, items[1].id, items[3].id, items[2].id]
    );
    assert_gapless(&now);
    for bad in [0, 5] {
        match repo.move_to(kind, items[0].id, bad).await {
            Err(DomainError::Invalid(errors)) => assert_eq!(errors[0].field, "position"),
            other => panic!("moving to {bad}: {other:?}"),
        }
    }
    let missing = sample_item(kind, "missing");
    assert!(matches!(repo.move_to(kind, missing.id, 1).await, Err(DomainError::NotFound { .. })));
}

pub async fn media_slots_are_set_and_cleared(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::Songs;
    let item = repo.insert(&sample_item(kind, "song")).await.expect("insert");
    let media = MediaId(folio_id::Snowflake::from_u64(next_id()));
    let now = crate::clock::now();
    let set = repo.set_media(kind, item.id, "cover", Some(media), now).await.expect("set");
    assert_eq!(set.media.get("cover"), Some(&media));
    assert_eq!(repo.get(kind, item.id).await.expect("get").expect("found").media.get("cover"), Some(&media));
    let cleared = repo.set_media(kind, item.id, "cover", None, now).await.expect("clear");
    assert!(cleared.media.is_empty());
    let missing = sample_item(kind, "missing");
    assert!(matches!(repo.set_media(kind, missing.id, "cover", None, now).await, Err(DomainError::NotFound { .. })));
}

pub async fn media_in_use_follows_the_slots(repos: ContentRepositories) {
    let repo = repos.items;
    let media = MediaId(folio_id::Snowflake::from_u64(next_id()));
    let other = MediaId(folio_id::Snowflake::from_u64(next_id()));
    let now = crate::clock::now();
    assert!(!repo.media_in_use(media).await.expect("in use"));
    let song = repo.insert(&sample_item(CollectionKind::Songs, "song")).await.expect("insert");
    let album = repo.insert(&sample_item(CollectionKind::Albums, "album")).await.expect("insert");
    repo.set_media(CollectionKind::Songs, song.id, "cover", Some(media), now).await.expect("set");
    repo.set_media(CollectionKind::Albums, album.id, "image", Some(media), now).await.expect("set");
    repo.set_media(CollectionKind::Albums, album.id, "image", Some(other), now).await.expect("set");
    assert!(repo.media_in_use(media).await.expect("in use"), "still in the song");
    assert!(repo.media_in_use(other).await.expect("in use"));
    repo.delete(CollectionKind::Songs, song.id).await.expect("delete");
    assert!(!repo.media_in_use(media).await.expect("in use"), "no slot holds it any more");
}

pub async fn concurrent_moves_keep_positions_a_permutation(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::CvSections;
    let items = insert_n(&repo, kind, 6).await;
    let mut tasks = Vec::new();
    for round in 0..10u32 {
        let repo = repo.clone();
        let id = items[round as usize % items.len()].id;
        tasks.push(tokio::spawn(async move { repo.move_to(kind, id, (round * 7) % 6 + 1).await }));
    }
    for task in tasks {
        task.await.expect("join").expect("move");
    }
    let now = order(&repo, kind).await;
    assert_gapless(&now);
    let mut ids: Vec<ItemId> = now.iter().map(|(id, _)| *id).collect();
    ids.sort();
    let mut expected: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

pub async fn concurrent_inserts_and_deletes_keep_positions_gapless(repos: ContentRepositories) {
    let repo = repos.items;
    let kind = CollectionKind::Albums;
    let items = insert_n(&repo, kind, 4).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let repo = repo.clone();
        tasks.push(tokio::spawn(
            async move { repo.insert(&sample_item(kind, &format!("concurrent {i}"))).await.map(drop) },
        ));
    }
    for item in items.iter().take(2) {
        let repo = repo.clone();
        let id = item.id;
        tasks.push(tokio::spawn(async move { repo.delete(kind, id).await.map(drop) }));
    }
    for task in tasks {
        task.await.expect("join").expect("write");
    }
    let now = order(&repo, kind).await;
    assert_eq!(now.len(), 10);
    assert_gapless(&now);
}

fn child_of(kind: CollectionKind, parent: ItemId, title: &str) -> CollectionItem {
    let mut item = sample_item(kind, title);
    item.parent = Some(parent);
    item
}

pub async fn nested_items_are_ordered_within_their_parent(repos: ContentRepositories) {
    let repo = repos.items;
    let (sections, subs) = (CollectionKind::CvSections, CollectionKind::CvSubsections);
    let a = repo.insert(&sample_item(sections, "a")).await.expect("insert");
    let b = repo.insert(&sample_item(sections, "b")).await.expect("insert");
    let mut under_a = Vec::new();
    for i in 0..3 {
        under_a.push(repo.insert(&child_of(subs, a.id, &format!("a{i}"))).await.expect("insert"));
    }
    let under_b = repo.insert(&child_of(subs, b.id, "b0")).await.expect("insert");
    assert_eq!(under_a.iter().map(|i| i.position).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!((under_b.position, under_b.parent), (1, Some(b.id)));
    let listed = repo.list(subs, Some(a.id), true).await.expect("list");
    assert_eq!(listed, under_a);
    assert_eq!(repo.list(subs, None, true).await.expect("list").len(), 4);
    let moved = repo.move_to(subs, under_a[2].id, 1).await.expect("move");
    assert_eq!(moved.position, 1);
    assert_eq!(repo.get(subs, under_b.id).await.expect("get").expect("found").position, 1, "other parent untouched");
    match repo.move_to(subs, under_b.id, 2).await {
        Err(DomainError::Invalid(errors)) => assert_eq!(errors[0].field, "position"),
        other => panic!("b has one sub-section: {other:?}"),
    }
    let orphan = child_of(subs, ItemId(folio_id::Snowflake::from_u64(next_id())), "orphan");
    assert!(matches!(repo.insert(&orphan).await, Err(DomainError::NotFound { entity: "parent" })));
    let wrong_kind = child_of(subs, under_b.id, "nested in a sub-section");
    assert!(matches!(repo.insert(&wrong_kind).await, Err(DomainError::NotFound { entity: "parent" })));
}

pub async fn items_nested_in_hidden_parents_are_hidden(repos: ContentRepositories) {
    let (items, articles) = (repos.items, repos.articles);
    let mut section = items.insert(&sample_item(CollectionKind::CvSections, "s")).await.expect("insert");
    let sub = items.insert(&child_of(CollectionKind::CvSubsections, section.id, "sub")).await.expect("insert");
    let mut article = sample_article("a");
    articles.insert(&article).await.expect("insert");
    let part = items.insert(&child_of(CollectionKind::ArticleSections, article.id, "part")).await.expect("insert");
    assert_eq!(items.list(CollectionKind::CvSubsections, None, false).await.expect("list"), vec![sub.clone()]);
    assert_eq!(items.list(CollectionKind::ArticleSections, None, false).await.expect("list"), vec![part.clone()]);
    let shown = |kind, parent| {
        let items = items.clone();
        async move { items.parent_shown(kind, parent).await.expect("parent_shown") }
    };
    assert!(shown(CollectionKind::CvSubsections, section.id).await);
    assert!(shown(CollectionKind::ArticleSections, article.id).await);
    assert!(!shown(CollectionKind::ArticleSections, section.id).await, "a section's parent is an article");
    assert!(!shown(CollectionKind::CvSubsections, article.id).await, "a sub-section's parent is a CV section");
    assert!(!shown(CollectionKind::CvSubsections, sub.id).await, "nor a sub-section");
    assert!(!shown(CollectionKind::CvSubsections, ItemId(folio_id::Snowflake::from_u64(7))).await, "missing");
    assert!(!shown(CollectionKind::CvSections, section.id).await, "CV sections nest in nothing");
    section.visible = false;
    items.update(&section).await.expect("update");
    article.visible = false;
    articles.update(&article).await.expect("update");
    assert_eq!(items.list(CollectionKind::CvSubsections, None, false).await.expect("list"), vec![]);
    assert_eq!(items.list(CollectionKind::ArticleSections, Some(article.id), false).await.expect("list"), vec![]);
    assert!(!shown(CollectionKind::CvSubsections, section.id).await, "hidden");
    assert!(!shown(CollectionKind::ArticleSections, article.id).await, "hidden");
    assert_eq!(items.list(CollectionKind::CvSubsections, None, true).await.expect("list"), vec![sub]);
    assert_eq!(items.list(CollectionKind::ArticleSections, None, true).await.expect("list"), vec![part]);
}

pub async fn deleting_a_parent_deletes_what_is_nested(repos: ContentRepositories) {
    let repo = repos.items;
    let (sections, subs) = (CollectionKind::CvSections, CollectionKind::CvSubsections);
    let a = repo.insert(&sample_item(sections, "a")).await.expect("insert");
    let b = repo.insert(&sample_item(sections, "b")).await.expect("insert");
    let a0 = repo.insert(&child_of(subs, a.id, "a0")).await.expect("insert");
    let a1 = repo.insert(&child_of(subs, a.id, "a1")).await.expect("insert");
    let b0 = repo.insert(&child_of(subs, b.id, "b0")).await.expect("insert");
    let deleted = repo.delete(sections, a.id).await.expect("delete");
    let mut ids: Vec<ItemId> = deleted.iter().map(|i| i.id).collect();
    assert_eq!(ids[0], a.id, "the item comes first");
    ids.sort();
    let mut expected = vec![a.id, a0.id, a1.id];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(repo.get(subs, a0.id).await.expect("get"), None);
    assert_eq!(repo.list(subs, None, true).await.expect("list"), vec![b0]);
    assert_eq!(repo.get(sections, b.id).await.expect("get").expect("found").position, 1);
}

/// An article with a unique id and slug.
pub fn sample_article(title: &str) -> crate::content::articles::Article {
    let now = crate::clock::now();
    let id = next_id();
    crate::content::articles::Article {
        id: ItemId(folio_id::Snowflake::from_u64(id)),
        slug: crate::content::articles::Slug::parse(&format!("post-{id}")).expect("valid slug"),
        category: None,
        sub_categories: Vec::new(),
        tags: crate::content::Tags::default(),
        languages: vec!["en".to_owned()],
        visible: true,
        published_at: now,
        fields: object(json!({ "title": { "en": title } })),
        media: BTreeMap::new(),
        created_at: now,
        updated_at: now,
    }
}

fn tags(list: &[&str]) -> crate::content::Tags {
    crate::content::Tags::try_from(list.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>()).expect("tags")
}

pub async fn articles_read_back_by_id_and_slug(repos: ContentRepositories) {
    let articles = repos.articles;
    let mut article = sample_article("Hello");
    article.tags = tags(&["Rust", "web"]);
    article.media.insert("cover".into(), MediaId(folio_id::Snowflake::from_u64(next_id())));
    articles.insert(&article).await.expect("insert");
    assert_eq!(articles.get(article.id).await.expect("get").as_ref(), Some(&article));
    assert_eq!(articles.get_by_slug(article.slug.as_str()).await.expect("get").as_ref(), Some(&article));
    assert_eq!(articles.get_by_slug("no-such-post").await.expect("get"), None);
    let mut changed = article.clone();
    changed.slug = crate::content::articles::Slug::parse(&format!("{}-renamed", article.slug)).expect("slug");
    changed.fields = object(json!({ "title": { "en": "Renamed" }, "intro": { "es": "Hola" } }));
    changed.visible = false;
    changed.updated_at = crate::clock::now();
    articles.update(&changed).await.expect("update");
    assert_eq!(articles.get(article.id).await.expect("get"), Some(changed.clone()));
    assert_eq!(articles.get_by_slug(article.slug.as_str()).await.expect("get"), None);
    let missing = sample_article("missing");
    assert!(matches!(articles.update(&missing).await, Err(DomainError::NotFound { .. })));
}

pub async fn slugs_are_unique(repos: ContentRepositories) {
    let articles = repos.articles;
    let first = sample_article("first");
    articles.insert(&first).await.expect("insert");
    let mut second = sample_article("second");
    let own_slug = second.slug.clone();
    second.slug = first.slug.clone();
    assert!(matches!(articles.insert(&second).await, Err(DomainError::Conflict { field: "slug", .. })));
    second.slug = own_slug;
    articles.insert(&second).await.expect("insert with its own slug");
    second.slug = first.slug.clone();
    assert!(matches!(articles.update(&second).await, Err(DomainError::Conflict { field: "slug", .. })));
}

pub async fn deleting_an_article_deletes_its_sections(repos: ContentRepositories) {
    let (items, articles) = (repos.items, repos.articles);
    let sections = CollectionKind::ArticleSections;
    let article = sample_article("with sections");
    let other = sample_article("other");
    articles.insert(&article).await.expect("insert");
    articles.insert(&other).await.expect("insert");
    let s0 = items.insert(&child_of(sections, article.id, "s0")).await.expect("insert");
    let s1 = items.insert(&child_of(sections, article.id, "s1")).await.expect("insert");
    let kept = items.insert(&child_of(sections, other.id, "kept")).await.expect("insert");
    assert_eq!((s0.position, s1.position, kept.position), (1, 2, 1));
    let (deleted, deleted_sections) = articles.delete(article.id).await.expect("delete").expect("found");
    assert_eq!(deleted, article);
    assert_eq!(deleted_sections.iter().map(|s| s.id).collect::<Vec<_>>(), vec![s0.id, s1.id]);
    assert_eq!(articles.get(article.id).await.expect("get"), None);
    assert_eq!(items.list(sections, None, true).await.expect("list"), vec![kept]);
    assert_eq!(articles.delete(article.id).await.expect("delete again"), None);
    let orphan = child_of(sections, article.id, "late");
    assert!(matches!(items.insert(&orphan).await, Err(DomainError::NotFound { entity: "parent" })));
}

pub async fn deleting_a_category_detaches_its_articles(repos: ContentRepositories) {
    let (items, articles) = (repos.items, repos.articles);
    let category = items.insert(&sample_item(CollectionKind::ArticleCategories, "c")).await.expect("insert");
    let other_category = items.insert(&sample_item(CollectionKind::ArticleCategories, "d")).await.expect("insert");
    let sub_a = items.insert(&child_of(CollectionKind::ArticleSubcategories, category.id, "a")).await.expect("insert");
    let sub_b = items.insert(&child_of(CollectionKind::ArticleSubcategories, category.id, "b")).await.expect("insert");
    let mut article = sample_article("categorized");
    article.category = Some(category.id);
    article.sub_categories = vec![sub_a.id, sub_b.id];
    articles.insert(&article).await.expect("insert");
    let mut elsewhere = sample_article("elsewhere");
    elsewhere.category = Some(other_category.id);
    articles.insert(&elsewhere).await.expect("insert");

    items.delete(CollectionKind::ArticleSubcategories, sub_a.id).await.expect("delete sub-category");
    let read = articles.get(article.id).await.expect("get").expect("found");
    assert_eq!((read.category, read.sub_categories.clone()), (Some(category.id), vec![sub_b.id]));

    let deleted = items.delete(CollectionKind::ArticleCategories, category.id).await.expect("delete category");
    assert_eq!(deleted.len(), 2, "the category and its remaining sub-category");
    let read = articles.get(article.id).await.expect("get").expect("found");
    assert_eq!((read.category, read.sub_categories), (None, Vec::new()));
    assert_eq!(articles.get(elsewhere.id).await.expect("get").expect("found").category, Some(other_category.id));
}

pub async fn media_in_use_covers_articles(repos: ContentRepositories) {
    let (items, articles) = (repos.items, repos.articles);
    let media = MediaId(folio_id::Snowflake::from_u64(next_id()));
    let mut article = sample_article("illustrated");
    article.media.insert("cover".into(), media);
    articles.insert(&article).await.expect("insert");
    assert!(items.media_in_use(media).await.expect("in use"));
    articles.delete(article.id).await.expect("delete");
    assert!(!items.media_in_use(media).await.expect("in use"));
}

pub async fn search_filters_sorts_and_pages(repos: ContentRepositories) {
    use crate::content::articles::{ArticleQuery, ArticleSort, SortField};
    let (items, articles) = (repos.items, repos.articles);
    let category = items.insert(&sample_item(CollectionKind::ArticleCategories, "c")).await.expect("insert");
    let sub = items.insert(&child_of(CollectionKind::ArticleSubcategories, category.id, "s")).await.expect("insert");
    // Titles that are regex and LIKE metacharacters, to prove `q` is plain text.
    let titles = ["alpha .*( one", "Beta 100% two", "gamma_three", "delta four", "ALPHA five"];
    let base = crate::clock::now();
    let mut stored = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        let mut article = sample_article(title);
        article.published_at = base - chrono::Duration::days(i64::try_from(i).expect("small"));
        if i % 2 == 0 {
            article.category = Some(category.id);
            article.sub_categories = vec![sub.id];
        }
        if i == 1 {
            article.tags = tags(&["Rust"]);
            article.languages = vec!["es".into(), "en".into()];
        }
        if i == 3 {
            article.visible = false;
        }
        articles.insert(&article).await.expect("insert");
        stored.push(article);
    }
    let ids =
        |page: &crate::Page<crate::content::articles::Article>| page.items.iter().map(|a| a.id).collect::<Vec<_>>();
    let query = |f: &dyn Fn(&mut ArticleQuery)| {
        let mut q = ArticleQuery { include_hidden: true, ..ArticleQuery::default() };
        f(&mut q);
        q
    };
    // This suite shares its database with nothing else, but other cases insert articles too:
    // narrow every query to this case's category or text.
    let all = articles.search(&query(&|q| q.category = Some(category.id))).await.expect("search");
    assert_eq!(ids(&all), vec![stored[0].id, stored[2].id, stored[4].id], "newest first by default");
    assert_eq!(all.total, 3);
    let by_sub = articles.search(&query(&|q| q.sub_category = Some(sub.id))).await.expect("search");
    assert_eq!(by_sub.total, 3);
    let regex = articles.search(&query(&|q| q.q = Some(".*(".into()))).await.expect("search");
    assert_eq!(ids(&regex), vec![stored[0].id]);
    let percent = articles.search(&query(&|q| q.q = Some("100%".into()))).await.expect("search");
    assert_eq!(ids(&percent), vec![stored[1].id]);
    let underscore = articles.search(&query(&|q| q.q = Some("a_t".into()))).await.expect("search");
    assert_eq!(ids(&underscore), vec![stored[2].id]);
    let nothing = articles.search(&query(&|q| q.q = Some("a%t".into()))).await.expect("search");
    assert_eq!(nothing.total, 0);
    let case = articles.search(&query(&|q| q.q = Some("Alpha".into()))).await.expect("search");
    assert_eq!(ids(&case), vec![stored[0].id, stored[4].id]);
    let tag = articles
        .search(&query(&|q| {
            q.tag = Some("rust".into());
            q.q = Some("beta".into());
        }))
        .await
        .expect("search");
    assert_eq!(ids(&tag), vec![stored[1].id]);
    let lang = articles
        .search(&query(&|q| {
            q.lang = Some("es".into());
            q.q = Some("beta".into());
        }))
        .await
        .expect("search");
    assert_eq!(ids(&lang), vec![stored[1].id]);
    let hidden = articles.search(&query(&|q| q.q = Some("delta four".into()))).await.expect("search");
    assert_eq!(hidden.total, 1);
    let public = articles
        .search(&ArticleQuery { q: Some("delta four".into()), ..ArticleQuery::default() })
        .await
        .expect("search");
    assert_eq!(public.total, 0, "hidden articles are left out");
    let by_title = articles
        .search(&query(&|q| {
            q.category = Some(category.id);
            q.sort = ArticleSort { field: SortField::Title, descending: false };
        }))
        .await
        .expect("search");
    assert_eq!(ids(&by_title), vec![stored[0].id, stored[4].id, stored[2].id]);
    let page = crate::PageRequest::new(2, 2).expect("page");
    let last = articles
        .search(&query(&|q| {
            q.category = Some(category.id);
            q.page = page;
            q.sort = ArticleSort { field: SortField::PublishedAt, descending: false };
        }))
        .await
        .expect("search");
    assert_eq!((last.total, last.pages, last.page), (3, 2, 2));
    assert_eq!(ids(&last), vec![stored[0].id], "the oldest-first order's last page");
}

pub async fn a_singleton_id_is_taken_once(repos: ContentRepositories) {
    let repo = repos.items;
    let mut first = sample_item(CollectionKind::SiteProfile, "profile");
    first.id = ItemId(folio_id::Snowflake::from_u64(1));
    repo.insert(&first).await.expect("insert");
    let second = first.clone();
    assert!(matches!(repo.insert(&second).await, Err(DomainError::Conflict { .. })));
}

/// A JSON object, for building fields in tests.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
