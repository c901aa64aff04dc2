//! Files that appear only when complete.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A file that appears at its path only when complete: written to a temporary file in the
/// same folder, synced, and renamed into place by [`StagedFile::commit`]. Dropped without a
/// commit (an error, an interruption), it removes the temporary file and leaves any previous
/// file at the path untouched. Used for models, cards and `classify -o` outputs.
#[derive(Debug)]
pub struct StagedFile {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl StagedFile {
    /// Starts a file that will replace `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
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
}
