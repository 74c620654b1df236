use std::fs;
use std::path::Path;

use super::*;

fn open(dir: &Path) -> Result<(JournalStore, Recovered), StoreError> {
    JournalStore::open(dir, "test").map(|(s, l)| (s, l.into()))
}

fn entry(i: usize) -> Vec<u8> {
    format!("entry {i} {}", "x".repeat(i % 50)).into_bytes()
}

/// The contract every store keeps, checked against each implementation.
fn contract(store: &mut dyn Store, reopen: &dyn Fn() -> Recovered) {
    store.append(&[b"a".to_vec(), b"b".to_vec()]).unwrap();
    assert_eq!(reopen().entries.len(), 0, "appended is not committed");
    store.commit().unwrap();
    assert_eq!(reopen().entries, vec![b"a".to_vec(), b"b".to_vec()]);
    store.snapshot(b"S").unwrap();
    store.append(&[b"c".to_vec()]).unwrap();
    store.commit().unwrap();
    let r = reopen();
    assert_eq!(r.snapshot.as_deref(), Some(&b"S"[..]));
    assert_eq!(r.entries, vec![b"c".to_vec()]);
}

#[test]
fn memory_store_keeps_the_contract() {
    let mut s = MemoryStore::default();
    let handle = s.clone();
    contract(&mut s, &|| handle.recovered());
    handle.set_failing(true);
    assert!(s.append(&[b"d".to_vec()]).is_err());
    handle.set_failing(false);
    s.commit().unwrap();
    assert_eq!(handle.recovered().entries, vec![b"c".to_vec()]);
}

#[test]
fn journal_store_keeps_the_contract_and_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    {
        let (mut s, r) = open(&path).unwrap();
        assert_eq!(r, Recovered::default());
        let p = path.clone();
        contract(&mut s, &|| {
            let m = inspect(&p).unwrap();
            assert!(m.is_intact(), "{:?}", m.damage);
            m.loaded.unwrap().into()
        });
    }
    let (_, r) = open(&path).unwrap();
    assert_eq!(r.entries, vec![b"c".to_vec()]);
}

#[test]
fn a_second_opener_is_refused_with_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let _first = JournalStore::open(dir.path(), "pid 1, serving 127.0.0.1:1").unwrap();
    let err = JournalStore::open(dir.path(), "pid 2").unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(
        err.to_string().contains("pid 1, serving 127.0.0.1:1"),
        "{err}"
    );
}

#[test]
fn uncommitted_and_failed_entries_are_never_replayed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        s.append(&[b"kept".to_vec()]).unwrap();
        s.commit().unwrap();
        s.append(&[b"never committed".to_vec()]).unwrap();
    }
    let (mut s, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, vec![b"kept".to_vec()]);
    // The next append overwrites the uncommitted bytes and continues the sequence.
    s.append(&[b"next".to_vec()]).unwrap();
    s.commit().unwrap();
    drop(s);
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, vec![b"kept".to_vec(), b"next".to_vec()]);
}

/// A store of 3 generations (so a previous one exists) and `n` acknowledged entries;
/// returns every entry in order.
fn populated(dir: &Path, n: usize) -> Vec<Vec<u8>> {
    let (mut s, _) = open(dir).unwrap();
    let mut all = Vec::new();
    for i in 0..n {
        let e = entry(i);
        all.push(e.clone());
        s.append(&[e]).unwrap();
        s.commit().unwrap();
        if i == n / 3 || i == n / 2 {
            // A snapshot here stands for "every entry so far".
            s.snapshot(format!("upto {}", all.len()).as_bytes())
                .unwrap();
        }
    }
    all
}

