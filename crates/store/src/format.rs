//! The on-disk formats: journal records, file headers and manifest slots.
//!
//! Every integer is little-endian. Every structure ends with (or, for a record, starts
//! with) a CRC-32 so that any damaged byte is noticed:
//!
//! - **record**: `len u32 · seq u64 · crc u32 · payload[len]`, where `crc` is the CRC of
//!   `previous crc · seq · len · payload`. The CRCs chain: a record that is removed,
//!   repeated or moved breaks the chain even when each record is intact on its own.
//! - **journal** (`journal-GGGGGGGG`): a header in its first sector (magic, store id,
//!   generation, base sequence and chain value where the generation's snapshot left off,
//!   CRC), two commit slots at [`COMMIT_AT`] (the commit point: committed length, last
//!   sequence and chain value, a counter; the valid slot with the higher counter wins),
//!   then the records from [`RECORDS_AT`]. A commit writes the records, then the slot not
//!   holding the last commit, then syncs the file once. The file is longer than its commit
//!   point: it grows in chunks of zeros written ahead (so a commit's sync writes data, not
//!   the file's size), and after a crash it may hold uncommitted records there. A record
//!   header of zeros is unwritten space (no record has sequence 0). Journals of the first format
//!   (magic `OVPCJRN1`) have their records right after the header and their commit point
//!   in the manifest; they are read, and rewritten in this format when a store opens.
//! - **snapshot header** (`snapshot-GGGGGGGG`): magic, store id, generation, sequence and
//!   chain value it covers, payload length and CRC, header CRC; the payload follows.
//! - **manifest slot** (two per `MANIFEST`, at 0 and [`SLOT_SIZE`]): the store id, a
//!   counter and what the current and previous generations hold. It changes only when a
//!   generation starts (snapshot, reset) and when a store opens; for the current
//!   generation its journal length and last sequence are a lower bound (the journal's
//!   commit slots hold the commit point), for the previous one they are exact.

/// Size of a record's header.
pub const RECORD_HEADER: usize = 16;
/// Size of a journal file's header structure.
pub const JOURNAL_HEADER: usize = 48;
/// Where a journal's two commit slots start (one [`SLOT_SIZE`] each).
pub const COMMIT_AT: usize = 512;
/// Where a journal's records start.
pub const RECORDS_AT: usize = COMMIT_AT + 2 * SLOT_SIZE;
/// Size of a snapshot file's header.
pub const SNAPSHOT_HEADER: usize = 60;
/// Size of one manifest slot (one disk sector, so a slot is written whole or not at all).
pub const SLOT_SIZE: usize = 512;
/// Largest record payload accepted when reading (guards against a damaged length).
pub const MAX_RECORD: usize = 256 << 20;

const JOURNAL_MAGIC: &[u8; 8] = b"OVPCJRN2";
const LEGACY_JOURNAL_MAGIC: &[u8; 8] = b"OVPCJRN1";
const COMMIT_MAGIC: &[u8; 8] = b"OVPCCMT1";
const SNAPSHOT_MAGIC: &[u8; 8] = b"OVPCSNP1";
const MANIFEST_MAGIC: &[u8; 8] = b"OVPCMAN1";

/// The identity of a store, written into every file so files of two stores never mix.
pub type StoreId = [u8; 16];

/// The CRC of a record, chained to the one before it.
pub fn record_crc(prev: u32, seq: u64, payload: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&prev.to_le_bytes());
    h.update(&seq.to_le_bytes());
    h.update(&(payload.len() as u32).to_le_bytes());
    h.update(payload);
    h.finalize()
}

/// Appends one record to `out`; returns its CRC (the new chain value).
pub fn encode_record(out: &mut Vec<u8>, prev: u32, seq: u64, payload: &[u8]) -> u32 {
    let crc = record_crc(prev, seq, payload);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(payload);
    crc
}

/// One record read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub seq: u64,
    pub crc: u32,
    pub payload: Vec<u8>,
}

/// Why a record could not be read at some offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The bytes end inside the record.
    Short,
    /// Its checksum does not match (damaged, or not chained to the record before).
    Checksum,
    /// It is intact but not the next sequence number.
    Sequence { found: u64 },
    /// Its header is all zeros: unwritten (preallocated) space, not a record.
    Unwritten,
}

