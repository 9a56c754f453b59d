//! Planning and applying an install into one target folder.
//!
//! A plan compares what renkei would write with what is there and with the manifest of what
//! renkei wrote before. Dry runs and `--check` stop at the plan; a push applies it, and
//! refuses as a whole, before writing anything, when it would overwrite a file renkei did
//! not write or that was edited since.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use crate::error::AssembleError;
use crate::manifest::{Manifest, target_path};
use crate::render::Skill;
use crate::target::Target;
use renkei_model::FileMode;
use renkei_model::write::{
    create_dir_all, remove_file, remove_stale_temporaries, write_atomic_with_mode,
};

/// Lock file that serializes pushes into one target.
pub const LOCK_FILE: &str = ".renkei.lock";

/// Why renkei will not touch an existing file without `--force`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The manifest does not list the file: someone else put it there.
    NotWrittenByRenkei,
    /// The manifest lists the file, but its content changed since renkei wrote it.
    EditedSinceWritten,
}

impl Ownership {
    /// Explanation for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Ownership::NotWrittenByRenkei => "not written by renkei",
            Ownership::EditedSinceWritten => "edited since renkei wrote it",
        }
    }
}

/// What a push does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The file does not exist; it will be created.
    New,
    /// renkei's earlier output will be replaced.
    Changed,
    /// The file already has exactly this content.
    Unchanged,
    /// Refused: the file has other content renkei does not own.
    Conflict(Ownership),
    /// Overwritten although renkei does not own it, because of `--force`.
    Forced(Ownership),
    /// renkei wrote this file but no longer produces it; removed with `--prune`.
    Prune,
    /// renkei wrote this file, no longer produces it, and `--prune` was not given.
    Orphan,
    /// No longer produced, but edited since renkei wrote it: never pruned without `--force`.
    OrphanEdited,
}

impl Status {
    /// Short lowercase label for listings.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Conflict(_) => "conflict",
            Status::Forced(_) => "overwrite",
            Status::Prune => "prune",
            Status::Orphan => "orphan",
            Status::OrphanEdited => "orphan",
        }
    }

    /// Whether the target is out of date for `--check`.
    pub fn is_stale(self) -> bool {
        matches!(
            self,
            Status::New | Status::Changed | Status::Conflict(_) | Status::Forced(_)
        )
    }
}

/// One file's part of a plan.
#[derive(Debug, Clone)]
pub struct FileAction {
    /// Path relative to the target folder (`execution-lead/SKILL.md`).
    pub relative: String,
    /// What happens to it.
    pub status: Status,
    /// Current content and mode, when the file exists.
    pub current: Option<(Vec<u8>, FileMode)>,
    /// Content (shared with the rendered skill) and mode renkei would write; `None` for
    /// removals and orphans.
    pub desired: Option<(Arc<[u8]>, FileMode)>,
}

impl FileAction {
    /// The mode change this action makes, when it changes one.
    pub fn mode_change(&self) -> Option<(FileMode, FileMode)> {
        match (&self.current, &self.desired) {
            (Some((_, current)), Some((_, desired))) if current != desired => {
                Some((*current, *desired))
            }
            _ => None,
        }
    }
}

/// Options that change what a push may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct PushOptions {
    /// Overwrite (and prune) files renkei does not own.
    pub force: bool,
    /// Remove files renkei wrote earlier and no longer produces.
    pub prune: bool,
}

/// Everything a push into one target would do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The target.
    pub target: Target,
    /// One action per file, sorted by path.
    pub actions: Vec<FileAction>,
}

impl Plan {
    /// Files a push would refuse to overwrite.
    pub fn conflicts(&self) -> Vec<&FileAction> {
        self.actions
            .iter()
            .filter(|action| matches!(action.status, Status::Conflict(_)))
            .collect()
    }
}

