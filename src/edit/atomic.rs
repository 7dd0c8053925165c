//! Writing files so that a crash or a full disk never leaves half a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    stage(path, bytes, None)?.commit()
}

/// A file's new bytes, written and synced to a temporary file beside it,
/// not yet in place. Dropping it removes the temporary file.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes `bytes` for `path` to a temporary file in the same folder (so the
/// rename stays on one file system) and syncs it. With `like`, the metadata
/// of the file it replaces, the new file gets that file's mode and, where
/// the OS allows (root, or the same owner), its owner and group.
pub fn stage(path: &Path, bytes: &[u8], like: Option<&std::fs::Metadata>) -> io::Result<Staged> {
    stage_as(path, bytes, like, true)
}

/// [`write_atomic`] for a file the tool makes again whenever it reads
/// wrong (a cache under its checksum): put in place by one rename as well,
/// but not synced first, so a crash may leave it empty or torn, and its
/// reader then rebuilds it. The sync was most of the cost of writing the
/// story cache of 10,000 stories (3 of 5 ms).
pub fn write_rebuildable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    stage_as(path, bytes, None, false)?.commit()
}

fn stage_as(
    path: &Path,
    bytes: &[u8],
    like: Option<&std::fs::Metadata>,
    sync: bool,
) -> io::Result<Staged> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".backlog-").suffix(".tmp");
    // Like File::create: 0666 less the umask, not tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Some(meta) = like {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Best effort: only root may give a file away.
            let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()));
        }
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    if sync {
        tmp.as_file().sync_all()?;
    }
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Renames the staged file into place.
    pub fn commit(self) -> io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Moves the staged file into place only if nothing is there yet.
    pub fn commit_new(self) -> io::Result<()> {
        self.tmp
            .persist_noclobber(&self.path)
            .map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_like_one_from_file_create() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (ours, theirs) = (dir.path().join("a.md"), dir.path().join("b.md"));
        write_atomic(&ours, b"x").unwrap();
        std::fs::File::create(&theirs).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&theirs));
        assert_eq!(std::fs::read(&ours).unwrap(), b"x");
        // Nothing else is left in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
