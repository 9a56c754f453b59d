//! Rendering diagnostics: human (rustc style), JSON, SARIF 2.1.0 and GitHub annotations.
//! This is the only place in renkei that knows about output formats.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use renkei_model::{Diagnostic, Severity};
use serde_json::json;

use crate::CliError;

/// How to print findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source line with a caret underline, rule id, message and suggestion.
    Human,
    /// One JSON document with every diagnostic and a summary.
    Json,
    /// SARIF 2.1.0, with fixes, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// Documentation of a rule, for formats that describe rules (SARIF).
pub struct RuleDoc {
    /// Rule id.
    pub id: String,
    /// One-line description.
    pub summary: String,
    /// Why the rule exists.
    pub why: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// Default severity.
    pub severity: Severity,
}

impl From<&renkei_lint::Rule> for RuleDoc {
    fn from(rule: &renkei_lint::Rule) -> Self {
        Self {
            id: rule.id.clone(),
            summary: rule
                .message
                .replace("`{match}`", "this")
                .replace("{match}", "this"),
            why: rule.why.clone(),
            help: rule.help.clone(),
            severity: rule.severity,
        }
    }
}

/// Everything a format may print.
pub struct Report<'a> {
    /// The findings, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// The rules that ran.
    pub rules: &'a [RuleDoc],
    /// Files looked at.
    pub files: usize,
    /// Fixes written.
    pub fixed: usize,
}

/// Prints a command failure to stderr.
pub(crate) fn print_error(error: &CliError) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    match error {
        CliError::Output(error) => {
            let _ = writeln!(err, "error: cannot write output: {error}");
        }
        CliError::Failed(messages) => {
            for message in messages {
                let _ = writeln!(err, "error: {message}");
            }
        }
    }
}

/// `path` relative to the current folder when it is inside it, with `/` separators.
pub(crate) fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|current| path.strip_prefix(&current).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    relative.to_string_lossy().replace('\\', "/")
}

/// Prints `report` in `format`.
pub(crate) fn write_report(
    out: &mut dyn Write,
    format: Format,
    report: &Report<'_>,
) -> io::Result<()> {
    match format {
        Format::Human => write_human(out, report, use_color()),
        Format::Json => write_json(out, report),
        Format::Sarif => write_sarif(out, report),
        Format::Github => write_github(out, report),
    }
}

fn use_color() -> bool {
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|value| value != "0");
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && (forced || io::stdout().is_terminal())
}

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The widest source excerpt shown around a finding, so a huge single-line file does not
/// flood the terminal.
const MAX_EXCERPT_CHARS: usize = 160;

