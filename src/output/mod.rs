//! Everything renkei prints. One module per format, each a [`Printer`] (human, JSON, SARIF
//! 2.1.0, GitHub annotations), driven by one [`Emitter`] that counts what it prints; the
//! assemble plan and every diff are printed by [`plan`]. No other module writes output.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use renkei_lint::{FixMode, LintedFile};
use renkei_model::{Diagnostic, RuleMeta, Severity};

use crate::{CliError, Outcome};

mod concise;
mod github;
pub(crate) mod graph;
mod human;
mod json;
pub(crate) mod meta;
pub(crate) mod plan;
pub mod rules;
mod sarif;
pub(crate) mod waves;

pub(crate) use human::print_brief;

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
    /// One line per finding, `path:line:column: severity[rule] message`, for editors.
    Concise,
}

impl Format {
    /// Whether the format is one document, which must stay whole whatever happens.
    fn is_document(self) -> bool {
        matches!(self, Format::Json | Format::Sarif)
    }
}

/// When output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set or `CLICOLOR` is `0`; `CLICOLOR_FORCE`
    /// colours a pipe too (but `NO_COLOR` still wins).
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Whether this run colours its output, decided once when it starts.
static COLORED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Decides, once per run, whether output is coloured: as `choice` says, by the
/// conventions of `NO_COLOR`, `CLICOLOR` and `CLICOLOR_FORCE` when it is `auto`, and never
/// in an output file unless asked.
pub(crate) fn choose_color(choice: ColorChoice, to_file: bool) {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let colored = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // NO_COLOR wins; CLICOLOR_FORCE colours even a pipe; CLICOLOR=0, or a terminal
        // that says it is dumb (Emacs's shell, some CI logs), turns colour off on a terminal.
        ColorChoice::Auto => {
            let forced = set("CLICOLOR_FORCE").is_some_and(|value| value != "0");
            let declined = set("CLICOLOR").is_some_and(|value| value == "0")
                || set("TERM").is_some_and(|term| term == "dumb");
            let terminal = io::IsTerminal::is_terminal(&io::stdout());
            !to_file && set("NO_COLOR").is_none() && (forced || (terminal && !declined))
        }
    };
    let _ = COLORED.set(colored);
}

/// ANSI colour, when the run has it.
pub(crate) struct Paint(bool);

impl Paint {
    /// Colour as [`choose_color`] decided (none when it was never asked).
    pub(crate) fn chosen() -> Self {
        Self(COLORED.get().copied().unwrap_or(false))
    }

    /// `text` in the SGR colour `code` (`1;31` is bold red).
    pub(crate) fn paint(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// How paths are shown: relative to the current folder when inside it, with `/`
/// separators.
#[derive(Debug, Clone, Default)]
pub(crate) struct Paths {
    cwd: Option<PathBuf>,
}

impl Paths {
    /// Paths shown relative to `cwd`.
    pub(crate) fn relative_to(cwd: Option<&Path>) -> Self {
        Self {
            cwd: cwd.map(Path::to_path_buf),
        }
    }

    /// `path` as shown.
    pub(crate) fn display(&self, path: &Path) -> String {
        let relative = self
            .cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path);
        relative.to_string_lossy().replace('\\', "/")
    }
}

/// What a [`Printer`] gets for one finding.
pub(crate) struct Finding<'a> {
    pub(crate) diagnostic: &'a Diagnostic,
    /// The text of the finding's file as it was checked, for source excerpts.
    pub(crate) source: Option<&'a str>,
    /// How many findings were printed before this one.
    pub(crate) index: usize,
    pub(crate) paths: &'a Paths,
}

/// What the run saw, for the closing summary.
pub(crate) struct Summary {
    pub(crate) files: usize,
    pub(crate) fixed: usize,
    pub(crate) written: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) fixable: usize,
}

/// One output format: it opens its output, prints each finding as it comes, and closes the
/// output with the summary. A document format (JSON, SARIF) writes its opening in `start`
/// and its closing in `finish`, so findings never pile up in memory.
trait Printer {
    fn start(&mut self, out: &mut dyn Write, rules: &[RuleMeta]) -> io::Result<()>;
    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// Prints findings as they arrive, in one format, and counts them.
pub(crate) struct Emitter<'o> {
    out: &'o mut dyn Write,
    printer: Box<dyn Printer>,
    paths: Paths,
    written: usize,
    errors: usize,
    warnings: usize,
    fixable: usize,
}

