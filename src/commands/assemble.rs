//! `renkei assemble`: render every archetype and show (`--dry-run`), verify (`--check`) or
//! install (`--push`) the result.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use clap::Args;
use renkei_assemble::{AssembleError, Env, PushOptions, Target};

use crate::output::plan::{
    Mode, PlanFormat, PlanReport, PlanStyle, print_plan, print_plans_json, print_refused,
};
use crate::output::{Paths, print_brief};
use crate::session::{Options, Session};
use crate::watch::{Changed, Watched};
use crate::{CliError, Outcome};

/// Options of `renkei assemble`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei assemble --dry-run                     show what would change in ~/.claude/skills
  renkei assemble --check --target project      CI: exit 1 if .claude/skills is stale
  renkei assemble --push --target opencode --target agents
  renkei assemble --push --target ./build/skills")]
pub struct AssembleArgs {
    /// Show what would change, with a diff of each changed file, and write nothing (default)
    #[arg(long, group = "mode")]
    pub dry_run: bool,
    /// Exit 1 when any target file is missing or stale; write nothing (for CI)
    #[arg(long, group = "mode")]
    pub check: bool,
    /// Install into the targets: atomic writes, never over a file renkei did not write
    #[arg(long, group = "mode")]
    pub push: bool,
    /// Where skills go: claude, project, opencode, opencode-project, gemini,
    /// gemini-project, agents, agents-project, or any folder; repeatable
    #[arg(long = "target", value_name = "TARGET", default_value = "claude")]
    pub targets: Vec<String>,
    /// Assemble only this archetype; repeatable
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// With --push, overwrite (or prune) files renkei did not write or that were edited since
    #[arg(long, requires = "push")]
    pub force: bool,
    /// Remove files renkei wrote earlier and no longer produces (listed in a dry run)
    #[arg(long)]
    pub prune: bool,
    /// Output format: human (a line per file, diffs in a dry run) or json (one document,
    /// each file with its status and mode)
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Run again whenever the doctrine, templates or renkei.yaml change, rendering only
    /// the archetypes whose files changed, until Ctrl-C
    #[arg(long)]
    pub watch: bool,
}

/// Runs `renkei assemble`.
pub fn run(
    root: Option<&Path>,
    args: &AssembleArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    if !args.watch {
        return assemble(root, args, &args.only, out);
    }
    let walk = Session::open(&Options {
        root: root.map(Path::to_path_buf),
        ..Options::default()
    })?
    .walk()?;
    // Absolute, as the watcher's paths are, so that the archetypes it names are the
    // walk's.
    let watched = Watched::of(&walk, None)?;
    crate::watch::watch(&watched, out, |changed, out| {
        let names = match changed {
            Changed::Everything => args.only.clone(),
            Changed::Archetypes(dirs) => {
                let session = Session::open(&Options {
                    root: Some(watched.root.clone()),
                    ..Options::default()
                })?;
                let names: Vec<String> = session
                    .index()?
                    .entries
                    .iter()
                    .filter(|entry| dirs.contains(&entry.dir))
                    .filter(|entry| args.only.is_empty() || args.only.contains(&entry.name))
                    .map(|entry| entry.name.clone())
                    .collect();
                // Only archetypes `--only` leaves out changed: nothing to render.
                if names.is_empty() {
                    return Ok(None);
                }
                names
            }
        };
        assemble(root, args, &names, out).map(Some)
    })
}

/// One assembly of the archetypes named `only` (all of them when it is empty).
fn assemble(
    root: Option<&Path>,
    args: &AssembleArgs,
    only: &[String],
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let mode = match (args.check, args.push) {
        (true, _) => Mode::Check,
        (_, true) => Mode::Push,
        _ => Mode::DryRun,
    };
    let session = Session::open(&Options {
        root: root.map(Path::to_path_buf),
        ..Options::default()
    })?;
    let walk = session.walk()?;
    let skills = session.render(only)?;
    let paths = Paths::relative_to(session.cwd());
    for skill in &skills {
        print_brief(out, &paths, &skill.warnings)?;
    }
    let only: BTreeSet<String> = only.iter().cloned().collect();
    let scope = (!only.is_empty()).then_some(&only);
    let options = PushOptions {
        force: args.force,
        prune: args.prune,
    };
    let env = Env::from_process();
    let mut outcome = Outcome::Clean;
    let style = PlanStyle {
        mode,
        quiet: crate::output::quiet(),
    };
    // JSON is one document over every target, printed once all are planned (or pushed).
    let mut reports = Vec::new();
    for spec in &args.targets {
        let target = Target::resolve(spec, &env, walk.root(), &walk.archetypes_dir())?;
        let plan = match mode {
            Mode::Push => match renkei_assemble::push(&target, &skills, scope, options) {
                Ok(plan) => plan,
                Err(AssembleError::Refused {
                    target: dir,
                    conflicts,
                }) => {
                    if args.format == PlanFormat::Human {
                        print_refused(out, &target.label, &dir, &conflicts)?;
                    }
                    reports.push(PlanReport::Refused {
                        label: target.label.clone(),
                        dir,
                        conflicts,
                    });
                    outcome = Outcome::Findings;
                    continue;
                }
                Err(error) => return Err(error.into()),
            },
            Mode::DryRun | Mode::Check => renkei_assemble::plan(&target, &skills, scope, options)?,
        };
        if mode == Mode::Check && plan.actions.iter().any(|action| action.status.is_stale()) {
            outcome = Outcome::Findings;
        }
        match args.format {
            PlanFormat::Human => print_plan(out, &plan, style)?,
            PlanFormat::Json => reports.push(PlanReport::Planned(plan)),
        }
    }
    if args.format == PlanFormat::Json {
        print_plans_json(out, &reports, mode)?;
    }
    Ok(outcome)
}
