//! `renkei plan check` and `renkei plan waves`: the Plan Contract as a deterministic gate,
//! run by tech-lead before it invokes execution and by execution-lead in its
//! preconditions, and the waves a passing plan runs in.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::output::waves::{WavesFormat, print_waves};
use crate::output::{Emitter, Format, Paths, failure};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei plan`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei plan check items/PAY-142/plan.md
  renkei plan waves items/PAY-142/plan.md --format mermaid")]
pub struct PlanArgs {
    /// What to do with a plan.
    #[command(subcommand)]
    pub command: PlanCommand,
}

/// Subcommands of `renkei plan`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Check plans by the Plan Contract: fields, owners, dependencies, cycles, gates,
    /// test-first order, file overlap and the ownership flag
    Check(PlanCheckArgs),
    /// Order a plan that passes `plan check` into waves of phases that may run at once
    Waves(PlanWavesArgs),
}

/// Where the gates come from.
#[derive(Debug, Args)]
pub struct GateSource {
    /// Process document whose `Gates` section defines the gates; default: the archetype
    /// under the root whose doctrine/process.md has one
    #[arg(long, value_name = "FILE", conflicts_with = "skill")]
    pub gates: Option<PathBuf>,
    /// Installed execution-lead skill folder, whose SKILL.md holds the gates (for a
    /// product repository with only installed skills)
    #[arg(long, value_name = "DIR")]
    pub skill: Option<PathBuf>,
}

impl GateSource {
    fn path(&self) -> Option<&Path> {
        self.gates.as_deref().or(self.skill.as_deref())
    }
}

/// Options of `renkei plan check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei plan check items/PAY-142/plan.md
  renkei plan check items/*/plan.md --format github
  renkei plan check plan.md --skill ~/.claude/skills/execution-lead")]
pub struct PlanCheckArgs {
    /// The plan files; one exit code answers for all of them
    #[arg(value_name = "PLAN", required = true)]
    pub files: Vec<PathBuf>,
    /// Where the gates come from.
    #[command(flatten)]
    pub gates: GateSource,
    /// Correct each misspelt value or gate whose finding has one replacement, in place
    #[arg(long)]
    pub fix: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Options of `renkei plan waves`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei plan waves plan.md
  renkei plan waves plan.md --max-concurrency 4 --format json
  renkei plan waves plan.md --format mermaid > waves.mmd")]
pub struct PlanWavesArgs {
    /// The plan
    #[arg(value_name = "PLAN")]
    pub file: PathBuf,
    /// Most phases in one wave (004 runs at most 10 agents at once)
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrency: u16,
    /// Where the gates come from.
    #[command(flatten)]
    pub gates: GateSource,
    /// Output format
    #[arg(long, value_enum, default_value_t = WavesFormat::Human)]
    pub format: WavesFormat,
}

/// Runs `renkei plan ...`.
pub fn run(root: Option<&Path>, args: &PlanArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let gate_source = match &args.command {
        PlanCommand::Check(check) => &check.gates,
        PlanCommand::Waves(waves) => &waves.gates,
    };
    let options = Options {
        root: root.map(Path::to_path_buf),
        root_optional: gate_source.path().is_some(),
        ..Options::default()
    };
    let session = match Session::open(&options) {
        Ok(session) => session,
        // Plans are checked where agents work too, with no doctrine tree in sight.
        Err(CliError::Failed(mut messages)) => {
            if let Some(first) = messages.first_mut() {
                first.push_str(
                    "; outside a doctrine repository, read the gates from an installed skill with --skill DIR or a process with --gates FILE",
                );
            }
            return Err(CliError::Failed(messages));
        }
        Err(error) => return Err(error),
    };
    let gates = session.plan_gates(gate_source.path())?;
    let rules: Vec<renkei_model::RuleMeta> = renkei_contract::plan::plan_metas().cloned().collect();
    let paths = Paths::relative_to(session.cwd());
    match &args.command {
        PlanCommand::Check(check) => {
            let mut checked = Vec::new();
            for file in &check.files {
                match session.check_plan(file, &gates, check.fix) {
                    Ok(plan) => checked.push(plan),
                    Err(error) => return failure(out, check.format, error),
                }
            }
            let mut emitter = Emitter::start(out, check.format, &rules, paths)?;
            for plan in &checked {
                emitter.emit(&plan.findings, |path| plan.source(path))?;
            }
            let outcome = if emitter.has_errors() {
                Outcome::Findings
            } else {
                Outcome::Clean
            };
            emitter.finish(checked.len(), checked.iter().map(|plan| plan.fixed).sum())?;
            Ok(outcome)
        }
        PlanCommand::Waves(waves) => {
            let plan = session.check_plan(&waves.file, &gates, false)?;
            if plan.fails() {
                // A plan that fails its check has no waves: its findings are the answer,
                // on stderr, so stdout never holds half a schedule.
                let mut stderr = std::io::stderr().lock();
                let mut emitter = Emitter::start(&mut stderr, Format::Human, &rules, paths)?;
                emitter.emit(&plan.findings, |path| plan.source(path))?;
                emitter.finish(1, 0)?;
                return Err(CliError::Failed(vec![format!(
                    "{}: the plan fails `renkei plan check`, so it has no waves",
                    waves.file.display()
                )]));
            }
            print_waves(
                out,
                waves.format,
                &plan.waves(&gates, usize::from(waves.max_concurrency)),
            )?;
            Ok(Outcome::Clean)
        }
    }
}
