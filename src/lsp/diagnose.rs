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
use renkei_lint::FixMode;
use renkei_model::diagnostic::Related;
use renkei_model::read::MAX_SOURCE_FILE_BYTES;
use renkei_model::{Diagnostic, Disk, Overlay, Severity};

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
    pub(crate) version: i32,
    pub(crate) text: String,
}

/// What a run checks under one root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Everything: each archetype, the seams between them, the open files outside them.
    Whole,
    /// The one archetype in this folder, whose file is being edited.
    Archetype(PathBuf),
}

/// A finding as the editor is shown it, with what the code actions need.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// The file it is in.
    pub(crate) path: PathBuf,
    /// The archetype whose check reported it; `None` for what the whole run reports (the
    /// seams, the templates, the configuration, files outside archetypes).
    pub(crate) archetype: Option<PathBuf>,
    pub(crate) diagnostic: lsp_types::Diagnostic,
    /// The one replacement of the finding's text, when it has exactly one.
    pub(crate) fix: Option<String>,
    /// Whether a suppression comment can silence it: a lint finding in Markdown.
    pub(crate) suppressible: bool,
}

/// What a run found, and what it could not say at a place in a file.
#[derive(Default)]
pub(crate) struct Report {
    pub(crate) found: Vec<Found>,
    pub(crate) messages: Vec<String>,
}

/// Checks `scope` under `root` (or lints the open buffers that have no root) over `docs`;
/// `open` are the buffers of `root`.
pub(crate) fn run(
    root: Option<&Path>,
    open: &[PathBuf],
    scope: &Scope,
    docs: &BTreeMap<PathBuf, Doc>,
    encoding: Encoding,
) -> Report {
    let mut overlay = Overlay::over(Arc::new(Disk));
    for (path, doc) in docs {
        overlay.insert(path.clone(), doc.text.as_bytes());
    }
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: None,
        root_optional: true,
    };
    let mut collector = Collector {
        root,
        open,
        docs,
        encoding,
        lint_rules: Vec::new(),
        report: Report::default(),
    };
    let session = match Session::open_over(Arc::new(overlay), &options) {
        Ok(session) => session.with_render_deadline(RENDER_DEADLINE),
        Err(error) => {
            collector.error(error, None);
            return collector.finish();
        }
    };
    match session.config() {
        Ok(config) => {
            collector.lint_rules = config
                .rules
                .rules
                .iter()
                .map(|rule| rule.meta().id.into_owned())
                .collect();
        }
        Err(error) => {
            collector.error(error, None);
            return collector.finish();
        }
    }
    if root.is_none() {
        lint(&session, open, &mut collector);
        return collector.finish();
    }
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
                        collector.add_all(findings, checked.dir.as_deref(), &|path| {
                            checked.source(path).map(str::to_string)
                        })
                    }
                    CheckedPart::Elsewhere(findings, source) => {
                        collector.add_all(findings, None, source);
                    }
                }
                Ok::<(), CliError>(())
            });
            if let Err(error) = checked {
                collector.error(error, None);
            }
            // An open file outside the archetypes is linted as `renkei lint FILE` lints it.
            if *scope == Scope::Whole
                && let Ok(archetypes) = &archetypes
            {
                let outside: Vec<PathBuf> = open
                    .iter()
                    .filter(|path| !path.starts_with(archetypes))
                    .cloned()
                    .collect();
                lint(&session, &outside, &mut collector);
            }
        }
        Err(error) => {
            collector.error(error, None);
            lint(&session, open, &mut collector);
        }
    }
    collector.finish()
}

/// Lints `paths`, as `renkei lint PATHS` does.
fn lint(session: &Session, paths: &[PathBuf], collector: &mut Collector<'_>) {
    if paths.is_empty() {
        return;
    }
    let linted = session.lint(paths, false, FixMode::Off, |linted| {
        let source = linted.source.clone();
        collector.add_all(linted.diagnostics, None, &|_| source.clone());
        Ok(())
    });
    if let Err(error) = linted {
        collector.error(error, None);
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
        archetype: Option<&Path>,
        source: &dyn Fn(&Path) -> Option<String>,
    ) {
        for file in findings.chunk_by(|a, b| a.path == b.path) {
            let text = self.text_of(&file[0].path, source);
            let lines = text.as_deref().map(Lines::new);
            for finding in file {
                let related: Vec<(&Related, Option<Cow<'_, str>>)> = finding
                    .related
                    .iter()
                    .map(|related| (related, self.text_of(&related.path, source)))
                    .collect();
                let found = self.found(finding, archetype, lines.as_ref(), &related);
                self.report.found.push(found);
            }
        }
    }

    fn range_in(
        &self,
        lines: Option<&Lines<'_>>,
        start: renkei_model::Position,
        end: renkei_model::Position,
    ) -> Range {
        let at = |position: renkei_model::Position| match lines {
            Some(lines) => lines.position(
                lines.offset_of_column(position.line, position.column),
                self.encoding,
            ),
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
        archetype: Option<&Path>,
        lines: Option<&Lines<'_>>,
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
                            text.as_deref().map(Lines::new).as_ref(),
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
                range: self.range_in(lines, finding.start, end),
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
            archetype: archetype.map(Path::to_path_buf),
            fix,
            suppressible,
        }
    }

    /// An error the run met: findings at their places, or messages for the editor to show.
    fn error(&mut self, error: CliError, archetype: Option<&Path>) {
        match error {
            CliError::Located(errors) => {
                let findings = errors.into_iter().map(|error| *error.finding).collect();
                self.add_all(findings, archetype, &|path| {
                    std::fs::read_to_string(path).ok()
                });
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
                    archetype: None,
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
