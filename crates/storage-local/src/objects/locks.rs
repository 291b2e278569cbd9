//! Per-key locks that keep an object's data and sidecar changing together.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use folio_domain::objects::ObjectKey;

const STRIPES: usize = 64;

/// A put renames its data and then its sidecar under the key's write lock; readers take the
/// read lock while they pair a file with its sidecar. So, in this process, a reader never
/// sees new bytes with old metadata, and two puts of one key never interleave their renames.
/// Keys share a fixed set of stripes: the locks are held only for a few renames or a stat,
/// so sharing costs little, and nothing needs cleaning up as keys come and go.
#[derive(Debug)]
pub(super) struct KeyLocks {
    stripes: [RwLock<()>; STRIPES],
}

impl KeyLocks {
    pub(super) fn new() -> KeyLocks {
        KeyLocks { stripes: std::array::from_fn(|_| RwLock::new(())) }
    }

    // The locks guard no data, so a panic while one was held leaves nothing inconsistent:
    // poisoning is ignored.
    pub(super) fn read(&self, key: &ObjectKey) -> RwLockReadGuard<'_, ()> {
        self.stripe(key).read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self, key: &ObjectKey) -> RwLockWriteGuard<'_, ()> {
        self.stripe(key).write().unwrap_or_else(PoisonError::into_inner)
    }

    fn stripe(&self, key: &ObjectKey) -> &RwLock<()> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        &self.stripes[hasher.finish() as usize % STRIPES]
    }
}
