//! Writers to one backlog take turns.
//!
//! Every command that writes takes an exclusive OS lock on the backlog
//! folder itself (flock on the folder's descriptor: no lock file to commit
//! or to leave behind) before it reads the snapshot it will change, and
//! holds it until its last write. So its checks run on what is on disk, new
//! ids are allocated against every story written before, and two edits of
//! one file can never both report success with one of them lost. The OS
//! drops the lock when the process ends, however it ends: a killed writer
//! never leaves the backlog locked. Readers take no lock; every file is
//! replaced by an atomic rename, so they see one version or the other.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a writer waits for another to finish.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

/// Held while a command writes; dropping it releases the lock.
#[derive(Debug)]
pub struct WriteLock {
    _folder: File,
}

/// The lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another command is changing {path}{}; waited {waited:?}", holder.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Busy {
        path: PathBuf,
        /// The process holding the lock, when the OS says (Linux).
        holder: Option<String>,
        waited: Duration,
    },
    #[error("cannot lock {path} for writing: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl WriteLock {
    /// Takes the lock on the backlog folder `root` (shown as `display`),
    /// waiting up to `wait` for another writer to finish.
    pub fn acquire(root: &Path, display: &Path, wait: Duration) -> Result<WriteLock, LockError> {
        let io = |source| LockError::Io {
            path: display.to_path_buf(),
            source,
        };
        let folder = File::open(root).map_err(io)?;
        let start = Instant::now();
        loop {
            match folder.try_lock() {
                Ok(()) => return Ok(WriteLock { _folder: folder }),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            if start.elapsed() >= wait {
                return Err(LockError::Busy {
                    path: display.to_path_buf(),
                    holder: holder_of(&folder),
                    waited: wait,
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// "pid 1234: backlog rank --edit", read from /proc/locks and the holder's
/// command line; `None` where the OS does not say.
fn holder_of(folder: &File) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = folder.metadata().ok()?;
        let ino = meta.ino().to_string();
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        let pid = locks.lines().find_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
            let (pid, dev_ino) = (parts.get(4)?, parts.get(5)?);
            (parts.get(1) == Some(&"FLOCK") && dev_ino.rsplit(':').next() == Some(ino.as_str()))
                .then(|| pid.to_string())
        })?;
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmd: Vec<String> = cmd
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        Some(if cmd.is_empty() {
            format!("pid {pid}")
        } else {
            format!("pid {pid}: {}", cmd.join(" "))
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = folder;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_then_says_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = WriteLock::acquire(dir.path(), Path::new(".backlog"), DEFAULT_WAIT).unwrap();
        let err = WriteLock::acquire(
            dir.path(),
            Path::new(".backlog"),
            Duration::from_millis(100),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("another command is changing .backlog"),
            "{text}"
        );
        if cfg!(target_os = "linux") {
            assert!(
                text.contains(&format!("pid {}", std::process::id())),
                "{text}"
            );
        }
        drop(first);
        assert!(WriteLock::acquire(dir.path(), Path::new(".backlog"), DEFAULT_WAIT).is_ok());
    }
}
