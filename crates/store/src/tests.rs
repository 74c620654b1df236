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
}

fn damage(path: &Path, how: Damage) {
    let len = fs::metadata(path).unwrap().len();
    match how {
        Damage::Emptied => fs::write(path, b"").unwrap(),
        Damage::Halved => fs::OpenOptions::new()
            .write(true)
            .open(path)
            .unwrap()
            .set_len(len / 2)
            .unwrap(),
        Damage::Deleted => fs::remove_file(path).unwrap(),
        Damage::Overwritten => {
            use std::os::unix::fs::FileExt;
            let at = (len / 2).saturating_sub(32);
            let f = fs::OpenOptions::new().write(true).open(path).unwrap();
            f.write_all_at(&[0xA5; 64], at).unwrap();
        }
    }
}

/// Every file of the data directory, every kind of damage: the store opens with every
/// acknowledged entry, or refuses naming the damage; `recover` then keeps an intact
/// prefix and accounts for the rest.
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
    let (mut started, mut refused) = (0, 0);
    for name in &names {
        for how in [
            Damage::Emptied,
            Damage::Halved,
            Damage::Deleted,
            Damage::Overwritten,
        ] {
            let dir = tempfile::tempdir().unwrap();
            for n in &names {
                fs::copy(template.path().join(n), dir.path().join(n)).unwrap();
            }
            damage(&dir.path().join(name), how);
            let case = format!("{name} {how:?}");
            match open(dir.path()) {
                Ok((_, r)) => {
                    assert_eq!(covered(&r), all.len(), "{case}: started with less");
                    started += 1;
                }
                Err(StoreError::Damaged { damage, .. }) => {
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
    assert!(
        refused >= 11,
        "the journal, snapshot and manifest damage is noticed"
    );
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
