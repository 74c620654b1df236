//! Durable storage for openvpc, behind the [`Store`] trait.
//!
//! The model is a journal of applied commands plus an occasional snapshot of the whole
//! state. The store knows nothing of their content: entries and snapshots are opaque
//! bytes. [`SqliteStore`] is the embedded default; [`MemoryStore`] serves tests.

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use std::fmt;

/// What a store holds after a restart: the latest snapshot and the entries after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    pub snapshot: Option<Vec<u8>>,
    pub entries: Vec<Vec<u8>>,
}

/// A storage failure.
#[derive(Debug)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// Durable storage of the journal, snapshots and a few metadata values.
///
/// Invariant: when `append` returns Ok, the entry survives a crash (kill -9, power loss
/// as far as the OS honours fsync). `snapshot` atomically replaces the snapshot and
/// drops every entry appended before it.
pub trait Store: Send {
    /// The latest snapshot and every entry appended after it, in order.
    fn load(&mut self) -> Result<Recovered, StoreError>;
    /// Appends one entry; returns once it is durable.
    fn append(&mut self, entry: &[u8]) -> Result<(), StoreError>;
    /// Replaces the snapshot with `state` and drops the entries it covers.
    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError>;
    /// Wipes journal, snapshot and metadata.
    fn reset(&mut self) -> Result<(), StoreError>;
    /// Reads a metadata value.
    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a metadata value durably.
    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract every store keeps, checked against each implementation.
    fn check(store: &mut dyn Store) {
        assert_eq!(store.load().unwrap(), Recovered::default());
        store.append(b"a").unwrap();
        store.append(b"b").unwrap();
        assert_eq!(
            store.load().unwrap().entries,
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        store.snapshot(b"S").unwrap();
        store.append(b"c").unwrap();
        let r = store.load().unwrap();
        assert_eq!(r.snapshot.as_deref(), Some(&b"S"[..]));
        assert_eq!(r.entries, vec![b"c".to_vec()]);
        store.set_meta("clock", "42").unwrap();
        assert_eq!(store.meta("clock").unwrap().as_deref(), Some("42"));
        store.reset().unwrap();
        assert_eq!(store.load().unwrap(), Recovered::default());
        assert_eq!(store.meta("clock").unwrap(), None);
    }

    #[test]
    fn memory_store_keeps_the_contract() {
        check(&mut MemoryStore::default());
    }

    #[test]
    fn sqlite_store_keeps_the_contract_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        check(&mut SqliteStore::open(&path).unwrap());
        {
            let mut s = SqliteStore::open(&path).unwrap();
            s.append(b"x").unwrap();
            s.set_meta("k", "v").unwrap();
        }
        let mut s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.load().unwrap().entries, vec![b"x".to_vec()]);
        assert_eq!(s.meta("k").unwrap().as_deref(), Some("v"));
    }
}
