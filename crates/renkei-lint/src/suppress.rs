//! Suppression comments: `<!-- renkei-disable-next-line RULE -->`, and
//! `<!-- renkei-disable RULE -->` ... `<!-- renkei-enable RULE -->`.
//!
//! A comment without rule ids applies to every rule. Several ids may be separated by
//! spaces or commas. A suppression that suppresses nothing is reported, so that stale
//! comments do not pile up and hide the next real finding.

use std::ops::Range;
use std::path::Path;

use renkei_model::{Diagnostic, LineIndex, RuleMeta};

/// Rule id of the finding for a suppression that suppressed nothing.
pub const UNUSED_SUPPRESSION: &str = "lint/unused-suppression";

/// The rule [`UNUSED_SUPPRESSION`] names.
pub const UNUSED_SUPPRESSION_RULE: RuleMeta = RuleMeta::warning(
    UNUSED_SUPPRESSION,
    "a suppression comment that suppresses nothing",
    "A suppression comment left behind after its finding was fixed would hide the next real \
     finding on its lines; stale comments are reported so they do not pile up.",
)
.fix("Delete the suppression comment, or name the rule whose finding it should silence.")
.example(
    "<!-- renkei-disable-next-line vocabulary/intake -->\nRead the request before step 1.",
    "Read the request before step 1.",
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    NextLine,
    Disable,
    Enable,
}

#[derive(Debug)]
struct Directive {
    kind: Kind,
    comment: Range<usize>,
    /// Lines (1-based, inclusive) the directive covers.
    lines: Range<usize>,
    /// Rule ids; empty means all rules.
    rules: Vec<String>,
    used: bool,
}

impl Directive {
    fn names(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|id| id == rule)
    }
}

/// The suppression comments of one document.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    directives: Vec<Directive>,
}

impl Suppressions {
    /// Reads every suppression comment among the HTML `comments` of `text`.
    pub(crate) fn parse(text: &str, lines: &LineIndex, comments: &[Range<usize>]) -> Self {
        let mut directives: Vec<Directive> = comments
            .iter()
            .filter_map(|range| directive(text, lines, range.clone()))
            .collect();
        let last_line = lines.line_count(text).max(1) + 1;
        for index in 0..directives.len() {
            if directives[index].kind != Kind::Disable {
                continue;
            }
            let start = directives[index].lines.start;
            let end = directives[index + 1..]
                .iter()
                .find(|later| {
                    later.kind == Kind::Enable
                        && (later.rules.is_empty()
                            || directives[index].rules.iter().all(|id| later.names(id)))
                })
                .map_or(last_line, |enable| enable.lines.start);
            directives[index].lines = start..end;
        }
        Self { directives }
    }

    /// Whether byte `offset` is inside a suppression comment (whose rule ids must not be
    /// linted as prose).
    pub(crate) fn covers_comment(&self, offset: usize) -> bool {
        self.directives
            .iter()
            .any(|directive| directive.comment.contains(&offset))
    }

    /// Whether a finding of `rule` on `line` is suppressed; marks the suppression used.
    pub(crate) fn suppress(&mut self, rule: &str, line: usize) -> bool {
        let mut suppressed = false;
        for directive in &mut self.directives {
            if directive.kind != Kind::Enable
                && directive.lines.contains(&line)
                && directive.names(rule)
            {
                directive.used = true;
                suppressed = true;
            }
        }
        suppressed
    }

    /// Findings for suppressions that suppressed nothing.
    pub(crate) fn unused(
        &self,
        path: &Path,
        text: &str,
        lines: &LineIndex,
        known: &dyn Fn(&str) -> bool,
    ) -> Vec<Diagnostic> {
        self.directives
            .iter()
            .filter(|directive| directive.kind != Kind::Enable && !directive.used)
            .map(|directive| {
                let unknown: Vec<&str> = directive
                    .rules
                    .iter()
                    .map(String::as_str)
                    .filter(|id| !known(id))
                    .collect();
                let message = if unknown.is_empty() {
                    "suppression comment suppresses nothing".to_string()
                } else {
                    format!(
                        "suppression comment names {}, which is not an active rule",
                        unknown.join(", ")
                    )
                };
                Diagnostic::at(
                    UNUSED_SUPPRESSION,
                    UNUSED_SUPPRESSION_RULE.severity,
                    path,
                    text,
                    lines,
                    directive.comment.clone(),
                    message,
                )
                .with_help("remove the comment, or fix the rule id it names")
            })
            .collect()
    }
}

fn directive(source: &str, lines: &LineIndex, comment: Range<usize>) -> Option<Directive> {
    let text = source[comment.clone()]
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim();
    let (kind, rest) = if let Some(rest) = text.strip_prefix("renkei-disable-next-line") {
        (Kind::NextLine, rest)
    } else if let Some(rest) = text.strip_prefix("renkei-disable") {
        (Kind::Disable, rest)
    } else if let Some(rest) = text.strip_prefix("renkei-enable") {
        (Kind::Enable, rest)
    } else {
        return None;
    };
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rules = rest
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect();
    let comment_line = lines.position(source, comment.start).line;
    let end_line = lines.position(source, comment.end.saturating_sub(1)).line;
    let lines = match kind {
        Kind::NextLine => end_line + 1..end_line + 2,
        Kind::Disable | Kind::Enable => comment_line..comment_line + 1,
    };
    Some(Directive {
        kind,
        comment,
        lines,
        rules,
        used: false,
    })
}
