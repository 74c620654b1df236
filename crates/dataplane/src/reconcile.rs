//! Applying a [`Desired`] state: diff it against what was applied last and change only
//! what differs (namespaces, links, `ip` objects, rulesets). Level-triggered and
//! idempotent: applying the same state twice changes nothing the second time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::kernel;
use crate::model::{Desired, Link, NsPlan, Obj};
use crate::names::Kind;
use crate::tunnel::Tunnels;

/// What was applied last, and the tunnels running.
#[derive(Debug, Default)]
pub struct Applied {
    pub namespaces: BTreeMap<String, NsPlan>,
    pub links: BTreeSet<String>,
    pub tunnels: Tunnels,
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
    // A tunnel holds its namespaces: stop the unwanted ones before namespaces go.
    applied.tunnels.stop_others(&desired.tunnels);
    remove_namespaces(applied, desired, &mut report);
    add_namespaces(applied, desired, &mut report);
    sync_links(applied, desired, &mut report);
    // Objects and rulesets, namespace by namespace: Regions first (tunnels bind to their
    // backbone addresses), then the tunnels (their TUN devices are links in the routers),
    // then the rest.
    let is_region = |n: &String| desired.namespaces[n].kind == Some(Kind::Region);
    apply_objects(applied, desired, &is_region, &mut report);
    let (made, errors) = applied.tunnels.sync(&desired.tunnels);
    report.errors.extend(errors);
    for (ns, name) in made {
        forget_objects_of(applied, &ns, &name);
    }
    apply_objects(applied, desired, &|n| !is_region(n), &mut report);
    report
}

/// Deletes the namespaces no longer wanted (their links go with them).
fn remove_namespaces(applied: &mut Applied, desired: &Desired, report: &mut Report) {
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
}

/// Creates the new namespaces with their sysctls, in parallel.
fn add_namespaces(applied: &mut Applied, desired: &Desired, report: &mut Report) {
    let new: Vec<(&String, &NsPlan)> = desired
        .namespaces
        .iter()
        .filter(|(n, _)| !applied.namespaces.contains_key(*n))
        .collect();
    let errors = parallel(&new, |(n, plan)| kernel::netns::create(n, &plan.sysctls));
    report.errors.extend(errors);
    for (n, _) in &new {
        applied.namespaces.insert((*n).clone(), NsPlan::default());
    }
    report.created = new.len();
}

/// Deletes the links no longer wanted and creates the missing ones; what the kernel
/// dropped with a link (or what a new link needs) is forgotten, to be added again.
fn sync_links(applied: &mut Applied, desired: &Desired, report: &mut Report) {
    let mut dels: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in applied.links.clone() {
        if desired.links.contains_key(&key) {
            continue;
        }
        let mut ends = key.split('=').filter_map(|e| e.split_once('/'));
        if let Some((a_ns, a_name)) = ends.next() {
            dels.entry(a_ns.to_string())
                .or_default()
                .push(a_name.to_string());
            forget_objects_of(applied, a_ns, a_name);
        }
        if let Some((b_ns, b_name)) = ends.next() {
            forget_objects_of(applied, b_ns, b_name);
        }
    }
    for (ns, names) in &dels {
        if desired.namespaces.contains_key(ns) {
            let _ = kernel::in_namespace(ns, || kernel::netlink::delete_links(names));
        }
    }
    let new: Vec<&Link> = desired
        .links
        .iter()
        .filter(|(key, _)| !applied.links.contains(*key))
        .map(|(_, l)| l)
        .collect();
    for l in &new {
        forget_objects_of(applied, &l.a_ns, &l.a_name);
        forget_objects_of(applied, &l.b_ns, &l.b_name);
    }
    if let Err(e) = kernel::netlink::create_veths(&new, Path::new(kernel::NETNS_DIR)) {
        report.errors.push(format!("creating links: {e}"));
    }
    applied.links = desired.links.keys().cloned().collect();
}

