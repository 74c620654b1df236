//! Applying a [`Desired`] state: diff it against what was applied last and change only
//! what differs (namespaces, links, `ip` objects, rulesets). Level-triggered and
//! idempotent: applying the same state twice changes nothing the second time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::kernel;
use crate::model::{Desired, NsPlan, Obj};

/// What was applied last.
#[derive(Debug, Default)]
pub struct Applied {
    pub namespaces: BTreeMap<String, NsPlan>,
    pub links: BTreeSet<String>,
}

/// The outcome of one reconcile.
#[derive(Debug, Default)]
pub struct Report {
    pub created: usize,
    pub deleted: usize,
    pub changed: usize,
    pub errors: Vec<String>,
}

/// Workers applying namespaces in parallel.
const WORKERS: usize = 4;

/// Brings the kernel from `applied` to `desired`.
pub fn reconcile(applied: &mut Applied, desired: &Desired) -> Report {
    let mut report = Report::default();
    let gone: Vec<String> = applied
        .namespaces
        .keys()
        .filter(|n| !desired.namespaces.contains_key(*n))
        .cloned()
        .collect();
    if let Err(e) = kernel::delete_namespaces(&gone) {
        report.errors.push(format!("deleting namespaces: {e}"));
    }
    for n in &gone {
        applied.namespaces.remove(n);
    }
    applied
        .links
        .retain(|k| !gone.iter().any(|g| link_touches(k, g)));
    report.deleted = gone.len();

    let new: Vec<(&String, &NsPlan)> = desired
        .namespaces
        .iter()
        .filter(|(n, _)| !applied.namespaces.contains_key(*n))
        .collect();
    create_namespaces(&new, &mut report);
    for (n, _) in &new {
        applied.namespaces.insert((*n).clone(), NsPlan::default());
    }
    report.created = new.len();

    // Links: delete the ones no longer wanted, create the missing ones.
    let mut link_dels: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in applied.links.clone() {
        if !desired.links.contains_key(&key) {
            if let Some((a_ns, a_name)) = key.split('=').next().and_then(|a| a.split_once('/')) {
                link_dels
                    .entry(a_ns.to_string())
                    .or_default()
                    .push(format!("link del {a_name}\n"));
                forget_objects_of(applied, a_ns, a_name);
                if let Some((b_ns, b_name)) = key.split('=').nth(1).and_then(|b| b.split_once('/'))
                {
                    forget_objects_of(applied, b_ns, b_name);
                }
            }
            applied.links.remove(&key);
        }
    }
    let mut adds = String::new();
    for (key, l) in &desired.links {
        if !applied.links.contains(key) {
            adds.push_str(&l.add_line());
            adds.push('\n');
            forget_objects_of(applied, &l.a_ns, &l.a_name);
            forget_objects_of(applied, &l.b_ns, &l.b_name);
        }
    }
    for (n, dels) in &link_dels {
        if desired.namespaces.contains_key(n) {
            let _ = kernel::ip_batch(Some(n), false, &dels.concat());
        }
    }
    if let Err(e) = kernel::ip_batch(None, false, &adds) {
        report.errors.push(format!("creating links: {e}"));
    }
    applied.links = desired.links.keys().cloned().collect();

    // Objects and rulesets, namespace by namespace.
    let work: Vec<(&String, &NsPlan, NsPlan)> = desired
        .namespaces
        .iter()
        .filter_map(|(n, want)| {
            let have = applied.namespaces.get(n).cloned().unwrap_or_default();
            (have.objects != want.objects
                || have.nft != want.nft
                || have.nameserver != want.nameserver
                || have.marker != want.marker)
                .then_some((n, want, have))
        })
        .collect();
    report.changed = work.len();
    let errors = std::sync::Mutex::new(Vec::new());
    let chunk = work.len().div_ceil(WORKERS).max(1);
    std::thread::scope(|s| {
        for part in work.chunks(chunk) {
            let errors = &errors;
            s.spawn(move || {
                for (n, want, have) in part {
                    if let Err(e) = apply_namespace(n, want, have) {
                        errors
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(format!("{n}: {e}"));
                    }
                }
            });
        }
    });
    report
        .errors
        .extend(errors.into_inner().unwrap_or_else(|p| p.into_inner()));
    for (n, want, _) in &work {
        applied.namespaces.insert((*n).clone(), (*want).clone());
    }
    report
}

