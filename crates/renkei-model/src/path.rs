//! Paths as the user means them: absolute, without `.` and `..`, with the part that exists
//! resolved through its links and the part that does not kept as written. A target not
//! made yet, or a buffer named for a file not saved yet, is then compared by where it
//! will be.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` taken away as written, without asking the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut kept = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    kept
}

/// `path` made absolute (from the current folder) and [`lexical`], with its longest
/// existing prefix resolved (links followed) and the rest appended as written; `None`
/// when there is no current folder.
pub fn resolved(path: &Path) -> Option<PathBuf> {
    let full = lexical(&std::path::absolute(path).ok()?);
    let mut existing = full.clone();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match (
            existing.file_name().map(ToOwned::to_owned),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    Some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_go_and_what_does_not_exist_is_kept_as_written() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), Path::new("/a/c"));
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let resolved = resolved(&dir.path().join("new/../made/later.md")).unwrap();
        assert_eq!(resolved, root.join("made/later.md"));
    }
}
