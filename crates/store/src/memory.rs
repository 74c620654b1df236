//! A store in memory, for tests: it keeps the [`Store`] contract and can be told to fail.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::{Recovered, Store, StoreError};

#[derive(Debug, Default)]
struct Inner {
    snapshot: Option<Vec<u8>>,
    committed: Vec<Vec<u8>>,
    pending: Vec<Vec<u8>>,
}

/// Keeps everything in memory: a clone reads what was committed (as a
/// restart would) and injects failures.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
    failing: Arc<AtomicBool>,
}

impl MemoryStore {
    /// What a restart would recover: the snapshot and the committed entries.
    pub fn recovered(&self) -> Recovered {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        Recovered {
            snapshot: inner.snapshot.clone(),
            entries: inner.committed.clone(),
        }
    }

    /// While set, every append, commit and snapshot fails as a full disk would.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    fn check(&self, inner: &mut Inner) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            inner.pending.clear();
            return Err(StoreError::Io {
                what: "writing the memory journal".into(),
                source: std::io::Error::new(std::io::ErrorKind::StorageFull, "injected fault"),
            });
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn append(&mut self, entries: &[Vec<u8>]) -> Result<u64, StoreError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        self.check(&mut inner)?;
        inner.pending.extend(entries.iter().cloned());
        Ok((inner.committed.len() + inner.pending.len()) as u64)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        self.check(&mut inner)?;
        let pending = std::mem::take(&mut inner.pending);
        inner.committed.extend(pending);
        Ok(())
    }

    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        self.check(&mut inner)?;
        let pending = std::mem::take(&mut inner.pending);
        inner.committed.extend(pending);
        inner.snapshot = Some(state.to_vec());
        inner.committed.clear();
        Ok(())
    }
}
