//! The only code in renkei that changes files: atomic replacement, folder creation, removal.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;

use crate::error::ModelError;
use crate::mode::FileMode;

/// Temporary files are named `.renkei-XXXXXX.tmp`, so that a run interrupted between
/// creating one and renaming it leaves something [`remove_stale_temporaries`] can recognize.
const TEMP_PREFIX: &str = ".renkei-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files an interrupted write left in `dir`. Only call this while holding
/// the lock that serializes writers of `dir`: another writer's live temporary file looks
/// the same. A missing folder, or a file where the folder will be, has nothing to clean.
pub fn remove_stale_temporaries(dir: &Path) -> Result<usize, ModelError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        // No folder there (yet), or a file a push is about to prune: nothing to clean.
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(0);
        }
        Err(error) => {
            return Err(ModelError::Io {
                path: dir.to_path_buf(),
                source: error,
            });
        }
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_temporary = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
        if is_temporary && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            fs::remove_file(entry.path()).map_err(io_error(&entry.path()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Replaces `path` with `bytes` so that a reader (or a crash) sees either the old file or
/// the new one, never a mix: write a temporary file in the same folder, fsync it, rename it
/// over `path`, fsync the folder. The replacement keeps the permissions of the file it
/// replaces (a fix does not change what a file may do); a new file gets the usual
/// rw-r--r-- rather than the temporary file's private rw-------.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ModelError> {
    replace(path, bytes, None)
}

/// Replaces `path` with `bytes` as [`write_atomic`] does, leaving it with exactly `mode`
/// (an installed script is as runnable as its source, whatever was there before).
pub fn write_atomic_with_mode(path: &Path, bytes: &[u8], mode: FileMode) -> Result<(), ModelError> {
    replace(path, bytes, Some(mode))
}

fn replace(path: &Path, bytes: &[u8], mode: Option<FileMode>) -> Result<(), ModelError> {
    // Writing through a symbolic link means writing its target, not replacing the link.
    let resolved;
    let path = match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            resolved = fs::canonicalize(path).map_err(io_error(path))?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let permissions = match mode {
        Some(mode) => mode.permissions(),
        None => fs::metadata(path)
            .map(|metadata| metadata.permissions())
            .ok()
            .or_else(|| FileMode::Regular.permissions()),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io_error(dir))?;
    temp.write_all(bytes).map_err(io_error(temp.path()))?;
    if let Some(permissions) = permissions {
        temp.as_file()
            .set_permissions(permissions)
            .map_err(io_error(temp.path()))?;
    }
    temp.as_file().sync_all().map_err(io_error(temp.path()))?;
    temp.persist(path).map_err(|error| ModelError::Io {
        path: path.to_path_buf(),
        source: error.error,
    })?;
    sync_dir(dir)
}

/// Creates `dir` and its missing parents.
pub fn create_dir_all(dir: &Path) -> Result<(), ModelError> {
    fs::create_dir_all(dir).map_err(io_error(dir))
}

/// Removes the file at `path`, then its parent folders up to (not including) `stop` while
/// they are empty.
pub fn remove_file(path: &Path, stop: &Path) -> Result<(), ModelError> {
    match fs::remove_file(path) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(ModelError::Io {
                path: path.to_path_buf(),
                source: error,
            });
        }
    }
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current == stop || !current.starts_with(stop) || fs::remove_dir(current).is_err() {
            break;
        }
        dir = current.parent();
    }
    if let Some(parent) = path.parent() {
        let _ = sync_dir(parent);
    }
    Ok(())
}

/// Makes a rename or removal in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), ModelError> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|handle| handle.sync_all())
            .map_err(io_error(dir))?;
    }
    #[cfg(not(unix))]
    let _ = (dir, File::open);
    Ok(())
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ModelError + '_ {
    move |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    }
}
