//! Reading a data directory back and telling intact from damaged.
//!
//! The manifest names the current generation and its snapshot's length and checksum, and
//! what the previous generation holds; the current journal's commit slots name how many
//! of its bytes (and which last sequence and chain value) are committed (a legacy
//! journal's commit point is in the manifest). Everything these promise must be found
//! intact, or the store is damaged; bytes past the commit point (zeros written ahead, or
//! records a crash left uncommitted) were never acknowledged and are ignored. A journal
//! shorter than its commit point is damaged.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::format::{
    self, decode_record, journal_name, snapshot_name, Base, Commit, Generation, JournalHeader,
    Layout, Manifest, Record, RecordError, SnapshotHeader, StoreId, JOURNAL_HEADER, RECORDS_AT,
    RECORD_HEADER, SLOT_SIZE, SNAPSHOT_HEADER,
};

/// The manifest file's name.
pub const MANIFEST: &str = "MANIFEST";
/// The single SQLite file of stores written before this format.
const LEGACY: &str = "openvpc.db";

/// The manifest as found on disk.
#[derive(Debug, Clone)]
pub struct ManifestRead {
    /// The valid slot with the higher counter.
    pub chosen: Option<Manifest>,
    /// Which slot `chosen` came from.
    pub slot: usize,
    /// Whether each slot is intact.
    pub valid: [bool; 2],
    /// The file exists.
    pub present: bool,
}

/// Reads both manifest slots.
pub fn read_manifest(dir: &Path) -> std::io::Result<ManifestRead> {
    let bytes = match fs::read(dir.join(MANIFEST)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ManifestRead {
                chosen: None,
                slot: 0,
                valid: [false; 2],
                present: false,
            })
        }
        Err(e) => return Err(e),
    };
    let slots = [0, 1].map(|i| {
        bytes
            .get(i * SLOT_SIZE..(i + 1) * SLOT_SIZE)
            .and_then(Manifest::decode)
    });
    let valid = [slots[0].is_some(), slots[1].is_some()];
    let slot = match (&slots[0], &slots[1]) {
        (Some(a), Some(b)) if b.counter > a.counter => 1,
        (None, Some(_)) => 1,
        _ => 0,
    };
    Ok(ManifestRead {
        chosen: slots[slot],
        slot,
        valid,
        present: true,
    })
}

/// A snapshot payload, checked against what the manifest records.
pub fn read_snapshot(dir: &Path, store: &StoreId, g: &Generation) -> Result<Vec<u8>, String> {
    let name = snapshot_name(g.number);
    let Some((len, crc)) = g.snapshot else {
        return Ok(Vec::new());
    };
    let bytes = read_file(&dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
    let expected = SNAPSHOT_HEADER as u64 + len;
    if (bytes.len() as u64) < expected {
        return Err(format!(
            "{name} is shorter than the manifest records ({} of {expected} bytes)",
            bytes.len()
        ));
    }
    let header = SnapshotHeader::decode(&bytes).ok_or(format!("{name}: its header is damaged"))?;
    let wanted = SnapshotHeader {
        store: *store,
        generation: g.number,
        base: g.base,
        len,
        crc,
    };
    if header != wanted {
        return Err(format!(
            "{name}: its header does not match the manifest (another store's or generation's file)"
        ));
    }
    let payload = &bytes[SNAPSHOT_HEADER..SNAPSHOT_HEADER + len as usize];
    if crc32fast::hash(payload) != crc {
        return Err(format!(
            "{name}: its content is damaged (checksum mismatch)"
        ));
    }
    Ok(payload.to_vec())
}

/// The records of one journal file as far as they are intact.
#[derive(Debug, Clone, Default)]
pub struct JournalRead {
    /// Intact, chained records from the start.
    pub records: Vec<Record>,
    /// Byte offset after the last intact record.
    pub end: u64,
    /// Chain value and sequence after the last intact record.
    pub last: Base,
    /// Why reading stopped before `limit`, if it did.
    pub damage: Option<String>,
    /// Damage that loses nothing (one commit slot, the other intact and nothing after it).
    pub note: Option<String>,
    /// Intact records found after a damaged one (their content is readable, their place
    /// in the chain is not provable).
    pub after_damage: Vec<Record>,
    /// The file's format, when its header is intact.
    pub layout: Option<Layout>,
    /// The commit point the store recorded (a commit slot, or the manifest for a legacy
    /// or closed journal), when readable: (committed length, last committed record).
    pub committed: Option<(u64, Base)>,
    /// The higher commit slot counter found (0 when none is intact).
    pub counter: u64,
}

/// How far to read a journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// To the commit point: the journal's commit slots (the manifest's length is then a
    /// lower bound), or for a legacy journal the manifest's.
    Committed,
    /// To the length the manifest records (a closed generation).
    Closed,
    /// To the commit point the journal's own commit slots name (the manifest's length only
    /// a lower bound, as for `Committed`), for a current or closed generation when the
    /// manifest cannot be trusted to name it; as far as records are intact for a journal
    /// of the first format or without an intact commit slot.
    Slots,
    /// As far as records are intact (to the first zero header, unwritten space).
    Intact,
}

