//! The `renkei` command line, as a library so that `cargo xtask` runs exactly the same code.
//!
//! Only this crate prints. Commands return an [`Outcome`]; [`run`] turns it into an exit code:
//! 0 when clean, 1 when there are findings (stale output, refused push), 2 on usage, config
//! or I/O errors.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod commands;
pub mod config;
pub mod lsp;
pub mod output;
pub mod session;
pub mod watch;

/// How a command ended, before it becomes an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report.
    Clean,
    /// The command ran and found problems the user must act on.
    Findings,
    /// The command reported what it could, but some input could not be read: exit 2.
    Failed,
}

/// Assemble, lint and check agent doctrine written as Markdown into Agent Skills.
#[derive(Debug, Parser)]
#[command(
    name = "renkei",
    version = env!("RENKEI_VERSION"),
    about,
    max_term_width = 100,
    after_help = "Examples:
  renkei assemble --dry-run        show what assembling framework/ would change
  renkei lint                      the vocabulary lint of every archetype
  renkei check                     the CI doctrine check
  renkei explain vocabulary/intake why a rule exists"
)]
pub struct Cli {
    /// Doctrine root (holds the archetypes folder, `framework/archetypes/` unless its
    /// renkei.yaml says otherwise); found from the current folder upward when omitted.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Write what the command prints to FILE instead of stdout, whole or not at all (a
    /// SARIF report for an upload step, say); errors still go to stderr.
    #[arg(long, global = true, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Colour: auto (a terminal, unless NO_COLOR or CLICOLOR=0; CLICOLOR_FORCE for a
    /// pipe), always or never
    #[arg(long, global = true, value_enum, default_value_t = output::ColorChoice::Auto)]
    pub color: output::ColorChoice,
    /// Say on stderr what the run decided: the root and how it was found, the
    /// configuration, the archetypes folder, each file left out or linted, the time taken
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only what needs attention: findings, errors, and the files assemble changes;
    /// no summary line, no notes, no unchanged files
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render every archetype into a SKILL.md folder; show, check or install the result.
    Assemble(commands::assemble::AssembleArgs),
    /// Lint doctrine vocabulary: banned words, with exact positions and fixes.
    Lint(commands::lint::LintArgs),
    /// The CI doctrine check: vocabulary lint, every contract, and optionally freshness.
    Check(commands::check::CheckArgs),
    /// Validate filled-in stage reports against their template contract.
    Report(commands::report::ReportArgs),
    /// Check implementation plans by the Plan Contract, and order them into waves.
    Plan(commands::plan::PlanArgs),
    /// Check skill folders renkei did not write, by the rules assembly enforces.
    Skills(commands::skills::SkillsArgs),
    /// Print the framework's invocation graph (who delegates to whom, by stage) as Mermaid or DOT.
    Graph(commands::graph::GraphArgs),
    /// List every rule: id, severity, the commands that report it, whether --fix fixes it.
    Rules(commands::rules::RulesArgs),
    /// Explain one rule: what it catches and why, how to fix a finding, its examples.
    Explain(commands::explain::ExplainArgs),
    /// Serve the Language Server Protocol on stdin and stdout, for an editor.
    Lsp(commands::lsp::LspArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(commands::completions::CompletionsArgs),
    /// Print the manual page (roff).
    Man(commands::man::ManArgs),
    /// Print the JSON Schema of renkei.yaml, archetype.yaml or contract.yaml.
    Schema(commands::schema::SchemaArgs),
}

/// Parses `args` (program name first), runs the command, prints, and returns the exit code.
pub fn run(args: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    output::choose_color(cli.color, cli.output_file.is_some());
    output::set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => output::Verbosity::Quiet,
        (_, true) => output::Verbosity::Verbose,
        _ => output::Verbosity::Normal,
    });
    let started = std::time::Instant::now();
    let stdout = io::stdout();
    // An output file is written once, whole, when the command is done: a reader never
    // sees half a document.
    let mut held = Vec::new();
    // Line by line to a terminal, so findings show as they come; in blocks to a pipe or a
    // file, where a system call per line would cost more than finding what is printed.
    let mut out: Box<dyn Write> = if cli.output_file.is_some() {
        Box::new(&mut held)
    } else if stdout.is_terminal() {
        Box::new(stdout.lock())
    } else {
        Box::new(io::BufWriter::with_capacity(64 * 1024, stdout.lock()))
    };
    let result = match &cli.command {
        Command::Assemble(args) => commands::assemble::run(cli.root.as_deref(), args, &mut out),
        Command::Lint(args) => commands::lint::run(cli.root.as_deref(), args, &mut out),
        Command::Check(args) => commands::check::run(cli.root.as_deref(), args, &mut out),
        Command::Report(args) => commands::report::run(cli.root.as_deref(), args, &mut out),
        Command::Plan(args) => commands::plan::run(cli.root.as_deref(), args, &mut out),
        Command::Skills(args) => commands::skills::run(cli.root.as_deref(), args, &mut out),
        Command::Graph(args) => commands::graph::run(cli.root.as_deref(), args, &mut out),
        Command::Rules(args) => commands::rules::run(cli.root.as_deref(), args, &mut out),
        Command::Explain(args) => commands::explain::run(cli.root.as_deref(), args, &mut out),
        Command::Lsp(args) => commands::lsp::run(args, &mut out),
        Command::Completions(args) => commands::completions::run(args, &mut out),
        Command::Man(args) => commands::man::run(args, &mut out),
        Command::Schema(args) => commands::schema::run(args, &mut out),
    };
    // What is still buffered can fail to write too (a full disk); that is an error.
    let result = match (result, out.flush()) {
        (Ok(_), Err(error)) => Err(CliError::Output(error)),
        (result, _) => result,
    };
    drop(out);
    let result = match (&cli.output_file, result) {
        // The folder is made as for a report written under `target/` or `.renkei/`, which a
        // fresh checkout does not have yet.
        (Some(path), result) => {
            let written = match path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                Some(parent) => std::fs::create_dir_all(parent).map_err(|error| error.to_string()),
                None => Ok(()),
            }
            .and_then(|()| {
                renkei_model::write::write_atomic(path, &held).map_err(|error| error.to_string())
            });
            match written {
                Ok(()) => result,
                Err(error) => Err(CliError::Failed(vec![format!(
                    "--output-file {}: {error}",
                    path.display()
                )])),
            }
        }
        (None, result) => result,
    };
    output::print_verbose(|| format!("done in {:.1} ms", started.elapsed().as_secs_f64() * 1e3));
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::Failed) => ExitCode::from(2),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            output::print_error(&error);
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &CliError) -> bool {
    matches!(error, CliError::Output(io) if io.kind() == io::ErrorKind::BrokenPipe)
}

