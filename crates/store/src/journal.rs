//! [`JournalStore`]: the store of a data directory.

use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::format::{
    encode_record, journal_name, snapshot_name, Base, Commit, Generation, JournalHeader, Manifest,
    SnapshotHeader, StoreId, COMMIT_AT, RECORDS_AT, SLOT_SIZE,
};
use crate::inspect::{inspect, Loaded, MANIFEST};
use crate::lock::DirLock;
use crate::{Store, StoreError};

/// The journal grows by at least this much at a time, written as zeros and synced once,
/// so that a commit's sync overwrites written space and has no file size to write (see
/// docs/decisions.md, "A preallocated journal").
pub(crate) const GROWTH: u64 = 1 << 20;

/// The journal, snapshots and manifest of one data directory, held under its lock.
#[derive(Debug)]
pub struct JournalStore {
    dir: PathBuf,
    _lock: DirLock,
    journal: File,
    manifest_file: File,
    /// The manifest as last written, except that `current` follows every commit.
    manifest: Manifest,
    /// The manifest slot holding `manifest`; the next write goes to the other one.
    good_slot: usize,
    /// Highest manifest counter ever attempted (failed attempts included).
    counter: u64,
    /// The journal's commit slot holding the last commit, and the highest commit counter.
    commit_slot: usize,
    commit_counter: u64,
    /// Written but not yet committed: journal end and last record.
    pending: Option<(u64, Base)>,
    /// How far the journal file is written: zeros between the write position and here.
    allocated: u64,
}

