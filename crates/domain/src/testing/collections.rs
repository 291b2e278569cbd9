//! The `CollectionRepository` conformance suite.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::unique_id as next_id;
use crate::content::{CollectionItem, CollectionKind, CollectionRepository, ItemId};
use crate::media::MediaId;
use crate::DomainError;

/// An item of `kind` with a unique id and a title.
pub fn sample_item(kind: CollectionKind, title: &str) -> CollectionItem {
    let now = crate::clock::now();
    let mut fields = Map::new();
    fields.insert("title".into(), json!({ "en": title }));
    CollectionItem {
        id: ItemId(folio_id::Snowflake::from_u64(next_id())),
        kind,
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
    repo.list(kind, true).await.expect("list").into_iter().map(|i| (i.id, i.position)).collect()
}

fn assert_gapless(order: &[(ItemId, u32)]) {
    let positions: Vec<u32> = order.iter().map(|(_, p)| *p).collect();
    let expected: Vec<u32> = (1..=u32::try_from(order.len()).expect("small")).collect();
    assert_eq!(positions, expected, "positions are exactly 1..=n");
}

pub async fn inserted_items_append_and_read_back(repo: Arc<dyn CollectionRepository>) {
    let items = insert_n(&repo, CollectionKind::Albums, 3).await;
    assert_eq!(items.iter().map(|i| i.position).collect::<Vec<_>>(), vec![1, 2, 3]);
    let read = repo.get(CollectionKind::Albums, items[1].id).await.expect("get").expect("found");
    assert_eq!(read, items[1]);
    // Kinds are apart: another kind starts at 1 and does not see albums.
    let song = repo.insert(&sample_item(CollectionKind::Songs, "song")).await.expect("insert");
    assert_eq!(song.position, 1);
    assert_eq!(repo.get(CollectionKind::Songs, items[0].id).await.expect("get"), None);
    assert_eq!(repo.list(CollectionKind::Songs, true).await.expect("list"), vec![song]);
}

pub async fn lists_are_ordered_and_hide_hidden_items(repo: Arc<dyn CollectionRepository>) {
    let kind = CollectionKind::Videos;
    let mut items = insert_n(&repo, kind, 3).await;
    items[1].visible = false;
    repo.update(&items[1]).await.expect("update");
    let all = repo.list(kind, true).await.expect("list");
    assert_eq!(all.iter().map(|i| i.id).collect::<Vec<_>>(), items.iter().map(|i| i.id).collect::<Vec<_>>());
    let public = repo.list(kind, false).await.expect("list");
    assert_eq!(public.iter().map(|i| i.id).collect::<Vec<_>>(), vec![items[0].id, items[2].id]);
}

pub async fn update_replaces_fields_but_not_the_position(repo: Arc<dyn CollectionRepository>) {
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

pub async fn delete_closes_the_gap(repo: Arc<dyn CollectionRepository>) {
    let kind = CollectionKind::Songs;
    let items = insert_n(&repo, kind, 4).await;
    assert!(repo.delete(kind, items[1].id).await.expect("delete"));
    assert!(!repo.delete(kind, items[1].id).await.expect("delete again"));
    let now = order(&repo, kind).await;
    assert_eq!(now.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![items[0].id, items[2].id, items[3].id]);
    assert_gapless(&now);
    let appended = repo.insert(&sample_item(kind, "last")).await.expect("insert");
    assert_eq!(appended.position, 4);
}

pub async fn move_renumbers_without_gaps(repo: Arc<dyn CollectionRepository>) {
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

pub async fn media_slots_are_set_and_cleared(repo: Arc<dyn CollectionRepository>) {
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

pub async fn media_in_use_follows_the_slots(repo: Arc<dyn CollectionRepository>) {
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

pub async fn concurrent_moves_keep_positions_a_permutation(repo: Arc<dyn CollectionRepository>) {
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

pub async fn concurrent_inserts_and_deletes_keep_positions_gapless(repo: Arc<dyn CollectionRepository>) {
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

/// A JSON object, for building fields in tests.
pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
