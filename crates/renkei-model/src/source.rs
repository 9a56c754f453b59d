//! Where renkei reads doctrine from: the disk, or unsaved texts laid over it.
//!
//! Loading, the walk of a tree, contract rules and link resolution ask a [`FileSource`], never
//! the file system, so that an editor can check the buffer being typed with the same code
//! and configuration as the command line: an [`Overlay`] answers for the files it holds and
//! passes every other question to the source below it, or to none at all.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::ModelError;
use crate::mode::FileMode;

/// What a path is, once symbolic links are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// Anything else (a FIFO, a socket, a device) or a dangling link: a walk lists it, so
    /// that reading it names it and says why it is refused.
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path: the folder's path joined with its name.
    pub path: PathBuf,
    /// What it is, following a symbolic link.
    pub kind: Kind,
    /// Whether it is a symbolic link.
    pub symlink: bool,
}

/// A place to read doctrine from.
pub trait FileSource: Send + Sync + std::fmt::Debug {
    /// The bytes of the file at `path`, within [`crate::read::MAX_SOURCE_FILE_BYTES`];
    /// anything but a regular file is refused by name.
    fn read(&self, path: &Path) -> Result<Vec<u8>, ModelError> {
        self.read_with_mode(path).map(|(bytes, _)| bytes)
    }

    /// The bytes of the file at `path`, as [`FileSource::read`] gives them, and its mode.
    fn read_with_mode(&self, path: &Path) -> Result<(Vec<u8>, FileMode), ModelError>;

    /// The entries of the folder `dir`, sorted by file name.
    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>>;

    /// What `path` is, following symbolic links; `None` when nothing is there. A path with
    /// `..` resolves as the system resolves it: through folders that exist.
    fn kind(&self, path: &Path) -> Option<Kind>;

    /// Whether `path` itself is a symbolic link.
    fn is_symlink(&self, path: &Path) -> bool;

    /// Where `path` leads once every symbolic link is followed, for the policy that no
    /// link may lead out of the doctrine root.
    fn canonical(&self, path: &Path) -> io::Result<PathBuf>;
}

/// The file system, read through [`crate::read::read_file`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl FileSource for Disk {
    fn read_with_mode(&self, path: &Path) -> Result<(Vec<u8>, FileMode), ModelError> {
        crate::read::read_file_with_mode(path)
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            // The folder's own listing says what each entry is, without a system call;
            // only a link is followed, to say what it leads to.
            let file_type = entry.file_type()?;
            let symlink = file_type.is_symlink();
            let kind = if symlink {
                fs::metadata(entry.path())
                    .map_or(Kind::Other, |target| kind_of(&target.file_type()))
            } else {
                kind_of(&file_type)
            };
            entries.push((
                entry.file_name(),
                Entry {
                    path: entry.path(),
                    kind,
                    symlink,
                },
            ));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(entries.into_iter().map(|(_, entry)| entry).collect())
    }

    fn kind(&self, path: &Path) -> Option<Kind> {
        fs::metadata(path)
            .ok()
            .map(|metadata| kind_of(&metadata.file_type()))
    }

    fn is_symlink(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink())
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        fs::canonicalize(path)
    }
}

fn kind_of(file_type: &fs::FileType) -> Kind {
    if file_type.is_file() {
        Kind::File
    } else if file_type.is_dir() {
        Kind::Dir
    } else {
        Kind::Other
    }
}

/// Texts held in memory, in front of another source (or of nothing). A file it holds is
/// read from memory; a folder exists when the source below has it or a held file is inside
/// it. Paths are taken as given: hold them as the walk will ask for them (the root joined
/// with the relative path).
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    files: BTreeMap<PathBuf, Vec<u8>>,
    below: Option<Arc<dyn FileSource>>,
}

impl Overlay {
    /// An overlay over `below`, holding nothing yet.
    pub fn over(below: Arc<dyn FileSource>) -> Self {
        Self {
            files: BTreeMap::new(),
            below: Some(below),
        }
    }

    /// Holds `text` as the file at `path`, replacing what was held there.
    pub fn insert(&mut self, path: impl Into<PathBuf>, text: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), text.into());
    }

    /// Stops holding the file at `path`: the source below answers for it again.
    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// Whether a held file is inside `dir`.
    fn holds_inside(&self, dir: &Path) -> bool {
        self.files
            .range(dir.to_path_buf()..)
            .next()
            .is_some_and(|(path, _)| path != dir && path.starts_with(dir))
    }

    /// What `path`, written without `.` or `..`, is.
    fn plain_kind(&self, path: &Path) -> Option<Kind> {
        if self.files.contains_key(path) {
            Some(Kind::File)
        } else if self.holds_inside(path) {
            Some(Kind::Dir)
        } else {
            self.below.as_ref()?.kind(path)
        }
    }
}

