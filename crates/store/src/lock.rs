//! One writer per data directory: an exclusive lock on `DIR/LOCK` for the process's life.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::StoreError;

/// The lock file's name.
pub const LOCK: &str = "LOCK";

/// An exclusive lock on a data directory, released when dropped (or when the process
/// dies: the kernel drops the lock with the file descriptor).
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Takes the lock and records `holder` (e.g. "pid 42, serving 127.0.0.1:4566") in the
    /// lock file for the message a second process prints.
    pub fn acquire(dir: &Path, holder: &str) -> Result<Self, StoreError> {
        let path = dir.join(LOCK);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(StoreError::io(format!(
                "data directory {} cannot be written ({})",
                dir.display(),
                path.display()
            )))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder: String = text
                    .trim()
                    .chars()
                    .map(|c| if c.is_control() { '?' } else { c })
                    .take(200)
                    .collect();
                return Err(StoreError::Locked {
                    dir: dir.to_path_buf(),
                    holder: if holder.is_empty() {
                        "holder unknown".into()
                    } else {
                        holder
                    },
                });
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::io(format!("locking {}", path.display()))(e))
            }
        }
        let record = |file: &mut File| -> std::io::Result<()> {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(holder.as_bytes())?;
            file.write_all(b"\n")
        };
        record(&mut file).map_err(StoreError::io(format!(
            "data directory {} cannot be written ({})",
            dir.display(),
            path.display()
        )))?;
        Ok(DirLock { _file: file })
    }
}
