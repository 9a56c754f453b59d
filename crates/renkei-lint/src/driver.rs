//! Linting many files: discovery, parallel workers, fixes.
//!
//! Files stream from the walker to the workers one path at a time, and each linted file
//! streams on to the caller as soon as the files before it are done, so memory does not grow
//! with the size of the tree.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use renkei_model::read::is_markdown;
use renkei_model::read::utf8;
use renkei_model::walk::ARCHETYPE_FILE;
use renkei_model::{
    Archetype, Diagnostic, Edit, FileSource, ModelError, RuleMeta, Walk, apply_edits,
};

use crate::engine::lint_text;
use crate::rules::RuleSet;

/// Rule id of the finding for a file that could not be linted.
pub const UNREADABLE_FILE: &str = "lint/unreadable-file";

/// The rule [`UNREADABLE_FILE`] names.
pub const UNREADABLE_FILE_RULE: RuleMeta = RuleMeta::error(
    UNREADABLE_FILE,
    "every file given can be read and linted as UTF-8 text",
    "A file the lint cannot read is a file nobody checked; reporting it keeps a silent skip \
     from passing for a clean result.",
)
.fix("Save the file as UTF-8 text, or leave it out of the files given to the lint.")
.example(
    "notes.md, saved as Latin-1: caf\\xe9 (byte 0xE9 is not UTF-8)",
    "notes.md, saved as UTF-8: café",
);

/// What to do with findings that have exactly one replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    Off,
    /// Rewrite the files.
    Write,
    /// Compute the rewritten text without writing it.
    Preview,
}

/// A file whose fixable findings were (or would be) fixed.
#[derive(Debug, Clone)]
pub struct FixedFile {
    /// Its text before.
    pub before: String,
    /// Its text after.
    pub after: String,
    /// How many findings were fixed.
    pub fixes: usize,
}

/// The result of linting one file.
#[derive(Debug)]
pub struct LintedFile {
    /// The file.
    pub path: PathBuf,
    /// Findings that remain (fixed ones are left out when fixes were written), sorted by
    /// position.
    pub diagnostics: Vec<Diagnostic>,
    /// The fix, when the file was (or in preview would be) rewritten.
    pub fixed: Option<FixedFile>,
    /// Whether the file could not be read or written (reported as `lint/unreadable-file`).
    pub unreadable: bool,
    /// The text the findings' positions refer to (after fixes, when they were written),
    /// when the lint read it from disk; printers quote source lines from it instead of
    /// reading the file again. `None` for a file linted from memory or not read at all.
    pub source: Option<String>,
}

/// A file to lint, or one renkei refuses to read and reports instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// Lint this file.
    File(PathBuf),
    /// Report this file as unreadable, for the reason given.
    Refused(PathBuf, String),
}

impl Candidate {
    /// The file.
    pub fn path(&self) -> &Path {
        match self {
            Self::File(path) | Self::Refused(path, _) => path,
        }
    }
}

/// The Markdown files of every archetype's operational folders that `walk` finds, and each
/// `archetype.yaml` (its description and `when_to_use` ship to agents too), in walk order
/// (sorted by path). A symbolic link is followed as loading follows it (see
/// [`renkei_model::walk`]); one that leads out of the root is refused, and a loop or a
/// dangling link is reported when it is read. A folder that cannot be walked is reported,
/// not skipped, and the second of two archetypes with one name is linted like the first.
pub fn default_files(walk: &Walk) -> impl Iterator<Item = Candidate> + Send + 'static {
    let walk = walk.clone();
    walk.archetype_dirs().flat_map(move |dir| match dir {
        Ok(dir) | Err(ModelError::DuplicateName { second: dir, .. }) => {
            archetype_files(&walk, &dir)
        }
        Err(error) => vec![refusal(error)],
    })
}

/// The files [`default_files`] yields for one `<stage>/<archetype>` folder.
pub fn archetype_files(walk: &Walk, dir: &Path) -> Vec<Candidate> {
    archetype_candidates(dir, walk.archetype_files(dir))
}

/// The Markdown files and `archetype.yaml` of `files`, listed by a walk of the archetype
/// folder `dir`, as the lint reads them.
fn archetype_candidates(dir: &Path, files: Vec<Result<String, ModelError>>) -> Vec<Candidate> {
    files
        .into_iter()
        .filter_map(|file| match file {
            Ok(relative) => (relative == ARCHETYPE_FILE || is_markdown(Path::new(&relative)))
                .then(|| Candidate::File(dir.join(relative))),
            // A file the lint would not read anyway is no finding, whatever its name.
            Err(ModelError::NonUtf8Name { path }) if !is_markdown(&path) => None,
            Err(error) => Some(refusal(error)),
        })
        .collect()
}