fn write_human(out: &mut dyn Write, report: &Report<'_>, color: bool) -> io::Result<()> {
    let paint = Paint(color);
    // Diagnostics come sorted by path: keeping only the current file bounds memory.
    let mut source: (Option<&Path>, Option<String>) = (None, None);
    for diagnostic in report.diagnostics {
        let (label, code) = match diagnostic.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let header = format!("{label}[{}]", diagnostic.rule);
        writeln!(
            out,
            "{}: {}",
            paint.paint(code, &header),
            paint.paint("1", &diagnostic.message)
        )?;
        let location = format!(
            "{}:{}:{}",
            display_path(&diagnostic.path),
            diagnostic.start.line,
            diagnostic.start.column
        );
        if source.0 != Some(diagnostic.path.as_path()) {
            source = (
                Some(diagnostic.path.as_path()),
                std::fs::read_to_string(&diagnostic.path).ok(),
            );
        }
        let line_text = source
            .1
            .as_deref()
            .and_then(|text| text.split('\n').nth(diagnostic.start.line - 1));
        let gutter = diagnostic.start.line.to_string().len();
        writeln!(
            out,
            "{:gutter$}{} {location}",
            "",
            paint.paint("1;34", "-->")
        )?;
        if let Some(line_text) = line_text.filter(|_| diagnostic.range != (0..0)) {
            let line_text = line_text.trim_end_matches('\r');
            let start = diagnostic.start.column - 1;
            let end = if diagnostic.end.line == diagnostic.start.line {
                diagnostic.end.column - 1
            } else {
                line_text.chars().count()
            };
            let skip = start.saturating_sub(MAX_EXCERPT_CHARS / 2);
            let shown: String = line_text
                .chars()
                .skip(skip)
                .take(MAX_EXCERPT_CHARS)
                .collect();
            let carets = "^".repeat(end.saturating_sub(start).clamp(1, MAX_EXCERPT_CHARS));
            let bar = paint.paint("1;34", "|");
            writeln!(out, "{:gutter$} {bar}", "")?;
            writeln!(
                out,
                "{} {bar} {shown}",
                paint.paint("1;34", &diagnostic.start.line.to_string())
            )?;
            writeln!(
                out,
                "{:gutter$} {bar} {:pad$}{}",
                "",
                "",
                paint.paint(code, &carets),
                pad = start - skip
            )?;
        }
        if let Some(help) = &diagnostic.help {
            writeln!(out, "{:gutter$} = help: {help}", "")?;
        }
        match diagnostic.replacements.as_slice() {
            [] => {}
            [only] => writeln!(
                out,
                "{:gutter$} = fix: replace with `{only}` (--fix applies it)",
                ""
            )?,
            many => writeln!(
                out,
                "{:gutter$} = suggestions: {}",
                "",
                many.iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
        writeln!(out)?;
    }
    let errors = count(report, Severity::Error);
    let warnings = count(report, Severity::Warning);
    let fixable = report
        .diagnostics
        .iter()
        .filter(|d| d.replacements.len() == 1)
        .count();
    let mut summary = format!(
        "{} file{} checked: {errors} error{}, {warnings} warning{}",
        report.files,
        plural(report.files),
        plural(errors),
        plural(warnings)
    );
    if report.fixed > 0 {
        summary.push_str(&format!(", {} fixed", report.fixed));
    }
    if fixable > 0 {
        summary.push_str(&format!(" ({fixable} fixable with --fix)"));
    }
    writeln!(out, "{summary}")
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn count(report: &Report<'_>, severity: Severity) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

fn write_json(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let diagnostics: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "path": display_path(&d.path),
                "line": d.start.line,
                "column": d.start.column,
                "end_line": d.end.line,
                "end_column": d.end.column,
                "message": d.message,
                "help": d.help,
                "replacements": d.replacements,
            })
        })
        .collect();
    let document = json!({
        "diagnostics": diagnostics,
        "summary": {
            "files": report.files,
            "errors": count(report, Severity::Error),
            "warnings": count(report, Severity::Warning),
            "fixed": report.fixed,
        }
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn write_sarif(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<serde_json::Value> = Vec::new();
    for rule in report.rules {
        rule_index.insert(&rule.id, rules.len());
        let mut descriptor = json!({
            "id": rule.id,
            "shortDescription": { "text": rule.summary },
            "defaultConfiguration": { "level": sarif_level(rule.severity) },
        });
        if let Some(why) = &rule.why {
            descriptor["fullDescription"] = json!({ "text": why });
        }
        if let Some(help) = &rule.help {
            descriptor["help"] = json!({ "text": help });
        }
        rules.push(descriptor);
    }
    let results: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let uri = display_path(&d.path);
            let region = json!({
                "startLine": d.start.line,
                "startColumn": d.start.column,
                "endLine": d.end.line,
                "endColumn": d.end.column,
            });
            let mut result = json!({
                "ruleId": d.rule,
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region }
                }],
            });
            if let Some(index) = rule_index.get(d.rule.as_ref()) {
                result["ruleIndex"] = json!(index);
            }
            if !d.replacements.is_empty() {
                result["fixes"] = d
                    .replacements
                    .iter()
                    .map(|replacement| {
                        json!({
                            "description": { "text": format!("Replace with `{replacement}`") },
                            "artifactChanges": [{
                                "artifactLocation": { "uri": uri },
                                "replacements": [{
                                    "deletedRegion": region,
                                    "insertedContent": { "text": replacement },
                                }],
                            }],
                        })
                    })
                    .collect();
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "renkei",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://agentskills.io",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// GitHub workflow commands: data escapes `%`, CR and LF; properties also `:` and `,`.
fn write_github(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let data = |text: &str| {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |text: &str| data(text).replace(':', "%3A").replace(',', "%2C");
    for d in report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&display_path(&d.path)),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            property(&d.rule),
            data(&d.message)
        )?;
    }
    Ok(())
}

/// Prints diagnostics in the one-line `severity[rule]: path:line:column: message` form.
pub(crate) fn print_diagnostics(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for diagnostic in diagnostics {
        writeln!(
            out,
            "{}[{}]: {}:{}:{}: {}",
            diagnostic.severity,
            diagnostic.rule,
            display_path(&diagnostic.path),
            diagnostic.start.line,
            diagnostic.start.column,
            diagnostic.message
        )?;
        if let Some(help) = &diagnostic.help {
            writeln!(out, "  help: {help}")?;
        }
    }
    Ok(())
}
