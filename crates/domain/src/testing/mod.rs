//! Conformance suites: each port's behaviour, written once as generic async functions and
//! instantiated for every adapter with a macro that emits one `#[tokio::test]` per case, so
//! a failure names the adapter's test module and the behaviour.
//!
//! ```ignore
//! folio_domain::user_repository_tests!(async { (Arc::new(MyRepo::new().await) as Arc<dyn UserRepository>, ()) });
//! ```

pub mod cache;
pub mod collections;
pub mod legacy;
pub mod limits;
pub mod locks;
pub mod media;
pub mod objects;
pub mod sessions;
pub mod users;

/// Emits `#[tokio::test] async fn case()` for each case of `suite`, each with a fresh
/// subject from `make`: an expression producing a future of `(Arc<dyn Port>, guard)`, where
/// the guard (a temporary database, say) is kept until the test ends.
#[macro_export]
macro_rules! conformance_tests {
    ($suite:ident, $make:expr, [$($case:ident),* $(,)?]) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (subject, _guard) = $make.await;
                $crate::testing::$suite::$case(subject).await;
            }
        )*
    };
}

#[macro_export]
macro_rules! user_repository_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            users,
            $make,
            [
                an_inserted_user_reads_back_by_id_and_email,
                a_taken_email_is_a_conflict,
                update_replaces_every_field,
                updating_a_missing_user_is_not_found,
                updating_to_a_taken_email_is_a_conflict,
                delete_says_whether_a_user_was_deleted,
                list_pages_in_creation_order_with_totals,
                active_admins_are_counted,
            ]
        );
    };
}

#[macro_export]
macro_rules! session_store_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            sessions,
            $make,
            [
                a_created_session_reads_back,
                an_unknown_session_is_none,
                a_session_expires_after_its_ttl,
                touch_restarts_the_ttl_and_saves_the_session,
                touch_does_not_resurrect_a_deleted_session,
                delete_ends_a_session,
                ending_a_users_sessions_keeps_the_one_asked_for,
            ]
        );
    };
}

#[macro_export]
macro_rules! media_repository_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            media,
            $make,
            [
                inserted_media_reads_back_with_its_variants,
                lists_filter_by_category_and_type_newest_first,
                update_replaces_and_a_missing_one_is_not_found,
                delete_says_whether_media_was_deleted,
                pending_deletions_are_remembered_until_removed,
            ]
        );
    };
}

#[macro_export]
macro_rules! content_repository_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            collections,
            $make,
            [
                inserted_items_append_and_read_back,
                lists_are_ordered_and_hide_hidden_items,
                update_replaces_fields_but_not_the_position,
                delete_closes_the_gap,
                move_renumbers_without_gaps,
                media_slots_are_set_and_cleared,
                media_in_use_follows_the_slots,
                concurrent_moves_keep_positions_a_permutation,
                concurrent_inserts_and_deletes_keep_positions_gapless,
                nested_items_are_ordered_within_their_parent,
                deleting_a_parent_deletes_what_is_nested,
                items_nested_in_hidden_parents_are_hidden,
                articles_read_back_by_id_and_slug,
                slugs_are_unique,
                deleting_an_article_deletes_its_sections,
                deleting_a_category_detaches_its_articles,
                media_in_use_covers_articles,
                search_filters_sorts_and_pages,
                a_singleton_id_is_taken_once,
            ]
        );
    };
}

#[macro_export]
macro_rules! legacy_id_repository_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            legacy,
            $make,
            [
                a_recorded_id_is_found_and_an_unknown_one_is_none,
                recording_the_same_mapping_again_changes_nothing,
                an_old_id_cannot_map_to_two_new_ids,
                sources_are_apart,
                list_gives_a_sources_mappings_by_old_id,
                delete_forgets_one_mapping,
                large_ids_and_long_old_ids_round_trip,
                of_racing_records_for_one_old_id_exactly_one_wins,
            ]
        );
    };
}

#[macro_export]
macro_rules! object_store_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            objects,
            $make,
            [
                a_stored_object_reads_back_with_its_metadata,
                a_missing_object_is_none,
                put_replaces_an_object,
                ranges_serve_the_bytes_asked_for,
                delete_removes_and_is_idempotent,
                a_large_object_streams_through_intact,
                a_failed_upload_stores_nothing,
                list_finds_objects_by_prefix,
            ]
        );
    };
}

#[macro_export]
macro_rules! lock_manager_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            locks,
            $make,
            [
                a_held_lock_cannot_be_taken_until_released,
                a_dead_holders_lease_runs_out_and_its_release_frees_nothing,
                extending_keeps_the_lock_past_its_first_lease,
                of_many_racing_acquirers_exactly_one_wins,
            ]
        );
    };
}

#[macro_export]
macro_rules! rate_limiter_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            limits,
            $make,
            [
                allows_the_limit_then_denies_with_retry_after,
                keys_are_counted_apart,
                peek_does_not_count,
                reset_forgets_a_key,
                the_window_expires,
                concurrent_callers_never_exceed_the_limit,
            ]
        );
    };
}

/// A user with a unique email, for tests.
pub fn sample_user(id: u64, email: &str, role: crate::users::Role) -> crate::users::User {
    use crate::users::{Email, User, UserId, UserName, UserStatus};
    let now = crate::clock::now();
    User {
        id: UserId(folio_id::Snowflake::from_u64(id)),
        name: UserName::parse("Test User").expect("valid name"),
        email: Email::parse(email).expect("valid email"),
        password_hash: folio_crypto::PasswordHash::parse(
            "$argon2id$v=19$m=19456,t=2,p=1$KH1RfrTqBxqceIm38mgtIw$QRHgo4Nun9PRhDyhwEQPpiJG/u8TEYxvINNCW0mZ4Bo",
        )
        .expect("valid hash"),
        role,
        status: UserStatus::Active,
        last_login_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// An id no other test has used, in this process or another sharing the same database: the
/// clock in the high bits (as a snowflake has it), a process-wide counter below.
pub fn unique_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let base =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64) << 22;
    base + (NEXT.fetch_add(1, Ordering::Relaxed) & ((1 << 22) - 1))
}

/// A unique-per-call suffix, so suites sharing one database never collide.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{prefix}{nanos:x}{n}")
}

#[macro_export]
macro_rules! response_cache_tests {
    ($make:expr) => {
        $crate::conformance_tests!(
            cache,
            $make,
            [
                a_filled_entry_reads_back,
                invalidating_a_scope_drops_its_entries_only,
                a_ticket_from_before_an_invalidation_fills_nothing,
                concurrent_fills_and_invalidations_leave_no_stale_entry,
            ]
        );
    };
}
