//! Files that appear only when complete: the one way the workspace replaces a file (models,
//! model cards, `classify -o` outputs, reports).
#![deny(missing_docs)]

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A file that appears at its path only when complete: written to a temporary file in the
/// same folder, synced, and renamed into place by [`StagedFile::commit`]. Dropped without a
/// commit (an error, an interruption), it removes the temporary file and leaves any previous
/// file at the path untouched.
#[derive(Debug)]
pub struct StagedFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl StagedFile {
    /// Starts a file that will replace `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        let path = &resolve_links(path)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".paratopic-").suffix(".tmp");
        // An ordinary file, readable by all (temporary files are private by default).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        // tempfile's error names the temporary path, which means nothing to the user.
        let tmp = builder.tempfile_in(dir).map_err(|e| {
            let reason = if dir.is_dir() { e.kind().to_string() } else { "no such folder".to_owned() };
            io::Error::new(e.kind(), format!("cannot write in {}: {reason}", dir.display()))
        })?;
        Ok(Self { tmp, path: path.to_path_buf() })
    }

    /// The file to write to (`&File` implements `Write`; `try_clone` gives an owned handle).
    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the data and renames the file into place.
    pub fn commit(self) -> io::Result<()> {
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The path a chain of symbolic links ends at (a path that does not exist yet, or one that is
/// not a link, is its own end). Relative link targets are taken from the link's folder.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many hops as Linux follows before it reports a loop.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!("{}: too many levels of symbolic links", path.display())))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn appears_only_on_commit_and_leaves_no_trace_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        {
            let staged = StagedFile::create(&path).unwrap();
            staged.file().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let staged = StagedFile::create(&path).unwrap();
        staged.file().write_all(b"new").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&path.metadata().unwrap().permissions()) & 0o777, 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        let target = dir.path().join("data/out.txt");
        std::fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("data/out.txt", &link).unwrap();
        let staged = StagedFile::create(&link).unwrap();
        staged.file().write_all(b"new").unwrap();
        staged.commit().unwrap();
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        // A dangling link gets its target created.
        std::fs::remove_file(&target).unwrap();
        let staged = StagedFile::create(&link).unwrap();
        staged.file().write_all(b"again").unwrap();
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "again");
        // A loop is an error, not a hang.
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(StagedFile::create(&a).unwrap_err().to_string().contains("too many levels"));
    }
}
