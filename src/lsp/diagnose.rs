//! One run of `check` (or of `lint`, where there is nothing to check) over the editor's
//! buffers, as the CLI would run it on the same text: a session over an overlay of the
//! open buffers on the disk, and its findings turned into the protocol's.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Range,
};
use renkei_contract::interface::Interface;
use renkei_lint::FixMode;
use renkei_model::diagnostic::Related;
use renkei_model::read::MAX_SOURCE_FILE_BYTES;
use renkei_model::{Diagnostic, Disk, LineIndex, Overlay, Severity};

use super::text::{Encoding, Lines};
use super::uri::uri_of;
use crate::CliError;
use crate::session::{CheckedPart, Options, Session};

/// How long a check waits for an archetype's render before it cancels it, unless
/// `RENKEI_RENDER_TIMEOUT_SECS` says otherwise.
pub(crate) const RENDER_DEADLINE: Duration = Duration::from_secs(10);

/// An open buffer.
#[derive(Clone)]
pub(crate) struct Doc {
    pub(crate) uri: lsp_types::Uri,
    /// The doctrine root it is under, found when it was opened.
    pub(crate) root: Option<PathBuf>,
    pub(crate) version: i32,
    pub(crate) text: String,
}

/// What a run checks under one root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Everything: each archetype, the seams between them, the open files outside them.
    Whole,
    /// The one archetype in this folder, whose file is being edited, and its seams with
    /// the others as last read.
    Archetype(PathBuf),
}

/// Which part of a run reported a finding: what a later run replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The check of the archetype in this folder.
    Archetype(PathBuf),
    /// The seams between archetypes.
    Seams,
    /// What every run reports again: the configuration, the templates.
    Run,
    /// What only a whole run reports: the lint of open files outside the archetypes, and
    /// the archetypes the walk refused (a second of one name, a folder it cannot read).
    Whole,
}

/// A finding as the editor is shown it, with what the code actions need.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The file it is in.
    pub(crate) path: PathBuf,
    pub(crate) origin: Origin,
    pub(crate) diagnostic: lsp_types::Diagnostic,
    /// The one replacement of the finding's text, when it has exactly one.
    pub(crate) fix: Option<String>,
    /// Whether a suppression comment can silence it: a lint finding in Markdown.
    pub(crate) suppressible: bool,
}

impl Found {
    /// Whether it is a template's failure to render, which every archetype rendered
    /// through the template meets.
    pub(crate) fn is_render_failure(&self) -> bool {
        matches!(&self.diagnostic.code, Some(NumberOrString::String(rule)) if rule == crate::session::RENDER_FAILED)
    }
}

/// What a run found, and what it could not say at a place in a file.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) found: Vec<Found>,
    pub(crate) messages: Vec<String>,
    /// Each archetype folder checked that loaded, with its side of the seams.
    pub(crate) checked: Vec<(PathBuf, Option<Interface>)>,
    /// Whether it replaces everything found before, whatever its scope asked.
    pub(crate) whole: bool,
}

/// Checks `scope` under `root` over `docs` (or lints the open buffers that have no root);
/// `open` are the buffers of `root`, and `sides` the archetypes' sides of the seams as
/// last read, which a run of one archetype compares its own new side with.
pub(crate) fn run(
    root: Option<&Path>,
    open: &[PathBuf],
    scope: &Scope,
    docs: &BTreeMap<PathBuf, Doc>,
    sides: &BTreeMap<PathBuf, Interface>,
    encoding: Encoding,
) -> Report {
    let source: Arc<dyn renkei_model::FileSource> = Arc::new(overlay(docs));
    let mut collector = Collector {
        root,
        open,
        docs,
        encoding,
        lint_rules: Vec::new(),
        report: Report::default(),
    };
    let Some(root) = root else {
        // A file under no root is linted on its own, from its folder, as `renkei lint
        // FILE` run there would: not by whatever root the editor started the server in.
        for path in open {
            if let Some(session) = path
                .parent()
                .and_then(|dir| collector.open_session(&source, dir))
            {
                lint(
                    &session,
                    std::slice::from_ref(path),
                    Origin::Whole,
                    &mut collector,
                );
            }
        }
        return collector.finish();
    };
    let Some(session) = collector.open_session(&source, root) else {
        return collector.finish();
    };
    let archetypes = session.walk().map(|walk| walk.archetypes_dir());
    match session.checker() {
        Ok(checker) => {
            let only = match scope {
                Scope::Whole => None,
                Scope::Archetype(dir) => Some(BTreeSet::from([dir.clone()])),
            };
            let checked = checker.check_all(only.as_ref(), |part| {
                match part {
                    CheckedPart::Archetype(checked, findings) => {
                        // One the walk refused is checked only in a whole run, never alone.
                        let origin = match (&checked.dir, checked.loaded) {
                            (Some(dir), true) => Origin::Archetype(dir.clone()),
                            _ => Origin::Whole,
                        };
                        collector.add_all(findings, &origin, &|path| {
                            checked.source(path).map(str::to_string)
                        });
                        if let (Some(dir), true) = (&checked.dir, checked.loaded) {
                            let side = checked.interface.clone().filter(|side| !side.is_empty());
                            collector.report.checked.push((dir.clone(), side));
                        }
                    }
                    CheckedPart::Elsewhere(findings, source) => {
                        let (seams, others): (Vec<Diagnostic>, Vec<Diagnostic>) =
                            findings.into_iter().partition(is_seam);
                        collector.add_all(seams, &Origin::Seams, source);
                        collector.add_all(others, &Origin::Run, source);
                    }
                }
                Ok::<(), CliError>(())
            });
            if let Err(error) = checked {
                collector.error(error);
            }
            match scope {
                Scope::Archetype(dir) => {
                    let mut all: BTreeMap<PathBuf, Interface> = sides.clone();
                    all.remove(dir);
                    for (checked, side) in &collector.report.checked {
                        if let Some(side) = side {
                            all.insert(checked.clone(), side.clone());
                        }
                    }
                    let sides: Vec<Interface> = all.into_values().collect();
                    match checker.seams(&sides) {
                        Ok(seams) => collector.add_all(seams, &Origin::Seams, &disk_text),
                        Err(error) => collector.error(error),
                    }
                }
                // An open file outside the archetypes is linted as `renkei lint FILE` is.
                Scope::Whole => {
                    if let Ok(archetypes) = &archetypes {
                        let outside: Vec<PathBuf> = open
                            .iter()
                            .filter(|path| !path.starts_with(archetypes))
                            .cloned()
                            .collect();
                        lint(&session, &outside, Origin::Whole, &mut collector);
                    }
                }
            }
        }
        Err(error) => {
            // Nothing to check one archetype of: this run stands for a whole one.
            collector.report.whole = true;
            collector.error(error);
            lint(&session, open, Origin::Whole, &mut collector);
        }
    }
    collector.finish()
}

