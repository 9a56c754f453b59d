//! The one way renkei reads a file: loading, lint, check, templates, configuration, reports
//! and the files already in a target all go through [`read_file`].
//!
//! A doctrine tree is someone else's folder. It may hold a FIFO named like doctrine (opening
//! it for reading blocks until a writer comes), a link to a device (`/dev/zero` never ends),
//! a socket, or a sparse file of a gigabyte. The reader opens without blocking, asks the
//! opened handle what it is, refuses anything but a regular file, and never reads more than
//! the size limit plus one byte, whatever the metadata said, so a file that grows while it
//! is read is refused too.

use std::fs;
use std::io::Read;
use std::path::Path;

use crate::error::ModelError;
use crate::mode::FileMode;

/// Largest file renkei reads. Doctrine is prose measured in kilobytes; the limit keeps a
/// stray multi-gigabyte file from being read into memory.
pub const MAX_SOURCE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the regular file at `path`, within [`MAX_SOURCE_FILE_BYTES`].
///
/// Refused before a byte is read: anything that is not a regular file once links are
/// followed (a FIFO, a socket, a device, a folder), and a file whose size is over the
/// limit. Refused after reading at most one byte past the limit: a file that grew past it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ModelError> {
    read_file_with_mode(path).map(|(bytes, _)| bytes)
}

/// Reads the file at `path` as [`read_file`] does, with its mode, asked of the same open
/// handle.
pub fn read_file_with_mode(path: &Path) -> Result<(Vec<u8>, FileMode), ModelError> {
    let io = |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = |metadata: &fs::Metadata| ModelError::NotRegularFile {
        path: path.to_path_buf(),
        kind: file_kind(&metadata.file_type()),
    };
    // The open handle is asked what it is, so nothing can swap the path in between. A
    // socket cannot be opened at all: only then is the path asked, to say what it is.
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(error) => {
            return Err(match fs::metadata(path) {
                Ok(named) if !named.is_file() => not_regular(&named),
                _ => io(error),
            });
        }
    };
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(not_regular(&metadata));
    }
    within_limit(path, metadata.len())?;
    let mode = FileMode::of(&metadata);
    Ok((read_limited(file, metadata.len(), path)?, mode))
}

/// Refuses a file of `size` bytes over [`MAX_SOURCE_FILE_BYTES`], wherever it is held.
pub fn within_limit(path: &Path, size: u64) -> Result<(), ModelError> {
    if size > MAX_SOURCE_FILE_BYTES {
        return Err(ModelError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_SOURCE_FILE_BYTES,
        });
    }
    Ok(())
}

/// Reads `reader` to its end, refusing it once it yields more than [`MAX_SOURCE_FILE_BYTES`];
/// `expected` is the size its metadata gave, used only to size the buffer.
pub fn read_limited(reader: impl Read, expected: u64, path: &Path) -> Result<Vec<u8>, ModelError> {
    let expected = expected.min(MAX_SOURCE_FILE_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    reader
        .take(MAX_SOURCE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_SOURCE_FILE_BYTES {
        return Err(ModelError::GrewPastLimit {
            path: path.to_path_buf(),
            limit: MAX_SOURCE_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// Whether the file at `path` is Markdown by its name: `.md` or `.markdown`, in any case, as
/// GitHub and editors take it.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown")
        })
}

/// Whether `bytes` look binary: a NUL byte in the first 8 KiB, which no text file holds,
/// whatever its name says.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// `bytes` as text, or where (line and character column) the first invalid byte is.
pub fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, ModelError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let line = prefix.matches('\n').count() + 1;
        let column = prefix
            .rsplit('\n')
            .next()
            .map_or(0, |last| last.chars().count())
            + 1;
        ModelError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })
}

/// Opens `path` for reading. On Unix the open does not wait for a FIFO's writer and does
/// not make a terminal the controlling one; the handle is then asked what it is.
fn open_without_blocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// What a file that is not a regular file is, in words for a message.
fn file_kind(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that yields more than its metadata promised, as a file does that grows
    /// while it is read.
    struct Growing(u64);

    impl Read for Growing {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let n = buffer
                .len()
                .min(usize::try_from(self.0).unwrap_or(usize::MAX));
            buffer[..n].fill(b'a');
            self.0 -= n as u64;
            Ok(n)
        }
    }

    #[test]
    fn a_source_that_grows_past_the_limit_is_refused() {
        let path = Path::new("grows.md");
        let error = read_limited(Growing(MAX_SOURCE_FILE_BYTES * 4), 10, path).unwrap_err();
        assert!(
            matches!(error, ModelError::GrewPastLimit { .. }),
            "{error:?}"
        );
        assert!(error.to_string().starts_with("grows.md: "), "{error}");
        let exact = read_limited(Growing(MAX_SOURCE_FILE_BYTES), 10, path).unwrap();
        assert_eq!(exact.len() as u64, MAX_SOURCE_FILE_BYTES);
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_by_kind_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_file(dir.path()).unwrap_err();
        assert!(
            error.to_string().contains(": a folder, not a regular file"),
            "{error}"
        );
        let error = read_file(Path::new("/dev/null")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains(": a character device, not a regular file"),
            "{error}"
        );
    }
}
