use super::*;

/// `docs/coverage.md` from the repository root.
fn doc_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/coverage.md")
}

/// Fails while `docs/coverage.md` is stale; with `OPENVPC_REGENERATE=1` (what
/// `scripts/coverage.sh` sets) rewrites it instead.
#[test]
fn docs_coverage_is_current() {
    let want = render();
    if std::env::var_os("OPENVPC_REGENERATE").is_some() {
        std::fs::write(doc_path(), &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(doc_path()).unwrap_or_default();
    assert!(
        have == want,
        "docs/coverage.md is stale: run scripts/coverage.sh and commit the result"
    );
}

#[test]
fn statuses_come_from_the_action_tables() {
    let rows = rows();
    let find = |a: &str| rows.iter().find(|r| r.action == a).unwrap();
    assert_eq!(find("CreateVpc").status, Status::Served);
    assert_eq!(find("GetCallerIdentity").status, Status::Served);
    assert_eq!(find("AssumeRole").status, Status::NotServed);
    assert_eq!(find("RunInstances").status, Status::Partly);
    // Every served action appears exactly once.
    for (service, _) in SERVICES {
        for action in served(service) {
            let n = rows
                .iter()
                .filter(|r| r.service == *service && r.action == action)
                .count();
            assert_eq!(n, 1, "{service} {action}");
        }
    }
    // The slice lists no action twice.
    let mut seen = std::collections::BTreeSet::new();
    for r in &rows {
        assert!(seen.insert((&r.service, &r.action)), "{} twice", r.action);
    }
}
