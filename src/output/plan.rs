//! What `assemble` prints: each target's plan, file by file with its status, the diff of
//! each changed file in a dry run, and a summary; and the unified diffs that `lint --diff`
//! shares.

use std::io::{self, Write};

use renkei_assemble::{Plan, Status};
use renkei_model::FileMode;

/// What the plan was made for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    DryRun,
    Check,
    Push,
}

/// Prints `plan` as `mode` made it.
/// How `assemble` prints its plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// A line per file, with diffs in a dry run.
    Human,
    /// One JSON document over every target.
    Json,
}

/// How a human listing is printed: the mode it was made in, and whether unchanged files
/// are left out.
#[derive(Clone, Copy)]
pub(crate) struct PlanStyle {
    pub(crate) mode: Mode,
    pub(crate) quiet: bool,
}

/// What happened in one target, for the JSON document.
pub(crate) enum PlanReport {
    /// Planned (dry run, check) or pushed.
    Planned(Plan),
    /// A push refused, nothing written.
    Refused {
        label: String,
        dir: std::path::PathBuf,
        conflicts: Vec<(String, renkei_assemble::install::Ownership)>,
    },
}

/// Prints `reports` as one JSON document: per target, each file with its status (new,
/// changed, unchanged, conflict, overwrite, prune, orphan) and the mode it has or gets.
pub(crate) fn print_plans_json(
    out: &mut dyn Write,
    reports: &[PlanReport],
    mode: Mode,
) -> io::Result<()> {
    let verdict = match mode {
        Mode::DryRun => "dry-run",
        Mode::Check => "check",
        Mode::Push => "push",
    };
    let targets: Vec<serde_json::Value> = reports
        .iter()
        .map(|report| match report {
            PlanReport::Planned(plan) => serde_json::json!({
                "target": plan.target.label,
                "dir": plan.target.dir,
                "refused": false,
                "files": plan.actions.iter().map(|action| {
                    let mode = action
                        .desired
                        .as_ref()
                        .map(|(_, mode)| *mode)
                        .or(action.current.as_ref().map(|(_, mode)| *mode));
                    let ownership = match action.status {
                        Status::Conflict(ownership) | Status::Forced(ownership) => {
                            Some(ownership.describe())
                        }
                        _ => None,
                    };
                    serde_json::json!({
                        "path": action.relative,
                        "status": action.status.label(),
                        "mode": mode.map(|mode| mode.to_string()),
                        "mode_change": action.mode_change().map(|(from, to)| format!("{from} -> {to}")),
                        "ownership": ownership,
                    })
                }).collect::<Vec<_>>(),
            }),
            PlanReport::Refused {
                label,
                dir,
                conflicts,
            } => serde_json::json!({
                "target": label,
                "dir": dir,
                "refused": true,
                "files": conflicts.iter().map(|(path, ownership)| serde_json::json!({
                    "path": path,
                    "status": "conflict",
                    "ownership": ownership.describe(),
                })).collect::<Vec<_>>(),
            }),
        })
        .collect();
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({ "mode": verdict, "targets": targets }),
    )?;
    writeln!(out)
}

/// The colour of a status word: green for what is added, yellow for what changes, red for
/// what is refused, and dim for what stays.
fn status_color(status: Status) -> &'static str {
    match status {
        Status::New => "32",
        Status::Changed => "33",
        Status::Unchanged => "2",
        Status::Conflict(_) => "1;31",
        Status::Forced(_) => "35",
        Status::Prune | Status::Orphan | Status::OrphanEdited => "36",
    }
}

pub(crate) fn print_plan(out: &mut dyn Write, plan: &Plan, style: PlanStyle) -> io::Result<()> {
    let mode = style.mode;
    let paint = super::Paint::chosen();
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
            Status::New => action.desired.as_ref().map(|(bytes, mode)| {
                // Lines say how much text there is; a binary file has bytes, not lines.
                let size = if renkei_model::read::looks_binary(bytes) {
                    format!("{} bytes", bytes.len())
                } else {
                    format!("{} lines", line_count(bytes))
                };
                match mode {
                    FileMode::Regular => format!(" ({size})"),
                    FileMode::Executable => format!(" ({size}, mode {mode})"),
                }
            }),
            Status::Changed => action
                .mode_change()
                .map(|(current, desired)| format!(" (mode {current} -> {desired})")),
            Status::Conflict(ownership) | Status::Forced(ownership) => {
                Some(format!(" ({})", ownership.describe()))
            }
            Status::Orphan => Some(" (no longer produced; --prune removes it)".to_string()),
            Status::OrphanEdited => {
                Some(" (no longer produced, edited since renkei wrote it; kept)".to_string())
            }
            _ => None,
        };
        if style.quiet && action.status == Status::Unchanged {
            continue;
        }
        let label = format!("{:<10}", action.status.label());
        writeln!(
            out,
            "  {} {}{}",
            paint.paint(status_color(action.status), &label),
            action.relative,
            detail.unwrap_or_default()
        )?;
        let show_diff = mode == Mode::DryRun
            && matches!(
                action.status,
                Status::Changed | Status::Conflict(_) | Status::Forced(_)
            );
        let contents = action.current.as_ref().zip(action.desired.as_ref());
        if let (true, Some(((current, _), (desired, _)))) = (show_diff, contents) {
            if **current == **desired {
                continue;
            }
            let relative = &action.relative;
            let (Ok(current), Ok(desired)) =
                (std::str::from_utf8(current), std::str::from_utf8(desired))
            else {
                writeln!(out, "  (binary content differs)")?;
                continue;
            };
            write_diff(
                out,
                (
                    &format!("{relative} (installed)"),
                    &format!("{relative} (assembled)"),
                ),
                current,
                desired,
                3,
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

/// Prints that a push into `label` (at `dir`) was refused because of `conflicts`.
pub(crate) fn print_refused(
    out: &mut dyn Write,
    label: &str,
    dir: &std::path::Path,
    conflicts: &[(String, renkei_assemble::install::Ownership)],
) -> io::Result<()> {
    use renkei_assemble::install::Ownership;
    writeln!(
        out,
        "target {label} ({}): push refused, nothing written",
        dir.display()
    )?;
    for (path, ownership) in conflicts {
        writeln!(out, "  conflict   {path} ({})", ownership.describe())?;
    }
    // What to do depends on whose the file is: an edit belongs in the sources, a file
    // someone else put there belongs to them.
    let has = |kind: Ownership| conflicts.iter().any(|(_, ownership)| *ownership == kind);
    if has(Ownership::EditedSinceWritten) {
        writeln!(
            out,
            "  help: an edited file: move the edit into the doctrine sources, or rerun with --force to overwrite it"
        )?;
    }
    if has(Ownership::NotWrittenByRenkei) {
        writeln!(
            out,
            "  help: a file renkei did not write: move it away or push to another --target; --force overwrites it"
        )?;
    }
    Ok(())
}

/// A unified diff from `before` to `after`, under `headers`, with `context` lines around
/// each change.
pub(crate) fn write_diff(
    out: &mut dyn Write,
    headers: (&str, &str),
    before: &str,
    after: &str,
    context: usize,
) -> io::Result<()> {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(context)
        .header(headers.0, headers.1)
        .to_string();
    let paint = super::Paint::chosen();
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else if body.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            write!(out, "{line}")?;
        } else {
            write!(out, "{}{end}", paint.paint(code, body))?;
        }
    }
    Ok(())
}

fn line_count(bytes: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}
