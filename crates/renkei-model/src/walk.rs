//! The one walk of a doctrine tree, and its one policy for symbolic links. Loading, the
//! lint and the check all find archetypes and their files here.
//!
//! The walk is sequential and sorted by file name, so that every command meets files in
//! the same order and prints them so. A symbolic link is followed only where it stays
//! inside the root: a folder written as a link (an operational folder or one below it) is
//! walked, as its files ship, and a file written as a link is read. A link that leads out
//! of the root, or back into a folder the walk is in, is an error in its place, so a walk
//! always ends.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::error::ModelError;
use crate::exclude::Excludes;
use crate::load::{ARCHETYPES_DIR, OPERATIONAL_DIRS};
use crate::source::{Entry, FileSource, Kind};

/// Name of an archetype's configuration file.
pub const ARCHETYPE_FILE: &str = "archetype.yaml";

/// A walk of the tree under one doctrine root, through a [`FileSource`].
#[derive(Debug, Clone)]
pub struct Walk {
    source: Arc<dyn FileSource>,
    root: PathBuf,
    /// What every archetype leaves out of its skill (`exclude:` in `renkei.yaml`).
    excludes: Arc<Excludes>,
    /// The archetypes folder, relative to the root with `/` separators (`archetypes:` in
    /// `renkei.yaml`; [`ARCHETYPES_DIR`] by default).
    archetypes: Arc<str>,
    /// Resolved when the first symbolic link is met: most trees have none.
    canonical_root: Arc<OnceLock<PathBuf>>,
}

impl Walk {
    /// A walk of `root` (the folder holding `framework/archetypes/`) read from `source`.
    pub fn new(source: Arc<dyn FileSource>, root: &Path) -> Self {
        Self {
            source,
            root: root.to_path_buf(),
            excludes: Arc::new(Excludes::default()),
            archetypes: Arc::from(ARCHETYPES_DIR),
            canonical_root: Arc::new(OnceLock::new()),
        }
    }

    /// This walk, with its archetypes in `relative` (to the root, `/`-separated).
    #[must_use]
    pub fn with_archetypes(mut self, relative: &str) -> Self {
        self.archetypes = Arc::from(relative);
        self
    }

    /// The archetypes folder, relative to the root (`framework/archetypes`).
    pub fn archetypes_relative(&self) -> &str {
        &self.archetypes
    }

    /// The archetypes folder.
    pub fn archetypes_dir(&self) -> PathBuf {
        self.root.join(&*self.archetypes)
    }

    /// This walk, with `excludes` left out of every archetype's skill.
    #[must_use]
    pub fn with_excludes(mut self, excludes: Arc<Excludes>) -> Self {
        self.excludes = excludes;
        self
    }

    /// What every archetype leaves out of its skill.
    pub fn excludes(&self) -> &Excludes {
        &self.excludes
    }

    /// A walk of `root` on the disk.
    pub fn on_disk(root: &Path) -> Self {
        Self::new(Arc::new(crate::source::Disk), root)
    }

    /// The source the walk reads.
    pub fn source(&self) -> &Arc<dyn FileSource> {
        &self.source
    }

    /// The root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The `<stage>/<archetype>` folders, sorted, found one stage at a time so that work on
    /// the first can start before the last is found. Links at these two levels are not
    /// followed. A folder whose name an earlier stage already used is an error in its
    /// place: a skill is installed under its name, so two stages cannot both have one.
    pub fn archetype_dirs(
        &self,
    ) -> impl Iterator<Item = Result<PathBuf, ModelError>> + Send + use<> {
        let archetypes = self.archetypes_dir();
        let source = Arc::clone(&self.source);
        let stages: Vec<Result<PathBuf, ModelError>> = match source.entries(&archetypes) {
            Ok(entries) => entries
                .into_iter()
                .filter(is_real_dir)
                .map(|entry| Ok(entry.path))
                .collect(),
            Err(error) => vec![Err(io_error(&archetypes, error))],
        };
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        stages.into_iter().flat_map(move |stage| {
            let listed = stage.and_then(|stage| {
                source
                    .entries(&stage)
                    .map_err(|error| io_error(&stage, error))
            });
            match listed {
                Ok(entries) => entries
                    .into_iter()
                    .filter(is_real_dir)
                    .map(|entry| named(entry.path, &mut seen))
                    .collect(),
                Err(error) => vec![Err(error)],
            }
        })
    }

    /// The doctrine files of the archetype folder `dir`, relative to it with `/`
    /// separators, in walk order: `archetype.yaml` if it is there, then every file of the
    /// operational folders, folder by folder in name order. What cannot be walked or may
    /// not be followed is an error in its place, and the walk goes on. A FIFO, a socket or
    /// a device is listed like a file, so that reading it says what it is.
    pub fn archetype_files(&self, dir: &Path) -> Vec<Result<String, ModelError>> {
        self.files_under(dir, &|relative, is_dir| {
            if is_dir {
                OPERATIONAL_DIRS.contains(&relative) || relative.contains('/')
            } else {
                relative == ARCHETYPE_FILE || relative.contains('/')
            }
        })
    }

    /// Every file of the archetype folder `dir`, at any depth, as [`Walk::archetype_files`]
    /// lists them, except what `keep` refuses: it is asked of each path (relative, and
    /// whether it is a folder) before a folder is entered or a file listed.
    pub fn all_files(
        &self,
        dir: &Path,
        keep: &dyn Fn(&str, bool) -> bool,
    ) -> Vec<Result<String, ModelError>> {
        self.files_under(dir, keep)
    }