/// The state a recovered store stands for: the snapshot's count plus its entries.
fn covered(r: &Recovered) -> usize {
    let base = r.snapshot.as_ref().map_or(0, |s| {
        String::from_utf8_lossy(s)
            .trim_start_matches("upto ")
            .parse()
            .unwrap()
    });
    base + r.entries.len()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Damage {
    Emptied,
    Halved,
    Deleted,
    Overwritten,
    /// Cut to half of the committed length (a journal's commit point).
    HalvedCommitted,
    /// 64 bytes overwritten in the middle of the committed length.
    OverwrittenCommitted,
}

/// Damages `path`; `committed` is the length that counts as committed (a journal's
/// commit point) for the `*Committed` kinds. Returns the first byte damaged.
fn damage_within(path: &Path, how: Damage, committed: u64) -> u64 {
    use std::os::unix::fs::FileExt;
    let len = fs::metadata(path).unwrap().len();
    let file = || fs::OpenOptions::new().write(true).open(path).unwrap();
    let half = |of: u64| of / 2;
    let mid = |of: u64| (of / 2).saturating_sub(32);
    match how {
        Damage::Emptied => fs::write(path, b"").map(|()| 0).unwrap(),
        Damage::Deleted => fs::remove_file(path).map(|()| 0).unwrap(),
        Damage::Halved | Damage::HalvedCommitted => {
            let to = half(if how == Damage::Halved {
                len
            } else {
                committed
            });
            file().set_len(to).unwrap();
            to
        }
        Damage::Overwritten | Damage::OverwrittenCommitted => {
            let at = mid(if how == Damage::Overwritten {
                len
            } else {
                committed
            });
            file().write_all_at(&[0xA5; 64], at).unwrap();
            at
        }
    }
}

fn damage(path: &Path, how: Damage) -> u64 {
    damage_within(path, how, fs::metadata(path).unwrap().len())
}

/// Every file of the data directory, every kind of damage: the store opens with every
/// acknowledged entry, or refuses naming the damage; `recover` then keeps an intact
/// prefix and accounts for the rest. Which it does is fixed per case: damage to what an
/// acknowledged entry needs (the current snapshot, the manifest, the current journal up
/// to its commit point) is refused; damage to the LOCK, the previous generation and the
/// current journal's bytes past its commit point (preallocated zeros) loses nothing and
/// the store starts whole.
#[test]
fn damage_matrix_never_starts_with_less() {
    let n = 60;
    let template = tempfile::tempdir().unwrap();
    let all = populated(template.path(), n);
    let mut names: Vec<String> = fs::read_dir(template.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 6, "{names:?}");
    let current = inspect(template.path())
        .unwrap()
        .loaded
        .unwrap()
        .manifest
        .current;
    let (journal, snapshot) = (
        crate::format::journal_name(current.number),
        crate::format::snapshot_name(current.number),
    );
    let committed = current.journal_len;
    let preallocated = fs::metadata(template.path().join(&journal)).unwrap().len();
    assert!(
        preallocated >= 2 * committed,
        "{committed} of {preallocated}"
    );
    let (mut started, mut refused) = (0, 0);
    for name in &names {
        let mut kinds = vec![
            Damage::Emptied,
            Damage::Halved,
            Damage::Deleted,
            Damage::Overwritten,
        ];
        if *name == journal {
            kinds.extend([Damage::HalvedCommitted, Damage::OverwrittenCommitted]);
        }
        for how in kinds {
            let dir = tempfile::tempdir().unwrap();
            for n in &names {
                fs::copy(template.path().join(n), dir.path().join(n)).unwrap();
            }
            let at = damage_within(&dir.path().join(name), how, committed);
            let case = format!("{name} {how:?} at byte {at}");
            let must_start = match name.as_str() {
                n if n == journal => Some(at >= committed),
                n if n == snapshot => Some(false),
                "MANIFEST" if how == Damage::Halved => None,
                "MANIFEST" => Some(false),
                _ => Some(true),
            };
            match open(dir.path()) {
                Ok((_, r)) => {
                    assert_eq!(covered(&r), all.len(), "{case}: started with less");
                    assert_ne!(must_start, Some(false), "{case}: damage not noticed");
                    started += 1;
                }
                Err(StoreError::Damaged { damage, .. }) => {
                    assert_ne!(must_start, Some(true), "{case}: refused: {damage:?}");
                    assert!(
                        damage
                            .iter()
                            .any(|d| d.contains(name.as_str()) || name == "MANIFEST"),
                        "{case}: damage not named: {damage:?}"
                    );
                    let rec = recover(dir.path()).unwrap();
                    let (_, r) = open(dir.path()).unwrap_or_else(|e| panic!("{case}: {e}"));
                    let kept = covered(&r);
                    assert_eq!(kept as u64, rec.kept_to, "{case}");
                    let lost = rec.lost().map_or(0, |l| l.count());
                    assert!(
                        kept + lost >= all.len(),
                        "{case}: {kept} kept + {lost} lost"
                    );
                    assert!(rec.copy.join(name).exists() || how == Damage::Deleted);
                    refused += 1;
                }
                Err(e) => panic!("{case}: unexpected error {e}"),
            }
        }
    }
    eprintln!("files {names:?}: {started} cases started whole, {refused} refused");
}

#[test]
fn a_damaged_snapshot_is_recovered_from_the_previous_generation_without_loss() {
    let dir = tempfile::tempdir().unwrap();
    let all = populated(dir.path(), 30);
    let snap = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("snapshot-"))
        .max()
        .unwrap();
    damage(&dir.path().join(&snap), Damage::Overwritten);
    assert!(matches!(open(dir.path()), Err(StoreError::Damaged { .. })));
    let rec = recover(dir.path()).unwrap();
    assert_eq!(rec.lost(), None, "{rec:?}");
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(covered(&r), all.len());
}