/// Decodes the record at the start of `bytes`, expecting `seq` chained to `prev`.
/// Returns the record and its encoded length.
pub fn decode_record(bytes: &[u8], prev: u32, seq: u64) -> Result<(Record, usize), RecordError> {
    if bytes[..bytes.len().min(RECORD_HEADER)]
        .iter()
        .all(|&b| b == 0)
    {
        return Err(RecordError::Unwritten);
    }
    if bytes.len() < RECORD_HEADER {
        return Err(RecordError::Short);
    }
    let len = u32_at(bytes, 0) as usize;
    let found = u64_at(bytes, 4);
    let crc = u32_at(bytes, 12);
    if len > MAX_RECORD {
        return Err(RecordError::Checksum);
    }
    let Some(payload) = bytes.get(RECORD_HEADER..RECORD_HEADER + len) else {
        return Err(RecordError::Short);
    };
    if record_crc(prev, found, payload) != crc {
        return Err(RecordError::Checksum);
    }
    if found != seq {
        return Err(RecordError::Sequence { found });
    }
    let record = Record {
        seq,
        crc,
        payload: payload.to_vec(),
    };
    Ok((record, RECORD_HEADER + len))
}

/// Where a generation starts: the sequence and chain value its snapshot covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Base {
    pub seq: u64,
    pub chain: u32,
}

/// Which journal format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The first format: records right after the header, commit point in the manifest.
    Legacy,
    /// Records after two commit slots, which hold the commit point.
    Slots,
}

impl Layout {
    /// Offset of the first record.
    pub fn records_at(self) -> u64 {
        match self {
            Layout::Legacy => JOURNAL_HEADER as u64,
            Layout::Slots => RECORDS_AT as u64,
        }
    }
}

/// A journal file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalHeader {
    pub store: StoreId,
    pub generation: u64,
    pub base: Base,
}

impl JournalHeader {
    /// The header in the current format.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(JOURNAL_MAGIC);
        w.bytes(&self.store);
        w.u64(self.generation);
        w.u64(self.base.seq);
        w.u32(self.base.chain);
        w.finish(JOURNAL_HEADER)
    }

    /// A header of either format, and which it is.
    pub fn decode(bytes: &[u8]) -> Option<(Self, Layout)> {
        let (mut r, layout) = match Reader::new(bytes, JOURNAL_MAGIC, JOURNAL_HEADER) {
            Some(r) => (r, Layout::Slots),
            None => (
                Reader::new(bytes, LEGACY_JOURNAL_MAGIC, JOURNAL_HEADER)?,
                Layout::Legacy,
            ),
        };
        let header = JournalHeader {
            store: r.id(),
            generation: r.u64(),
            base: Base {
                seq: r.u64(),
                chain: r.u32(),
            },
        };
        Some((header, layout))
    }

    /// The first bytes of a new journal: the header and both commit slots naming an
    /// empty journal.
    pub fn encode_start(&self) -> Vec<u8> {
        let mut out = self.encode();
        out.resize(COMMIT_AT, 0);
        for counter in [1, 2] {
            out.extend(self.empty_commit(counter).encode());
        }
        out
    }

    /// The commit point of a journal with no records.
    pub fn empty_commit(&self, counter: u64) -> Commit {
        Commit {
            store: self.store,
            generation: self.generation,
            counter,
            journal_len: RECORDS_AT as u64,
            last: self.base,
        }
    }
}

/// One commit slot of a journal: how far it is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commit {
    pub store: StoreId,
    pub generation: u64,
    /// Grows with every commit; the valid slot with the higher counter wins.
    pub counter: u64,
    /// Committed length of the journal file (header and slots included).
    pub journal_len: u64,
    /// Sequence number and chain value of the last committed record.
    pub last: Base,
}

impl Commit {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(COMMIT_MAGIC);
        w.bytes(&self.store);
        w.u64(self.generation);
        w.u64(self.counter);
        w.u64(self.journal_len);
        w.u64(self.last.seq);
        w.u32(self.last.chain);
        w.finish(SLOT_SIZE)
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes, COMMIT_MAGIC, SLOT_SIZE)?;
        Some(Commit {
            store: r.id(),
            generation: r.u64(),
            counter: r.u64(),
            journal_len: r.u64(),
            last: Base {
                seq: r.u64(),
                chain: r.u32(),
            },
        })
    }

    /// Offset of slot `i` in the journal.
    pub fn slot_at(i: usize) -> u64 {
        (COMMIT_AT + i * SLOT_SIZE) as u64
    }
}

/// A snapshot file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotHeader {
    pub store: StoreId,
    pub generation: u64,
    pub base: Base,
    pub len: u64,
    pub crc: u32,
}

impl SnapshotHeader {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(SNAPSHOT_MAGIC);
        w.bytes(&self.store);
        w.u64(self.generation);
        w.u64(self.base.seq);
        w.u32(self.base.chain);
        w.u64(self.len);
        w.u32(self.crc);
        w.finish(SNAPSHOT_HEADER)
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes, SNAPSHOT_MAGIC, SNAPSHOT_HEADER)?;
        Some(SnapshotHeader {
            store: r.id(),
            generation: r.u64(),
            base: Base {
                seq: r.u64(),
                chain: r.u32(),
            },
            len: r.u64(),
            crc: r.u32(),
        })
    }
}