/// The disk with the open buffers in front of it.
pub(crate) fn overlay(docs: &BTreeMap<PathBuf, Doc>) -> Overlay {
    let mut overlay = Overlay::over(Arc::new(Disk));
    for (path, doc) in docs {
        overlay.insert(path.clone(), doc.text.as_bytes());
    }
    overlay
}

fn is_seam(finding: &Diagnostic) -> bool {
    renkei_contract::interface::INTERFACE_RULES
        .iter()
        .any(|rule| rule.id == finding.rule)
}

/// The text of the file at `path` on disk, read as every file is.
pub(crate) fn disk_text(path: &Path) -> Option<String> {
    let bytes = renkei_model::read::read_file(path).ok()?;
    renkei_model::read::utf8(path, bytes).ok()
}

/// Lints `paths`, as `renkei lint PATHS` does.
fn lint(session: &Session, paths: &[PathBuf], origin: Origin, collector: &mut Collector<'_>) {
    if paths.is_empty() {
        return;
    }
    let linted = session.lint(paths, false, FixMode::Off, |linted| {
        let source = linted.source.clone();
        collector.add_all(linted.diagnostics, &origin, &|_| source.clone());
        Ok(())
    });
    if let Err(error) = linted {
        collector.error(error);
    }
}

struct Collector<'r> {
    root: Option<&'r Path>,
    open: &'r [PathBuf],
    docs: &'r BTreeMap<PathBuf, Doc>,
    encoding: Encoding,
    /// The vocabulary rules' ids: the findings a suppression comment silences.
    lint_rules: Vec<String>,
    report: Report,
}

impl<'r> Collector<'r> {
    /// A session over `source` at `root` with its configuration read, or `None` when it
    /// cannot be had, its errors collected.
    fn open_session(
        &mut self,
        source: &Arc<dyn renkei_model::FileSource>,
        root: &Path,
    ) -> Option<Session> {
        let options = Options {
            root: Some(root.to_path_buf()),
            config: None,
            root_optional: true,
        };
        let session = match Session::open_over(Arc::clone(source), &options) {
            Ok(session) => session.with_render_deadline(RENDER_DEADLINE),
            Err(error) => {
                self.error(error);
                return None;
            }
        };
        match session.config() {
            Ok(config) => {
                self.lint_rules = config
                    .rules
                    .rules
                    .iter()
                    .map(|rule| rule.meta().id.into_owned())
                    .collect();
            }
            Err(error) => {
                self.error(error);
                return None;
            }
        }
        Some(session)
    }