#[test]
fn backup_copies_the_committed_state_while_the_store_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let all = populated(dir.path(), 20);
    let (mut s, _) = open(dir.path()).unwrap();
    s.append(&[b"uncommitted".to_vec()]).unwrap();
    let copy = out.path().join("copy");
    let b = backup(dir.path(), &copy).unwrap();
    assert!(b.entries > 0);
    let (_, r) = open(&copy).unwrap();
    assert_eq!(covered(&r), all.len());
    assert!(
        backup(dir.path(), &copy).is_err(),
        "refuses a non-empty target"
    );
}

#[test]
fn a_store_of_the_earlier_format_is_refused_not_started_empty() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("openvpc.db"), b"SQLite format 3\0").unwrap();
    match open(dir.path()) {
        Err(StoreError::Damaged { damage, .. }) => assert!(damage[0].contains("openvpc.db")),
        other => panic!("{other:?}"),
    }
}

/// A store in the first journal format (commit point in the manifest, records right
/// after the header): generation 1, no snapshot, `entries` committed.
fn legacy_store(dir: &Path, entries: &[Vec<u8>]) {
    use crate::format::{encode_record, Base, Generation, Manifest};
    let store = [7u8; 16];
    let mut header = b"OVPCJRN1".to_vec();
    header.extend_from_slice(&store);
    header.extend_from_slice(&1u64.to_le_bytes());
    header.extend_from_slice(&[0; 12]);
    header.resize(44, 0);
    let crc = crc32fast::hash(&header);
    header.extend_from_slice(&crc.to_le_bytes());
    let mut last = Base::default();
    for e in entries {
        let seq = last.seq + 1;
        last = Base {
            seq,
            chain: encode_record(&mut header, last.chain, seq, e),
        };
    }
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join("journal-00000001"), &header).unwrap();
    let g = Generation {
        number: 1,
        base: Base::default(),
        snapshot: None,
        journal_len: header.len() as u64,
        last,
    };
    let m = Manifest {
        store,
        counter: 1,
        current: g,
        previous: None,
    };
    let mut bytes = m.encode();
    bytes.extend(Manifest { counter: 2, ..m }.encode());
    fs::write(dir.join("MANIFEST"), bytes).unwrap();
}