/// A command failure: exit code 2.
#[derive(Debug)]
pub enum CliError {
    /// Writing to the terminal failed.
    Output(io::Error),
    /// One or more errors, each phrased for the user (file, line and column first).
    Failed(Vec<String>),
    /// Errors at a place in a file: a configuration renkei cannot use, archetypes that do
    /// not load. JSON and SARIF output carry them as findings inside their document.
    Located(Vec<LocatedError>),
}

/// Rule id of the finding for a configuration file renkei cannot use.
pub const CONFIG_INVALID: &str = "config/invalid";

/// `config/invalid`.
pub const CONFIG_INVALID_RULE: renkei_model::RuleMeta = renkei_model::RuleMeta::error(
    CONFIG_INVALID,
    "the configuration file can be read and used",
    "a configuration renkei cannot use would otherwise be ignored or half applied, and the \
     run would check something other than what the project asked for",
)
.fix("Correct the configuration file at the place the message names, so renkei can use all of it.")
.example("# renkei.yaml\nlint:\n  rules:\n    - id: house/no-phase\n      severity: fatal", "# renkei.yaml\nlint:\n  rules:\n    - id: house/no-phase\n      severity: error\n      words: [phase]");

/// An error at a place in a file: the message for the terminal, and the same problem as a
/// finding at its file and line.
#[derive(Debug, Clone)]
pub struct LocatedError {
    /// The message, file, line and column first.
    pub message: String,
    /// The finding.
    pub finding: Box<renkei_model::Diagnostic>,
}

impl LocatedError {
    /// A configuration error: `message` about `path`, at `position` (1-based line and
    /// column) when it has one, as a `config/invalid` finding.
    pub(crate) fn config(
        message: String,
        path: &std::path::Path,
        position: Option<(usize, usize)>,
    ) -> Self {
        let finding = renkei_model::Diagnostic::from_error(
            CONFIG_INVALID,
            renkei_model::Severity::Error,
            path,
            position,
            &message,
        );
        Self {
            message,
            finding: Box::new(finding),
        }
    }
}

impl From<LocatedError> for CliError {
    fn from(error: LocatedError) -> Self {
        CliError::Located(vec![error])
    }
}

impl From<io::Error> for CliError {
    fn from(error: io::Error) -> Self {
        CliError::Output(error)
    }
}

impl From<renkei_model::ModelError> for CliError {
    fn from(error: renkei_model::ModelError) -> Self {
        CliError::Failed(vec![error.to_string()])
    }
}

impl From<renkei_lint::LintError> for LocatedError {
    fn from(error: renkei_lint::LintError) -> Self {
        use renkei_lint::LintError;
        let message = error.to_string();
        let at = |line: u64, column: u64| {
            Some((
                usize::try_from(line).unwrap_or(usize::MAX),
                usize::try_from(column).unwrap_or(usize::MAX),
            ))
        };
        match &error {
            LintError::Config(model) => {
                LocatedError::config(message, model.path(), model.position())
            }
            LintError::Pattern {
                path, line, column, ..
            }
            | LintError::InvalidRule {
                path, line, column, ..
            } => LocatedError::config(message, path, at(*line, *column)),
        }
    }
}

impl From<renkei_contract::ContractError> for CliError {
    fn from(error: renkei_contract::ContractError) -> Self {
        CliError::Failed(vec![error.to_string()])
    }
}

impl From<renkei_assemble::AssembleError> for CliError {
    fn from(error: renkei_assemble::AssembleError) -> Self {
        CliError::Failed(vec![error.to_string()])
    }
}