/// Runs `f` over `items` on up to [`WORKERS`] threads; returns the errors.
fn parallel<T: Sync>(items: &[T], f: impl Fn(&T) -> Result<(), String> + Sync) -> Vec<String> {
    let errors = std::sync::Mutex::new(Vec::new());
    let chunk = items.len().div_ceil(WORKERS).max(1);
    std::thread::scope(|s| {
        for part in items.chunks(chunk) {
            let (errors, f) = (&errors, &f);
            s.spawn(move || {
                for item in part {
                    if let Err(e) = f(item) {
                        errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                    }
                }
            });
        }
    });
    errors.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Applies the objects and rulesets of the namespaces `which` picks, in parallel.
fn apply_objects(
    applied: &mut Applied,
    desired: &Desired,
    which: &dyn Fn(&String) -> bool,
    report: &mut Report,
) {
    let empty = NsPlan::default();
    let work: Vec<(&String, &NsPlan, NsPlan)> = desired
        .namespaces
        .iter()
        .filter(|(n, _)| which(n))
        .filter_map(|(n, want)| {
            let have = applied.namespaces.get(n).unwrap_or(&empty);
            (have.objects != want.objects
                || have.nft != want.nft
                || have.nameserver != want.nameserver
                || have.marker != want.marker)
                .then(|| (n, want, have.clone()))
        })
        .collect();
    report.changed += work.len();
    let errors = parallel(&work, |(n, want, have)| {
        apply_namespace(n, want, have).map_err(|e| format!("{n}: {e}"))
    });
    report.errors.extend(errors);
    for (n, want, _) in &work {
        applied.namespaces.insert((*n).clone(), (*want).clone());
    }
}

fn link_touches(key: &str, ns: &str) -> bool {
    key.split('=')
        .any(|end| end.split_once('/').is_some_and(|(n, _)| n == ns))
}

/// Drops applied objects that name link `name` in `ns`: the kernel removed them with the
/// link, so they must be added again.
fn forget_objects_of(applied: &mut Applied, ns: &str, name: &str) {
    if let Some(p) = applied.namespaces.get_mut(ns) {
        p.objects.retain(|_, o| !o.uses_link(name));
    }
}

/// The objects turning `have` into `want`: (removals in reverse rank order, additions
/// in rank order).
fn diff<'a>(have: &'a NsPlan, want: &'a NsPlan) -> (Vec<&'a Obj>, Vec<&'a Obj>) {
    let mut dels: Vec<&Obj> = have
        .objects
        .iter()
        .filter(|(k, _)| !want.objects.contains_key(*k))
        .map(|(_, o)| o)
        .collect();
    dels.sort_by_key(|o| std::cmp::Reverse(o.rank()));
    let mut adds: Vec<&Obj> = want
        .objects
        .iter()
        .filter(|(k, o)| have.objects.get(*k) != Some(*o))
        .map(|(_, o)| o)
        .collect();
    adds.sort_by_key(|o| o.rank());
    (dels, adds)
}

/// Applies one namespace's objects (rtnetlink) and ruleset (one `nft -f -`) from a
/// thread inside it, and writes its `resolv.conf`.
fn apply_namespace(ns: &str, want: &NsPlan, have: &NsPlan) -> Result<(), String> {
    let mut errors = Vec::new();
    let (dels, adds) = diff(have, want);
    let alias = (have.marker != want.marker).then_some(want.marker.as_str());
    let script = (have.nft != want.nft).then(|| {
        let mut script = String::from(
            "table inet ovpc {}\ndelete table inet ovpc\ntable ip ovpcnat {}\ndelete table ip ovpcnat\n",
        );
        script.push_str(&want.nft);
        script
    });
    let result = kernel::in_namespace(ns, || {
        let objects = kernel::netlink::apply(alias, &dels, &adds);
        let rules = script.as_deref().map_or(Ok(()), kernel::nft);
        Ok((objects, rules))
    });
    match result {
        Ok((objects, rules)) => {
            errors.extend(objects.err());
            errors.extend(rules.err().map(|e| format!("nft: {e}")));
        }
        Err(e) => errors.push(e),
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
