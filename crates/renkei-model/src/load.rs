//! Finding a doctrine root and loading every archetype under it.

use std::path::{Path, PathBuf};

use crate::archetype::{
    Archetype, ArchetypeConfig, Content, SourceFile, default_part_order, validate_config,
};
use crate::error::ModelError;
use crate::exclude::Excludes;
use crate::markdown::Markdown;
use crate::read::utf8;
use crate::source::{FileSource, Kind};
use crate::walk::{ARCHETYPE_FILE, Walk};
use crate::yaml::parse_yaml;

/// Folder, relative to the root, that holds `<stage>/<archetype>/` folders.
pub const ARCHETYPES_DIR: &str = "framework/archetypes";

/// Folders of an archetype whose files are doctrine: inlined, or shipped for the agent to
/// read, and linted.
pub const OPERATIONAL_DIRS: &[&str] = &["ethos", "doctrine", "references", "truth"];

/// Files at the top of an archetype folder that are about the archetype, not part of its
/// skill.
pub const NOT_SHIPPED: &[&str] = &[ARCHETYPE_FILE, CONTRACT_FILE];

/// Name of an archetype's own contract file.
pub const CONTRACT_FILE: &str = "contract.yaml";

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

/// Loads every `framework/archetypes/<stage>/<archetype>/` under `root`, from the disk.
pub fn load_framework(root: &Path) -> Result<Framework, ModelError> {
    load_framework_from(&Walk::on_disk(root))
}

/// Loads every archetype `walk` finds.
///
/// Only an archetypes folder that cannot be read is an error; a broken archetype (or a
/// second one with a name already taken) is recorded in [`Framework::problems`] so one bad
/// file does not hide the state of the others.
pub fn load_framework_from(walk: &Walk) -> Result<Framework, ModelError> {
    let archetypes_dir = walk.archetypes_dir();
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for dir in walk.archetype_dirs() {
        match dir {
            Ok(dir) => dirs.push(dir),
            Err(ModelError::Io { path, source }) if path == archetypes_dir => {
                return Err(ModelError::Io { path, source });
            }
            Err(problem) => problems.push(problem),
        }
    }
    let mut archetypes = Vec::new();
    for loaded in crate::parallel::parallel_map(&dirs, |dir| load_archetype(walk, dir)) {
        match loaded {
            Ok(archetype) => archetypes.push(archetype),
            Err(problem) => problems.push(problem),
        }
    }
    Ok(Framework {
        root: walk.root().to_path_buf(),
        archetypes,
        problems,
    })
}

/// Loads the archetype in `dir` (a `<stage>/<archetype>` folder `walk` found).
pub fn load_archetype(walk: &Walk, dir: &Path) -> Result<Archetype, ModelError> {
    let folder = file_name(dir);
    let stage = dir.parent().map(file_name).unwrap_or_default();
    let config_path = dir.join(ARCHETYPE_FILE);
    let config_text = walk.read_text(&config_path).map_err(|error| match error {
        ModelError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            ModelError::NoArchetypeYaml {
                path: config_path.clone(),
            }
        }
        other => other,
    })?;
    let config: ArchetypeConfig = parse_yaml(&config_path, &config_text)?;
    validate_config(&config, &config_path, &folder)?;
    let excludes = Excludes::new(config.exclude.as_deref().unwrap_or_default(), &config_path)?;
    let keep = |relative: &str, is_dir: bool| {
        let own = !is_dir && NOT_SHIPPED.contains(&relative);
        !own && !excludes.excludes(relative, is_dir) && !walk.excludes().excludes(relative, is_dir)
    };
    let mut files = Vec::new();
    for file in walk.all_files(dir, &keep) {
        files.push(file?);
    }
    let operational: Vec<String> = files
        .iter()
        .filter(|relative| {
            relative
                .split_once('/')
                .is_some_and(|(folder, _)| OPERATIONAL_DIRS.contains(&folder))
        })
        .cloned()
        .collect();

    let parts = match &config.parts {
        Some(listed) => select_listed(walk, dir, &config_path, listed)?,
        None => default_parts(&operational),
    };
    let references = match &config.references {
        Some(listed) => select_listed(walk, dir, &config_path, listed)?,
        None => operational
            .iter()
            .filter(|relative| {
                relative.starts_with("references/") || relative.starts_with("truth/")
            })
            .filter(|relative| !parts.contains(relative))
            .cloned()
            .collect(),
    };
    // A file listed by name is part of the skill even where `exclude:` would leave it out.
    let mut shipped: Vec<&String> = files
        .iter()
        .chain(&references)
        .filter(|relative| !parts.contains(relative))
        .collect();
    shipped.sort();
    shipped.dedup();
    let read = |relative: &String| read_source(walk.source().as_ref(), dir, relative);
    Ok(Archetype {
        stage,
        dir: dir.to_path_buf(),
        config_path,
        config_text,
        config,
        parts: parts.iter().map(read).collect::<Result<_, _>>()?,
        shipped: shipped.into_iter().map(read).collect::<Result<_, _>>()?,
        references,
        operational,
        archetypes: walk.archetypes_relative().to_string(),
    })
}

fn default_parts(files: &[String]) -> Vec<String> {
    let is_part = |relative: &String| {
        (relative.starts_with("ethos/") || relative.starts_with("doctrine/"))
            && crate::read::is_markdown(Path::new(relative))
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
    walk: &Walk,
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
            } else if walk.source().kind(&dir.join(relative)) != Some(Kind::File) {
                Some(format!("`{relative}` does not exist in {}", dir.display()))
            } else {
                walk.ensure_inside_root(&dir.join(relative))
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
fn read_source(
    source: &dyn FileSource,
    dir: &Path,
    relative: &str,
) -> Result<SourceFile, ModelError> {
    let path = dir.join(relative);
    let (bytes, mode) = source.read_with_mode(&path)?;
    let content = if crate::read::is_markdown(Path::new(relative)) {
        // It would ship inside SKILL.md; the lint refuses it too.
        if crate::read::looks_binary(&bytes) {
            return Err(ModelError::Binary { path });
        }
        let mut text = utf8(&path, bytes)?;
        // A byte order mark is no part of the text: left in, it would sit before the first
        // heading once the file is inlined, and the heading would be a heading no more.
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let markdown = Markdown::new(text).map_err(|source| ModelError::TooDeep {
            path: path.clone(),
            source,
        })?;
        Content::Markdown(Box::new(markdown))
    } else {
        Content::Other(bytes.into())
    };
    Ok(SourceFile {
        relative: relative.to_string(),
        path,
        mode,
        content,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}