fn link_touches(key: &str, ns: &str) -> bool {
    key.split('=')
        .any(|end| end.split_once('/').is_some_and(|(n, _)| n == ns))
}

/// Drops applied objects that name link `name` in `ns`: the kernel removed them with the
/// link, so they must be added again.
fn forget_objects_of(applied: &mut Applied, ns: &str, name: &str) {
    if let Some(p) = applied.namespaces.get_mut(ns) {
        let word = format!("dev {name}");
        let word2 = format!("iif {name} ");
        let up = format!("set {name} up");
        p.objects.retain(|_, o| {
            !o.add.contains(&word) && !o.add.contains(&word2) && !o.add.ends_with(&up)
        });
    }
}

fn create_namespaces(new: &[(&String, &NsPlan)], report: &mut Report) {
    let lines: String = new
        .iter()
        .map(|(n, _)| format!("netns add {n}\n"))
        .collect();
    if let Err(e) = kernel::ip_batch(None, false, &lines) {
        report.errors.push(format!("creating namespaces: {e}"));
    }
    for (n, plan) in new {
        let sysctls = plan.sysctls.clone();
        if let Err(e) = kernel::in_namespace(n, move || kernel::write_sysctls(&sysctls)) {
            report.errors.push(format!("{n}: {e}"));
        }
    }
}

/// The batch lines turning `have` into `want`: (removals, additions) for IPv4 and `-6`.
fn diff(have: &NsPlan, want: &NsPlan) -> [(String, String); 2] {
    let mut dels: Vec<&Obj> = have
        .objects
        .iter()
        .filter(|(k, _)| !want.objects.contains_key(*k))
        .map(|(_, o)| o)
        .filter(|o| !o.del.is_empty())
        .collect();
    dels.sort_by_key(|o| std::cmp::Reverse(o.rank));
    let mut adds: Vec<&Obj> = want
        .objects
        .iter()
        .filter(|(k, o)| have.objects.get(*k) != Some(*o))
        .map(|(_, o)| o)
        .collect();
    adds.sort_by_key(|o| o.rank);
    let lines = |v: &[&Obj], six: bool, del: bool| -> String {
        v.iter()
            .filter(|o| o.six == six)
            .map(|o| format!("{}\n", if del { &o.del } else { &o.add }))
            .collect()
    };
    [
        (lines(&dels, false, true), lines(&adds, false, false)),
        (lines(&dels, true, true), lines(&adds, true, false)),
    ]
}

fn apply_namespace(ns: &str, want: &NsPlan, have: &NsPlan) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut want_objects = want.clone();
    if have.marker != want.marker {
        want_objects.add(Obj::new(
            crate::model::LINK,
            format!("link set lo alias {}", want.marker),
            String::new(),
        ));
    }
    want_objects.add(Obj::new(
        crate::model::LINK,
        "link set lo up".into(),
        String::new(),
    ));
    let mut have_objects = have.clone();
    if have.marker == want.marker {
        have_objects.add(Obj::new(
            crate::model::LINK,
            "link set lo up".into(),
            String::new(),
        ));
    }
    let [(del4, add4), (del6, add6)] = diff(&have_objects, &want_objects);
    // Removals may name what the kernel already dropped with a link: errors are expected.
    let _ = kernel::ip_batch(Some(ns), false, &del4);
    let _ = kernel::ip_batch(Some(ns), true, &del6);
    if let Err(e) = kernel::ip_batch(Some(ns), false, &add4) {
        errors.push(e);
    }
    if let Err(e) = kernel::ip_batch(Some(ns), true, &add6) {
        errors.push(e);
    }
    if have.nft != want.nft {
        let mut script = String::from(
            "table inet ovpc {}\ndelete table inet ovpc\ntable ip ovpcnat {}\ndelete table ip ovpcnat\n",
        );
        script.push_str(&want.nft);
        let result = kernel::in_namespace(ns, move || kernel::nft(&script));
        if let Err(e) = result {
            errors.push(format!("nft: {e}"));
        }
    }
    if have.nameserver != want.nameserver {
        if let Some(server) = &want.nameserver {
            let dir = Path::new(kernel::ETC_NETNS).join(ns);
            let write = std::fs::create_dir_all(&dir).and_then(|_| {
                std::fs::write(
                    dir.join("resolv.conf"),
                    format!("nameserver {server}\noptions edns0\n"),
                )
            });
            if let Err(e) = write {
                errors.push(format!("resolv.conf: {e}"));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}
