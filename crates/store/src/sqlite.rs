//! The embedded default store: one SQLite file in WAL mode with `synchronous=FULL`,
//! so every committed append is on disk before it is acknowledged.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Recovered, Store, StoreError};

/// How long a write waits for another connection's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A store in one SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        // Other processes read the same file (`openvpc reach` while the server runs): a
        // reader's brief locks (WAL recovery) must make a write wait, not fail, since a
        // failed append stops the server.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), state BLOB NOT NULL);
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        Ok(SqliteStore { conn })
    }
}

impl Store for SqliteStore {
    fn load(&mut self) -> Result<Recovered, StoreError> {
        let snapshot = self
            .conn
            .query_row("SELECT state FROM snapshot WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        let mut stmt = self
            .conn
            .prepare("SELECT entry FROM journal ORDER BY seq")?;
        let entries = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Recovered { snapshot, entries })
    }

    fn append(&mut self, entry: &[u8]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO journal (entry) VALUES (?1)")?
            .execute(params![entry])?;
        Ok(())
    }

    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO snapshot (id, state) VALUES (1, ?1)",
            params![state],
        )?;
        tx.execute("DELETE FROM journal", [])?;
        tx.commit()?;
        Ok(())
    }

    fn reset(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("DELETE FROM journal; DELETE FROM snapshot; DELETE FROM meta;")?;
        Ok(())
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }
}
