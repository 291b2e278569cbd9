//! The `LegacyIdRepository` conformance suite.

use std::sync::Arc;

use folio_id::Snowflake;

use crate::legacy::{LegacyId, LegacyIdRepository};
use crate::DomainError;

use super::{unique, unique_id};

fn new_id() -> Snowflake {
    Snowflake::from_u64(unique_id())
}

pub async fn a_recorded_id_is_found_and_an_unknown_one_is_none(repo: Arc<dyn LegacyIdRepository>) {
    let (source, old) = (unique("albums-"), "64b7f0c2a1d3e4f5a6b7c8d9");
    let id = new_id();
    assert_eq!(repo.find(&source, old).await.expect("find"), None);
    repo.record(&source, old, id).await.expect("record");
    assert_eq!(repo.find(&source, old).await.expect("find"), Some(id));
    assert_eq!(repo.find(&source, "64b7f0c2a1d3e4f5a6b7c8da").await.expect("find"), None);
    // Stored exactly as given: normalizing is the service's job.
    assert_eq!(repo.find(&source, &old.to_ascii_uppercase()).await.expect("find"), None);
}

pub async fn recording_the_same_mapping_again_changes_nothing(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("files-");
    let id = new_id();
    repo.record(&source, "a", id).await.expect("record");
    repo.record(&source, "a", id).await.expect("record again");
    assert_eq!(repo.list(&source).await.expect("list").len(), 1);
}

pub async fn an_old_id_cannot_map_to_two_new_ids(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("files-");
    let (first, second) = (new_id(), new_id());
    repo.record(&source, "a", first).await.expect("record");
    let err = repo.record(&source, "a", second).await.expect_err("conflict");
    assert!(matches!(err, DomainError::Conflict { field: "old_id", .. }), "{err:?}");
    assert_eq!(repo.find(&source, "a").await.expect("find"), Some(first), "the first mapping stays");
}

pub async fn sources_are_apart(repo: Arc<dyn LegacyIdRepository>) {
    let (albums, songs) = (unique("albums-"), unique("songs-"));
    let (a, b) = (new_id(), new_id());
    repo.record(&albums, "same", a).await.expect("record");
    repo.record(&songs, "same", b).await.expect("record");
    assert_eq!(repo.find(&albums, "same").await.expect("find"), Some(a));
    assert_eq!(repo.find(&songs, "same").await.expect("find"), Some(b));
    assert_eq!(repo.list(&albums).await.expect("list").len(), 1);
}

pub async fn list_gives_a_sources_mappings_by_old_id(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("cvsections-");
    let ids: Vec<Snowflake> = (0..3).map(|_| new_id()).collect();
    for (old, id) in ["c", "a", "b"].iter().zip(&ids) {
        repo.record(&source, old, *id).await.expect("record");
    }
    let listed = repo.list(&source).await.expect("list");
    let expected: Vec<LegacyId> = [("a", ids[1]), ("b", ids[2]), ("c", ids[0])]
        .into_iter()
        .map(|(old, new_id)| LegacyId { source: source.clone(), old_id: old.to_owned(), new_id })
        .collect();
    assert_eq!(listed, expected);
    assert!(repo.list(&unique("nothing-")).await.expect("list").is_empty());
}

pub async fn delete_forgets_one_mapping(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("articles-");
    let id = new_id();
    repo.record(&source, "a", id).await.expect("record");
    repo.record(&source, "b", id).await.expect("record: two old ids may share a new one");
    assert!(repo.delete(&source, "a").await.expect("delete"));
    assert!(!repo.delete(&source, "a").await.expect("delete again"));
    assert_eq!(repo.find(&source, "a").await.expect("find"), None);
    assert_eq!(repo.find(&source, "b").await.expect("find"), Some(id));
    // Forgotten, it can be recorded afresh.
    let other = new_id();
    repo.record(&source, "a", other).await.expect("record again");
    assert_eq!(repo.find(&source, "a").await.expect("find"), Some(other));
}

pub async fn large_ids_and_long_old_ids_round_trip(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("x-");
    let old = "é".repeat(200);
    for raw in [u64::MAX, i64::MAX as u64 + 1, 1] {
        let key = format!("{raw}-{old}");
        let key: String = key.chars().take(200).collect();
        repo.record(&source, &key, Snowflake::from_u64(raw)).await.expect("record");
        assert_eq!(repo.find(&source, &key).await.expect("find"), Some(Snowflake::from_u64(raw)));
    }
}

pub async fn of_racing_records_for_one_old_id_exactly_one_wins(repo: Arc<dyn LegacyIdRepository>) {
    let source = unique("race-");
    let ids: Vec<Snowflake> = (0..8).map(|_| new_id()).collect();
    let tasks: Vec<_> = ids
        .iter()
        .map(|id| {
            let (repo, source, id) = (repo.clone(), source.clone(), *id);
            tokio::spawn(async move { repo.record(&source, "contested", id).await.map(|()| id) })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.expect("join") {
            Ok(id) => winners.push(id),
            Err(DomainError::Conflict { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(repo.find(&source, "contested").await.expect("find"), Some(winners[0]));
}