/// Compares `skills` with the contents of `target`. `scope`, when given, lists the skill
/// folders this run is responsible for: only files inside them are candidates for pruning,
/// so `--only NAME` never prunes another skill. Without a scope the run owns every folder
/// in the manifest, which is how a removed archetype's skill gets pruned.
pub fn plan(
    target: &Target,
    skills: &[Skill],
    scope: Option<&BTreeSet<String>>,
    options: PushOptions,
) -> Result<Plan, AssembleError> {
    let manifest = Manifest::read(&target.dir)?;
    let mut files = TargetFiles::new(&target.dir);
    let mut actions = Vec::new();
    let mut produced = BTreeSet::new();
    for skill in skills
        .iter()
        .filter(|skill| target.accepts(skill.targets.as_deref()))
    {
        for file in skill.files_for(target.client) {
            let relative = format!("{}/{}", skill.name, file.relative);
            let current = files.read(&relative)?;
            let status = match &current {
                None => Status::New,
                Some((bytes, mode)) if **bytes == *file.bytes => {
                    // The content is already renkei's; only the mode is set back.
                    if *mode == file.mode {
                        Status::Unchanged
                    } else {
                        Status::Changed
                    }
                }
                Some((bytes, _)) if manifest.owns(&relative, bytes) => Status::Changed,
                Some(_) => {
                    let ownership = if manifest.lists(&relative) {
                        Ownership::EditedSinceWritten
                    } else {
                        Ownership::NotWrittenByRenkei
                    };
                    if options.force {
                        Status::Forced(ownership)
                    } else {
                        Status::Conflict(ownership)
                    }
                }
            };
            produced.insert(relative.clone());
            actions.push(FileAction {
                relative,
                status,
                current,
                desired: Some((Arc::clone(&file.bytes), file.mode)),
            });
        }
    }
    for relative in manifest.paths() {
        let skill_folder = relative.split('/').next().unwrap_or_default();
        if produced.contains(relative) || scope.is_some_and(|scope| !scope.contains(skill_folder)) {
            continue;
        }
        let Some(current) = files.read(relative)? else {
            continue;
        };
        let status = match (manifest.owns(relative, &current.0), options.prune) {
            (true, true) => Status::Prune,
            (false, true) if options.force => Status::Prune,
            (true, false) => Status::Orphan,
            (false, _) => Status::OrphanEdited,
        };
        actions.push(FileAction {
            relative: relative.to_string(),
            status,
            current: Some(current),
            desired: None,
        });
    }
    actions.sort_by(|a, b| a.relative.cmp(&b.relative));
    let clashes = path_clashes(&target.dir, &actions);
    if !clashes.is_empty() {
        return Err(AssembleError::PathClash {
            target: target.dir.clone(),
            paths: clashes,
        });
    }
    let broken = broken_sibling_links(target, skills, &actions);
    if !broken.is_empty() {
        return Err(AssembleError::StrayLinks { links: broken });
    }
    Ok(Plan {
        target: target.clone(),
        actions,
    })
}

/// Where a file to write needs a folder that cannot be one: a file the same push writes
/// (`SKILL.md` and `SKILL.md/x`), or a file already in the target that this push does not
/// remove. Found before anything is written, so that a push never stops half-way on them.
fn path_clashes(dir: &Path, actions: &[FileAction]) -> Vec<String> {
    let written: BTreeSet<&str> = actions
        .iter()
        .filter(|action| action.desired.is_some())
        .map(|action| action.relative.as_str())
        .collect();
    let pruned: BTreeSet<&str> = actions
        .iter()
        .filter(|action| action.status == Status::Prune)
        .map(|action| action.relative.as_str())
        .collect();
    let mut clashes = BTreeSet::new();
    for action in actions.iter().filter(|action| action.desired.is_some()) {
        let relative = action.relative.as_str();
        let folders = relative.match_indices('/').map(|(at, _)| &relative[..at]);
        for folder in folders {
            if written.contains(folder) {
                clashes.insert(format!(
                    "{folder} (a file of the skill, and the folder of {relative})"
                ));
            } else if !pruned.contains(folder) && is_file_in(dir, folder) {
                let hint = if actions
                    .iter()
                    .any(|other| other.relative == folder && other.status == Status::Orphan)
                {
                    "; --prune removes it"
                } else {
                    ""
                };
                clashes.insert(format!(
                    "{folder} (a file in the target where {relative} needs a folder{hint})"
                ));
            }
        }
    }
    clashes.into_iter().collect()
}