impl FileSource for Overlay {
    /// A held text is a regular file: an editor's buffer has no mode of its own.
    fn read_with_mode(&self, path: &Path) -> Result<(Vec<u8>, FileMode), ModelError> {
        match (self.files.get(path), &self.below) {
            (Some(bytes), _) => {
                crate::read::within_limit(path, bytes.len() as u64)?;
                Ok((bytes.clone(), FileMode::Regular))
            }
            (None, Some(below)) => below.read_with_mode(path),
            (None, None) => Err(ModelError::Io {
                path: path.to_path_buf(),
                source: io::Error::from(io::ErrorKind::NotFound),
            }),
        }
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let below = match &self.below {
            Some(below) => match below.entries(dir) {
                Err(error) if error.kind() == io::ErrorKind::NotFound => None,
                listed => Some(listed?),
            },
            None => None,
        };
        let held = self
            .files
            .range(dir.to_path_buf()..)
            .take_while(|(path, _)| path.starts_with(dir))
            .filter_map(|(path, _)| {
                let name = path.strip_prefix(dir).ok()?.components().next()?;
                let child = dir.join(name);
                let kind = if child == *path {
                    Kind::File
                } else {
                    Kind::Dir
                };
                Some(Entry {
                    path: child,
                    kind,
                    symlink: false,
                })
            });
        if below.is_none() && !self.holds_inside(dir) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let mut by_name: BTreeMap<OsString, Entry> = BTreeMap::new();
        for entry in below.into_iter().flatten().chain(held) {
            let name = entry.path.file_name().unwrap_or_default().to_os_string();
            by_name.insert(name, entry);
        }
        Ok(by_name.into_values().collect())
    }

    fn kind(&self, path: &Path) -> Option<Kind> {
        // `.` and `..` are taken as the system takes them: only through a folder that
        // exists. `Path::components` drops a `.` inside a path, so the path is split here.
        let text = path.to_str()?;
        let mut resolved = PathBuf::from(if text.starts_with('/') { "/" } else { "" });
        for segment in text.split('/').filter(|segment| !segment.is_empty()) {
            let is_folder = resolved.as_os_str().is_empty()
                || resolved.parent().is_none()
                || self.plain_kind(&resolved) == Some(Kind::Dir);
            if !is_folder {
                return None;
            }
            match segment {
                "." => {}
                ".." => {
                    resolved.pop();
                }
                name => resolved.push(name),
            }
        }
        let kind = self.plain_kind(&resolved);
        // `x.md/` names a folder, as `x.md/.` does.
        kind.filter(|kind| *kind == Kind::Dir || !text.ends_with('/'))
    }

    fn is_symlink(&self, path: &Path) -> bool {
        let held = self.files.contains_key(path) || self.holds_inside(path);
        !held
            && self
                .below
                .as_ref()
                .is_some_and(|below| below.is_symlink(path))
    }

    fn canonical(&self, path: &Path) -> io::Result<PathBuf> {
        if self.files.contains_key(path) || self.holds_inside(path) {
            return Ok(path.to_path_buf());
        }
        match &self.below {
            Some(below) => below.canonical(path),
            None => Err(io::Error::from(io::ErrorKind::NotFound)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlay() -> Overlay {
        let mut overlay = Overlay::default();
        overlay.insert("/r/a/doctrine/process.md", "# Process\n");
        overlay.insert("/r/a/doctrine/deep/x.md", "x\n");
        overlay.insert("/r/a/archetype.yaml", "name: a\n");
        overlay
    }

    #[test]
    fn an_overlay_alone_lists_reads_and_resolves_what_it_holds() {
        let overlay = overlay();
        let names: Vec<_> = overlay
            .entries(Path::new("/r/a/doctrine"))
            .unwrap()
            .into_iter()
            .map(|entry| (entry.path, entry.kind))
            .collect();
        assert_eq!(
            names,
            [
                (PathBuf::from("/r/a/doctrine/deep"), Kind::Dir),
                (PathBuf::from("/r/a/doctrine/process.md"), Kind::File),
            ]
        );
        assert_eq!(
            overlay.read(Path::new("/r/a/archetype.yaml")).unwrap(),
            b"name: a\n"
        );
        assert!(overlay.read(Path::new("/r/a/missing.md")).is_err());
        assert_eq!(overlay.kind(Path::new("/r/a")), Some(Kind::Dir));
        assert_eq!(
            overlay.kind(Path::new("/r/a/doctrine/deep/../process.md")),
            Some(Kind::File)
        );
        // As on disk, `..` does not pass through a folder that is not there.
        assert_eq!(
            overlay.kind(Path::new("/r/a/missing/../archetype.yaml")),
            None
        );
        assert_eq!(overlay.kind(Path::new("/r/a/archetype.yaml/.")), None);
        assert_eq!(overlay.kind(Path::new("/r/a/archetype.yaml/")), None);
        assert_eq!(overlay.kind(Path::new("/r/a/")), Some(Kind::Dir));
        assert_eq!(
            overlay.entries(Path::new("/r/b")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn an_overlay_hides_the_file_below_and_adds_to_its_folders() {
        let dir = tempfile::tempdir().unwrap();
        let doctrine = dir.path().join("doctrine");
        fs::create_dir(&doctrine).unwrap();
        fs::write(doctrine.join("saved.md"), "on disk\n").unwrap();
        fs::write(doctrine.join("edited.md"), "on disk\n").unwrap();
        let mut overlay = Overlay::over(Arc::new(Disk));
        overlay.insert(doctrine.join("edited.md"), "unsaved\n");
        overlay.insert(doctrine.join("new.md"), "unsaved\n");
        let listed: Vec<_> = overlay
            .entries(&doctrine)
            .unwrap()
            .into_iter()
            .map(|entry| entry.path.file_name().unwrap().to_os_string())
            .collect();
        assert_eq!(listed, ["edited.md", "new.md", "saved.md"]);
        assert_eq!(
            overlay.read(&doctrine.join("edited.md")).unwrap(),
            b"unsaved\n"
        );
        assert_eq!(
            overlay.read(&doctrine.join("saved.md")).unwrap(),
            b"on disk\n"
        );
        overlay.remove(&doctrine.join("edited.md"));
        assert_eq!(
            overlay.read(&doctrine.join("edited.md")).unwrap(),
            b"on disk\n"
        );
    }
}
