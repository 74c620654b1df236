//! `backup` (a consistent copy of a running store) and `recover` (the longest intact
//! prefix of a damaged one, keeping a copy of what was found).

use std::fs::{self, File};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use crate::format::{
    encode_record, journal_name, snapshot_name, Base, Commit, Generation, JournalHeader, Manifest,
    Record, SnapshotHeader, StoreId, COMMIT_AT, SLOT_SIZE,
};
use crate::inspect::{
    inspect, read_file, read_journal, read_manifest, read_snapshot, store_files, Until, MANIFEST,
};
use crate::journal::{new_store_id, sync_dir, write_fresh_manifest};
use crate::lock::DirLock;
use crate::StoreError;

/// What a backup copied.
#[derive(Debug, Clone)]
pub struct Backup {
    pub manifest: Manifest,
    pub entries: usize,
}

/// Copies the committed state of the store in `dir` (which may be served meanwhile) to
/// the new directory `out`, then verifies the copy.
///
/// Consistent without stopping the server: the manifest names a committed prefix, the
/// bytes of a committed prefix never change, and files that a snapshot retires are only
/// removed after a newer manifest exists (the copy then starts over).
pub fn backup(dir: &Path, out: &Path) -> Result<Backup, StoreError> {
    if out.exists()
        && fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(StoreError::Other(format!(
            "{} exists and is not empty; a backup goes to a new directory",
            out.display()
        )));
    }
    let mut last_error = String::new();
    for _ in 0..5 {
        let read =
            read_manifest(dir).map_err(StoreError::io(format!("reading {}", dir.display())))?;
        let Some(m) = read.chosen else {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                damage: vec!["MANIFEST is missing or damaged".into()],
            });
        };
        let cur = m.current;
        let snapshot = match read_snapshot(dir, &m.store, &cur) {
            Ok(s) => s,
            Err(e) => {
                last_error = e;
                continue;
            }
        };
        let journal = read_journal(dir, &m.store, &cur, Until::Committed);
        if let Some(e) = journal.damage {
            last_error = e;
            continue;
        }
        fs::create_dir_all(out).map_err(StoreError::io(format!("creating {}", out.display())))?;
        let copy = write_store(
            out,
            Manifest {
                previous: None,
                ..m
            },
            cur.snapshot.map(|_| snapshot.as_slice()),
            &journal.records,
        )?;
        let check = inspect(out).map_err(StoreError::io(format!("reading {}", out.display())))?;
        if !check.is_intact() {
            return Err(StoreError::Damaged {
                dir: out.to_path_buf(),
                damage: check.damage,
            });
        }
        return Ok(Backup {
            manifest: copy,
            entries: journal.records.len(),
        });
    }
    Err(StoreError::Damaged {
        dir: dir.to_path_buf(),
        damage: vec![last_error],
    })
}

/// Writes a complete store (snapshot, journal, manifest) for generation `m.current`
/// holding `records` after its base; returns the manifest written.
fn write_store(
    dir: &Path,
    mut m: Manifest,
    snapshot: Option<&[u8]>,
    records: &[Record],
) -> Result<Manifest, StoreError> {
    let g = m.current;
    let io = |name: String| StoreError::io(format!("writing {}", dir.join(name).display()));
    if let (Some(state), Some((len, crc))) = (snapshot, g.snapshot) {
        let name = snapshot_name(g.number);
        let header = SnapshotHeader {
            store: m.store,
            generation: g.number,
            base: g.base,
            len,
            crc,
        };
        let mut bytes = header.encode();
        bytes.extend_from_slice(state);
        write_synced(&dir.join(&name), &bytes).map_err(io(name))?;
    }
    let header = JournalHeader {
        store: m.store,
        generation: g.number,
        base: g.base,
    };
    let mut bytes = header.encode_start();
    let mut last = g.base;
    for r in records {
        last = Base {
            seq: r.seq,
            chain: encode_record(&mut bytes, last.chain, r.seq, &r.payload),
        };
    }
    let commit = Commit {
        journal_len: bytes.len() as u64,
        last,
        ..header.empty_commit(3)
    };
    bytes[COMMIT_AT..COMMIT_AT + SLOT_SIZE].copy_from_slice(&commit.encode());
    m.current.journal_len = commit.journal_len;
    m.current.last = last;
    let name = journal_name(g.number);
    write_synced(&dir.join(&name), &bytes).map_err(io(name))?;
    write_fresh_manifest(dir, m).map_err(io(MANIFEST.into()))?;
    Ok(m)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let f = File::create(path)?;
    f.write_all_at(bytes, 0)?;
    f.sync_all()
}