/// Whether something other than a folder is at `relative` in the target folder.
fn is_file_in(dir: &Path, relative: &str) -> bool {
    target_path(dir, relative)
        .is_ok_and(|path| fs::symlink_metadata(path).is_ok_and(|metadata| !metadata.is_dir()))
}

/// The links from skills going to `target` into other skills' folders that would lead
/// nowhere there once `actions` are applied: the file is neither written by them nor
/// already in the target and kept.
fn broken_sibling_links(target: &Target, skills: &[Skill], actions: &[FileAction]) -> Vec<String> {
    let mut pruned = BTreeSet::new();
    let mut kept = BTreeSet::new();
    for action in actions {
        let paths = if action.status == Status::Prune {
            &mut pruned
        } else {
            &mut kept
        };
        paths.insert(action.relative.as_str());
    }
    let mut broken = Vec::new();
    for skill in skills
        .iter()
        .filter(|skill| target.accepts(skill.targets.as_deref()))
    {
        for link in &skill.sibling_links {
            let path = format!("{}/{}", link.sibling, link.file);
            let planned = kept.range(path.as_str()..).next().is_some_and(|found| {
                *found == path || (path.ends_with('/') && found.starts_with(&path))
            });
            let there = planned || (!pruned.contains(path.as_str()) && on_disk(&target.dir, &path));
            if !there {
                broken.push(format!(
                    "{}: the link leads into skill `{}`, which target {} does not receive, so it breaks once installed",
                    link.at, link.sibling, target.label
                ));
            }
        }
    }
    broken
}

/// Whether a file (or, for a path ending in `/`, a folder) that this push does not plan is
/// at `relative` in the target folder.
fn on_disk(dir: &Path, relative: &str) -> bool {
    let folder = relative.strip_suffix('/');
    target_path(dir, folder.unwrap_or(relative)).is_ok_and(|path| {
        fs::symlink_metadata(path).is_ok_and(|metadata| {
            if folder.is_some() {
                metadata.is_dir()
            } else {
                metadata.is_file()
            }
        })
    })
}

/// Applies a plan made under the target's lock. Returns an error, having written nothing,
/// when the plan has conflicts.
fn apply(plan: &Plan) -> Result<(), AssembleError> {
    let conflicts = plan.conflicts();
    if !conflicts.is_empty() {
        return Err(AssembleError::Refused {
            target: plan.target.dir.clone(),
            conflicts: conflicts
                .iter()
                .filter_map(|action| match action.status {
                    Status::Conflict(ownership) => Some((action.relative.clone(), ownership)),
                    _ => None,
                })
                .collect(),
        });
    }
    let dir = &plan.target.dir;
    // Under the lock, any temporary file is a leftover of a push that was killed.
    let folders: BTreeSet<std::path::PathBuf> = plan
        .actions
        .iter()
        .filter_map(|action| {
            target_path(dir, &action.relative)
                .ok()?
                .parent()
                .map(Path::to_path_buf)
        })
        .chain(std::iter::once(dir.clone()))
        .collect();
    for folder in &folders {
        remove_stale_temporaries(folder)?;
    }
    let mut manifest = Manifest::read(dir)?;
    // First record the new content as renkei's, beside the old, so that whatever point a
    // crash interrupts the writes at, the next run recognizes every file as its own.
    for action in &plan.actions {
        if let (Some((bytes, mode)), true) = (&action.desired, action.status != Status::Unchanged) {
            manifest.add(&action.relative, bytes, *mode);
        }
    }
    manifest.write(dir)?;
    // Removals first: a file that is no longer produced may stand where a folder now goes.
    let (removals, writes): (Vec<&FileAction>, Vec<&FileAction>) = plan
        .actions
        .iter()
        .partition(|action| action.status == Status::Prune);
    for action in removals.into_iter().chain(writes) {
        let path = target_path(dir, &action.relative)?;
        match (action.status, &action.desired) {
            (Status::New | Status::Changed | Status::Forced(_), Some((bytes, mode))) => {
                if let Some(parent) = path.parent() {
                    create_dir_all(parent)?;
                }
                write_atomic_with_mode(&path, bytes, *mode)?;
                manifest.set(&action.relative, bytes, *mode);
            }
            (Status::Unchanged, Some((bytes, mode))) => {
                manifest.set(&action.relative, bytes, *mode);
            }
            (Status::Prune, _) => {
                remove_file(&path, dir)?;
                manifest.remove(&action.relative);
            }
            _ => {}
        }
    }
    manifest.write(dir)
}

