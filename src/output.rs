//! Rendering diagnostics: human (rustc style), JSON, SARIF 2.1.0 and GitHub annotations.
//! This is the only place in renkei that knows about output formats.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use renkei_lint::{FileReport, FixMode};
use renkei_model::{Diagnostic, Severity};
use serde_json::json;

use crate::{CliError, ConfigError, Outcome};

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

impl RuleDoc {
    /// An error rule with a one-line description only.
    pub(crate) fn error(id: &str, summary: &str) -> Self {
        Self {
            id: id.to_string(),
            summary: summary.to_string(),
            why: None,
            help: None,
            severity: Severity::Error,
        }
    }

    /// `config/invalid`.
    pub(crate) fn config_invalid() -> Self {
        Self::error(
            crate::CONFIG_INVALID,
            "the configuration file can be read and used",
        )
    }
}

impl From<&renkei_model::RuleMeta> for RuleDoc {
    fn from(rule: &renkei_model::RuleMeta) -> Self {
        Self {
            id: rule.id.to_string(),
            summary: rule.summary.to_string(),
            why: rule.why.as_deref().map(str::to_string),
            help: rule.help.as_deref().map(str::to_string),
            severity: rule.severity,
        }
    }
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
        CliError::Config(ConfigError { message, .. }) => {
            let _ = writeln!(err, "error: {message}");
        }
    }
}

/// Ends a command whose configuration cannot be used. JSON and SARIF output still make one
/// whole document, holding the problem as a `config/invalid` finding; other formats say it
/// on stderr. Either way the exit code is 2.
pub(crate) fn config_failure(
    out: &mut dyn Write,
    format: Format,
    error: CliError,
) -> Result<Outcome, CliError> {
    let CliError::Config(ConfigError { finding, .. }) = &error else {
        return Err(error);
    };
    if !matches!(format, Format::Json | Format::Sarif) {
        return Err(error);
    }
    let mut emitter = Emitter::start(out, format, &[RuleDoc::config_invalid()])?;
    emitter.emit(std::slice::from_ref(finding.as_ref()), |_| None)?;
    emitter.finish(0, 0)?;
    Ok(Outcome::Failed)
}

/// `path` relative to the current folder when it is inside it, with `/` separators.
pub(crate) fn display_path(path: &Path) -> String {
    // renkei never changes its current folder; asked once, not once per finding.
    static CURRENT_DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let current = CURRENT_DIR.get_or_init(|| std::env::current_dir().ok());
    let relative = current
        .as_deref()
        .and_then(|current| path.strip_prefix(current).ok())
        .unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

/// Prints diagnostics as they arrive, in one format. JSON and SARIF wrap every finding in
/// one document: [`Emitter::start`] opens it and [`Emitter::finish`] closes it, so findings
/// are written one by one and never pile up in memory, however large the tree.
pub(crate) struct Emitter<'o> {
    out: &'o mut dyn Write,
    format: Format,
    paint: Paint,
    /// SARIF: each rule's index in the run's rule list.
    rule_index: BTreeMap<String, usize>,
    /// JSON and SARIF: the finding being printed, reused from one to the next.
    buffer: Vec<u8>,
    written: usize,
    errors: usize,
    warnings: usize,
    fixable: usize,
}

/// Indentation of a finding inside the JSON document, and inside the SARIF one.
const JSON_ITEM_INDENT: &str = "    ";
const SARIF_ITEM_INDENT: &str = "        ";

impl<'o> Emitter<'o> {
    /// Starts the output; `rules` describes the rules that may report (for SARIF).
    pub(crate) fn start(
        out: &'o mut dyn Write,
        format: Format,
        rules: &[RuleDoc],
    ) -> io::Result<Self> {
        let mut emitter = Self {
            out,
            format,
            paint: Paint(format == Format::Human && use_color()),
            rule_index: BTreeMap::new(),
            buffer: Vec::new(),
            written: 0,
            errors: 0,
            warnings: 0,
            fixable: 0,
        };
        match format {
            Format::Json => write!(emitter.out, "{{\n  \"diagnostics\": [")?,
            Format::Sarif => emitter.start_sarif(rules)?,
            Format::Human | Format::Github => {}
        }
        Ok(emitter)
    }

