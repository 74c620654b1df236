//! [`JournalStore`]: the store of a data directory.

use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::format::{
    encode_record, journal_name, snapshot_name, Base, Generation, JournalHeader, Manifest,
    SnapshotHeader, StoreId, SLOT_SIZE,
};
use crate::inspect::{inspect, Loaded, MANIFEST};
use crate::lock::DirLock;
use crate::{Store, StoreError};

/// The journal, snapshots and manifest of one data directory, held under its lock.
#[derive(Debug)]
pub struct JournalStore {
    dir: PathBuf,
    _lock: DirLock,
    journal: File,
    manifest_file: File,
    /// The committed manifest.
    manifest: Manifest,
    /// The slot holding `manifest`; the next write goes to the other one.
    good_slot: usize,
    /// Highest counter ever attempted (failed attempts included).
    counter: u64,
    /// Written but not yet committed: journal end and last record.
    pending: Option<(u64, Base)>,
}

impl JournalStore {
    /// Opens (creating when the directory holds no store) the store in `dir`: takes the
    /// lock, verifies everything the manifest promises and proves the directory writable.
    /// Returns the store and its verified content.
    pub fn open(dir: &Path, holder: &str) -> Result<(Self, Loaded), StoreError> {
        fs::create_dir_all(dir).map_err(StoreError::io(format!(
            "data directory {} cannot be created",
            dir.display()
        )))?;
        let lock = DirLock::acquire(dir, holder)?;
        let inspection =
            inspect(dir).map_err(StoreError::io(format!("reading {}", dir.display())))?;
        if inspection.fresh {
            create(dir)?;
        } else if !inspection.is_intact() {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                damage: inspection.damage,
            });
        }
        for note in &inspection.notes {
            eprintln!(
                "openvpc: {}: {note} (no acknowledged write is missing)",
                dir.display()
            );
        }
        let loaded = match inspection.loaded {
            Some(l) => l,
            None => inspect(dir)
                .map_err(StoreError::io(format!("reading {}", dir.display())))?
                .loaded
                .ok_or_else(|| StoreError::Other("a fresh store could not be read back".into()))?,
        };
        let manifest = loaded.manifest;
        let unwritable = |what: &str| {
            StoreError::io(format!(
                "data directory {} cannot be written ({what})",
                dir.display()
            ))
        };
        let journal = open_rw(&dir.join(journal_name(manifest.current.number)))
            .map_err(unwritable(&journal_name(manifest.current.number)))?;
        let manifest_file = open_rw(&dir.join(MANIFEST)).map_err(unwritable(MANIFEST))?;
        let mut store = JournalStore {
            dir: dir.to_path_buf(),
            _lock: lock,
            journal,
            manifest_file,
            manifest,
            good_slot: 0,
            counter: manifest.counter,
            pending: None,
        };
        // Rewriting the commit point proves the directory writable before anyone is
        // told it is ready, and leaves both manifest slots intact.
        for _ in 0..2 {
            store
                .write_manifest(manifest)
                .map_err(unwritable(MANIFEST))?;
        }
        Ok((store, loaded))
    }

    /// The directory of this store.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `m` into the slot not holding the last good manifest, durably.
    fn write_manifest(&mut self, mut m: Manifest) -> std::io::Result<()> {
        self.counter += 1;
        m.counter = self.counter;
        let slot = 1 - self.good_slot;
        self.manifest_file
            .write_all_at(&m.encode(), (slot * SLOT_SIZE) as u64)?;
        self.manifest_file.sync_data()?;
        self.good_slot = slot;
        self.manifest = m;
        Ok(())
    }

    fn rollback(&mut self) {
        self.pending = None;
    }
}

