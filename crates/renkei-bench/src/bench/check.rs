//! The `check` suite: `renkei check` (load every archetype, lint, run the contracts)
//! against `renkei lint` on the same corpus, in the same run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use renkei_model::load::ARCHETYPES_DIR;

use super::findings::{self, RenkeiOutput};
use super::lint::{LINT_OK, lint_files};
use super::{
    Contender, Corpus, Options, Tools, background, median_ms, time_alternating, total_bytes,
    write_timing_row,
};
use crate::measure::{Sample, measure_in};

/// The target: `renkei check` costs at most this many times `renkei lint`.
const TARGET_RATIO: f64 = 1.5;

/// The stage folder the built-in contract's stage-bound checks apply to.
const CONTRACT_STAGE: &str = "execution";

/// Everything measured for one corpus size.
struct SizeResult {
    archetypes: usize,
    all_files: usize,
    all_bytes: u64,
    lint_files: usize,
    lint_bytes: u64,
    check: Vec<Sample>,
    lint: Vec<Sample>,
    coverage: Coverage,
    background: Option<f64>,
}

/// Where the contract checks ran, judged by what they reported.
#[derive(Debug, Default)]
struct Coverage {
    /// Archetypes per stage folder.
    stages: BTreeMap<String, usize>,
    /// Findings per rule id.
    rules: BTreeMap<String, usize>,
    /// Archetypes with at least one `contract/` finding, per stage folder.
    flagged_per_stage: BTreeMap<String, usize>,
}

/// Runs the suite on every requested size; returns its tables and verdicts.
pub(super) fn run(tools: &Tools, bench_dir: &Path, options: &Options) -> Result<String, String> {
    let mut results = Vec::new();
    for &count in &options.archetypes {
        let corpus = Corpus::prepare(bench_dir, count, options.seed)?;
        results.push(bench_one(tools, &corpus, options.runs)?);
    }
    Ok(report(&results))
}

fn args(command: &str, corpus_dir: &Path) -> Vec<String> {
    vec![
        command.to_string(),
        "--root".to_string(),
        corpus_dir.display().to_string(),
        "--format".to_string(),
        "json".to_string(),
    ]
}

fn bench_one(tools: &Tools, corpus: &Corpus, runs: usize) -> Result<SizeResult, String> {
    let check_args = args("check", &corpus.dir);
    let lint_args = args("lint", &corpus.dir);
    let lint_set = lint_files(corpus);

    // What check reports, once, outside the timed runs.
    let report = findings::parse_renkei_json(&findings::capture(
        &tools.renkei,
        &check_args,
        None,
        LINT_OK,
    )?)?;
    let coverage = coverage(corpus, &report);
    println!(
        "  renkei check: {} findings ({} contract); archetypes with contract findings per stage: {:?}",
        report.findings.len(),
        report
            .findings
            .iter()
            .filter(|finding| finding.rule.starts_with("contract/"))
            .count(),
        coverage.flagged_per_stage
    );

    let contenders = [
        Contender {
            short: "check",
            run: Box::new(|| measure_in(&tools.helper, &tools.renkei, &check_args, None, LINT_OK)),
        },
        Contender {
            short: "lint",
            run: Box::new(|| measure_in(&tools.helper, &tools.renkei, &lint_args, None, LINT_OK)),
        },
    ];
    let timings = time_alternating(&contenders, runs)?;
    let mut samples = timings.samples.into_iter();
    Ok(SizeResult {
        archetypes: corpus.archetypes,
        all_files: corpus.files.len(),
        all_bytes: total_bytes(&corpus.files),
        lint_files: lint_set.len(),
        lint_bytes: total_bytes(&lint_set),
        check: samples.next().unwrap_or_default(),
        lint: samples.next().unwrap_or_default(),
        coverage,
        background: timings.background_percent,
    })
}

