//! A store in memory, for tests and throwaway servers.

use std::collections::BTreeMap;

use crate::{Recovered, Store, StoreError};

/// Keeps everything in memory; nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    snapshot: Option<Vec<u8>>,
    entries: Vec<Vec<u8>>,
    meta: BTreeMap<String, String>,
}

impl Store for MemoryStore {
    fn load(&mut self) -> Result<Recovered, StoreError> {
        Ok(Recovered {
            snapshot: self.snapshot.clone(),
            entries: self.entries.clone(),
        })
    }

    fn append(&mut self, entry: &[u8]) -> Result<(), StoreError> {
        self.entries.push(entry.to_vec());
        Ok(())
    }

    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError> {
        self.snapshot = Some(state.to_vec());
        self.entries.clear();
        Ok(())
    }

    fn reset(&mut self) -> Result<(), StoreError> {
        *self = MemoryStore::default();
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.meta.get(key).cloned())
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.meta.insert(key.to_string(), value.to_string());
        Ok(())
    }
}