/// What `recover` kept and lost.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// Where the damaged files were copied.
    pub copy: PathBuf,
    /// The damage found.
    pub damage: Vec<String>,
    /// Last sequence number kept (everything up to it is intact); the first kept is
    /// `kept_from`.
    pub kept_from: u64,
    pub kept_to: u64,
    /// The last sequence number the manifest recorded as committed, when it was readable.
    pub committed_to: Option<u64>,
    /// Lost entries whose content could still be read.
    pub readable_lost: Vec<Record>,
}

impl Recovery {
    /// Sequence numbers of acknowledged entries that were lost.
    pub fn lost(&self) -> Option<std::ops::RangeInclusive<u64>> {
        let last = self
            .committed_to
            .unwrap_or(self.kept_to)
            .max(self.readable_lost.last().map_or(self.kept_to, |r| r.seq));
        (last > self.kept_to).then(|| self.kept_to + 1..=last)
    }
}

/// One candidate starting point: a generation's snapshot (or an empty state) plus its
/// journal, as far as both are intact.
struct Chain {
    base: Base,
    snapshot: Option<Vec<u8>>,
    records: Vec<Record>,
    after_damage: Vec<Record>,
}

/// Rebuilds the longest intact prefix of the store in `dir`, after copying its files to
/// `dir/damaged-<unix time>/`. The server must not be running (the lock is taken).
pub fn recover(dir: &Path) -> Result<Recovery, StoreError> {
    let _lock = DirLock::acquire(
        dir,
        &format!("pid {}, openvpc store recover", std::process::id()),
    )?;
    let inspection = inspect(dir).map_err(StoreError::io(format!("reading {}", dir.display())))?;
    if inspection.fresh {
        return Err(StoreError::Other(format!(
            "{} holds no store",
            dir.display()
        )));
    }
    let read = read_manifest(dir).map_err(StoreError::io(format!("reading {}", dir.display())))?;
    let (store, current, previous) = match read.chosen {
        Some(m) => (m.store, m.current, m.previous),
        None => discover(dir)?,
    };
    // Bytes past the commit point were never acknowledged. When the manifest is damaged
    // (it may name an older state), each journal's own commit slots name its commit point;
    // for a journal of the first format the longest intact chain is the best evidence.
    let trust_manifest = read.valid == [true, true];
    let limit = |g: &Generation| match (trust_manifest, g.number == current.number) {
        (false, _) => Until::Slots,
        (true, true) => Until::Committed,
        (true, false) => Until::Closed,
    };
    // What was acknowledged: the commit point, at least the manifest's bound.
    let committed_to = read_journal(dir, &store, &current, limit(&current))
        .committed
        .map(|c| c.1.seq.max(current.last.seq))
        .or(read.chosen.map(|_| current.last.seq));
    let chain = longest_chain(dir, &store, &current, previous.as_ref(), &limit);
    let (copy, names) = keep_copy(dir, read.present)?;
    let number = names
        .iter()
        .filter_map(|n| n.rsplit('-').next()?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        .max(current.number)
        + 1;
    let last = chain.records.last().map_or(chain.base, |r| Base {
        seq: r.seq,
        chain: r.crc,
    });
    let rebuilt = Manifest {
        store,
        counter: 0,
        current: Generation::starting(
            number,
            chain.base,
            chain
                .snapshot
                .as_ref()
                .map(|s| (s.len() as u64, crc32fast::hash(s))),
        ),
        previous: None,
    };
    write_store(dir, rebuilt, chain.snapshot.as_deref(), &chain.records)?;
    for name in &names {
        if name != MANIFEST {
            let _ = fs::remove_file(dir.join(name));
        }
    }
    sync_dir(dir).map_err(StoreError::io(format!("syncing {}", dir.display())))?;
    Ok(Recovery {
        copy,
        damage: inspection
            .damage
            .into_iter()
            .chain(inspection.notes)
            .collect(),
        kept_from: chain.base.seq + 1,
        kept_to: last.seq,
        committed_to,
        readable_lost: chain.after_damage,
    })
}

/// Copies every store file (and the manifest, when `manifest` says it exists) to
/// `dir/damaged-<unix time>/`; returns that directory and the names copied.
fn keep_copy(dir: &Path, manifest: bool) -> Result<(PathBuf, Vec<String>), StoreError> {
    let copy = dir.join(format!("damaged-{}", unix_now()));
    fs::create_dir_all(&copy).map_err(StoreError::io(format!("creating {}", copy.display())))?;
    let mut names: Vec<String> = store_files(dir)
        .map_err(StoreError::io(format!("reading {}", dir.display())))?
        .into_iter()
        .map(|f| f.2)
        .collect();
    if manifest {
        names.push(MANIFEST.into());
    }
    for name in &names {
        fs::copy(dir.join(name), copy.join(name)).map_err(StoreError::io(format!(
            "copying {name} to {}",
            copy.display()
        )))?;
    }
    sync_dir(&copy).map_err(StoreError::io(format!("syncing {}", copy.display())))?;
    Ok((copy, names))
}

/// The current generation's chain if its snapshot is intact, else the previous
/// generation's continued into the current journal.
fn longest_chain(
    dir: &Path,
    store: &StoreId,
    current: &Generation,
    previous: Option<&Generation>,
    limit: &dyn Fn(&Generation) -> Until,
) -> Chain {
    let from = |g: &Generation| -> Option<Chain> {
        let snapshot = read_snapshot(dir, store, g).ok()?;
        let j = read_journal(dir, store, g, limit(g));
        Some(Chain {
            base: g.base,
            snapshot: g.snapshot.map(|_| snapshot),
            records: j.records,
            after_damage: j.after_damage,
        })
    };
    if let Some(chain) = from(current) {
        return chain;
    }
    if let Some(mut chain) = previous.and_then(from) {
        let reached = chain.records.last().map_or(chain.base, |r| Base {
            seq: r.seq,
            chain: r.crc,
        });
        if reached == current.base {
            let j = read_journal(dir, store, current, limit(current));
            chain.records.extend(j.records);
            chain.after_damage = j.after_damage;
        }
        return chain;
    }
    Chain {
        base: Base::default(),
        snapshot: None,
        records: Vec::new(),
        after_damage: Vec::new(),
    }
}

/// Without a manifest: the newest journal with an intact header names the store and its
/// generation; its snapshot is taken from that file's own header. The generations' commit
/// points are left to the journals' commit slots (their bound is the empty journal).
fn discover(dir: &Path) -> Result<(StoreId, Generation, Option<Generation>), StoreError> {
    let files = store_files(dir).map_err(StoreError::io(format!("reading {}", dir.display())))?;
    let generation_of = |number: u64| -> Option<(StoreId, Generation)> {
        let bytes = read_file(&dir.join(journal_name(number))).ok()?;
        let (h, _) = JournalHeader::decode(&bytes)?;
        let snapshot = read_file(&dir.join(snapshot_name(number)))
            .ok()
            .and_then(|b| SnapshotHeader::decode(&b))
            .filter(|s| s.store == h.store && s.base == h.base)
            .map(|s| (s.len, s.crc));
        Some((h.store, Generation::starting(number, h.base, snapshot)))
    };
    let mut numbers: Vec<u64> = files.iter().filter(|f| !f.1).map(|f| f.0).collect();
    numbers.sort_unstable();
    let newest = numbers.iter().rev().find_map(|&n| generation_of(n));
    let Some((store, current)) = newest else {
        return Ok((
            new_store_id(),
            Generation::starting(0, Base::default(), None),
            None,
        ));
    };
    let previous = current
        .number
        .checked_sub(1)
        .and_then(generation_of)
        .filter(|(s, _)| *s == store)
        .map(|(_, g)| g);
    Ok((store, current, previous))
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
