//! Where `-o` writes: a regular file appears only when complete; a pipe, a device or a file
//! descriptor path is written as the output is made.

use std::fs::File;
use std::io;
use std::path::Path;

use anyhow::{Context, Result};
use paratopic_classifier::StagedFile;

/// An output file named with `-o`.
pub enum Destination {
    /// A regular file (new or existing, through any symbolic links): written to a temporary
    /// file beside it and renamed into place on [`Destination::commit`], so that an error or an
    /// interruption leaves the previous file untouched.
    Staged(StagedFile),
    /// A named pipe, a character device (`/dev/null`, a terminal) or a descriptor's link
    /// (`/dev/stdout`, `/dev/fd/3`): opened and written directly, since there is no
    /// file to replace; what was written before an error has been written.
    Direct(File),
}

impl Destination {
    /// Opens the destination `path` names.
    pub fn create(path: &Path) -> Result<Self> {
        if is_direct(path) {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(path)
                .with_context(|| format!("{}: cannot open the output", path.display()))?;
            return Ok(Self::Direct(file));
        }
        let staged =
            StagedFile::create(path).with_context(|| format!("{}: cannot create the output file", path.display()))?;
        Ok(Self::Staged(staged))
    }

    /// A handle to write to.
    pub fn writer(&self) -> io::Result<File> {
        match self {
            Self::Staged(staged) => staged.file().try_clone(),
            Self::Direct(file) => file.try_clone(),
        }
    }

    /// Puts a staged file in place; a direct output is already where it goes.
    pub fn commit(self) -> Result<()> {
        match self {
            Self::Staged(staged) => {
                let path = staged.path().to_path_buf();
                staged.commit().with_context(|| format!("{}", path.display()))
            }
            Self::Direct(_) => Ok(()),
        }
    }
}

/// Whether `path` names something other than a regular file to replace: an existing file that
/// is not regular (after following links), or a link in `/dev` or `/proc`, which stands for a
/// descriptor already open (`/dev/stdout` → `/proc/self/fd/1` → whatever the shell opened), not
/// for a file.
fn is_direct(path: &Path) -> bool {
    let descriptor = (path.starts_with("/dev") || path.starts_with("/proc"))
        && std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    descriptor || std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_staged_and_the_rest_written_directly() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_direct(&dir.path().join("new.jsonl")));
        std::fs::write(dir.path().join("old.jsonl"), "").unwrap();
        assert!(!is_direct(&dir.path().join("old.jsonl")));
        assert!(is_direct(Path::new("/dev/null")));
        assert!(is_direct(Path::new("/dev/stdout")));
        assert!(is_direct(Path::new("/proc/self/fd/1")));
    }
}
