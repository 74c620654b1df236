//! Talking to the kernel: rtnetlink for namespaces' links, addresses, neighbours, routes
//! and rules ([`netlink`]), named namespaces made and removed in process ([`netns`]),
//! one `nft -f -` per ruleset change, sysctls through procfs. Work inside a namespace runs
//! on a thread that has joined it (`setns`), so its netlink socket, child processes and
//! procfs writes land there; the host namespace is never configured, only used to create
//! veth pairs whose ends are born in their target namespaces.

pub mod netlink;
pub mod netns;

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::{Command, Stdio};

use nix::sched::{setns, CloneFlags};

/// Where named namespaces live.
pub const NETNS_DIR: &str = "/run/netns";
/// Where `ip netns exec` finds per-namespace files (`resolv.conf`).
pub const ETC_NETNS: &str = "/etc/netns";

/// Runs `f` on a thread that has joined namespace `ns`.
pub fn in_namespace<T: Send>(
    ns: &str,
    f: impl FnOnce() -> Result<T, String> + Send,
) -> Result<T, String> {
    let path = Path::new(NETNS_DIR).join(ns);
    std::thread::scope(|s| {
        s.spawn(|| {
            let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            setns(&file, CloneFlags::CLONE_NEWNET).map_err(|e| format!("setns {ns}: {e}"))?;
            f()
        })
        .join()
        .unwrap_or_else(|_| Err(format!("worker for {ns} panicked")))
    })
}

/// Writes sysctls (paths under `/proc/sys/net/`) in the calling thread's namespace.
pub fn write_sysctls(sysctls: &[(String, String)]) -> Result<(), String> {
    for (k, v) in sysctls {
        let path = format!("/proc/sys/net/{k}");
        std::fs::write(&path, v).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

/// Loads an nftables script in the calling thread's namespace.
pub fn nft(script: &str) -> Result<(), String> {
    let mut child = Command::new("nft")
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("nft: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .map_err(|e| format!("nft: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("nft: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Named namespaces starting with `prefix`.
pub fn namespaces(prefix: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(NETNS_DIR) else {
        return Vec::new();
    };
    let mut v: Vec<String> = dir
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix))
        .collect();
    v.sort();
    v
}

/// The alias of `lo` in namespace `ns` (the ownership marker), if any: one rtnetlink
/// request from a thread inside the namespace (no process).
pub fn marker(ns: &str) -> Option<String> {
    in_namespace(ns, || Ok(netlink::lo_alias())).ok().flatten()
}

/// Ids of the processes inside each of `names` (one scan of procfs).
pub fn pids(names: &[String]) -> Vec<i32> {
    let inodes: std::collections::HashSet<u64> = names
        .iter()
        .filter_map(|n| std::fs::metadata(Path::new(NETNS_DIR).join(n)).ok())
        .map(|m| m.ino())
        .collect();
    let Ok(proc_dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    proc_dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/ns/net"))
                .ok()
                .and_then(|l| {
                    let l = l.to_string_lossy().to_string();
                    l.strip_prefix("net:[")?
                        .strip_suffix(']')?
                        .parse::<u64>()
                        .ok()
                })
                .is_some_and(|ino| inodes.contains(&ino))
        })
        .collect()
}

/// Deletes namespaces: kills what runs inside (a process keeps a namespace and its links
/// alive), removes their names and their `/etc/netns` files.
pub fn delete_namespaces(names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    let me = std::process::id() as i32;
    for pid in pids(names).into_iter().filter(|&p| p != me) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let mut errors = Vec::new();
    for ns in names {
        let _ = std::fs::remove_dir_all(Path::new(ETC_NETNS).join(ns));
        if let Err(e) = netns::delete(ns) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// Whether the machine can run the data plane: root, `nft` (rulesets) and `ip` (`openvpc
/// exec` runs programs through `ip netns exec`).
pub fn check_capable() -> Result<(), String> {
    if !nix::unistd::geteuid().is_root() {
        return Err("the Linux data plane needs root (it creates network namespaces); run as root or without --dataplane".into());
    }
    for (tool, flag) in [("ip", "-V"), ("nft", "--version")] {
        let ok = Command::new(tool)
            .arg(flag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!(
                "the Linux data plane needs `{tool}` (Debian packages iproute2 and nftables)"
            ));
        }
    }
    Ok(())
}