    /// Prints `diagnostics`, which come after everything printed so far in path order.
    /// `source` gives the text of a finding's file, as it was read when it was checked, for
    /// the human format's source lines: no file is read again to print it.
    pub(crate) fn emit<'s>(
        &mut self,
        diagnostics: &[Diagnostic],
        source: impl Fn(&Path) -> Option<&'s str>,
    ) -> io::Result<()> {
        for diagnostic in diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            if diagnostic.replacements.len() == 1 {
                self.fixable += 1;
            }
            match self.format {
                Format::Human => self.human(diagnostic, source(&diagnostic.path))?,
                Format::Json => {
                    self.item(&JsonDiagnostic::from(diagnostic), JSON_ITEM_INDENT)?;
                }
                Format::Sarif => {
                    let result = sarif_result(diagnostic, &self.rule_index);
                    self.item(&result, SARIF_ITEM_INDENT)?;
                }
                Format::Github => github(self.out, diagnostic)?,
            }
            self.written += 1;
        }
        Ok(())
    }

    /// Text printed between findings, such as a fix's diff.
    pub(crate) fn out(&mut self) -> &mut dyn Write {
        self.out
    }

    /// Whether any finding printed so far is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Ends the output with the summary: `files` looked at, `fixed` findings fixed.
    pub(crate) fn finish(mut self, files: usize, fixed: usize) -> io::Result<()> {
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        match self.format {
            Format::Human => self.human_summary(files, fixed),
            Format::Json => {
                let summary = json!({
                    "files": files,
                    "errors": self.errors,
                    "warnings": self.warnings,
                    "fixed": fixed,
                });
                write!(self.out, "{close},\n  \"summary\": ")?;
                self.indented(&summary, "  ")?;
                writeln!(self.out, "\n}}")
            }
            Format::Sarif => {
                let close = if self.written == 0 { "]" } else { "\n      ]" };
                writeln!(self.out, "{close}\n    }}\n  ]\n}}")
            }
            Format::Github => Ok(()),
        }
    }

    /// One JSON value of an array, pretty-printed at `indent`.
    fn item(&mut self, value: &impl serde::Serialize, indent: &str) -> io::Result<()> {
        let separator = if self.written == 0 { "" } else { "," };
        write!(self.out, "{separator}\n{indent}")?;
        self.indented(value, indent)
    }

    /// `value` pretty-printed, its lines after the first indented by `indent`. JSON strings
    /// escape line breaks, so every line break is the printer's.
    fn indented(&mut self, value: &impl serde::Serialize, indent: &str) -> io::Result<()> {
        self.buffer.clear();
        serde_json::to_writer_pretty(&mut self.buffer, value)?;
        let mut lines = self.buffer.split(|&byte| byte == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            write!(self.out, "\n{indent}")?;
            self.out.write_all(line)?;
        }
        Ok(())
    }

    fn start_sarif(&mut self, rules: &[RuleDoc]) -> io::Result<()> {
        let mut descriptors = Vec::new();
        for rule in rules {
            self.rule_index.insert(rule.id.clone(), descriptors.len());
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
            descriptors.push(descriptor);
        }
        let tool = json!({
            "driver": {
                "name": "renkei",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://agentskills.io",
                "rules": descriptors,
            }
        });
        write!(
            self.out,
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        self.indented(&tool, "      ")?;
        write!(
            self.out,
            ",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": ["
        )
    }

    fn human(&mut self, diagnostic: &Diagnostic, source: Option<&str>) -> io::Result<()> {
        let (label, code) = match diagnostic.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let paint = &self.paint;
        let header = format!("{label}[{}]", diagnostic.rule);
        writeln!(
            self.out,
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
        let line_text = source.and_then(|text| line_at(text, diagnostic.range.start));
        let gutter = diagnostic.start.line.to_string().len();
        writeln!(
            self.out,
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
            writeln!(self.out, "{:gutter$} {bar}", "")?;
            writeln!(
                self.out,
                "{} {bar} {shown}",
                paint.paint("1;34", &diagnostic.start.line.to_string())
            )?;
            writeln!(
                self.out,
                "{:gutter$} {bar} {:pad$}{}",
                "",
                "",
                paint.paint(code, &carets),
                pad = start - skip
            )?;
        }
        if let Some(help) = &diagnostic.help {
            writeln!(self.out, "{:gutter$} = help: {help}", "")?;
        }
        match diagnostic.replacements.as_slice() {
            [] => {}
            [only] => writeln!(
                self.out,
                "{:gutter$} = fix: replace with `{only}` (--fix applies it)",
                ""
            )?,
            many => writeln!(
                self.out,
                "{:gutter$} = suggestions: {}",
                "",
                many.iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
        writeln!(self.out)
    }

    fn human_summary(self, files: usize, fixed: usize) -> io::Result<()> {
        let (errors, warnings) = (self.errors, self.warnings);
        let mut summary = format!(
            "{files} file{} checked: {errors} error{}, {warnings} warning{}",
            plural(files),
            plural(errors),
            plural(warnings)
        );
        if fixed > 0 {
            summary.push_str(&format!(", {fixed} fixed"));
        }
        if self.fixable > 0 {
            summary.push_str(&format!(" ({} fixable with --fix)", self.fixable));
        }
        writeln!(self.out, "{summary}")
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

/// The line of `text` that holds byte `offset`, found from the offset (never by counting
/// lines of a text that may not be the one the finding was made in).
fn line_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline);
    Some(&text[start..end])
}

/// The widest source excerpt shown around a finding, so a huge single-line file does not
/// flood the terminal.
const MAX_EXCERPT_CHARS: usize = 160;

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// A finding in `--format json`, serialized straight from the diagnostic's fields.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    replacements: &'a [String],
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Self {
            rule: &d.rule,
            severity: d.severity.as_str(),
            path: display_path(&d.path),
            line: d.start.line,
            column: d.start.column,
            end_line: d.end.line,
            end_column: d.end.column,
            message: &d.message,
            help: d.help.as_deref(),
            replacements: &d.replacements,
        }
    }
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn sarif_result(d: &Diagnostic, rule_index: &BTreeMap<String, usize>) -> serde_json::Value {
    // A URI reference: a space or `%` in a file name is percent-encoded.
    let uri = renkei_model::links::percent_encode(&display_path(&d.path)).into_owned();
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
}

/// One GitHub workflow command: data escapes `%`, CR and LF; properties also `:` and `,`.
fn github(out: &mut dyn Write, d: &Diagnostic) -> io::Result<()> {
    let data = |text: &str| {
        text.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |text: &str| data(text).replace(':', "%3A").replace(',', "%2C");
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
    )
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

/// What a run of the lint has seen so far, across files.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) files: usize,
    pub(crate) fixed: usize,
    unreadable: bool,
}

impl Tally {
    /// Counts one file's report, and prints the diff of its fixes in preview.
    pub(crate) fn record(
        &mut self,
        emitter: &mut Emitter<'_>,
        report: &FileReport,
        fix: FixMode,
    ) -> std::io::Result<()> {
        self.files += 1;
        self.unreadable |= report.unreadable;
        if let Some(fixed) = &report.fixed {
            self.fixed += fixed.fixes;
            if fix == FixMode::Preview {
                let path = display_path(&report.path);
                let diff = similar::TextDiff::from_lines(&fixed.before, &fixed.after);
                let header = (format!("{path} (before)"), format!("{path} (after)"));
                write!(
                    emitter.out(),
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&header.0, &header.1)
                )?;
            }
        }
        Ok(())
    }

    /// The command's outcome: a file that could not be read outweighs findings.
    pub(crate) fn outcome(&self, has_errors: bool) -> Outcome {
        if self.unreadable {
            Outcome::Failed
        } else if has_errors {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}