/// Lints the files [`archetype_files`] yields for a loaded `archetype`, as
/// [`lint_candidate`] would, without walking its folder again or reading again what loading
/// read: the file list comes from the loaded archetype (in walk order, `archetype.yaml`
/// first), its Markdown from memory, and any other file from `source`. Loading refused
/// symbolic links that leave the root, so none is refused here.
pub fn lint_archetype(
    source: &dyn FileSource,
    rules: &RuleSet,
    archetype: &Archetype,
) -> Vec<LintedFile> {
    let loaded: HashMap<&str, &str> = archetype
        .parts
        .iter()
        .chain(&archetype.shipped)
        .filter_map(|file| Some((file.relative.as_str(), file.markdown()?.text())))
        .collect();
    let config = lint_loaded(rules, archetype.config_path.clone(), &archetype.config_text);
    let markdown = archetype
        .operational
        .iter()
        .filter(|relative| is_markdown(Path::new(relative)))
        .map(|relative| {
            let path = archetype.dir.join(relative);
            match loaded.get(relative.as_str()) {
                Some(text) => lint_loaded(rules, path, text),
                None => lint_one(rules, source, path, FixMode::Off),
            }
        });
    std::iter::once(config).chain(markdown).collect()
}

/// A walk's error as a file the lint reports instead of reading.
fn refusal(error: ModelError) -> Candidate {
    let path = error.path().to_path_buf();
    let reason = format!("{}; not linted", reason(&error, &path));
    Candidate::Refused(path, reason)
}

/// `paths` as given, with folders expanded to the Markdown files (and `archetype.yaml`s)
/// inside them. A folder is walked as ripgrep walks: hidden files and folders, and what
/// `.gitignore`, `.ignore` and git's own excludes leave out, are not entered, so `renkei
/// lint .` does not read `node_modules/` or `.git/`. An archetype of `archetypes` is
/// walked as loading walks it instead, hidden and ignored files included: whatever ships
/// in a skill is linted, whichever folder was named. Paths that do not exist are kept so
/// that linting reports them. They come sorted like a walk of the tree, so findings come
/// out in path order, and a path inside a folder also given is dropped, so no file is
/// linted (or fixed) twice.
pub fn expand_paths(
    mut paths: Vec<PathBuf>,
    archetypes: Option<&Walk>,
) -> impl Iterator<Item = Candidate> + Send + 'static {
    paths.sort();
    let mut given: Vec<PathBuf> = Vec::with_capacity(paths.len());
    for path in paths {
        if !given.last().is_some_and(|folder| path.starts_with(folder)) {
            given.push(path);
        }
    }
    let walk = archetypes.cloned();
    let dirs: Vec<PathBuf> = archetypes.map_or_else(Vec::new, |walk| {
        walk.archetype_dirs()
            .filter_map(|dir| match dir {
                Ok(dir) | Err(ModelError::DuplicateName { second: dir, .. }) => Some(dir),
                Err(_) => None,
            })
            .collect()
    });
    given
        .into_iter()
        .flat_map(move |path| -> Box<dyn Iterator<Item = Candidate> + Send> {
            if !path.is_dir() {
                return Box::new(std::iter::once(Candidate::File(path)));
            }
            let resolved = std::path::absolute(&path)
                .ok()
                .and_then(|absolute| renkei_model::path::resolved(&absolute));
            match (&walk, resolved) {
                (Some(walk), Some(resolved)) => {
                    Box::new(expand_folder(walk, &dirs, &path, &resolved).into_iter())
                }
                _ => Box::new(ignore_walk(path, |_| false)),
            }
        })
}

