//! Linting many files: discovery, parallel workers, fixes.
//!
//! Files stream from the walker to the workers one path at a time, so memory does not grow
//! with the size of the tree: each worker holds one file and the findings so far.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use renkei_model::load::{ARCHETYPES_DIR, MAX_SOURCE_FILE_BYTES, OPERATIONAL_DIRS};
use renkei_model::{Diagnostic, Edit, Severity, apply_edits};

use crate::engine::lint_text;
use crate::rules::RuleSet;

/// Rule id of the finding for a file that could not be linted.
pub const UNREADABLE_FILE: &str = "lint/unreadable-file";

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
    /// The file.
    pub path: PathBuf,
    /// Its text before.
    pub before: String,
    /// Its text after.
    pub after: String,
    /// How many findings were fixed.
    pub fixes: usize,
}

/// The result of linting a set of files.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Findings that remain (fixed ones are left out when fixes were written), sorted by
    /// path and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that were, or in preview would be, rewritten.
    pub fixed: Vec<FixedFile>,
    /// Number of files looked at.
    pub files: usize,
    /// Files that could not be read or written (reported as `lint/unreadable-file`).
    pub unreadable: usize,
}

/// A file to lint, or one renkei refuses to read and reports instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// Lint this file.
    File(PathBuf),
    /// Report this file as unreadable, for the reason given.
    Refused(PathBuf, String),
}

/// The Markdown files of every archetype's operational folders under `root`, and each
/// `archetype.yaml` (its description and `when_to_use` ship to agents too). A symbolic link
/// is followed only when it stays inside `root`; one that leads out is refused, and a loop
/// or a dangling link is reported when it is read. A folder that cannot be walked is
/// reported, not skipped.
pub fn default_files(root: &Path) -> impl Iterator<Item = Candidate> + Send + 'static {
    let archetypes = root.join(ARCHETYPES_DIR);
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    walkdir::WalkDir::new(&archetypes)
        .min_depth(3)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => return Some(walk_refusal(&archetypes, &error)),
            };
            // <stage>/<archetype>/archetype.yaml, or <stage>/<archetype>/<folder>/....md
            let relative = entry.path().strip_prefix(&archetypes).ok()?;
            let config = entry.depth() == 3 && entry.file_name() == "archetype.yaml";
            let operational = relative.components().nth(2).is_some_and(|folder| {
                OPERATIONAL_DIRS
                    .iter()
                    .any(|dir| folder.as_os_str() == *dir)
            }) && is_markdown(entry.path());
            let file = entry.file_type().is_file() || entry.path_is_symlink();
            if !(file && (config || operational)) {
                return None;
            }
            let escapes = entry.path_is_symlink()
                && std::fs::canonicalize(entry.path())
                    .is_ok_and(|target| !target.starts_with(&canonical_root));
            Some(if escapes {
                let reason = format!(
                    "symbolic link leads outside the root {}; not followed",
                    canonical_root.display()
                );
                Candidate::Refused(entry.into_path(), reason)
            } else {
                Candidate::File(entry.into_path())
            })
        })
}

fn walk_refusal(fallback: &Path, error: &walkdir::Error) -> Candidate {
    let path = error.path().unwrap_or(fallback).to_path_buf();
    Candidate::Refused(path, format!("cannot read: {error}"))
}

/// `paths` as given, with folders expanded to the Markdown files inside them. Paths that do
/// not exist are kept so that linting reports them.
pub fn expand_paths(paths: Vec<PathBuf>) -> impl Iterator<Item = Candidate> + Send + 'static {
    paths
        .into_iter()
        .flat_map(|path| -> Box<dyn Iterator<Item = Candidate> + Send> {
            if path.is_dir() {
                let folder = path.clone();
                Box::new(
                    walkdir::WalkDir::new(path)
                        .sort_by_file_name()
                        .into_iter()
                        .filter_map(move |entry| match entry {
                            Err(error) => Some(walk_refusal(&folder, &error)),
                            Ok(entry) => {
                                let file = entry.file_type().is_file() || entry.path_is_symlink();
                                (file && is_markdown(entry.path()))
                                    .then(|| Candidate::File(entry.into_path()))
                            }
                        }),
                )
            } else {
                Box::new(std::iter::once(Candidate::File(path)))
            }
        })
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "md" || extension == "markdown")
}

