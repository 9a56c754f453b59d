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
pub(crate) fn print_plan(out: &mut dyn Write, plan: &Plan, mode: Mode) -> io::Result<()> {
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
    conflicts: &[String],
) -> io::Result<()> {
    writeln!(
        out,
        "target {label} ({}): push refused, nothing written",
        dir.display()
    )?;
    for path in conflicts {
        writeln!(out, "  conflict   {path}")?;
    }
    writeln!(
        out,
        "  help: move your edits into the doctrine sources, or rerun with --force to overwrite"
    )
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
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(context)
            .header(headers.0, headers.1)
    )
}

fn line_count(bytes: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    newlines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}
