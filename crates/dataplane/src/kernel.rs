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

/// The alias of `lo` in namespace `ns` (the ownership marker), if any: one rtnetlink
/// `RTM_GETLINK` for interface 1 from a thread inside the namespace (no process).
pub fn marker(ns: &str) -> Option<String> {
    in_namespace(ns, || Ok(lo_alias())).ok().flatten()
}

/// The alias of `lo` in the calling thread's namespace.
fn lo_alias() -> Option<String> {
    use std::io::Read;
    const AF_NETLINK: i32 = 16;
    const RTM_GETLINK: u16 = 18;
    const NLM_F_REQUEST: u16 = 1;
    const IFLA_IFALIAS: u16 = 20;
    let mut s = socket2::Socket::new(
        socket2::Domain::from(AF_NETLINK),
        socket2::Type::RAW,
        Some(socket2::Protocol::from(0)),
    )
    .ok()?;
    let mut req = Vec::with_capacity(32);
    req.extend_from_slice(&32u32.to_ne_bytes());
    req.extend_from_slice(&RTM_GETLINK.to_ne_bytes());
    req.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    req.extend_from_slice(&1u32.to_ne_bytes()); // sequence
    req.extend_from_slice(&0u32.to_ne_bytes()); // port: the kernel
    req.extend_from_slice(&[0, 0]); // family, padding
    req.extend_from_slice(&0u16.to_ne_bytes()); // device type
    req.extend_from_slice(&1i32.to_ne_bytes()); // interface index: lo
    req.extend_from_slice(&0u32.to_ne_bytes()); // flags
    req.extend_from_slice(&0u32.to_ne_bytes()); // change mask
    s.send(&req).ok()?;
    let mut buf = vec![0u8; 65536];
    let n = s.read(&mut buf).ok()?;
    let buf = &buf[..n];
    let u16_at = |i: usize| buf.get(i..i + 2).map(|b| u16::from_ne_bytes([b[0], b[1]]));
    // nlmsghdr (16) + ifinfomsg (16), then attributes.
    let mut at = 32;
    while at + 4 <= buf.len() {
        let len = usize::from(u16_at(at)?);
        let kind = u16_at(at + 2)?;
        if len < 4 {
            break;
        }
        if kind == IFLA_IFALIAS {
            let data = buf.get(at + 4..at + len)?;
            let text = String::from_utf8_lossy(data);
            return Some(text.trim_end_matches('\0').to_string());
        }
        at += (len + 3) & !3;
    }
    None
}

/// Ids of the processes inside each of `names` (one scan of procfs).
pub fn pids(names: &[String]) -> Vec<i32> {
    use std::os::unix::fs::MetadataExt;
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
/// alive), deletes them in one batch, and removes their `/etc/netns` files.
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
    for ns in names {
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