/// Lints every file `files` yields, on `threads` worker threads.
pub fn lint_files(
    rules: &RuleSet,
    files: impl Iterator<Item = Candidate> + Send,
    threads: usize,
    fix: FixMode,
) -> LintReport {
    let files = Mutex::new(files);
    let reports: Vec<LintReport> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut report = LintReport::default();
                    let mut buffer = Vec::new();
                    loop {
                        let next = files.lock().map(|mut files| files.next()).unwrap_or(None);
                        match next {
                            Some(Candidate::File(path)) => {
                                lint_one(rules, &path, &mut buffer, fix, &mut report);
                            }
                            Some(Candidate::Refused(path, reason)) => {
                                report.files += 1;
                                report.unreadable += 1;
                                report.diagnostics.push(*unreadable(&path, reason));
                            }
                            None => break,
                        }
                    }
                    report
                })
            })
            .collect();
        workers
            .into_iter()
            .filter_map(|worker| worker.join().ok())
            .collect()
    });
    let mut merged = LintReport::default();
    for report in reports {
        merged.diagnostics.extend(report.diagnostics);
        merged.fixed.extend(report.fixed);
        merged.files += report.files;
        merged.unreadable += report.unreadable;
    }
    merged
        .diagnostics
        .sort_by(|a, b| (&a.path, a.range.start, &a.rule).cmp(&(&b.path, b.range.start, &b.rule)));
    merged.fixed.sort_by(|a, b| a.path.cmp(&b.path));
    merged
}

fn lint_one(
    rules: &RuleSet,
    path: &Path,
    buffer: &mut Vec<u8>,
    fix: FixMode,
    report: &mut LintReport,
) {
    report.files += 1;
    let text = match read_text(path, buffer) {
        Ok(text) => text,
        Err(problem) => {
            report.unreadable += 1;
            report.diagnostics.push(*problem);
            return;
        }
    };
    let diagnostics = lint_text(rules, path, text);
    report.unreadable += diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.rule == UNREADABLE_FILE)
        .count();
    let edits: Vec<Edit> = diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.replacements.len() == 1)
        .map(|diagnostic| Edit {
            range: diagnostic.range.clone(),
            replacement: diagnostic.replacements[0].clone(),
        })
        .collect();
    if fix == FixMode::Off || edits.is_empty() {
        report.diagnostics.extend(diagnostics);
        return;
    }
    let after = apply_edits(text, edits);
    // What is left is found again in the fixed text, so that positions are where the
    // remaining findings now are, and an overlapping fix that was skipped is still reported.
    let remaining = lint_text(rules, path, &after);
    let fixes = diagnostics.len().saturating_sub(remaining.len());
    if fix == FixMode::Write {
        if let Err(error) = renkei_model::write::write_atomic(path, after.as_bytes()) {
            report.unreadable += 1;
            report
                .diagnostics
                .push(*unreadable(path, format!("cannot write fixes: {error}")));
            report.diagnostics.extend(diagnostics);
            return;
        }
        report.diagnostics.extend(remaining);
    } else {
        report.diagnostics.extend(diagnostics);
    }
    report.fixed.push(FixedFile {
        path: path.to_path_buf(),
        before: text.to_string(),
        after,
        fixes,
    });
}

/// Reads `path` into `buffer` as UTF-8 text, refusing what is not doctrine before reading
/// it whole: folders, files over the size limit, binary files.
fn read_text<'a>(path: &Path, buffer: &'a mut Vec<u8>) -> Result<&'a str, Box<Diagnostic>> {
    let open = File::open(path).and_then(|file| Ok((file.metadata()?, file)));
    let (metadata, file) =
        open.map_err(|error| unreadable(path, format!("cannot read: {error}")))?;
    if metadata.is_dir() {
        return Err(unreadable(path, "is a folder".to_string()));
    }
    if metadata.len() > MAX_SOURCE_FILE_BYTES {
        return Err(unreadable(
            path,
            format!(
                "file is {} bytes, larger than the {MAX_SOURCE_FILE_BYTES}-byte limit for doctrine files",
                metadata.len()
            ),
        ));
    }
    buffer.clear();
    file.take(MAX_SOURCE_FILE_BYTES + 1)
        .read_to_end(buffer)
        .map_err(|error| unreadable(path, format!("cannot read: {error}")))?;
    if memchr::memchr(0, &buffer[..buffer.len().min(8192)]).is_some() {
        return Err(unreadable(
            path,
            "looks binary (contains NUL bytes); not linted".to_string(),
        ));
    }
    std::str::from_utf8(buffer).map_err(|error| {
        let valid = &buffer[..error.valid_up_to()];
        let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = valid
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let mut diagnostic = unreadable(path, "file is not valid UTF-8; not linted".to_string());
        diagnostic.start = renkei_model::Position { line, column };
        diagnostic.end = diagnostic.start;
        diagnostic
    })
}

fn unreadable(path: &Path, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic::whole_file(
        UNREADABLE_FILE,
        Severity::Error,
        path,
        message,
    ))
}
