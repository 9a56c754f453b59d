//! The one file mode renkei keeps: whether a file is executable.
//!
//! A skill's script must stay runnable once installed (`scripts/run.sh` that lost its
//! executable bit fails with "Permission denied"). renkei keeps the mode the way git
//! does, as one of two values written `0644` and `0755`, so that a tree checked out
//! under any umask installs, and compares, the same everywhere.

use std::fmt;
use std::fs;

/// Whether a file is executable, as git records it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileMode {
    /// Read and written, not run (`0644`).
    #[default]
    Regular,
    /// Run by the skill's doctrine (`0755`).
    Executable,
}

impl FileMode {
    /// The mode of a file from its metadata: executable when its owner may run it. Where
    /// the system has no such bit, every file is regular.
    pub fn of(metadata: &fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if metadata.permissions().mode() & 0o100 != 0 {
                return Self::Executable;
            }
        }
        #[cfg(not(unix))]
        let _ = metadata;
        Self::Regular
    }

    /// The permissions a file of this mode is written with (`None` where the system has
    /// no mode bits to set).
    pub fn permissions(self) -> Option<fs::Permissions> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            Some(fs::Permissions::from_mode(self.octal()))
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// The mode as octal permission bits.
    pub fn octal(self) -> u32 {
        match self {
            Self::Regular => 0o644,
            Self::Executable => 0o755,
        }
    }

    /// Reads the four-digit form [`fmt::Display`] writes.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "0644" => Some(Self::Regular),
            "0755" => Some(Self::Executable),
            _ => None,
        }
    }
}

impl fmt::Display for FileMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{:04o}", self.octal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_written_and_read_as_git_writes_them() {
        for mode in [FileMode::Regular, FileMode::Executable] {
            assert_eq!(FileMode::parse(&mode.to_string()), Some(mode));
        }
        assert_eq!(FileMode::Executable.to_string(), "0755");
        assert_eq!(FileMode::parse("0777"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_its_owner_may_run_is_executable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, "#!/bin/sh\n").unwrap();
        assert_eq!(
            FileMode::of(&fs::metadata(&path).unwrap()),
            FileMode::Regular
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(
            FileMode::of(&fs::metadata(&path).unwrap()),
            FileMode::Executable
        );
    }
}