/// Reads `journal-<g>` up to its commit point, the manifest's length, or as far as
/// records are intact.
pub fn read_journal(dir: &Path, store: &StoreId, g: &Generation, until: Until) -> JournalRead {
    let name = journal_name(g.number);
    let mut out = JournalRead {
        end: JOURNAL_HEADER as u64,
        last: g.base,
        ..JournalRead::default()
    };
    let bytes = match read_file(&dir.join(&name)) {
        Ok(b) => b,
        Err(e) => {
            out.damage = Some(format!("{name}: {e}"));
            return out;
        }
    };
    let wanted = JournalHeader {
        store: *store,
        generation: g.number,
        base: g.base,
    };
    let layout = match JournalHeader::decode(&bytes) {
        Some((header, layout)) if header == wanted => layout,
        found => {
            let why = if found.is_none() {
                "its header is damaged"
            } else {
                "its header does not match the manifest (another store's or generation's file)"
            };
            out.damage = Some(format!("{name}: {why}"));
            return out;
        }
    };
    out.layout = Some(layout);
    out.end = layout.records_at();
    let mut slot_damaged = None;
    let limit = match (until, layout) {
        (Until::Intact, _) | (Until::Slots, Layout::Legacy) => None,
        (Until::Closed, _) | (Until::Committed, Layout::Legacy) => {
            out.committed = Some((g.journal_len, g.last));
            Some(g.journal_len)
        }
        (Until::Committed | Until::Slots, Layout::Slots) => {
            match commit_point(&bytes, &wanted, g) {
                Ok((commit, damaged, counter)) => {
                    out.counter = counter;
                    slot_damaged = damaged;
                    out.committed = Some((commit.journal_len, commit.last));
                    Some(commit.journal_len)
                }
                Err(why) => {
                    out.damage = Some(format!("{name}: {why}"));
                    None
                }
            }
        }
    };
    if let Some(limit) = limit {
        if (bytes.len() as u64) < limit {
            let last = out.committed.map_or(g.last, |c| c.1);
            let lost = if last.seq > g.base.seq {
                format!(", entries up to #{} are recorded as committed", last.seq)
            } else {
                String::new()
            };
            out.damage = Some(format!(
                "{name} is shorter than its commit point ({} of {limit} bytes{lost})",
                bytes.len()
            ));
        }
    }
    let end = limit.map_or(bytes.len(), |l| (l as usize).min(bytes.len()));
    let mut at = (layout.records_at() as usize).min(bytes.len());
    while at < end {
        match decode_record(&bytes[at..end], out.last.chain, out.last.seq + 1) {
            Ok((record, len)) => {
                at += len;
                out.last = Base {
                    seq: record.seq,
                    chain: record.crc,
                };
                out.records.push(record);
            }
            Err(e) => {
                // Without a commit point, records end where the bytes or the written
                // space do; before one, any stop is damage.
                let clean_end = matches!(e, RecordError::Short | RecordError::Unwritten);
                if limit.is_some() || !clean_end {
                    let seq = out.last.seq + 1;
                    let what = match e {
                        RecordError::Short => "is cut short".to_string(),
                        RecordError::Unwritten => "is missing (zeros where it should be)".into(),
                        RecordError::Checksum => "is damaged (checksum mismatch)".to_string(),
                        RecordError::Sequence { found } => {
                            format!("is out of sequence (found #{found})")
                        }
                    };
                    out.damage
                        .get_or_insert(format!("{name}: entry #{seq} at byte {at} {what}"));
                    out.after_damage = readable_after(&bytes[at..end], seq);
                }
                break;
            }
        }
    }
    out.end = at as u64;
    if let (None, Some((_, last))) = (&out.damage, out.committed) {
        if limit.is_some() && out.last != last {
            out.damage = Some(format!(
                "{name}: ends at entry #{} but its commit point is #{}",
                out.last.seq, last.seq
            ));
        }
    }
    if let (Some(slot), None) = (slot_damaged, &out.damage) {
        note_beyond(&mut out, &bytes, &name, slot);
    }
    out
}