/// Plans and applies a push into `target` while holding its lock, so that concurrent pushes
/// into one folder run one after the other. Returns the plan that was applied.
pub fn push(
    target: &Target,
    skills: &[Skill],
    scope: Option<&BTreeSet<String>>,
    options: PushOptions,
) -> Result<Plan, AssembleError> {
    create_dir_all(&target.dir)?;
    let lock_path = target.dir.join(LOCK_FILE);
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(AssembleError::io(&lock_path))?;
    lock.lock().map_err(AssembleError::io(&lock_path))?;
    let plan = plan(target, skills, scope, options)?;
    apply(&plan)?;
    Ok(plan)
}

/// Reads files in a target folder, refusing any path that runs through a symbolic link
/// (which could send a write or a removal outside the folder). Each folder on the way is
/// checked once, and nothing is asked of a folder known to be missing.
struct TargetFiles<'a> {
    dir: &'a Path,
    /// Folders already checked, and whether they exist.
    folders: HashMap<String, bool>,
}

impl<'a> TargetFiles<'a> {
    fn new(dir: &'a Path) -> Self {
        let mut folders = HashMap::new();
        folders.insert(String::new(), dir.is_dir());
        Self { dir, folders }
    }

    /// The content and mode of `relative`, or `None` when it does not exist.
    fn read(&mut self, relative: &str) -> Result<Option<(Vec<u8>, FileMode)>, AssembleError> {
        let path = target_path(self.dir, relative)?;
        let mut folder = String::new();
        let mut segments = relative.split('/').peekable();
        while let Some(segment) = segments.next() {
            if !self.folder_exists(&folder, relative)? {
                return Ok(None);
            }
            if segments.peek().is_some() {
                if !folder.is_empty() {
                    folder.push('/');
                }
                folder.push_str(segment);
            }
        }
        match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                Err(symlink_error(relative, &path))
            }
            // A FIFO or device where a skill file belongs is refused, not read.
            Ok(_) => Ok(Some(renkei_model::read::read_file_with_mode(&path)?)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(AssembleError::Io {
                path,
                source: error,
            }),
        }
    }

    fn folder_exists(&mut self, folder: &str, relative: &str) -> Result<bool, AssembleError> {
        if let Some(&exists) = self.folders.get(folder) {
            return Ok(exists);
        }
        let path = folder
            .split('/')
            .fold(self.dir.to_path_buf(), |path, segment| path.join(segment));
        let exists = match fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Err(symlink_error(relative, &path));
            }
            Ok(metadata) => metadata.is_dir(),
            Err(_) => false,
        };
        self.folders.insert(folder.to_string(), exists);
        Ok(exists)
    }
}

fn symlink_error(relative: &str, path: &Path) -> AssembleError {
    AssembleError::UnsafePath {
        path: relative.to_string(),
        reason: format!(
            "{} is a symbolic link; renkei does not write through links",
            path.display()
        ),
    }
}
