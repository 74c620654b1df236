//! Durable storage for openvpc, behind the [`Store`] trait.
//!
//! The model is a journal of applied commands plus an occasional snapshot of the whole
//! state; the store knows nothing of their content (opaque bytes). [`JournalStore`] keeps
//! them in a data directory built so that damage is always noticed (see `format` for the
//! bytes and ARCHITECTURE.md for the reasoning):
//!
//! - `LOCK` — held exclusively for the life of the process that writes the store;
//! - `journal-GGGGGGGG` — two checksummed commit slots naming the commit point (committed
//!   length, last sequence and chain value), then records with sequence numbers and
//!   chained CRCs, then zeros written ahead (the file grows in chunks); a commit is one
//!   sync of this file, which writes data only;
//! - `snapshot-GGGGGGGG` — the state a generation starts from, with its CRC;
//! - `MANIFEST` — two checksummed slots naming the current generation (with a lower bound
//!   of its commit point) and the previous generation.
//!
//! [`inspect`] verifies a directory, [`recover`] rebuilds the longest intact prefix of a
//! damaged one, [`backup`] copies a running store consistently. [`MemoryStore`] serves tests.

mod format;
mod inspect;
mod journal;
mod lock;
mod memory;
mod repair;

#[cfg(test)]
mod tests;

pub use format::Record;
pub use inspect::{describe, describe_commit, inspect, Inspection, Loaded};
pub use journal::JournalStore;
pub use lock::DirLock;
pub use memory::MemoryStore;
pub use repair::{backup, recover, Backup, Recovery};

use std::fmt;
use std::path::PathBuf;

/// What a store holds after a restart: the latest snapshot and the entries after it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    pub snapshot: Option<Vec<u8>>,
    pub entries: Vec<Vec<u8>>,
}

impl From<Loaded> for Recovered {
    fn from(l: Loaded) -> Self {
        Recovered {
            snapshot: l.snapshot,
            entries: l.records.into_iter().map(|r| r.payload).collect(),
        }
    }
}

/// A storage failure.
#[derive(Debug)]
pub enum StoreError {
    /// Another process holds the data directory.
    Locked { dir: PathBuf, holder: String },
    /// The data directory is damaged; nothing was opened.
    Damaged { dir: PathBuf, damage: Vec<String> },
    /// An I/O operation failed (`what` names the operation and file).
    Io {
        what: String,
        source: std::io::Error,
    },
    /// Anything else (a caller's mistake, a format the store does not know).
    Other(String),
}

impl StoreError {
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
        let what = what.into();
        move |source| StoreError::Io { what, source }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Locked { dir, holder } => write!(
                f,
                "data directory {} is in use by another openvpc process ({holder})",
                dir.display()
            ),
            StoreError::Damaged { dir, damage } => write!(
                f,
                "data directory {} is damaged: {}. Nothing was changed. `openvpc store check {0}` describes the damage; `openvpc store recover {0}` keeps a copy and rebuilds the longest intact prefix",
                dir.display(),
                damage.join("; ")
            ),
            StoreError::Io { what, source } => write!(f, "{what}: {source}"),
            StoreError::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

/// Durable storage of the journal and snapshots.
///
/// Invariants: an entry is durable once a `commit` that follows its `append` returns Ok;
/// when `append` or `commit` fails, every entry appended since the last successful commit
/// is dropped (never replayed) and the store accepts appends again. `snapshot` starts a
/// new generation from `state`, which must cover every committed entry.
pub trait Store: Send {
    /// Writes entries after the last one (not yet durable); returns the last sequence.
    fn append(&mut self, entries: &[Vec<u8>]) -> Result<u64, StoreError>;
    /// Makes every appended entry durable.
    fn commit(&mut self) -> Result<(), StoreError>;
    /// Starts a new generation whose state is `state`; keeps one previous generation.
    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError>;
}