/// The files of the folder `path` (which is `resolved`, absolute and through its links),
/// with the archetypes of `dirs` it holds, or the one it is inside, walked by `walk`; each
/// file named under `path` as given.
fn expand_folder(walk: &Walk, dirs: &[PathBuf], path: &Path, resolved: &Path) -> Vec<Candidate> {
    let as_given = |file: PathBuf| match file.strip_prefix(resolved) {
        Ok(inner) => path.join(inner),
        Err(_) => file,
    };
    let shipped = |dir: &Path| {
        archetype_candidates(dir, walk.all_files(dir, &|_, _| true))
            .into_iter()
            .filter(|candidate| candidate.path().starts_with(resolved))
            .map(|candidate| match candidate {
                Candidate::File(file) => Candidate::File(as_given(file)),
                Candidate::Refused(file, reason) => Candidate::Refused(as_given(file), reason),
            })
            .collect::<Vec<_>>()
    };
    if let Some(dir) = dirs.iter().find(|dir| resolved.starts_with(dir)) {
        return shipped(dir);
    }
    let inner: Vec<PathBuf> = dirs
        .iter()
        .filter(|dir| dir.starts_with(resolved))
        .cloned()
        .collect();
    let (folder, resolved_folder, skipped) =
        (path.to_path_buf(), resolved.to_path_buf(), inner.clone());
    let mut files: Vec<Candidate> = ignore_walk(path.to_path_buf(), move |entry| {
        entry
            .strip_prefix(&folder)
            .is_ok_and(|relative| skipped.contains(&resolved_folder.join(relative)))
    })
    .chain(inner.iter().flat_map(|dir| shipped(dir)))
    .collect();
    files.sort_by(|a, b| a.path().cmp(b.path()));
    files
}

/// The Markdown files and `archetype.yaml`s under `folder`, walked as ripgrep walks, not
/// entering a folder `skip` names.
fn ignore_walk(
    folder: PathBuf,
    skip: impl Fn(&Path) -> bool + Send + Sync + 'static,
) -> impl Iterator<Item = Candidate> + Send {
    // A .gitignore counts outside a git repository too: it says what is not the author's,
    // wherever it is.
    let walk = ignore::WalkBuilder::new(&folder)
        .require_git(false)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry(move |entry| !skip(entry.path()))
        .build();
    walk.filter_map(move |entry| match entry {
        Err(error) => {
            let path = error_path(&error).unwrap_or(&folder).to_path_buf();
            Some(Candidate::Refused(path, format!("cannot read: {error}")))
        }
        Ok(entry) => {
            let is_file = entry.file_type().is_some_and(|kind| !kind.is_dir());
            let path = entry.path();
            let wanted =
                is_markdown(path) || path.file_name().is_some_and(|name| name == ARCHETYPE_FILE);
            (is_file && wanted).then(|| Candidate::File(entry.into_path()))
        }
    })
}

/// The file or folder a walk's error is about, when it says.
fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

/// Lints every file `files` yields, read from `source`, on `threads` worker threads, passing each linted file
/// to `sink` in the order `files` yields them (sorted, for the walks of this module). The
/// first error `sink` returns stops the run and is returned.
pub fn lint_files<E>(
    source: &dyn FileSource,
    rules: &RuleSet,
    files: impl Iterator<Item = Candidate> + Send,
    threads: usize,
    fix: FixMode,
    sink: impl FnMut(LintedFile) -> Result<(), E>,
) -> Result<(), E> {
    renkei_model::parallel::for_each_ordered(
        files,
        threads,
        |candidate| lint_candidate(source, rules, candidate, fix),
        sink,
    )
}

/// Lints one file read from `source` (or reports why it is refused).
pub fn lint_candidate(
    source: &dyn FileSource,
    rules: &RuleSet,
    candidate: Candidate,
    fix: FixMode,
) -> LintedFile {
    match candidate {
        Candidate::File(path) => lint_one(rules, source, path, fix),
        Candidate::Refused(path, reason) => {
            let problem = *unreadable(&path, reason);
            refused(path, problem)
        }
    }
}

/// Lints `text`, the contents of `path` already read, as [`lint_candidate`] would lint the
/// file.
fn lint_loaded(rules: &RuleSet, path: PathBuf, text: &str) -> LintedFile {
    match refuse_binary(&path, text.as_bytes()) {
        Ok(()) => lint_source(rules, path, text, FixMode::Off),
        Err(problem) => refused(path, *problem),
    }
}

/// A file that was not linted, saying why.
fn refused(path: PathBuf, problem: Diagnostic) -> LintedFile {
    LintedFile {
        path,
        diagnostics: vec![problem],
        fixed: None,
        unreadable: true,
        source: None,
    }
}

