//! Removing everything a data plane made, found by ownership markers: namespaces whose
//! name carries the prefix and whose `lo` carries the marker (or no marker at all: a run
//! that died between creating a namespace and marking it). Deleting a namespace deletes
//! its links, routes, rules, rulesets and conntrack; nothing lives in the host namespace.

use crate::kernel;
use crate::names::{Names, MARKER, PREFIX};

/// Deletes the namespaces of `owner`, or of every owner when `None`; returns how many.
pub fn cleanup(owner: Option<&Names>) -> Result<usize, String> {
    let (prefix, marker) = match owner {
        Some(n) => (n.own_prefix(), format!("{MARKER}{}:", n.owner)),
        None => (PREFIX.to_string(), MARKER.to_string()),
    };
    let candidates = kernel::namespaces(&prefix);
    let owned = std::sync::Mutex::new(Vec::new());
    let chunk = candidates.len().div_ceil(16).max(1);
    std::thread::scope(|s| {
        for part in candidates.chunks(chunk) {
            let (owned, marker) = (&owned, &marker);
            s.spawn(move || {
                for ns in part {
                    let ours = kernel::marker(ns).is_none_or(|m| m.starts_with(marker.as_str()));
                    if ours {
                        owned
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(ns.clone());
                    }
                }
            });
        }
    });
    let owned = owned.into_inner().unwrap_or_else(|p| p.into_inner());
    kernel::delete_namespaces(&owned)?;
    // `resolv.conf` files of namespaces that are gone.
    if let Ok(dir) = std::fs::read_dir(kernel::ETC_NETNS) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let alive = std::path::Path::new(kernel::NETNS_DIR).join(&name).exists();
            if name.starts_with(&prefix) && !alive {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(owned.len())
}
