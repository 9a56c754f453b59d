//! `--format json`: one document, `{"diagnostics": [...], "summary": {...}}`, written one
//! finding at a time. Also the pretty-printing that SARIF shares.

use std::io::{self, Write};
use std::path::Path;

use renkei_model::{Diagnostic, Position, RuleMeta};
use serde_json::json;

use super::{Finding, Paths, Printer, Summary};

/// Indentation of a finding inside the document.
const ITEM_INDENT: &str = "    ";

#[derive(Default)]
pub(super) struct Json {
    writer: Pretty,
}

impl Printer for Json {
    fn start(&mut self, out: &mut dyn Write, _: &[RuleMeta]) -> io::Result<()> {
        write!(out, "{{\n  \"diagnostics\": [")
    }

    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        let item = JsonDiagnostic::new(finding.diagnostic, finding.paths);
        self.writer.item(out, &item, ITEM_INDENT, finding.index)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let close = if summary.written == 0 { "]" } else { "\n  ]" };
        let totals = json!({
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "fixed": summary.fixed,
        });
        write!(out, "{close},\n  \"summary\": ")?;
        self.writer.indented(out, &totals, "  ")?;
        writeln!(out, "\n}}")
    }
}

/// Pretty-prints JSON values into a document that is written piece by piece, reusing one
/// buffer from one value to the next.
#[derive(Default)]
pub(super) struct Pretty {
    buffer: Vec<u8>,
}

impl Pretty {
    /// One value of an array, the `index`th, pretty-printed at `indent`.
    pub(super) fn item(
        &mut self,
        out: &mut dyn Write,
        value: &impl serde::Serialize,
        indent: &str,
        index: usize,
    ) -> io::Result<()> {
        let separator = if index == 0 { "" } else { "," };
        write!(out, "{separator}\n{indent}")?;
        self.indented(out, value, indent)
    }

    /// `value` pretty-printed, its lines after the first indented by `indent`. JSON strings
    /// escape line breaks, so every line break is the printer's.
    pub(super) fn indented(
        &mut self,
        out: &mut dyn Write,
        value: &impl serde::Serialize,
        indent: &str,
    ) -> io::Result<()> {
        self.buffer.clear();
        serde_json::to_writer_pretty(&mut self.buffer, value)?;
        let mut lines = self.buffer.split(|&byte| byte == b'\n');
        if let Some(first) = lines.next() {
            out.write_all(first)?;
        }
        for line in lines {
            write!(out, "\n{indent}")?;
            out.write_all(line)?;
        }
        Ok(())
    }
}

/// A finding in `--format json`, serialized straight from the diagnostic's fields.
#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    #[serde(flatten)]
    place: Place,
    message: &'a str,
    help: Option<&'a str>,
    replacements: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

/// A related location of a finding.
#[derive(serde::Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    place: Place,
    message: &'a str,
}

/// Where something is: a file, and the 1-based start and (exclusive) end in it.
#[derive(serde::Serialize)]
struct Place {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl Place {
    fn new(paths: &Paths, path: &Path, start: Position, end: Position) -> Self {
        Self {
            path: paths.display(path),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic, paths: &Paths) -> Self {
        Self {
            rule: &d.rule,
            severity: d.severity.as_str(),
            place: Place::new(paths, &d.path, d.start, d.end),
            message: &d.message,
            help: d.help.as_deref(),
            replacements: &d.replacements,
            related: d
                .related
                .iter()
                .map(|related| JsonRelated {
                    place: Place::new(paths, &related.path, related.start, related.end),
                    message: &related.message,
                })
                .collect(),
        }
    }
}