impl<'o> Emitter<'o> {
    /// Starts the output; `rules` describes the rules that may report (for SARIF), and
    /// paths are shown as `paths` says.
    pub(crate) fn start(
        out: &'o mut dyn Write,
        format: Format,
        rules: &[RuleMeta],
        paths: Paths,
    ) -> io::Result<Self> {
        let mut printer: Box<dyn Printer> = match format {
            Format::Human => Box::new(human::Human::new()),
            Format::Json => Box::new(json::Json::default()),
            Format::Sarif => Box::new(sarif::Sarif::default()),
            Format::Github => Box::new(github::Github),
            Format::Concise => Box::new(concise::Concise),
        };
        printer.start(out, rules)?;
        Ok(Self {
            out,
            printer,
            paths,
            written: 0,
            errors: 0,
            warnings: 0,
            fixable: 0,
        })
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
            let finding = Finding {
                diagnostic,
                source: source(&diagnostic.path),
                index: self.written,
                paths: &self.paths,
            };
            self.printer.finding(self.out, &finding)?;
            self.written += 1;
        }
        Ok(())
    }

    /// Whether any finding printed so far is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// What failed a run that has no error but more warnings than `max_warnings` allows.
    pub(crate) fn over_warnings(&self, max_warnings: Option<usize>) -> Option<String> {
        let max = max_warnings?;
        (self.errors == 0 && self.warnings > max).then(|| {
            format!(
                "{} warning{}, more than --max-warnings {max} allows",
                self.warnings,
                plural(self.warnings)
            )
        })
    }

    /// Whether the findings fail the run: any error, or more warnings than `max_warnings`
    /// allows (`--max-warnings`, for a gate that holds warnings at a number).
    pub(crate) fn fails(&self, max_warnings: Option<usize>) -> bool {
        self.errors > 0 || max_warnings.is_some_and(|max| self.warnings > max)
    }

    /// Ends the output with the summary: `files` looked at, `fixed` findings fixed.
    pub(crate) fn finish(mut self, files: usize, fixed: usize) -> io::Result<()> {
        let summary = Summary {
            files,
            fixed,
            written: self.written,
            errors: self.errors,
            warnings: self.warnings,
            fixable: self.fixable,
        };
        self.printer.finish(self.out, &summary)
    }
}

/// How much a run says beyond its findings and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
    /// `-q`: findings, errors and the files a push changes; no summary, no notes.
    Quiet,
    /// The default: findings with a summary, and notes.
    Normal,
    /// `-v`: also what the run decided and why.
    Verbose,
}

/// What the run was asked to say (`-q`, `-v`).
static VERBOSITY: std::sync::OnceLock<Verbosity> = std::sync::OnceLock::new();

/// Records `-q` or `-v` for the printing that follows.
pub(crate) fn set_verbosity(verbosity: Verbosity) {
    let _ = VERBOSITY.set(verbosity);
}

fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or(Verbosity::Normal)
}

/// Whether the run was asked to print only what needs attention (`-q`).
pub(crate) fn quiet() -> bool {
    verbosity() == Verbosity::Quiet
}

/// With `-v`, prints to stderr what the run decided and why (the root, the configuration,
/// a file left out), so that a surprise in what was checked can be traced.
pub(crate) fn print_verbose(what: impl FnOnce() -> String) {
    if verbosity() == Verbosity::Verbose {
        let _ = writeln!(io::stderr().lock(), "renkei: {}", what());
    }
}

/// Prints a note to stderr, where it never mixes with findings a tool reads; `-q` leaves
/// notes out.
pub(crate) fn print_note(note: &str) {
    if !quiet() {
        let _ = writeln!(io::stderr().lock(), "note: {note}");
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
        CliError::Located(errors) => {
            for error in errors {
                let _ = writeln!(err, "error: {}", error.message);
            }
        }
    }
}

/// Ends a command that failed. JSON and SARIF output still make one whole document, holding
/// each located error (a configuration renkei cannot use, an archetype that does not load)
/// as a finding at its place; other errors, and other formats, go to stderr. Either way the
/// exit code is 2.
pub(crate) fn failure(
    out: &mut dyn Write,
    format: Format,
    error: CliError,
) -> Result<Outcome, CliError> {
    let CliError::Located(errors) = &error else {
        return Err(error);
    };
    if !format.is_document() {
        return Err(error);
    }
    let paths = Paths::relative_to(std::env::current_dir().ok().as_deref());
    let rules = [crate::CONFIG_INVALID_RULE, crate::session::LOAD_FAILED_RULE];
    let mut emitter = Emitter::start(out, format, &rules, paths)?;
    for error in errors {
        emitter.emit(std::slice::from_ref(error.finding.as_ref()), |_| None)?;
    }
    emitter.finish(0, 0)?;
    Ok(Outcome::Failed)
}

/// What a run of the lint has seen so far, across files.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) files: usize,
    pub(crate) fixed: usize,
    unreadable: bool,
}

impl Tally {
    /// Counts one linted file, and prints the diff of its fixes in preview.
    pub(crate) fn record(
        &mut self,
        emitter: &mut Emitter<'_>,
        linted: &LintedFile,
        fix: FixMode,
    ) -> io::Result<()> {
        self.files += 1;
        self.unreadable |= linted.unreadable;
        if let Some(fixed) = &linted.fixed {
            self.fixed += fixed.fixes;
            if fix == FixMode::Preview {
                let path = emitter.paths.display(&linted.path);
                plan::write_diff(
                    emitter.out,
                    (&format!("{path} (before)"), &format!("{path} (after)")),
                    &fixed.before,
                    &fixed.after,
                    2,
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

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
