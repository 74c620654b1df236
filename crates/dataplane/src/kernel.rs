//! Talking to the kernel: `ip -batch` for links, addresses, routes, rules and namespaces;
//! `nft -f` for rulesets; sysctls through procfs. Work inside a namespace runs on a thread
//! that has joined it (`setns`), so child processes and procfs writes land there; the host
//! namespace is never configured, only used to create veth pairs whose ends are born in
//! their target namespaces.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use nix::sched::{setns, CloneFlags};

/// Where named namespaces live.
pub const NETNS_DIR: &str = "/run/netns";
/// Where `ip netns exec` finds per-namespace files (`resolv.conf`).
pub const ETC_NETNS: &str = "/etc/netns";

/// Runs `ip` with `args` and `input` on standard input; an error carries its stderr.
pub fn ip(args: &[&str], input: &str) -> Result<(), String> {
    let mut child = Command::new("ip")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("ip: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| format!("ip: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Runs `ip [-n ns] [-6] -force -batch -` over `lines`.
pub fn ip_batch(ns: Option<&str>, six: bool, lines: &str) -> Result<(), String> {
    if lines.trim().is_empty() {
        return Ok(());
    }
    let mut args = Vec::new();
    if let Some(ns) = ns {
        args.extend(["-n", ns]);
    }
    if six {
        args.push("-6");
    }
    args.extend(["-force", "-batch", "-"]);
    ip(&args, lines)
}

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

/// The alias of `lo` in namespace `ns` (the ownership marker), if any.
pub fn marker(ns: &str) -> Option<String> {
    let out = Command::new("ip")
        .args(["-n", ns, "-o", "link", "show", "lo"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text.find("alias ")?;
    Some(
        text[at + 6..]
            .split(['\\', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
    )
}

/// Ids of the processes inside namespace `ns`.
pub fn pids(ns: &str) -> Vec<i32> {
    let Ok(out) = Command::new("ip")
        .args(["netns", "pids", ns])
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Deletes namespaces: kills what runs inside (a process keeps a namespace and its links
/// alive), deletes them in one batch, and removes their `/etc/netns` files.
pub fn delete_namespaces(names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    for ns in names {
        for pid in pids(ns) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let _ = std::fs::remove_dir_all(Path::new(ETC_NETNS).join(ns));
    }
    let lines: String = names.iter().map(|n| format!("netns del {n}\n")).collect();
    ip_batch(None, false, &lines)
}

/// Whether the kernel and tools can run the data plane: root, `ip`, `nft`, namespaces.
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