/// What the manifest records about one generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Generation {
    pub number: u64,
    pub base: Base,
    /// Length and CRC of the snapshot payload; `None` for a generation that starts empty.
    pub snapshot: Option<(u64, u32)>,
    /// Committed length of the journal file (header included) and the sequence number
    /// and chain value of the last committed record (the base if none): exact for a
    /// closed generation and a legacy journal, a lower bound for the current generation
    /// (its journal's commit slots hold the commit point).
    pub journal_len: u64,
    pub last: Base,
}

impl Generation {
    /// A generation with an empty journal (in the current format) after `base`.
    pub fn starting(number: u64, base: Base, snapshot: Option<(u64, u32)>) -> Self {
        Generation {
            number,
            base,
            snapshot,
            journal_len: RECORDS_AT as u64,
            last: base,
        }
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.number);
        w.u64(self.base.seq);
        w.u32(self.base.chain);
        let (len, crc) = self.snapshot.unwrap_or((0, 0));
        w.u8(u8::from(self.snapshot.is_some()));
        w.u64(len);
        w.u32(crc);
        w.u64(self.journal_len);
        w.u64(self.last.seq);
        w.u32(self.last.chain);
    }

    fn read(r: &mut Reader) -> Self {
        let number = r.u64();
        let base = Base {
            seq: r.u64(),
            chain: r.u32(),
        };
        let has_snapshot = r.u8() == 1;
        let (len, crc) = (r.u64(), r.u32());
        Generation {
            number,
            base,
            snapshot: has_snapshot.then_some((len, crc)),
            journal_len: r.u64(),
            last: Base {
                seq: r.u64(),
                chain: r.u32(),
            },
        }
    }
}

/// One manifest slot: the commit point of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Manifest {
    pub store: StoreId,
    /// Grows with every write attempt; the valid slot with the higher counter wins.
    pub counter: u64,
    pub current: Generation,
    /// The generation before, kept so a damaged snapshot can be rebuilt without loss.
    pub previous: Option<Generation>,
}

impl Manifest {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(MANIFEST_MAGIC);
        w.bytes(&self.store);
        w.u64(self.counter);
        self.current.write(&mut w);
        w.u8(u8::from(self.previous.is_some()));
        self.previous.unwrap_or_default().write(&mut w);
        w.finish(SLOT_SIZE)
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes, MANIFEST_MAGIC, SLOT_SIZE)?;
        let store = r.id();
        let counter = r.u64();
        let current = Generation::read(&mut r);
        let has_previous = r.u8() == 1;
        let previous = Generation::read(&mut r);
        Some(Manifest {
            store,
            counter,
            current,
            previous: has_previous.then_some(previous),
        })
    }
}

/// Little-endian field writer for a fixed-size, CRC-terminated structure.
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn new(magic: &[u8; 8]) -> Self {
        Writer {
            out: magic.to_vec(),
        }
    }
    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }
    /// Pads to `size - 4` bytes and appends the CRC of everything before it.
    fn finish(mut self, size: usize) -> Vec<u8> {
        assert!(self.out.len() <= size - 4, "structure larger than its slot");
        self.out.resize(size - 4, 0);
        let crc = crc32fast::hash(&self.out);
        self.out.extend_from_slice(&crc.to_le_bytes());
        self.out
    }
}

/// Reads the fields [`Writer`] wrote, after checking magic, size and CRC.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], magic: &[u8; 8], size: usize) -> Option<Self> {
        let bytes = bytes.get(..size)?;
        let (body, crc) = bytes.split_at(size - 4);
        if &body[..8] != magic || crc32fast::hash(body).to_le_bytes() != crc {
            return None;
        }
        Some(Reader { bytes, at: 8 })
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let b = &self.bytes[self.at..self.at + n];
        self.at += n;
        b
    }
    fn id(&mut self) -> StoreId {
        let mut id = [0; 16];
        id.copy_from_slice(self.take(16));
        id
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u32(&mut self) -> u32 {
        u32_at(self.take(4), 0)
    }
    fn u64(&mut self) -> u64 {
        u64_at(self.take(8), 0)
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// File name of a generation's journal.
pub fn journal_name(generation: u64) -> String {
    format!("journal-{generation:08}")
}

/// File name of a generation's snapshot.
pub fn snapshot_name(generation: u64) -> String {
    format!("snapshot-{generation:08}")
}

/// Hex form of a store id, for messages.
pub fn id_hex(id: &StoreId) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}
