//! `renkei report check`: validates a filled-in stage report against its archetype's
//! template contract, as an agent hook or a CI gate on agent output.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use renkei_contract::report::{REPORT_RULES, ReportContract};
use renkei_model::{Document, Walk};

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
    let gated = match gate(root, args) {
        Ok(gated) => gated,
        Err(error) => return failure(out, args.format, error),
    };
    let Gated {
        session,
        template_path,
        template,
        report,
        diagnostics,
    } = gated;
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, &report_rule_docs(), paths)?;
    emitter.emit(&diagnostics, |path| {
        if path == args.file {
            Some(report.source.as_str())
        } else if path == template_path {
            Some(template.source.as_str())
        } else {
            None
        }
    })?;
    let outcome = if emitter.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    emitter.finish(1, 0)?;
    Ok(outcome)
}

/// A report checked against its template's contract.
struct Gated {
    session: Session,
    template_path: std::path::PathBuf,
    template: Document,
    report: Document,
    diagnostics: Vec<renkei_model::Diagnostic>,
}

/// Opens the session, finds the archetype whose template the report follows, and checks
/// the report against it.
fn gate(root: Option<&Path>, args: &ReportCheckArgs) -> Result<Gated, CliError> {
    let session = Session::open(&Options {
        root: root.map(Path::to_path_buf),
        ..Options::default()
    })?;
    let walk = session.walk()?;
    let framework = session.load()?;
    let mut candidates = Vec::new();
    for archetype in &framework.archetypes {
        if args
            .archetype
            .as_deref()
            .is_some_and(|name| name != archetype.name())
        {
            continue;
        }
        let contract = session.contract_for(archetype)?;
        if let Some(report_contract) = ReportContract::from_contract(&contract, &archetype.stage) {
            candidates.push((archetype, report_contract));
        }
    }
    let (archetype, contract) = match (candidates.len(), &args.archetype) {
        (1, _) => candidates.remove(0),
        (0, Some(name)) => {
            return Err(CliError::Failed(vec![format!(
                "--archetype {name}: no such archetype, or its contract has no `outcome-field` check to define a report"
            )]));
        }
        (0, None) => {
            return Err(CliError::Failed(vec![
                "no archetype has a report contract (an `outcome-field` check)".to_string(),
            ]));
        }
        _ => {
            let names: Vec<&str> = candidates
                .iter()
                .map(|(archetype, _)| archetype.name())
                .collect();
            return Err(CliError::Failed(vec![format!(
                "several archetypes define reports ({}); pass --archetype NAME",
                names.join(", ")
            )]));
        }
    };
    let template_path = archetype.dir.join(&contract.template);
    let template = parse(&template_path, walk.read_text(&template_path)?)?;
    let report_dir = args
        .file
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let report = parse(&args.file, Walk::on_disk(report_dir).read_text(&args.file)?)?;
    let diagnostics = renkei_contract::check_report(&contract, &template, &args.file, &report);
    Ok(Gated {
        template_path,
        template,
        report,
        diagnostics,
        session,
    })
}

fn parse(path: &Path, text: String) -> Result<Document, CliError> {
    Document::parse(text).map_err(|source| {
        renkei_model::ModelError::TooDeep {
            path: path.to_path_buf(),
            source,
        }
        .into()
    })
}

fn report_rule_docs() -> Vec<renkei_model::RuleMeta> {
    REPORT_RULES.to_vec()
}