impl Store for JournalStore {
    fn append(&mut self, entries: &[Vec<u8>]) -> Result<u64, StoreError> {
        let (end, mut last) = self.pending.unwrap_or((
            self.manifest.current.journal_len,
            self.manifest.current.last,
        ));
        let mut buf = Vec::with_capacity(entries.iter().map(|e| e.len() + 16).sum());
        for e in entries {
            let seq = last.seq + 1;
            last = Base {
                seq,
                chain: encode_record(&mut buf, last.chain, seq, e),
            };
        }
        let name = journal_name(self.manifest.current.number);
        if let Err(e) = self.journal.write_all_at(&buf, end) {
            self.rollback();
            return Err(StoreError::io(format!("writing {name}"))(e));
        }
        self.pending = Some((end + buf.len() as u64, last));
        Ok(last.seq)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        let Some((end, last)) = self.pending else {
            return Ok(());
        };
        let name = journal_name(self.manifest.current.number);
        if let Err(e) = self.journal.sync_data() {
            self.rollback();
            return Err(StoreError::io(format!("syncing {name}"))(e));
        }
        let mut m = self.manifest;
        m.current.journal_len = end;
        m.current.last = last;
        if let Err(e) = self.write_manifest(m) {
            self.rollback();
            return Err(StoreError::io(format!("writing {MANIFEST}"))(e));
        }
        self.pending = None;
        Ok(())
    }

    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError> {
        self.commit()?;
        let cur = self.manifest.current;
        let number = cur.number + 1;
        let crc = crc32fast::hash(state);
        let snap = SnapshotHeader {
            store: self.manifest.store,
            generation: number,
            base: cur.last,
            len: state.len() as u64,
            crc,
        };
        let dir = self.dir.clone();
        let journal = write_generation(&dir, &snap, state)?;
        let m = Manifest {
            current: Generation::starting(number, cur.last, Some((snap.len, crc))),
            previous: Some(cur),
            ..self.manifest
        };
        let old_previous = self.manifest.previous;
        self.write_manifest(m)
            .map_err(StoreError::io(format!("writing {MANIFEST}")))?;
        self.journal = journal;
        if let Some(old) = old_previous {
            let _ = fs::remove_file(dir.join(journal_name(old.number)));
            let _ = fs::remove_file(dir.join(snapshot_name(old.number)));
            let _ = sync_dir(&dir);
        }
        Ok(())
    }
}

/// Writes a new generation's snapshot and empty journal; returns the journal, open.
fn write_generation(dir: &Path, snap: &SnapshotHeader, state: &[u8]) -> Result<File, StoreError> {
    let name = snapshot_name(snap.generation);
    let tmp = dir.join(format!("{name}.tmp"));
    let write_snapshot = || -> std::io::Result<()> {
        let f = File::create(&tmp)?;
        f.write_all_at(&snap.encode(), 0)?;
        f.write_all_at(state, crate::format::SNAPSHOT_HEADER as u64)?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(&name))
    };
    if let Err(e) = write_snapshot() {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::io(format!("writing {name}"))(e));
    }
    let header = JournalHeader {
        store: snap.store,
        generation: snap.generation,
        base: snap.base,
    };
    let jname = journal_name(snap.generation);
    let journal = new_journal(&dir.join(&jname), &header)
        .and_then(|f| sync_dir(dir).map(|()| f))
        .map_err(StoreError::io(format!("writing {jname}")))?;
    Ok(journal)
}

fn new_journal(path: &Path, header: &JournalHeader) -> std::io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all_at(&header.encode(), 0)?;
    f.sync_all()?;
    Ok(f)
}

/// Creates an empty store: generation 1 with no snapshot.
fn create(dir: &Path) -> Result<(), StoreError> {
    let store = new_store_id();
    let header = JournalHeader {
        store,
        generation: 1,
        base: Base::default(),
    };
    let unwritable = StoreError::io(format!(
        "data directory {} cannot be written",
        dir.display()
    ));
    let make = || -> std::io::Result<()> {
        new_journal(&dir.join(journal_name(1)), &header)?;
        write_fresh_manifest(
            dir,
            Manifest {
                store,
                counter: 0,
                current: Generation::starting(1, Base::default(), None),
                previous: None,
            },
        )
    };
    make().map_err(unwritable)
}

/// Writes a manifest with both slots holding `m`, durably.
pub(crate) fn write_fresh_manifest(dir: &Path, m: Manifest) -> std::io::Result<()> {
    let mut bytes = Manifest { counter: 1, ..m }.encode();
    bytes.extend(Manifest { counter: 2, ..m }.encode());
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    let f = File::create(&tmp)?;
    f.write_all_at(&bytes, 0)?;
    f.sync_all()?;
    fs::rename(&tmp, dir.join(MANIFEST))?;
    sync_dir(dir)
}

pub(crate) fn open_rw(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).write(true).open(path)
}

pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// A store identity no other store shares: 128 bits from the process's random hasher
/// keys, the time and the process id.
pub(crate) fn new_store_id() -> StoreId {
    let mut id = [0u8; 16];
    for (i, chunk) in id.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    id
}