fn lint_one(rules: &RuleSet, source: &dyn FileSource, path: PathBuf, fix: FixMode) -> LintedFile {
    match read_text(source, &path) {
        Ok(text) => {
            let mut linted = lint_source(rules, path, &text, fix);
            linted.source = Some(match (&linted.fixed, fix) {
                (Some(fixed), FixMode::Write) => fixed.after.clone(),
                _ => text,
            });
            linted
        }
        Err(problem) => refused(path, *problem),
    }
}

fn lint_source(rules: &RuleSet, path: PathBuf, text: &str, fix: FixMode) -> LintedFile {
    let mut linted = LintedFile {
        path,
        diagnostics: Vec::new(),
        fixed: None,
        unreadable: false,
        source: None,
    };
    let path = linted.path.as_path();
    let mut diagnostics = lint_text(rules, path, text);
    // `archetype.yaml` is linted for the text it ships (its description), but it is read as
    // YAML, not Markdown: a word there may be the archetype's name, a path or a key, so
    // renaming it is left to the author.
    if !is_markdown(path) {
        for diagnostic in &mut diagnostics {
            diagnostic.replacements.clear();
        }
    }
    linted.unreadable = diagnostics
        .iter()
        .any(|diagnostic| diagnostic.rule == UNREADABLE_FILE);
    let edits: Vec<Edit> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.replacements.len() == 1)
        .map(|diagnostic| Edit {
            range: diagnostic.range.clone(),
            replacement: diagnostic.replacements[0].clone(),
        })
        .collect();
    if fix != FixMode::Off && !edits.is_empty() {
        let edits_count = edits.len();
        let after = apply_edits(text, edits);
        // What is left is found again in the fixed text, so that positions are where the
        // remaining findings now are, and an overlapping fix that was skipped is still
        // reported.
        let remaining = lint_text(rules, path, &after);
        let fixable = |found: &[Diagnostic]| {
            found
                .iter()
                .filter(|diagnostic| diagnostic.replacements.len() == 1)
                .count()
        };
        let fixes = edits_count.saturating_sub(fixable(&remaining));
        let written = match fix {
            FixMode::Write => renkei_model::write::write_atomic(path, after.as_bytes()),
            _ => Ok(()),
        };
        match written {
            Err(error) => {
                linted.unreadable = true;
                diagnostics.push(*unreadable(path, format!("cannot write fixes: {error}")));
            }
            Ok(()) => {
                if fix == FixMode::Write {
                    diagnostics = remaining;
                }
                linted.fixed = Some(FixedFile {
                    before: text.to_string(),
                    after,
                    fixes,
                });
            }
        }
    }
    diagnostics.sort_by(|a, b| (a.range.start, &a.rule).cmp(&(b.range.start, &b.rule)));
    linted.diagnostics = diagnostics;
    linted
}

/// Reads `path` as UTF-8 text with the model's reader (regular files only, size limit
/// first), refusing binary files and names that are not UTF-8; what is refused becomes a
/// finding that says why.
fn read_text(source: &dyn FileSource, path: &Path) -> Result<String, Box<Diagnostic>> {
    let refused = |error: ModelError| -> Box<Diagnostic> {
        let mut diagnostic = unreadable(path, format!("{}; not linted", reason(&error, path)));
        if let ModelError::NotUtf8 { line, column, .. } = error {
            diagnostic.start = renkei_model::Position { line, column };
            diagnostic.end = diagnostic.start;
        }
        diagnostic
    };
    if path.to_str().is_none() {
        return Err(refused(ModelError::NonUtf8Name {
            path: path.to_path_buf(),
        }));
    }
    let bytes = source.read(path).map_err(refused)?;
    refuse_binary(path, &bytes)?;
    utf8(path, bytes).map_err(refused)
}

/// What `error` says about `path`, without the path and position it starts with: the
/// finding carries those already.
fn reason(error: &ModelError, path: &Path) -> String {
    if let ModelError::Io { source, .. } = error {
        return format!("cannot read: {source}");
    }
    renkei_model::diagnostic::after_location(&error.to_string(), path).to_string()
}

/// Refuses a file that [`renkei_model::read::looks_binary`].
fn refuse_binary(path: &Path, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
    if renkei_model::read::looks_binary(bytes) {
        return Err(unreadable(
            path,
            "looks binary (contains NUL bytes); not linted".to_string(),
        ));
    }
    Ok(())
}

fn unreadable(path: &Path, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic::whole_file(
        UNREADABLE_FILE,
        UNREADABLE_FILE_RULE.severity,
        path,
        message,
    ))
}