    fn files_under(
        &self,
        dir: &Path,
        keep: &dyn Fn(&str, bool) -> bool,
    ) -> Vec<Result<String, ModelError>> {
        let entry = Entry {
            path: dir.to_path_buf(),
            kind: Kind::Dir,
            symlink: false,
        };
        let mut files = Vec::new();
        self.folder_files(dir, &entry, keep, &mut Vec::new(), &mut files);
        files
    }

    /// Every file below the folder `entry` (depth first, sorted) that `keep` keeps,
    /// relative to `dir`. A folder written as a link is followed when it stays inside the
    /// root and does not lead back into a folder of this walk (`followed` holds where the
    /// links on the way here lead); otherwise it is an error in its place.
    fn folder_files(
        &self,
        dir: &Path,
        entry: &Entry,
        keep: &dyn Fn(&str, bool) -> bool,
        followed: &mut Vec<PathBuf>,
        files: &mut Vec<Result<String, ModelError>>,
    ) {
        let linked = match self.follow(entry, followed) {
            Ok(linked) => linked,
            Err(error) => return files.push(Err(error)),
        };
        match self.source.entries(&entry.path) {
            Ok(entries) => {
                for inner in entries {
                    let is_dir = inner.kind == Kind::Dir;
                    let named = relative(dir, &inner.path);
                    // A name that is not UTF-8 is asked about as it would print, so that a
                    // folder kept is still walked and what is in it refused file by file.
                    let shown = named.as_ref().map_or_else(
                        |_| lossy_relative(dir, &inner.path),
                        std::clone::Clone::clone,
                    );
                    if !keep(&shown, is_dir) {
                        continue;
                    }
                    if is_dir {
                        self.folder_files(dir, &inner, keep, followed, files);
                    } else {
                        files.push(self.allowed(&inner).and(named));
                    }
                }
            }
            Err(error) => files.push(Err(io_error(&entry.path, error))),
        }
        if linked {
            followed.pop();
        }
    }

    /// Whether the folder `entry` is a link to follow (and then where it leads is pushed on
    /// `followed`), or why it may not be followed.
    fn follow(&self, entry: &Entry, followed: &mut Vec<PathBuf>) -> Result<bool, ModelError> {
        if !entry.symlink {
            return Ok(false);
        }
        self.ensure_inside_root(&entry.path)?;
        let target = self
            .source
            .canonical(&entry.path)
            .map_err(|error| io_error(&entry.path, error))?;
        let here = entry
            .path
            .parent()
            .map(|parent| self.source.canonical(parent))
            .transpose()
            .map_err(|error| io_error(&entry.path, error))?;
        let loops = followed.iter().any(|before| before.starts_with(&target))
            || here.is_some_and(|here| here.starts_with(&target));
        if loops {
            return Err(io_error(
                &entry.path,
                io::Error::other("the link leads back into a folder being walked; not followed"),
            ));
        }
        followed.push(target);
        Ok(true)
    }

    /// Refuses the entry if it is a symbolic link that leads out of the root.
    fn allowed(&self, entry: &Entry) -> Result<(), ModelError> {
        if entry.symlink {
            self.ensure_inside_root(&entry.path)?;
        }
        Ok(())
    }

    /// Refuses `path` if, once its links are followed, it is outside the root.
    pub fn ensure_inside_root(&self, path: &Path) -> Result<(), ModelError> {
        let root = self.canonical_root.get_or_init(|| {
            self.source
                .canonical(&self.root)
                .unwrap_or_else(|_| self.root.clone())
        });
        let target = self
            .source
            .canonical(path)
            .map_err(|error| io_error(path, error))?;
        if target.starts_with(root) {
            Ok(())
        } else {
            Err(ModelError::SymlinkEscapesRoot {
                path: path.to_path_buf(),
                root: root.clone(),
            })
        }
    }

    /// Reads the UTF-8 text at `path`, refusing a symbolic link that leads out of the root.
    pub fn read_text(&self, path: &Path) -> Result<String, ModelError> {
        if self.source.is_symlink(path) {
            self.ensure_inside_root(path)?;
        }
        crate::read::utf8(path, self.source.read(path)?)
    }
}

/// A folder that is not a link.
fn is_real_dir(entry: &Entry) -> bool {
    entry.kind == Kind::Dir && !entry.symlink
}

/// The archetype folder at `path`, or why not: a name that is not UTF-8, or one an earlier
/// stage already used.
fn named(path: PathBuf, seen: &mut HashMap<String, PathBuf>) -> Result<PathBuf, ModelError> {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return Err(ModelError::NonUtf8Name { path });
    };
    let name = name.to_string();
    match seen.insert(name.clone(), path.clone()) {
        Some(first) => Err(ModelError::DuplicateName {
            name,
            first,
            second: path,
        }),
        None => Ok(path),
    }
}

/// `path` relative to `dir`, with `/` separators on every platform, so output is
/// byte-identical; a name that is not UTF-8 is an error.
fn relative(dir: &Path, path: &Path) -> Result<String, ModelError> {
    let inside = path.strip_prefix(dir).unwrap_or(path);
    let mut relative = String::new();
    for component in inside.components() {
        let Some(part) = component.as_os_str().to_str() else {
            return Err(ModelError::NonUtf8Name {
                path: path.to_path_buf(),
            });
        };
        if !relative.is_empty() {
            relative.push('/');
        }
        relative.push_str(part);
    }
    Ok(relative)
}

/// `path` relative to `dir` as [`relative`] writes it, with any name that is not UTF-8 made
/// readable.
fn lossy_relative(dir: &Path, path: &Path) -> String {
    let inside = path.strip_prefix(dir).unwrap_or(path);
    inside
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn io_error(path: &Path, source: io::Error) -> ModelError {
    ModelError::Io {
        path: path.to_path_buf(),
        source,
    }
}
