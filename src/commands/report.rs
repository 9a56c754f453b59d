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
#[command(after_help = "Examples:
  renkei report check reports/PAY-142/execution-report.md
  renkei report check report.md --skill ~/.claude/skills/execution-lead")]
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
#[command(after_help = "Examples:
  renkei report check reports/PAY-142/execution-report.md
  renkei report check items/*/execution-report.md --format github
  renkei report check report.md --skill ~/.claude/skills/execution-lead")]
pub struct ReportCheckArgs {
    /// The report files; one exit code answers for all of them
    #[arg(value_name = "REPORT", required = true)]
    pub files: Vec<PathBuf>,
    /// Archetype whose template the reports follow; default: the only archetype with a
    /// report contract, or the one whose template has the report's title
    #[arg(long, value_name = "NAME", conflicts_with_all = ["template", "skill"])]
    pub archetype: Option<String>,
    /// Template the reports follow, checked by the contract it states: its sections, its
    /// outcome field's values, a blocker owner (no doctrine root needed)
    #[arg(long, value_name = "FILE", conflicts_with = "skill")]
    pub template: Option<PathBuf>,
    /// Installed skill folder whose `references/template.md` the reports follow, as
    /// `--template` (for a product repository with only installed skills)
    #[arg(long, value_name = "DIR")]
    pub skill: Option<PathBuf>,
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
    let template = match (&args.template, &args.skill) {
        (Some(template), _) => Some(template.clone()),
        (None, Some(skill)) => {
            let template = skill.join("references/template.md");
            if !template.is_file() {
                return Err(CliError::Failed(vec![format!(
                    "{}: not an installed skill folder: it has no references/template.md",
                    skill.display()
                )]));
            }
            Some(template)
        }
        (None, None) => None,
    };
    let options = Options {
        root: root.map(Path::to_path_buf),
        root_optional: template.is_some(),
        ..Options::default()
    };
    let session = match Session::open(&options) {
        Ok(session) => session,
        // Reports are mostly checked where agents work, with no doctrine tree in sight.
        Err(CliError::Failed(mut messages)) if template.is_none() => {
            if let Some(first) = messages.first_mut() {
                first.push_str(
                    "; outside a doctrine repository, check reports against an installed skill with --skill DIR or --template FILE",
                );
            }
            return Err(CliError::Failed(messages));
        }
        Err(error) => return failure(out, args.format, error),
    };
    // A template that cannot be used fails the run before any report is looked at.
    let template = match template
        .as_deref()
        .map(|path| session.report_template(path))
    {
        Some(Err(error)) => return failure(out, args.format, error),
        Some(Ok(template)) => Some(template),
        None => None,
    };
    let mut checked = Vec::new();
    let mut unchecked = Vec::new();
    for file in &args.files {
        let gated = match &template {
            Some(template) => session.check_report_with_template(file, template),
            None => session.check_report(file, args.archetype.as_deref()),
        };
        match gated {
            Ok(gated) => checked.push(gated),
            // An archetype that does not load fails every report alike: it is the answer.
            Err(error @ CliError::Located(_)) => return failure(out, args.format, error),
            // One cause (no archetypes folder) fails every report with the same words.
            Err(CliError::Failed(messages)) => {
                for message in messages {
                    if !unchecked.contains(&message) {
                        unchecked.push(message);
                    }
                }
            }
            Err(error) => return Err(error),
        }
    }
    // Nothing was checked: the errors are the whole answer, with no summary of nothing.
    if checked.is_empty() && !unchecked.is_empty() {
        return Err(CliError::Failed(unchecked));
    }
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, REPORT_RULES, paths)?;
    for gated in &checked {
        emitter.emit(&gated.findings, |path| gated.source(path))?;
    }
    let outcome = if emitter.has_errors() {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    emitter.finish(checked.len(), 0)?;
    // A report that could not be checked is not a report that passed.
    if !unchecked.is_empty() {
        return Err(CliError::Failed(unchecked));
    }
    Ok(outcome)
}
