//! The one diagnostic type every renkei check produces.
//!
//! Libraries return diagnostics; only the CLI renders them (human, JSON, SARIF, GitHub).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::lines::{LineIndex, Position};

/// How much a finding matters. Errors fail the command (exit 1); warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the run.
    Error,
    /// Reported, does not fail the run.
    Warning,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A finding at an exact place in a file.
///
/// Positions always come from a parser's byte offsets converted with [`LineIndex`], never
/// from searching the text again after the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule id, such as `assemble/description-too-long`.
    pub rule: Cow<'static, str>,
    /// Error or warning.
    pub severity: Severity,
    /// File the finding is in, as the user named it or relative to the root.
    pub path: PathBuf,
    /// Byte range of the finding in the file.
    pub range: Range<usize>,
    /// 1-based start of the finding.
    pub start: Position,
    /// 1-based end of the finding (exclusive column).
    pub end: Position,
    /// What is wrong, without a trailing period.
    pub message: String,
    /// What to do about it, when there is something specific to say.
    pub help: Option<String>,
    /// Candidate replacement texts for `range`; a fix is applied only when there is exactly one.
    pub replacements: Vec<String>,
    /// Other places the finding concerns, such as the first of two archetypes that share a
    /// name: every output format shows them next to the finding.
    pub related: Vec<Related>,
}

/// A second place a finding points at, with what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The file.
    pub path: PathBuf,
    /// 1-based start of the place.
    pub start: Position,
    /// 1-based end of the place (exclusive column).
    pub end: Position,
    /// What is there, in a few words (`the first archetype of that name`).
    pub message: String,
}

/// What a rule is, for every place that describes rules rather than findings: SARIF's rule
/// descriptors, an editor's hover, a listing of rules. Built-in rules are constants, so
/// each rule's description lives next to the code that reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable rule id, such as `contract/sections`.
    pub id: Cow<'static, str>,
    /// What the rule checks, in one line.
    pub summary: Cow<'static, str>,
    /// Why the rule exists: the mistake it prevents.
    pub why: Option<Cow<'static, str>>,
    /// What to do about a finding, when one thing fits every finding.
    pub help: Option<Cow<'static, str>>,
    /// Severity of its findings unless configured otherwise.
    pub severity: Severity,
    /// A short text the rule flags and the same text put right, for `renkei explain`.
    pub example: Option<RuleExample>,
}

/// A rule's example: a short text it flags and one it lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleExample {
    /// Text that yields a finding of the rule.
    pub fails: Cow<'static, str>,
    /// The same text put right: no finding of the rule.
    pub passes: Cow<'static, str>,
}

impl RuleMeta {
    /// A built-in rule whose findings are errors.
    pub const fn error(id: &'static str, summary: &'static str, why: &'static str) -> Self {
        Self::builtin(id, summary, why, Severity::Error)
    }

    /// A built-in rule whose findings are warnings.
    pub const fn warning(id: &'static str, summary: &'static str, why: &'static str) -> Self {
        Self::builtin(id, summary, why, Severity::Warning)
    }

    const fn builtin(
        id: &'static str,
        summary: &'static str,
        why: &'static str,
        severity: Severity,
    ) -> Self {
        Self {
            id: Cow::Borrowed(id),
            summary: Cow::Borrowed(summary),
            why: Some(Cow::Borrowed(why)),
            help: None,
            severity,
            example: None,
        }
    }

    /// The rule with `text` as what to do about any of its findings (its `help`).
    #[must_use]
    pub const fn fix(mut self, text: &'static str) -> Self {
        // A built-in rule starts with no help, so nothing is leaked; `forget` only keeps
        // the function `const`.
        std::mem::forget(self.help.replace(Cow::Borrowed(text)));
        self
    }

    /// The rule with an example: `bad` yields one of its findings, `good` none.
    #[must_use]
    pub const fn example(mut self, bad: &'static str, good: &'static str) -> Self {
        let example = RuleExample {
            fails: Cow::Borrowed(bad),
            passes: Cow::Borrowed(good),
        };
        std::mem::forget(self.example.replace(example));
        self
    }
}

impl Diagnostic {
    /// A diagnostic covering `range` of `text`, positioned with `index`.
    pub fn at(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        path: impl Into<PathBuf>,
        text: &str,
        index: &LineIndex,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        // Block ranges from the parser end after the line break; a finding ends with its text.
        let trailing = text.get(range.clone()).map_or(0, |found| {
            found.len() - found.trim_end_matches(['\n', '\r']).len()
        });
        let range = range.start..range.end - trailing;
        Self {
            rule: rule.into(),
            severity,
            path: path.into(),
            start: index.position(text, range.start),
            end: index.position(text, range.end),
            range,
            message: message.into(),
            help: None,
            replacements: Vec::new(),
            related: Vec::new(),
        }
    }

    /// A diagnostic about a whole file (something missing from it), pointing at line 1.
    pub fn whole_file(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        path: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        let start = Position { line: 1, column: 1 };
        Self {
            rule: rule.into(),
            severity,
            path: path.into(),
            range: 0..0,
            start,
            end: start,
            message: message.into(),
            help: None,
            replacements: Vec::new(),
            related: Vec::new(),
        }
    }

    /// A finding made of an error whose message starts with where it is
    /// (`path:line:column: ` or `path: `, as renkei's error types write them): at `position`
    /// of `path` (line 1 when there is none), with the rest of the message.
    pub fn from_error(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        path: &Path,
        position: Option<(usize, usize)>,
        message: &str,
    ) -> Self {
        let mut finding = Self::whole_file(rule, severity, path, after_location(message, path));
        if let Some((line, column)) = position {
            finding.start = Position { line, column };
            finding.end = finding.start;
        }
        finding
    }

    /// Adds advice on what to change.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a second place the finding concerns.
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
}

/// `message` without the `path:line:column: ` or `path: ` it starts with.
pub fn after_location<'m>(message: &'m str, path: &Path) -> &'m str {
    message
        .strip_prefix(&*path.to_string_lossy())
        .map_or(message, |rest| {
            rest.trim_start_matches(|c: char| c == ':' || c.is_ascii_digit())
                .trim_start()
        })
}