#[test]
fn a_store_of_the_first_journal_format_opens_whole_and_is_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let old: Vec<Vec<u8>> = (0..5).map(entry).collect();
    legacy_store(dir.path(), &old);
    let check = inspect(dir.path()).unwrap();
    assert!(check.is_intact(), "{:?}", check.damage);
    assert_eq!(Recovered::from(check.loaded.unwrap()).entries, old);
    {
        let (mut s, r) = open(dir.path()).unwrap();
        assert_eq!(r.entries, old);
        s.append(&[b"new".to_vec()]).unwrap();
        s.commit().unwrap();
    }
    assert!(!dir.path().join("journal-00000001").exists());
    let (_, r) = open(dir.path()).unwrap();
    let mut all = old.clone();
    all.push(b"new".to_vec());
    assert_eq!(r.entries, all);
}

/// Overwrites one commit slot of the current journal.
fn damage_commit_slot(dir: &Path, slot: usize) {
    use std::os::unix::fs::FileExt;
    let journal = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("journal-")
        })
        .max()
        .unwrap();
    let f = fs::OpenOptions::new().write(true).open(journal).unwrap();
    let at = crate::format::Commit::slot_at(slot) + 100;
    f.write_all_at(&[0xA5; 64], at).unwrap();
}

#[test]
fn one_damaged_commit_slot_loses_nothing_or_is_refused() {
    // The slot holding the last commit is damaged: the entries it named follow the other
    // slot's commit point, so the store is refused (they may have been acknowledged; the
    // manifest's bound says so here, the entries after the commit point without it).
    for stale_manifest in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("MANIFEST");
        let mut early = Vec::new();
        {
            let (mut s, _) = open(dir.path()).unwrap();
            for i in 0..3 {
                s.append(&[entry(i)]).unwrap();
                s.commit().unwrap();
                if i == 0 {
                    early = fs::read(&manifest).unwrap();
                }
            }
            // Open wrote slots 1 then 0; three commits went to 1, 0, 1.
        }
        if stale_manifest {
            // As after a power loss: the unsynced manifest bound stayed behind.
            fs::write(&manifest, &early).unwrap();
        }
        damage_commit_slot(dir.path(), 1);
        match open(dir.path()) {
            Err(StoreError::Damaged { damage, .. }) => {
                let want = if stale_manifest {
                    "commit record 1 is damaged and 1 entries follow"
                } else {
                    "commit record names entry #2 but the manifest records #3"
                };
                assert!(damage[0].contains(want), "{damage:?}")
            }
            other => panic!("{other:?}"),
        }
        let rec = recover(dir.path()).unwrap();
        assert_eq!(rec.lost(), None, "{rec:?}");
        let (_, r) = open(dir.path()).unwrap();
        assert_eq!(r.entries.len(), 3);
    }

    // The other slot (an older commit) is damaged and nothing follows the newer one: the
    // store opens whole.
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        s.append(&[entry(0)]).unwrap();
        s.commit().unwrap();
    }
    {
        // Reopening rewrote both slots with the same commit point.
        let _ = open(dir.path()).unwrap();
    }
    damage_commit_slot(dir.path(), 0);
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, vec![entry(0)]);
}

#[test]
fn a_damaged_manifest_record_naming_an_older_generation_is_refused() {
    use std::os::unix::fs::FileExt;
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        s.append(&[entry(0)]).unwrap();
        s.commit().unwrap();
        s.snapshot(b"upto 1").unwrap();
        // The rotation wrote one manifest slot; the other still names generation 1.
    }
    let bytes = fs::read(dir.path().join("MANIFEST")).unwrap();
    let newest = (0..2)
        .max_by_key(|&i| {
            crate::format::Manifest::decode(&bytes[i * 512..(i + 1) * 512])
                .map_or(0, |m| m.current.number * 1_000_000 + m.counter)
        })
        .unwrap();
    let f = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("MANIFEST"))
        .unwrap();
    f.write_all_at(&[0xA5; 64], newest as u64 * 512 + 100)
        .unwrap();
    let i = inspect(dir.path()).unwrap();
    if i.is_intact() {
        // Both slots named generation 2 (the drop rewrote one): nothing is missing.
        let l = i.loaded.unwrap();
        assert_eq!(l.manifest.current.number, 2);
    } else {
        assert!(i.damage[0].contains("newer generation"), "{:?}", i.damage);
    }
}

