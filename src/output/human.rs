//! The human format: rustc-style findings with the source line and a caret underline, and
//! a one-line summary.

use std::io::{self, Write};

use renkei_model::{Diagnostic, RuleMeta, Severity};

use super::{Finding, Paint, Paths, Printer, Summary, plural};

/// The widest source excerpt shown around a finding, so a huge single-line file does not
/// flood the terminal.
const MAX_EXCERPT_CHARS: usize = 160;

pub(super) struct Human {
    paint: Paint,
}

impl Human {
    pub(super) fn new() -> Self {
        Self {
            paint: Paint::chosen(),
        }
    }
}

impl Printer for Human {
    fn start(&mut self, _: &mut dyn Write, _: &[RuleMeta]) -> io::Result<()> {
        Ok(())
    }

    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        let diagnostic = finding.diagnostic;
        let code = match diagnostic.severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        let label = diagnostic.severity.as_str();
        let paint = &self.paint;
        let header = format!("{label}[{}]", diagnostic.rule);
        writeln!(
            out,
            "{}: {}",
            paint.paint(code, &header),
            paint.paint("1", &diagnostic.message)
        )?;
        let location = format!(
            "{}:{}:{}",
            finding.paths.display(&diagnostic.path),
            diagnostic.start.line,
            diagnostic.start.column
        );
        let line_text = finding
            .source
            .and_then(|text| line_at(text, diagnostic.range.start));
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
        for related in &diagnostic.related {
            writeln!(
                out,
                "{:gutter$} = note: {}:{}:{}: {}",
                "",
                finding.paths.display(&related.path),
                related.start.line,
                related.start.column,
                related.message
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
        writeln!(out)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if crate::output::quiet() {
            return Ok(());
        }
        let Summary {
            files,
            fixed,
            errors,
            warnings,
            fixable,
            ..
        } = *summary;
        let mut line = format!(
            "{files} file{} checked: {errors} error{}, {warnings} warning{}",
            plural(files),
            plural(errors),
            plural(warnings)
        );
        if fixed > 0 {
            line.push_str(&format!(", {fixed} fixed"));
        }
        if fixable > 0 {
            line.push_str(&format!(" ({fixable} fixable with --fix)"));
        }
        writeln!(out, "{line}")
    }
}

/// Prints diagnostics in the one-line `severity[rule]: path:line:column: message` form, as
/// `assemble` reports its warnings beside its plan.
pub(crate) fn print_brief(
    out: &mut dyn Write,
    paths: &Paths,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    for diagnostic in diagnostics {
        writeln!(
            out,
            "{}[{}]: {}:{}:{}: {}",
            diagnostic.severity,
            diagnostic.rule,
            paths.display(&diagnostic.path),
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
