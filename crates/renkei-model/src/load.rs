//! Finding a doctrine root and loading every archetype under it.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::archetype::{
    Archetype, ArchetypeConfig, Content, SourceFile, default_part_order, validate_config,
};
use crate::error::ModelError;
use crate::markdown::Markdown;
use crate::read::{read_file, read_text, utf8};
use crate::yaml::parse_yaml;

/// Folder, relative to the root, that holds `<stage>/<archetype>/` folders.
pub const ARCHETYPES_DIR: &str = "framework/archetypes";

/// Folders of an archetype whose files are doctrine (inlined or shipped).
pub const OPERATIONAL_DIRS: &[&str] = &["ethos", "doctrine", "references", "truth"];

/// A loaded doctrine tree.
#[derive(Debug)]
pub struct Framework {
    /// The root folder (holding `framework/` and optionally `templates/` and `renkei.yaml`).
    pub root: PathBuf,
    /// Archetypes that loaded, sorted by stage then name.
    pub archetypes: Vec<Archetype>,
    /// Archetypes that did not load, each with why. The others are still usable.
    pub problems: Vec<ModelError>,
}

/// The nearest folder at or above `start` that holds `framework/archetypes/` or `renkei.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf, ModelError> {
    start
        .ancestors()
        .find(|dir| dir.join(ARCHETYPES_DIR).is_dir() || dir.join("renkei.yaml").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| ModelError::RootNotFound {
            start: start.to_path_buf(),
        })
}

/// Loads every `framework/archetypes/<stage>/<archetype>/` under `root`.
///
/// Only a root that cannot be read is an error; a broken archetype is recorded in
/// [`Framework::problems`] so one bad file does not hide the state of the others.
pub fn load_framework(root: &Path) -> Result<Framework, ModelError> {
    let mut archetypes = Vec::new();
    let mut problems = Vec::new();
    let dirs = archetype_dirs(root)?;
    for loaded in crate::parallel::parallel_map(&dirs, |dir| load_archetype(root, dir)) {
        match loaded {
            Ok(archetype) => archetypes.push(archetype),
            Err(problem) => problems.push(problem),
        }
    }
    Ok(Framework {
        root: root.to_path_buf(),
        archetypes,
        problems,
    })
}

/// The `<stage>/<archetype>` folders, sorted, without following symbolic links.
pub fn archetype_dirs(root: &Path) -> Result<Vec<PathBuf>, ModelError> {
    walk_archetype_dirs(root).collect()
}

/// The `<stage>/<archetype>` folders, sorted, as the walk finds them, so that work on the
/// first can start before the last is found. A folder whose name an earlier stage already
/// used is an error in its place: a skill is installed under its name, so two stages cannot
/// both have one.
pub fn walk_archetype_dirs(
    root: &Path,
) -> impl Iterator<Item = Result<PathBuf, ModelError>> + Send + use<> {
    let archetypes_dir = root.join(ARCHETYPES_DIR);
    let mut seen: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    WalkDir::new(&archetypes_dir)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => return Some(Err(walk_error(&archetypes_dir, error))),
            };
            if !entry.file_type().is_dir() {
                return None;
            }
            if entry.file_name().to_str().is_none() {
                return Some(Err(ModelError::NonUtf8Name {
                    path: entry.into_path(),
                }));
            }
            let name = file_name(entry.path());
            Some(
                match seen.insert(name.clone(), entry.path().to_path_buf()) {
                    Some(first) => Err(ModelError::DuplicateName {
                        name,
                        first,
                        second: entry.into_path(),
                    }),
                    None => Ok(entry.into_path()),
                },
            )
        })
}

fn walk_error(fallback: &Path, error: walkdir::Error) -> ModelError {
    let path = error.path().unwrap_or(fallback).to_path_buf();
    let source = error
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
    ModelError::Io { path, source }
}

/// Loads the archetype in `dir` (a `<stage>/<archetype>` folder under `root`).
pub fn load_archetype(root: &Path, dir: &Path) -> Result<Archetype, ModelError> {
    let folder = file_name(dir);
    let stage = dir.parent().map(file_name).unwrap_or_default();
    let config_path = dir.join("archetype.yaml");
    let config_text = read_text(root, &config_path)?;
    let config: ArchetypeConfig = parse_yaml(&config_path, &config_text)?;
    validate_config(&config, &config_path, &folder)?;

    let files = operational_files(root, dir)?;
    let parts = match &config.parts {
        Some(listed) => select_listed(root, dir, &config_path, listed)?,
        None => default_parts(&files),
    };
    let references = match &config.references {
        Some(listed) => select_listed(root, dir, &config_path, listed)?,
        None => files
            .iter()
            .filter(|relative| {
                relative.starts_with("references/") || relative.starts_with("truth/")
            })
            .cloned()
            .collect(),
    };
    Ok(Archetype {
        stage,
        dir: dir.to_path_buf(),
        config_path,
        config_text,
        config,
        parts: parts
            .iter()
            .map(|relative| read_source(dir, relative))
            .collect::<Result<_, _>>()?,
        references: references
            .iter()
            .map(|relative| read_source(dir, relative))
            .collect::<Result<_, _>>()?,
        operational: files,
    })
}