/// Appends and commits each entry on its own (each its own acknowledged write).
fn commit_each(s: &mut JournalStore, entries: impl IntoIterator<Item = Vec<u8>>) {
    for e in entries {
        s.append(&[e]).unwrap();
        s.commit().unwrap();
    }
}

/// The current journal of the store in `dir`: its path and commit point.
fn current_journal(dir: &Path) -> (std::path::PathBuf, u64) {
    let current = inspect(dir).unwrap().loaded.unwrap().manifest.current;
    let path = dir.join(crate::format::journal_name(current.number));
    (path, current.journal_len)
}

#[test]
fn a_preallocated_zero_tail_is_not_damage() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        commit_each(&mut s, (0..5).map(entry));
    }
    let (path, committed) = current_journal(dir.path());
    let bytes = fs::read(&path).unwrap();
    assert_eq!(bytes.len() as u64, crate::journal::GROWTH, "one chunk");
    assert!(bytes[committed as usize..].iter().all(|&b| b == 0));
    let i = inspect(dir.path()).unwrap();
    assert!(
        i.is_intact() && i.notes.is_empty(),
        "{:?} {:?}",
        i.damage,
        i.notes
    );
    // Read without a commit point (as `recover` does when the manifest is damaged), the
    // zeros end the records; they are not a damaged entry.
    let g = i.loaded.unwrap().manifest.current;
    let j = crate::inspect::read_journal(
        dir.path(),
        &inspect(dir.path()).unwrap().loaded.unwrap().manifest.store,
        &g,
        crate::inspect::Until::Intact,
    );
    assert_eq!((j.damage, j.records.len(), j.end), (None, 5, committed));
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, (0..5).map(entry).collect::<Vec<_>>());
}

#[test]
fn the_journal_grows_past_a_chunk_and_keeps_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let big = |i: usize| vec![i as u8 + 1; 300_000];
    {
        let (mut s, _) = open(dir.path()).unwrap();
        commit_each(&mut s, (0..5).map(big));
    }
    let (path, committed) = current_journal(dir.path());
    let len = fs::metadata(&path).unwrap().len();
    assert!(committed > crate::journal::GROWTH, "{committed}");
    assert_eq!(len % crate::journal::GROWTH, 0, "{len}");
    assert!(len >= committed + crate::journal::GROWTH / 2, "{len}");
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, (0..5).map(big).collect::<Vec<_>>());
}

/// After a crash, records past the commit point were never acknowledged: they are not
/// replayed, and opening zeroes them, so a later append of the same entry (same sequence,
/// same checksum) is not followed by the old next one, which would read as its
/// continuation.
#[test]
fn uncommitted_bytes_a_crash_left_in_the_tail_are_zeroed_and_never_replayed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        s.append(&[entry(0)]).unwrap();
        s.commit().unwrap();
        s.append(&[entry(1), entry(2)]).unwrap();
        // A crash: the records are in the file, no commit names them.
    }
    let (path, committed) = current_journal(dir.path());
    assert!(fs::read(&path).unwrap()[committed as usize..]
        .iter()
        .any(|&b| b != 0));
    {
        let (mut s, r) = open(dir.path()).unwrap();
        assert_eq!(r.entries, vec![entry(0)]);
        let bytes = fs::read(&path).unwrap();
        assert!(bytes[committed as usize..].iter().all(|&b| b == 0));
        s.append(&[entry(1)]).unwrap();
        s.commit().unwrap();
    }
    // The older commit slot is damaged: whatever intact records follow the newer one's
    // commit point may have been acknowledged. None does (entry 2 was zeroed).
    damage_commit_slot(dir.path(), 0);
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, vec![entry(0), entry(1)]);
}