fn coverage(corpus: &Corpus, report: &RenkeiOutput) -> Coverage {
    let archetypes_dir = corpus.archetypes_dir();
    let mut coverage = Coverage::default();
    let archetypes: BTreeSet<(String, String)> = corpus
        .files
        .iter()
        .filter_map(|(path, _)| {
            let mut parts = path.strip_prefix(&archetypes_dir).ok()?.components();
            let stage = parts.next()?.as_os_str().to_string_lossy().into_owned();
            let name = parts.next()?.as_os_str().to_string_lossy().into_owned();
            Some((stage, name))
        })
        .collect();
    for (stage, _) in &archetypes {
        *coverage.stages.entry(stage.clone()).or_insert(0) += 1;
    }
    for (rule, count) in report.by_rule() {
        coverage.rules.insert(rule.to_string(), count);
    }
    let flagged: BTreeSet<(&str, &str)> = report
        .findings
        .iter()
        .filter(|finding| finding.rule.starts_with("contract/"))
        .filter_map(|finding| {
            let mut parts = finding
                .path
                .strip_prefix(ARCHETYPES_DIR)?
                .strip_prefix('/')?
                .split('/');
            Some((parts.next()?, parts.next()?))
        })
        .collect();
    for (stage, _) in flagged {
        *coverage
            .flagged_per_stage
            .entry(stage.to_string())
            .or_insert(0) += 1;
    }
    coverage
}

fn report(results: &[SizeResult]) -> String {
    let mut out = format!(
        "## check: `renkei check` against `renkei lint` (background CPU: {})\n\n",
        results
            .iter()
            .map(|result| format!("{}: {}", result.archetypes, background(result.background)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str(
        "| command | archetypes | files read | source MB | median wall ms | min wall ms | peak RSS MB | ratio to lint |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for result in results {
        let lint = median_ms(&result.lint);
        for (label, files, bytes, samples) in [
            (
                "`renkei check --format json`",
                result.all_files,
                result.all_bytes,
                &result.check,
            ),
            (
                "`renkei lint --format json`",
                result.lint_files,
                result.lint_bytes,
                &result.lint,
            ),
        ] {
            write_timing_row(
                &mut out,
                label,
                result.archetypes,
                files,
                bytes,
                samples,
                median_ms(samples) / lint,
            );
        }
    }
    out.push('\n');
    out.push_str(
        "| archetypes | stage folders (archetypes each) | in `execution` | archetypes with contract findings | contract findings | vocabulary findings |\n|---:|---|---:|---|---:|---:|\n",
    );
    for result in results {
        let coverage = &result.coverage;
        let stages = coverage
            .stages
            .iter()
            .map(|(stage, count)| format!("{stage} {count}"))
            .collect::<Vec<_>>()
            .join(", ");
        let flagged = if coverage.flagged_per_stage.is_empty() {
            "none".to_string()
        } else {
            coverage
                .flagged_per_stage
                .iter()
                .map(|(stage, count)| format!("{count} in {stage}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sum = |prefix: &str| -> usize {
            coverage
                .rules
                .iter()
                .filter(|(rule, _)| rule.starts_with(prefix))
                .map(|(_, count)| count)
                .sum()
        };
        let _ = writeln!(
            out,
            "| {} | {stages} | {} | {flagged} | {} | {} |",
            result.archetypes,
            coverage.stages.get(CONTRACT_STAGE).copied().unwrap_or(0),
            sum("contract/"),
            sum("vocabulary/")
        );
    }
    out.push('\n');
    for result in results {
        let rules = result
            .coverage
            .rules
            .iter()
            .filter(|(rule, _)| rule.starts_with("contract/"))
            .map(|(rule, count)| format!("{rule} {count}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "{} archetypes: contract findings by rule: {}",
            result.archetypes,
            if rules.is_empty() { "none" } else { &rules }
        );
        if !result.coverage.stages.contains_key(CONTRACT_STAGE) {
            let _ = writeln!(
                out,
                "  no archetype is in an `{CONTRACT_STAGE}` stage folder: only links-resolve ran"
            );
        }
        let ratio = median_ms(&result.check) / median_ms(&result.lint);
        let reading = if ratio <= TARGET_RATIO {
            "met".to_string()
        } else {
            format!("NOT met (over by {:.1}x)", ratio / TARGET_RATIO)
        };
        let _ = writeln!(
            out,
            "{} archetypes: renkei check takes {ratio:.2}x renkei lint ({:.1} vs {:.1} ms median); target at most {TARGET_RATIO:.1}x: {reading}",
            result.archetypes,
            median_ms(&result.check),
            median_ms(&result.lint)
        );
    }
    out
}
