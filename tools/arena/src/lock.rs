//! One writer per results folder: [`FolderLock`] holds `DIR/.gigawatt.lock`, created atomically
//! (`create_new`, O_EXCL) with the holder's pid and host, and removed when dropped. Every command
//! that writes into a folder (tournament, explore, tune, merge, report) takes it first, so two runs
//! on one `--out` cannot both append to `games.jsonl`.
//!
//! A lock whose holder is gone (a `kill -9`, a lost node) is stale. On the same host a dead pid is
//! known for sure (no `/proc/PID`, or `kill(pid, 0)` says there is no such process), and the lock
//! is taken over; on another host it cannot be checked, and the error says how to remove it.
//! Taking over renames the stale file to a name of this process's own before removing it, so of two
//! processes taking over the same stale lock only one succeeds, and neither removes a fresh lock.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Context, Result, bail};

/// The lock file's name in a results folder.
pub const LOCK_FILE: &str = ".gigawatt.lock";

/// Attempts to create the lock before giving up: each failed attempt found a stale lock and
/// removed it, so more than a few means something else keeps recreating it.
const ATTEMPTS: usize = 4;

/// The exclusive right to write into a folder, until dropped.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    /// False when this process already held the lock (a command that locks a folder, then calls
    /// one that locks it again): only the outer guard removes the file.
    owned: bool,
}

/// Who holds a lock: `pid host`, as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Holder {
    pid: u32,
    host: String,
}

impl Holder {
    fn me() -> Holder {
        Holder {
            pid: std::process::id(),
            host: host_name(),
        }
    }

    fn text(&self) -> String {
        format!("{} {}\n", self.pid, self.host)
    }

    fn parse(text: &str) -> Option<Holder> {
        let (pid, host) = text.trim().split_once(' ')?;
        Some(Holder {
            pid: pid.parse().ok()?,
            host: host.to_string(),
        })
    }
}

/// This machine's name (the kernel's node name), or `unknown`.
fn host_name() -> String {
    #[cfg(unix)]
    {
        let name = rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned();
        if !name.is_empty() {
            return name;
        }
    }
    "unknown".to_string()
}

/// Whether process `pid` of this host is alive. Where that cannot be told, it is assumed alive
/// (a lock is never taken from a process that may be running).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(signed) = i32::try_from(pid) else {
            return true;
        };
        let Some(pid) = rustix::process::Pid::from_raw(signed) else {
            return true;
        };
        match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            // ESRCH: no such process. EPERM: it exists, owned by someone else.
            Err(e) => e != rustix::io::Errno::SRCH,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

impl FolderLock {
    /// Lock `dir` (created if missing) for writing, or say who holds it.
    pub fn acquire(dir: &Path) -> Result<FolderLock> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let me = Holder::me();
        for _ in 0..ATTEMPTS {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    file.write_all(me.text().as_bytes())
                        .and_then(|()| file.sync_all())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    return Ok(FolderLock { path, owned: true });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot create {}", path.display()));
                }
            }
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                // Removed in between: try again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
            };
            let Some(holder) = Holder::parse(&text) else {
                // Being written this very moment, or not a lock of ours: not ours to remove.
                bail!(
                    "{} is locked ({} holds `{}`, not a pid and a host); if no gigawatt is \
                     writing there, delete that file",
                    dir.display(),
                    path.display(),
                    text.trim()
                );
            };
            if holder == me {
                return Ok(FolderLock { path, owned: false });
            }
            if holder.host != me.host || alive(holder.pid) {
                bail!(
                    "{} is in use by another gigawatt (process {} on host {}, per {}); wait for it \
                     to finish, or, if that process is gone, delete {}",
                    dir.display(),
                    holder.pid,
                    holder.host,
                    LOCK_FILE,
                    path.display()
                );
            }
            take_over_stale(&path, &text)?;
        }
        bail!(
            "cannot lock {}: {} keeps reappearing",
            dir.display(),
            path.display()
        )
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Remove the stale lock `path` whose text was `stale`: renamed first to a name of this process's
/// own (one process wins the rename), then checked to be the stale one before it is removed; a
/// fresh lock caught instead (its holder took over between our read and rename) is put back.
fn take_over_stale(path: &Path, stale: &str) -> Result<()> {
    let mut aside = path.as_os_str().to_os_string();
    aside.push(format!(".stale.{}", std::process::id()));
    let aside = PathBuf::from(aside);
    match std::fs::rename(path, &aside) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
    }
    let caught = std::fs::read_to_string(&aside).unwrap_or_default();
    if caught == stale {
        std::fs::remove_file(&aside).with_context(|| format!("cannot remove {}", aside.display()))
    } else {
        // Not ours to remove: put it back unless a lock has been created since.
        let _ = std::fs::hard_link(&aside, path);
        let _ = std::fs::remove_file(&aside);
        Ok(())
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        // Removed only while it is still ours (never another's lock after a takeover).
        if std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|t| Holder::parse(&t))
            == Some(Holder::me())
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Paths a folder may hold besides results without counting as holding any: its lock.
pub fn is_lock_file(name: &std::ffi::OsStr) -> bool {
    name == LOCK_FILE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gigawatt-lock-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_lock_is_exclusive_reentrant_and_removed_on_drop() {
        let dir = temp("basic");
        let lock = FolderLock::acquire(&dir).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(Holder::parse(&text), Some(Holder::me()));
        {
            // The same process again (explore, then its tournament): allowed, and not removed.
            let inner = FolderLock::acquire(&dir).unwrap();
            drop(inner);
            assert!(lock.path().exists());
        }
        drop(lock);
        assert!(!dir.join(LOCK_FILE).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_live_holder_is_named_and_a_dead_one_is_taken_over() {
        let dir = temp("held");
        std::fs::create_dir_all(&dir).unwrap();
        // Process 1 (init) is always alive on this host.
        std::fs::write(dir.join(LOCK_FILE), format!("1 {}\n", host_name())).unwrap();
        let error = FolderLock::acquire(&dir).unwrap_err().to_string();
        assert!(error.contains("process 1 on host"), "{error}");
        // On another host: cannot be checked, so refused.
        std::fs::write(dir.join(LOCK_FILE), "12345 elsewhere.example\n").unwrap();
        let error = FolderLock::acquire(&dir).unwrap_err().to_string();
        assert!(error.contains("host elsewhere.example"), "{error}");
        // A pid that cannot exist (above Linux's pid_max limit of 2^22) on this host: stale.
        std::fs::write(dir.join(LOCK_FILE), format!("2000000000 {}\n", host_name())).unwrap();
        let lock = FolderLock::acquire(&dir).unwrap();
        drop(lock);
        assert!(!dir.join(LOCK_FILE).exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