/// The commit point of a journal in the current format: the valid slot with the higher
/// counter, which must cover what the manifest records. Returns it, the slot found
/// damaged (if one is), and the higher counter.
fn commit_point(
    bytes: &[u8],
    header: &JournalHeader,
    g: &Generation,
) -> Result<(Commit, Option<usize>, u64), String> {
    if bytes.len() < RECORDS_AT {
        return Err(format!(
            "it is shorter than its header and commit records ({} of {RECORDS_AT} bytes)",
            bytes.len()
        ));
    }
    let slots = [0, 1].map(|i| {
        let at = Commit::slot_at(i) as usize;
        Commit::decode(&bytes[at..at + SLOT_SIZE])
            .filter(|c| c.store == header.store && c.generation == header.generation)
    });
    let chosen = match (&slots[0], &slots[1]) {
        (Some(a), Some(b)) => Some(if b.counter > a.counter { *b } else { *a }),
        (a, b) => a.or(*b),
    };
    let Some(commit) = chosen else {
        return Err("both of its commit records are damaged".into());
    };
    if commit.journal_len < g.journal_len || commit.last.seq < g.last.seq {
        return Err(format!(
            "its commit record names entry #{} but the manifest records #{} as committed",
            commit.last.seq, g.last.seq
        ));
    }
    let damaged = slots.iter().position(Option::is_none);
    Ok((commit, damaged, commit.counter))
}

/// One commit slot is damaged: the other names the commit point, unless intact records
/// follow it (the damaged slot may have named them committed). Those are kept as records
/// (the longest intact chain, for `recover`) and the journal is called damaged.
fn note_beyond(out: &mut JournalRead, bytes: &[u8], name: &str, slot: usize) {
    let (mut at, mut beyond) = (out.end as usize, 0);
    while at < bytes.len() {
        match decode_record(&bytes[at..], out.last.chain, out.last.seq + 1) {
            Ok((record, len)) => {
                at += len;
                out.last = Base {
                    seq: record.seq,
                    chain: record.crc,
                };
                out.records.push(record);
                beyond += 1;
            }
            Err(_) => break,
        }
    }
    out.end = at as u64;
    if beyond > 0 {
        out.damage = Some(format!(
            "{name}: its commit record {slot} is damaged and {beyond} entries follow the commit point the other names; they may have been acknowledged"
        ));
    } else {
        out.note = Some(format!(
            "{name}: commit record {slot} is damaged; the other is intact and nothing is missing"
        ));
    }
}

/// Records after a damaged one whose own header is still readable: skip it by its
/// length and follow the chain from the checksum it claims.
fn readable_after(bytes: &[u8], seq: u64) -> Vec<Record> {
    let mut found = Vec::new();
    if bytes.len() < RECORD_HEADER {
        return found;
    }
    let len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let claimed = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    let (mut at, mut prev, mut next) = (RECORD_HEADER + len, claimed, seq + 1);
    while at < bytes.len() {
        match decode_record(&bytes[at..], prev, next) {
            Ok((record, n)) => {
                at += n;
                prev = record.crc;
                next += 1;
                found.push(record);
            }
            Err(_) => break,
        }
    }
    found
}

/// Everything a store holds, verified: what a server starts from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub manifest: Manifest,
    /// The current generation's snapshot payload (`None` when it starts empty).
    pub snapshot: Option<Vec<u8>>,
    /// Committed records after the snapshot.
    pub records: Vec<Record>,
    /// The current journal is in the first format (the store rewrites it when it opens).
    pub legacy: bool,
}

/// The verdict on a data directory.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub dir: PathBuf,
    /// No store here at all (a fresh directory).
    pub fresh: bool,
    /// The verified content, when nothing acknowledged is missing.
    pub loaded: Option<Loaded>,
    /// Damage that loses, or may lose, acknowledged writes: the store must not start.
    pub damage: Vec<String>,
    /// Damage that loses nothing (the previous generation, one manifest slot).
    pub notes: Vec<String>,
}

impl Inspection {
    /// Intact (or fresh).
    pub fn is_intact(&self) -> bool {
        self.damage.is_empty()
    }
}

/// Journal and snapshot files present in `dir`, as (generation, is_snapshot).
pub fn store_files(dir: &Path) -> std::io::Result<Vec<(u64, bool, String)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let parsed = [("journal-", false), ("snapshot-", true)]
            .into_iter()
            .find_map(|(p, s)| Some((name.strip_prefix(p)?.parse::<u64>().ok()?, s)));
        if let Some((g, s)) = parsed {
            out.push((g, s, name));
        }
    }
    out.sort();
    Ok(out)
}