#[test]
fn a_journal_shorter_than_its_commit_point_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut s, _) = open(dir.path()).unwrap();
        commit_each(&mut s, (0..3).map(entry));
    }
    let (path, committed) = current_journal(dir.path());
    let whole = fs::read(&path).unwrap();
    let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(committed - 1).unwrap();
    match open(dir.path()) {
        Err(StoreError::Damaged { damage, .. }) => assert!(
            damage[0].contains("is shorter than its commit point")
                && damage[0].contains("entries up to #3"),
            "{damage:?}"
        ),
        other => panic!("{other:?}"),
    }
    // Cut exactly at the commit point, nothing committed is missing.
    fs::write(&path, &whole[..committed as usize]).unwrap();
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries.len(), 3);
}

#[test]
fn recover_and_backup_read_a_preallocated_journal() {
    let dir = tempfile::tempdir().unwrap();
    let all = populated(dir.path(), 30);
    let (path, committed) = current_journal(dir.path());
    assert!(fs::metadata(&path).unwrap().len() > committed);
    let out = tempfile::tempdir().unwrap();
    let copy = out.path().join("copy");
    backup(dir.path(), &copy).unwrap();
    let (_, r) = open(&copy).unwrap();
    assert_eq!(covered(&r), all.len());
    // A damaged manifest record: `recover` reads the journal as far as records are
    // intact, up to the zeros, and loses nothing.
    use std::os::unix::fs::FileExt;
    let f = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("MANIFEST"))
        .unwrap();
    f.write_all_at(&[0xA5; 64], 100).unwrap();
    let rec = recover(dir.path()).unwrap();
    assert_eq!(rec.lost(), None, "{rec:?}");
    {
        let (mut s, r) = open(dir.path()).unwrap();
        assert_eq!(covered(&r), all.len());
        s.append(&[b"after".to_vec()]).unwrap();
        s.commit().unwrap();
    }
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(covered(&r), all.len() + 1);
}

/// Entries #1..#3 committed, #4 appended but not committed, then a crash.
fn crashed_with_an_uncommitted_tail(dir: &Path) {
    let (mut s, _) = open(dir).unwrap();
    commit_each(&mut s, (0..3).map(entry));
    s.append(&[entry(3)]).unwrap();
}

/// With the manifest damaged or missing, `recover` takes each journal's commit point from
/// its own commit slots: it keeps no record a crash left uncommitted, and reports as lost
/// exactly the committed entries it could not keep.
#[test]
fn recover_keeps_no_uncommitted_tail_and_reports_loss_from_the_commit_slots() {
    use std::os::unix::fs::FileExt;
    let dir = tempfile::tempdir().unwrap();
    crashed_with_an_uncommitted_tail(dir.path());
    let manifest = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("MANIFEST"))
        .unwrap();
    manifest.write_all_at(&[0xA5; 64], 100).unwrap();
    let rec = recover(dir.path()).unwrap();
    assert_eq!((rec.kept_to, rec.lost()), (3, None), "{rec:?}");
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, (0..3).map(entry).collect::<Vec<_>>());

    // No manifest, and entry #2 damaged: #1 is kept, #2..#3 are lost (#3 still readable),
    // #4 was never acknowledged.
    let dir = tempfile::tempdir().unwrap();
    crashed_with_an_uncommitted_tail(dir.path());
    fs::remove_file(dir.path().join("MANIFEST")).unwrap();
    let journal = dir.path().join(crate::format::journal_name(1));
    let second = crate::format::RECORDS_AT + 2 * crate::format::RECORD_HEADER + entry(0).len();
    let f = fs::OpenOptions::new().write(true).open(&journal).unwrap();
    f.write_all_at(b"XX", second as u64 + 1).unwrap();
    let rec = recover(dir.path()).unwrap();
    assert_eq!((rec.kept_to, rec.lost()), (1, Some(2..=3)), "{rec:?}");
    let readable: Vec<u64> = rec.readable_lost.iter().map(|r| r.seq).collect();
    assert_eq!(readable, vec![3]);
    let (_, r) = open(dir.path()).unwrap();
    assert_eq!(r.entries, vec![entry(0)]);
}
