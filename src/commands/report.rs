//! `renkei report check`: validates a filled-in stage report against its archetype's
//! template contract, as an agent hook or a CI gate on agent output.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use renkei_contract::report::REPORT_RULES;

use crate::output::{Emitter, Format, Paths, failure};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// What to do with a report.
    #[command(subcommand)]
    pub command: ReportCommand,
}

/// Subcommands of `renkei report`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check a filled-in report: sections in order, one outcome value, required fields
    /// filled, blocker owner when blocked or escalated
    Check(ReportCheckArgs),
}

/// Options of `renkei report check`.
#[derive(Debug, Args)]
pub struct ReportCheckArgs {
    /// The report file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Archetype whose template the report follows; default: the only archetype with a
    /// report contract
    #[arg(long, value_name = "NAME")]
    pub archetype: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `renkei report ...`.
pub fn run(
    root: Option<&Path>,
    args: &ReportArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let ReportCommand::Check(args) = &args.command;
    let options = Options {
        root: root.map(Path::to_path_buf),
        ..Options::default()
    };
    let gated = Session::open(&options).and_then(|session| {
        let gated = session.check_report(&args.file, args.archetype.as_deref())?;
        Ok((session, gated))
    });
    let (session, gated) = match gated {
        Ok(gated) => gated,
        Err(error) => return failure(out, args.format, error),
    };
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, REPORT_RULES, paths)?;
    emitter.emit(&gated.findings, |path| gated.source(path))?;
    let outcome = if emitter.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    emitter.finish(1, 0)?;
    Ok(outcome)
}