/// Verifies everything the manifest promises.
pub fn inspect(dir: &Path) -> std::io::Result<Inspection> {
    let mut i = Inspection {
        dir: dir.to_path_buf(),
        fresh: false,
        loaded: None,
        damage: Vec::new(),
        notes: Vec::new(),
    };
    let m = read_manifest(dir)?;
    let files = store_files(dir)?;
    let Some(manifest) = m.chosen else {
        if !m.present && dir.join(LEGACY).exists() {
            i.damage.push(format!(
                "{LEGACY} holds a store of an earlier openvpc (SQLite), which this version does not read; move it away to start empty, or `openvpc import` describe output"
            ));
        } else if !m.present && files.is_empty() {
            i.fresh = true;
        } else if !m.present {
            let names: Vec<&str> = files.iter().map(|f| f.2.as_str()).collect();
            i.damage.push(format!(
                "MANIFEST is missing while {} remain{}",
                names.join(", "),
                if names.len() == 1 { "s" } else { "" }
            ));
        } else {
            i.damage
                .push("MANIFEST is damaged: neither of its two records is intact".into());
        }
        return Ok(i);
    };
    let cur = manifest.current;
    let snapshot = match read_snapshot(dir, &manifest.store, &cur) {
        Ok(s) => cur.snapshot.map(|_| s),
        Err(e) => {
            i.damage.push(e);
            None
        }
    };
    let journal = read_journal(dir, &manifest.store, &cur, Until::Committed);
    if let Some(d) = &journal.damage {
        i.damage.push(d.clone());
    }
    i.notes.extend(journal.note.clone());
    if m.valid != [true, true] {
        manifest_slot_damaged(&mut i, &m, &manifest, &journal, &files);
    }
    if let Some(prev) = manifest.previous {
        if let Err(e) = read_snapshot(dir, &manifest.store, &prev) {
            i.notes.push(format!("previous generation: {e}"));
        }
        let pj = read_journal(dir, &manifest.store, &prev, Until::Closed);
        if let Some(d) = pj.damage {
            i.notes.push(format!("previous generation: {d}"));
        }
    }
    if i.damage.is_empty() {
        let mut manifest = manifest;
        if let Some((len, last)) = journal.committed {
            manifest.current.journal_len = len;
            manifest.current.last = last;
        }
        i.loaded = Some(Loaded {
            manifest,
            snapshot,
            records: journal.records,
            legacy: journal.layout == Some(Layout::Legacy),
        });
    }
    Ok(i)
}

/// One manifest slot is damaged, so the intact one may be older than the lost one: the
/// store is damaged when anything newer than the intact one names exists (a newer
/// generation's files; for a legacy journal, entries past its commit point).
fn manifest_slot_damaged(
    i: &mut Inspection,
    m: &ManifestRead,
    manifest: &Manifest,
    journal: &JournalRead,
    files: &[(u64, bool, String)],
) {
    let cur = &manifest.current;
    let newer: Vec<&str> = files
        .iter()
        .filter(|f| f.0 > cur.number)
        .map(|f| f.2.as_str())
        .collect();
    if !newer.is_empty() {
        i.damage.push(format!(
            "MANIFEST: its record {} is damaged and {} of a newer generation than the other record names exist; their entries may have been acknowledged",
            1 - m.slot,
            newer.join(", ")
        ));
        return;
    }
    if journal.layout == Some(Layout::Legacy) {
        let beyond = read_journal(&i.dir, &manifest.store, cur, Until::Intact);
        if beyond.records.len() > journal.records.len() {
            i.damage.push(format!(
                "MANIFEST: its record {} is damaged and {} holds {} entries after the commit point the other record names; they may have been acknowledged",
                1 - m.slot,
                journal_name(cur.number),
                beyond.records.len() - journal.records.len()
            ));
            return;
        }
    }
    i.notes.push(format!(
        "MANIFEST: record {} is damaged; the other is intact and nothing is missing",
        1 - m.slot
    ));
}

/// Reads a whole file.
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut f = fs::File::open(path)?;
    let mut out = Vec::new();
    f.read_to_end(&mut out)?;
    Ok(out)
}

/// Describes a manifest for reports.
pub fn describe(m: &Manifest) -> String {
    let cur = &m.current;
    format!(
        "store {} generation {}: entries #{}..#{} after {}",
        format::id_hex(&m.store),
        cur.number,
        cur.base.seq + 1,
        cur.last.seq,
        if cur.snapshot.is_some() {
            format!("a snapshot of #{}", cur.base.seq)
        } else {
            "an empty state".to_string()
        }
    )
}

/// The current journal's commit point beside its file's length, for reports: the bytes
/// past the commit point are written ahead (zeros) or were never committed.
pub fn describe_commit(dir: &Path, m: &Manifest) -> String {
    let name = journal_name(m.current.number);
    let file = fs::metadata(dir.join(&name)).map_or(0, |md| md.len());
    format!(
        "{name}: {} of {file} bytes committed (the rest is written ahead)",
        m.current.journal_len
    )
}