impl JournalStore {
    /// Opens (creating when the directory holds no store) the store in `dir`: takes the
    /// lock, verifies everything the manifest and journal promise, rewrites a journal of
    /// the first format in the current one, drops uncommitted bytes and proves the
    /// directory writable. Returns the store and its verified content.
    pub fn open(dir: &Path, holder: &str) -> Result<(Self, Loaded), StoreError> {
        fs::create_dir_all(dir).map_err(StoreError::io(format!(
            "data directory {} cannot be created",
            dir.display()
        )))?;
        let lock = DirLock::acquire(dir, holder)?;
        let read = || inspect(dir).map_err(StoreError::io(format!("reading {}", dir.display())));
        let mut inspection = read()?;
        if inspection.fresh {
            create(dir)?;
            inspection = read()?;
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
        let mut loaded = inspection
            .loaded
            .ok_or_else(|| StoreError::Other("a fresh store could not be read back".into()))?;
        let unwritable = |what: &str| {
            StoreError::io(format!(
                "data directory {} cannot be written ({what})",
                dir.display()
            ))
        };
        if loaded.legacy {
            upgrade(dir, &mut loaded).map_err(unwritable("rewriting the journal"))?;
        }
        let manifest = loaded.manifest;
        let jname = journal_name(manifest.current.number);
        let journal = open_rw(&dir.join(&jname)).map_err(unwritable(&jname))?;
        let manifest_file = open_rw(&dir.join(MANIFEST)).map_err(unwritable(MANIFEST))?;
        let mut store = JournalStore {
            dir: dir.to_path_buf(),
            _lock: lock,
            journal,
            manifest_file,
            manifest,
            good_slot: 0,
            counter: manifest.counter,
            commit_slot: 0,
            commit_counter: commit_counter(&dir.join(&jname)).map_err(unwritable(&jname))?,
            pending: None,
            allocated: 0,
        };
        // Bytes past the commit point were never acknowledged: zero them (the sync of the
        // commit slots below makes that durable). Rewriting both commit slots and both
        // manifest slots proves the directory writable before anyone is told it is ready,
        // and leaves every slot intact.
        store.allocated =
            clear_tail(&store.journal, manifest.current.journal_len).map_err(unwritable(&jname))?;
        for _ in 0..2 {
            store
                .write_commit(manifest.current.journal_len, manifest.current.last)
                .map_err(unwritable(&jname))?;
        }
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
    fn write_manifest(&mut self, m: Manifest) -> std::io::Result<()> {
        self.write_manifest_slot(m)?;
        self.manifest_file.sync_data()
    }

    /// Writes `m` into the slot not holding the last good manifest, without a sync.
    fn write_manifest_slot(&mut self, mut m: Manifest) -> std::io::Result<()> {
        self.counter += 1;
        m.counter = self.counter;
        let slot = 1 - self.good_slot;
        self.manifest_file
            .write_all_at(&m.encode(), (slot * SLOT_SIZE) as u64)?;
        self.good_slot = slot;
        self.manifest = m;
        Ok(())
    }

    /// Writes a commit point into the journal's slot not holding the last one and syncs
    /// the journal: the one sync of a commit (records written before are synced with it).
    fn write_commit(&mut self, journal_len: u64, last: Base) -> std::io::Result<()> {
        let slot = 1 - self.commit_slot;
        let commit = |counter| Commit {
            store: self.manifest.store,
            generation: self.manifest.current.number,
            counter,
            journal_len,
            last,
        };
        self.commit_counter += 1;
        let at = Commit::slot_at(slot);
        let written = self
            .journal
            .write_all_at(&commit(self.commit_counter).encode(), at)
            .and_then(|()| self.journal.sync_data());
        if let Err(e) = written {
            // The slot may sit in the page cache naming a commit that failed: put the last
            // good commit point there instead (best effort; the write may fail as well).
            self.commit_counter += 1;
            let cur = self.manifest.current;
            let good = Commit {
                journal_len: cur.journal_len,
                last: cur.last,
                ..commit(self.commit_counter)
            };
            let _ = self.journal.write_all_at(&good.encode(), at);
            return Err(e);
        }
        self.commit_slot = slot;
        self.manifest.current.journal_len = journal_len;
        self.manifest.current.last = last;
        Ok(())
    }

    /// Extends the journal to hold `need` bytes: zeros to a multiple of [`GROWTH`] at
    /// least half a chunk past the current end, synced once; when that does not fit (a
    /// nearly full disk), zeros to `need` only.
    fn grow(&mut self, need: u64) -> std::io::Result<()> {
        let mut ahead = need.div_ceil(GROWTH) * GROWTH;
        if ahead - self.allocated < GROWTH / 2 {
            ahead += GROWTH;
        }
        let mut result = Ok(());
        for target in [ahead, need] {
            result = write_zeros(&self.journal, self.allocated, target)
                .and_then(|()| self.journal.sync_data());
            if result.is_ok() {
                self.allocated = target;
                break;
            }
        }
        result
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
        let need = end + buf.len() as u64;
        if need > self.allocated {
            if let Err(e) = self.grow(need) {
                self.rollback();
                return Err(StoreError::io(format!("growing {name}"))(e));
            }
        }
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
        if let Err(e) = self.write_commit(end, last) {
            self.rollback();
            return Err(StoreError::io(format!("syncing {name}"))(e));
        }
        self.pending = None;
        // The manifest follows as a lower bound of the commit point, unsynced: a process
        // crash keeps it (so `recover` can say how much a lost journal held), a power loss
        // may leave it behind, which only makes the bound looser. Failing it loses nothing.
        let _ = self.write_manifest_slot(self.manifest);
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
        self.allocated = RECORDS_AT as u64;
        self.commit_slot = 1;
        self.commit_counter = 2;
        if let Some(old) = old_previous {
            let _ = fs::remove_file(dir.join(journal_name(old.number)));
            let _ = fs::remove_file(dir.join(snapshot_name(old.number)));
            let _ = sync_dir(&dir);
        }
        Ok(())
    }
}

impl Drop for JournalStore {
    /// A clean stop leaves the manifest's bound on disk exact.
    fn drop(&mut self) {
        let _ = self.manifest_file.sync_data();
    }
}

/// Zeroes whatever lies past the commit point `from` that is not zero already (records a
/// crash left uncommitted), so that no later append is followed by bytes that read as its
/// continuation; returns the file's length.
fn clear_tail(file: &File, from: u64) -> std::io::Result<u64> {
    let len = file.metadata()?.len();
    let mut buf = vec![0; 1 << 16];
    let mut at = from;
    while at < len {
        let n = ((len - at) as usize).min(buf.len());
        file.read_exact_at(&mut buf[..n], at)?;
        if buf[..n].iter().any(|&b| b != 0) {
            buf[..n].fill(0);
            file.write_all_at(&buf[..n], at)?;
        }
        at += n as u64;
    }
    Ok(len)
}

/// Writes zeros over `from..to` of `file`.
fn write_zeros(file: &File, from: u64, to: u64) -> std::io::Result<()> {
    let zeros = vec![0; to.saturating_sub(from).min(GROWTH) as usize];
    let mut at = from;
    while at < to {
        let n = ((to - at) as usize).min(zeros.len());
        file.write_all_at(&zeros[..n], at)?;
        at += n as u64;
    }
    Ok(())
}

/// The higher counter of a journal's commit slots (0 when neither is intact).
fn commit_counter(path: &Path) -> std::io::Result<u64> {
    let mut head = vec![0; RECORDS_AT];
    File::open(path)?.read_exact_at(&mut head, 0)?;
    Ok([0, 1]
        .iter()
        .filter_map(|&i| {
            let at = Commit::slot_at(i) as usize;
            Commit::decode(&head[at..at + SLOT_SIZE])
        })
        .map(|c| c.counter)
        .max()
        .unwrap_or(0))
}

/// Rewrites a current journal of the first format as a new generation in the current
/// one: the same snapshot and the same records (byte for byte, so the chain holds), then
/// the manifest naming it; the old generation's files go.
fn upgrade(dir: &Path, loaded: &mut Loaded) -> std::io::Result<()> {
    let old = loaded.manifest;
    let cur = old.current;
    let number = cur.number + 1;
    let snap = cur.snapshot.map(|(len, crc)| SnapshotHeader {
        store: old.store,
        generation: number,
        base: cur.base,
        len,
        crc,
    });
    if let (Some(snap), Some(state)) = (&snap, &loaded.snapshot) {
        write_snapshot_file(dir, snap, state)?;
    }
    let header = JournalHeader {
        store: old.store,
        generation: number,
        base: cur.base,
    };
    let mut bytes = header.encode_start();
    let mut last = cur.base;
    for r in &loaded.records {
        last = Base {
            seq: r.seq,
            chain: encode_record(&mut bytes, last.chain, r.seq, &r.payload),
        };
    }
    let journal_len = bytes.len() as u64;
    let commit = Commit {
        journal_len,
        last,
        ..header.empty_commit(3)
    }
    .encode();
    bytes[COMMIT_AT..COMMIT_AT + SLOT_SIZE].copy_from_slice(&commit);
    let f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(dir.join(journal_name(number)))?;
    f.write_all_at(&bytes, 0)?;
    f.sync_all()?;
    sync_dir(dir)?;
    let m = Manifest {
        counter: old.counter,
        current: Generation {
            number,
            base: cur.base,
            snapshot: cur.snapshot,
            journal_len,
            last,
        },
        ..old
    };
    write_fresh_manifest(dir, m)?;
    let _ = fs::remove_file(dir.join(journal_name(cur.number)));
    let _ = fs::remove_file(dir.join(snapshot_name(cur.number)));
    sync_dir(dir)?;
    loaded.manifest = m;
    loaded.legacy = false;
    Ok(())
}

/// Writes a new generation's snapshot and empty journal; returns the journal, open.
fn write_generation(dir: &Path, snap: &SnapshotHeader, state: &[u8]) -> Result<File, StoreError> {
    let name = snapshot_name(snap.generation);
    write_snapshot_file(dir, snap, state).map_err(StoreError::io(format!("writing {name}")))?;
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

/// Writes a snapshot file (through a temporary name), durably.
fn write_snapshot_file(dir: &Path, snap: &SnapshotHeader, state: &[u8]) -> std::io::Result<()> {
    let name = snapshot_name(snap.generation);
    let tmp = dir.join(format!("{name}.tmp"));
    let write = || -> std::io::Result<()> {
        let f = File::create(&tmp)?;
        f.write_all_at(&snap.encode(), 0)?;
        f.write_all_at(state, crate::format::SNAPSHOT_HEADER as u64)?;
        f.sync_all()?;
        fs::rename(&tmp, dir.join(&name))
    };
    write().inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Creates an empty journal (header and both commit slots), durably.
fn new_journal(path: &Path, header: &JournalHeader) -> std::io::Result<File> {
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all_at(&header.encode_start(), 0)?;
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
