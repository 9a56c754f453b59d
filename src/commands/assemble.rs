//! `renkei assemble`: render every archetype and show (`--dry-run`), verify (`--check`) or
//! install (`--push`) the result.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use clap::Args;
use renkei_assemble::{AssembleError, Env, Plan, PushOptions, Status, Target};

use crate::output::print_diagnostics;
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei assemble`.
#[derive(Debug, Args)]
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
    /// Where skills go: claude, opencode, agents, project, or any folder; repeatable
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
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    DryRun,
    Check,
    Push,
}

/// Runs `renkei assemble`.
pub fn run(
    root: Option<&Path>,
    args: &AssembleArgs,
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
    let root = session.walk()?.root().to_path_buf();
    let skills = session.render(&args.only)?;
    for skill in &skills {
        print_diagnostics(out, &skill.warnings)?;
    }
    let only: BTreeSet<String> = args.only.iter().cloned().collect();
    let scope = (!only.is_empty()).then_some(&only);
    let options = PushOptions {
        force: args.force,
        prune: args.prune,
    };
    let env = Env::from_process();
    let mut outcome = Outcome::Clean;
    for spec in &args.targets {
        let target = Target::resolve(spec, &env, &root)?;
        let plan = match mode {
            Mode::Push => match renkei_assemble::push(&target, &skills, scope, options) {
                Ok(plan) => plan,
                Err(AssembleError::Refused { target: dir, paths }) => {
                    writeln!(
                        out,
                        "target {} ({}): push refused, nothing written",
                        target.label,
                        dir.display()
                    )?;
                    for path in paths {
                        writeln!(out, "  conflict   {path}")?;
                    }
                    writeln!(
                        out,
                        "  help: move your edits into the doctrine sources, or rerun with --force to overwrite"
                    )?;
                    outcome = Outcome::Findings;
                    continue;
                }
                Err(error) => return Err(error.into()),
            },
            Mode::DryRun | Mode::Check => renkei_assemble::plan(&target, &skills, scope, options)?,
        };
        print_plan(out, &plan, mode)?;
        if mode == Mode::Check && plan.actions.iter().any(|action| action.status.is_stale()) {
            outcome = Outcome::Findings;
        }
    }
    Ok(outcome)
}

fn print_plan(out: &mut dyn Write, plan: &Plan, mode: Mode) -> std::io::Result<()> {
    writeln!(
        out,
        "target {} ({})",
        plan.target.label,
        plan.target.dir.display()
    )?;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for action in &plan.actions {
        *counts.entry(action.status.label()).or_default() += 1;
        let detail = match action.status {
            Status::New => action
                .desired
                .as_deref()
                .map(|bytes| format!(" ({} lines)", line_count(bytes))),
            Status::Conflict(ownership) | Status::Forced(ownership) => {
                Some(format!(" ({})", ownership.describe()))
            }
            Status::Orphan => Some(" (no longer produced; --prune removes it)".to_string()),
            Status::OrphanEdited => {
                Some(" (no longer produced, edited since renkei wrote it; kept)".to_string())
            }
            _ => None,
        };
        writeln!(
            out,
            "  {:<10} {}{}",
            action.status.label(),
            action.relative,
            detail.unwrap_or_default()
        )?;
        let show_diff = mode == Mode::DryRun
            && matches!(
                action.status,
                Status::Changed | Status::Conflict(_) | Status::Forced(_)
            );
        if show_diff {
            write_diff(
                out,
                &action.relative,
                action.current.as_deref(),
                action.desired.as_deref(),
            )?;
        }
    }
    let files = plan.actions.len();
    let breakdown = [
        "new",
        "changed",
        "unchanged",
        "conflict",
        "overwrite",
        "prune",
        "orphan",
    ]
    .iter()
    .filter_map(|label| counts.get(label).map(|count| format!("{count} {label}")))
    .collect::<Vec<_>>()
    .join(", ");
    let verdict = match mode {
        Mode::DryRun => "dry run, nothing written",
        Mode::Check => "check, nothing written",
        Mode::Push => "pushed",
    };
    writeln!(
        out,
        "summary: {files} files for {}: {breakdown}; {verdict}",
        plan.target.label
    )
}

fn write_diff(
    out: &mut dyn Write,
    relative: &str,
    current: Option<&[u8]>,
    desired: Option<&[u8]>,
) -> std::io::Result<()> {
    let (Ok(current), Ok(desired)) = (
        std::str::from_utf8(current.unwrap_or_default()),
        std::str::from_utf8(desired.unwrap_or_default()),
    ) else {
        return writeln!(out, "  (binary content differs)");
    };
    let diff = similar::TextDiff::from_lines(current, desired);
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{relative} (installed)"),
            &format!("{relative} (assembled)"),
        )
        .to_string();
    out.write_all(unified.as_bytes())
}

fn line_count(bytes: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}
