//! The `plan` suite: `renkei plan check` and `renkei plan waves` (which checks, then
//! orders) on a generated plan of 10,000 phases, whole processes, start-up included.

use std::fmt::Write as _;
use std::path::Path;

use super::{Contender, Options, Tools, background, median_ms, time_alternating, timing_cells};
use crate::measure::measure_in;
use crate::plans::{PlanShape, plan_markdown, process_markdown};

/// The target: checking and waving the plan take at most this long, median.
const TARGET_MS: f64 = 100.0;

/// Phases of the benchmark plan.
const PHASES: usize = 10_000;

/// Runs the suite; returns its table and verdict.
pub(super) fn run(tools: &Tools, bench_dir: &Path, options: &Options) -> Result<String, String> {
    let dir = bench_dir.join("plan");
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let plan = dir.join("plan.md");
    let process = dir.join("process.md");
    let shape = PlanShape {
        phases: PHASES,
        seed: options.seed,
        file_pool: None,
        shuffle: false,
    };
    let text = plan_markdown(&shape);
    std::fs::write(&plan, &text).map_err(|error| format!("{}: {error}", plan.display()))?;
    std::fs::write(&process, process_markdown())
        .map_err(|error| format!("{}: {error}", process.display()))?;
    let args = |command: &str| -> Vec<String> {
        [
            "plan",
            command,
            &plan.display().to_string(),
            "--gates",
            &process.display().to_string(),
            "--format",
            "json",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect()
    };
    let check_args = args("check");
    let waves_args = args("waves");
    let contenders = [
        Contender {
            short: "check",
            run: Box::new(|| measure_in(&tools.helper, &tools.renkei, &check_args, None, &[0])),
        },
        Contender {
            short: "waves",
            run: Box::new(|| measure_in(&tools.helper, &tools.renkei, &waves_args, None, &[0])),
        },
    ];
    let timings = time_alternating(&contenders, options.runs)?;
    let mut out = format!(
        "## plan: a generated plan of {PHASES} phases, {:.1} MB (background CPU: {})\n\n",
        text.len() as f64 / 1e6,
        background(timings.background_percent)
    );
    out.push_str(
        "| command | median wall ms | min wall ms | peak RSS MB |\n|---|---:|---:|---:|\n",
    );
    for (label, samples) in [
        ("`renkei plan check --format json`", &timings.samples[0]),
        ("`renkei plan waves --format json`", &timings.samples[1]),
    ] {
        let _ = writeln!(out, "| {label} | {} |", timing_cells(samples));
    }
    let waves = median_ms(&timings.samples[1]);
    let _ = writeln!(
        out,
        "\nTarget: checking and waving a {PHASES}-phase plan (`plan waves`, which checks first) under {TARGET_MS:.0} ms: {} ({waves:.1} ms).",
        if waves < TARGET_MS { "met" } else { "NOT met" }
    );
    Ok(out)
}
