//! Named network namespaces, as `ip netns` keeps them (a file under `/run/netns` that a
//! namespace is bind-mounted on), made and removed without a process: a thread leaves
//! for a new namespace (`unshare`), writes its sysctls there and pins it by the mount.

use std::fs::File;
use std::path::Path;
use std::sync::Once;

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};

use super::{write_sysctls, NETNS_DIR};

/// Makes `/run/netns` a shared mount point once, as `ip netns add` does, so that
/// namespaces pinned later are seen from other mount namespaces too.
fn prepare_dir() -> Result<(), String> {
    static ONCE: Once = Once::new();
    std::fs::create_dir_all(NETNS_DIR).map_err(|e| format!("{NETNS_DIR}: {e}"))?;
    ONCE.call_once(|| {
        let shared = MsFlags::MS_SHARED | MsFlags::MS_REC;
        if mount(None::<&str>, NETNS_DIR, None::<&str>, shared, None::<&str>).is_err() {
            // Not a mount point yet: make it one, then shared.
            let bind = MsFlags::MS_BIND | MsFlags::MS_REC;
            let _ = mount(Some(NETNS_DIR), NETNS_DIR, None::<&str>, bind, None::<&str>);
            let _ = mount(None::<&str>, NETNS_DIR, None::<&str>, shared, None::<&str>);
        }
    });
    Ok(())
}

/// Creates namespace `name` with `sysctls` (paths under `/proc/sys/net/`) set in it.
pub fn create(name: &str, sysctls: &[(String, String)]) -> Result<(), String> {
    prepare_dir()?;
    let path = Path::new(NETNS_DIR).join(name);
    File::options()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let made = std::thread::scope(|s| {
        s.spawn(|| {
            unshare(CloneFlags::CLONE_NEWNET).map_err(|e| format!("unshare: {e}"))?;
            let pinned = mount(
                Some("/proc/thread-self/ns/net"),
                &path,
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )
            .map_err(|e| format!("pinning {name}: {e}"));
            pinned.and_then(|_| write_sysctls(sysctls))
        })
        .join()
        .unwrap_or_else(|_| Err(format!("making {name} panicked")))
    });
    if made.is_err() {
        let _ = umount2(&path, MntFlags::MNT_DETACH);
        let _ = std::fs::remove_file(&path);
    }
    made
}

/// Removes namespace `name`'s name (the namespace goes with the last process or socket
/// in it).
pub fn delete(name: &str) -> Result<(), String> {
    let path = Path::new(NETNS_DIR).join(name);
    let _ = umount2(&path, MntFlags::MNT_DETACH);
    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))
}