    fn full_path(&self, path: &Path) -> PathBuf {
        match self.root {
            Some(root) if path.is_relative() => root.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// The text a finding's positions are in: the buffer when the file is open.
    fn text_of<'t>(
        &self,
        path: &Path,
        source: &dyn Fn(&Path) -> Option<String>,
    ) -> Option<Cow<'t, str>>
    where
        'r: 't,
    {
        let docs: &'r BTreeMap<PathBuf, Doc> = self.docs;
        match docs.get(&self.full_path(path)) {
            Some(doc) => Some(Cow::Borrowed(doc.text.as_str())),
            None => source(path).map(Cow::Owned),
        }
    }

    fn add_all(
        &mut self,
        findings: Vec<Diagnostic>,
        origin: &Origin,
        source: &dyn Fn(&Path) -> Option<String>,
    ) {
        for file in findings.chunk_by(|a, b| a.path == b.path) {
            let text = self.text_of(&file[0].path, source);
            let placed = text.as_deref().map(Placed::new);
            for finding in file {
                let related: Vec<(&Related, Option<Cow<'_, str>>)> = finding
                    .related
                    .iter()
                    .map(|related| (related, self.text_of(&related.path, source)))
                    .collect();
                let found = self.found(finding, origin, placed.as_ref(), &related);
                self.report.found.push(found);
            }
        }
    }

    fn range_in(
        &self,
        placed: Option<&Placed<'_>>,
        start: renkei_model::Position,
        end: renkei_model::Position,
    ) -> Range {
        let at = |position: renkei_model::Position| match placed {
            Some(placed) => placed.position(position, self.encoding),
            None => lsp_types::Position::new(
                u32::try_from(position.line.saturating_sub(1)).unwrap_or(u32::MAX),
                u32::try_from(position.column.saturating_sub(1)).unwrap_or(u32::MAX),
            ),
        };
        Range::new(at(start), at(end))
    }

    fn found(
        &self,
        finding: &Diagnostic,
        origin: &Origin,
        placed: Option<&Placed<'_>>,
        related: &[(&Related, Option<Cow<'_, str>>)],
    ) -> Found {
        let path = self.full_path(&finding.path);
        let end = finding.end.max(finding.start);
        let related_information = related
            .iter()
            .filter_map(|(related, text)| {
                Some(DiagnosticRelatedInformation {
                    location: Location::new(
                        uri_of(&self.full_path(&related.path))?,
                        self.range_in(
                            text.as_deref().map(Placed::new).as_ref(),
                            related.start,
                            related.end,
                        ),
                    ),
                    message: related.message.clone(),
                })
            })
            .collect::<Vec<_>>();
        let message = match &finding.help {
            Some(help) => format!("{}\nhelp: {help}", finding.message),
            None => finding.message.clone(),
        };
        let suppressible = self.lint_rules.iter().any(|id| *id == finding.rule)
            && path.extension().is_some_and(|extension| extension == "md");
        let fix = match finding.replacements.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        };
        Found {
            diagnostic: lsp_types::Diagnostic {
                range: self.range_in(placed, finding.start, end),
                severity: Some(match finding.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(finding.rule.to_string())),
                source: Some("renkei".to_string()),
                message,
                related_information: (!related_information.is_empty())
                    .then_some(related_information),
                ..lsp_types::Diagnostic::default()
            },
            path,
            origin: origin.clone(),
            fix,
            suppressible,
        }
    }

    /// An error the run met: findings at their places, or messages for the editor to show.
    fn error(&mut self, error: CliError) {
        match error {
            CliError::Located(errors) => {
                let findings = errors.into_iter().map(|error| *error.finding).collect();
                self.add_all(findings, &Origin::Run, &disk_text);
            }
            CliError::Failed(messages) => self.report.messages.extend(messages),
            CliError::Output(error) => self.report.messages.push(error.to_string()),
        }
    }

    /// The report, with a buffer over the size limit given one finding instead of what
    /// its unreadability set off elsewhere.
    fn finish(mut self) -> Report {
        for path in self.open {
            let Some(doc) = self.docs.get(path) else {
                continue;
            };
            if doc.text.len() as u64 > MAX_SOURCE_FILE_BYTES {
                self.report.found.retain(|found| found.path != *path);
                self.report.found.push(Found {
                    path: path.clone(),
                    origin: Origin::Run,
                    diagnostic: lsp_types::Diagnostic {
                        severity: Some(DiagnosticSeverity::ERROR),
                        code: Some(NumberOrString::String(
                            renkei_lint::driver::UNREADABLE_FILE.to_string(),
                        )),
                        source: Some("renkei".to_string()),
                        message: format!(
                            "this buffer is {} bytes, over the {MAX_SOURCE_FILE_BYTES} bytes renkei reads; it is not checked",
                            doc.text.len()
                        ),
                        ..lsp_types::Diagnostic::default()
                    },
                    fix: None,
                    suppressible: false,
                });
            }
        }
        self.report
    }
}

/// A file's text with both line models: renkei's, which its findings' lines and columns
/// count in (a line ends at `\n`), and the protocol's (which also ends one at a lone
/// `\r`).
struct Placed<'t> {
    text: &'t str,
    renkei: LineIndex,
    lsp: Lines<'t>,
}

impl<'t> Placed<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            renkei: LineIndex::new(text),
            lsp: Lines::new(text),
        }
    }

    /// The protocol position of renkei's 1-based line and character column.
    fn position(&self, at: renkei_model::Position, encoding: Encoding) -> lsp_types::Position {
        let line = self.renkei.line_range(self.text, at.line);
        let offset = self.text[line.clone()]
            .char_indices()
            .nth(at.column.saturating_sub(1))
            .map_or(line.end, |(index, _)| line.start + index);
        self.lsp.position(offset, encoding)
    }
}