/// Every file in the operational folders, relative to `dir`, sorted.
fn operational_files(root: &Path, dir: &Path) -> Result<Vec<String>, ModelError> {
    let mut files = Vec::new();
    for folder in OPERATIONAL_DIRS {
        let folder_path = dir.join(folder);
        for entry in WalkDir::new(&folder_path).sort_by_file_name() {
            // Most archetypes lack a folder or two: a missing one is no error, and asking
            // the walk is one system call fewer than asking first.
            let missing = |error: &walkdir::Error| {
                error.depth() == 0
                    && error
                        .io_error()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
            };
            let entry = match entry {
                Err(error) if missing(&error) => break,
                entry => entry.map_err(|error| walk_error(&folder_path, error))?,
            };
            if entry.file_type().is_dir() {
                continue;
            }
            if entry.path_is_symlink() {
                ensure_inside_root(root, entry.path())?;
            }
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            if relative.to_str().is_none() {
                return Err(ModelError::NonUtf8Name {
                    path: entry.into_path(),
                });
            }
            files.push(slash_path(relative));
        }
    }
    Ok(files)
}

fn default_parts(files: &[String]) -> Vec<String> {
    let is_part = |relative: &String| {
        (relative.starts_with("ethos/") || relative.starts_with("doctrine/"))
            && relative.ends_with(".md")
    };
    let rank = |relative: &String| {
        let folder_rank = usize::from(relative.starts_with("doctrine/"));
        let listed = default_part_order()
            .iter()
            .position(|known| known == relative);
        (folder_rank, listed.unwrap_or(usize::MAX), relative.clone())
    };
    let mut parts: Vec<String> = files
        .iter()
        .filter(|relative| is_part(relative))
        .cloned()
        .collect();
    parts.sort_by_key(rank);
    parts
}

/// Paths listed in `archetype.yaml`, checked to exist and to stay inside the archetype.
fn select_listed(
    root: &Path,
    dir: &Path,
    config_path: &Path,
    listed: &[serde_saphyr::Spanned<String>],
) -> Result<Vec<String>, ModelError> {
    listed
        .iter()
        .map(|entry| {
            let relative = entry.value.as_str();
            let escapes = Path::new(relative).is_absolute()
                || relative
                    .split(['/', '\\'])
                    .any(|segment| segment == ".." || segment.is_empty());
            let problem = if escapes {
                Some(format!(
                    "`{relative}` must be a relative path inside the archetype folder"
                ))
            } else if !dir.join(relative).is_file() {
                Some(format!("`{relative}` does not exist in {}", dir.display()))
            } else {
                ensure_inside_root(root, &dir.join(relative))
                    .err()
                    .map(|error| error.to_string())
            };
            match problem {
                Some(message) => Err(ModelError::InvalidArchetype {
                    path: config_path.to_path_buf(),
                    line: entry.referenced.line().max(1),
                    column: entry.referenced.column().max(1),
                    message,
                }),
                None => Ok(relative.to_string()),
            }
        })
        .collect()
}

/// Reads a part or reference; its path came from the walk of the operational folders or from
/// the checked list in `archetype.yaml`, both of which refuse symbolic links that leave the
/// root.
fn read_source(dir: &Path, relative: &str) -> Result<SourceFile, ModelError> {
    let path = dir.join(relative);
    let bytes = read_file(&path)?;
    let content = if relative.ends_with(".md") {
        // It would ship inside SKILL.md; the lint refuses it too.
        if crate::read::looks_binary(&bytes) {
            return Err(ModelError::Binary { path });
        }
        let text = utf8(&path, bytes)?;
        let markdown = Markdown::new(text).map_err(|source| ModelError::TooDeep {
            path: path.clone(),
            source,
        })?;
        Content::Markdown(Box::new(markdown))
    } else {
        Content::Other(bytes)
    };
    Ok(SourceFile {
        relative: relative.to_string(),
        path,
        content,
    })
}

pub(crate) fn ensure_inside_root(root: &Path, path: &Path) -> Result<(), ModelError> {
    let io = |source| ModelError::Io {
        path: path.to_path_buf(),
        source,
    };
    let root = fs::canonicalize(root).map_err(io)?;
    let target = fs::canonicalize(path).map_err(io)?;
    if target.starts_with(&root) {
        Ok(())
    } else {
        Err(ModelError::SymlinkEscapesRoot {
            path: path.to_path_buf(),
            root,
        })
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A relative path with `/` separators on every platform, so output is byte-identical.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
