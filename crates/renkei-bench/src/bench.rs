//! `cargo xtask bench`: renkei's commands timed on generated corpora against reference
//! commands, with wall time and peak memory.
//!
//! The suites share the machinery here (corpus generation and reuse, one untimed warm-up
//! run, alternating timed runs, median and minimum, peak RSS through `renkei-bench-measure`):
//!
//! - `assemble` ([`assemble`]): `renkei assemble --dry-run` against `cat` over the same files;
//! - `lint` ([`lint`]): `renkei lint` against ripgrep with equivalent patterns, plus a
//!   one-file run (the pre-commit case) and single files of several MB against `rg -P`
//!   (`lint-large` runs only those);
//! - `check` ([`check`]): `renkei check` against `renkei lint` on the same corpus;
//! - `plan` ([`plan`]): `renkei plan check` and `plan waves` on a 10,000-phase plan;
//! - `lsp` ([`lsp`]): `renkei lsp` driven over its pipes: start-up, an edit's findings,
//!   memory over 10,000 edits.

mod assemble;
mod check;
mod findings;
mod lint;
mod lsp;
mod plan;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use renkei_model::load::ARCHETYPES_DIR;

use crate::corpus::{self, Summary};
use crate::measure::{Sample, measure};

/// A group of measurements `--suite` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Suite {
    /// `renkei assemble --dry-run` against `cat` over the same files.
    Assemble,
    /// The same, on the corpus with a script and two binary assets added to every
    /// archetype: what real skills ship beside their doctrine.
    AssembleAssets,
    /// `renkei lint` against ripgrep, a one-file lint, and large single files.
    Lint,
    /// Only the large single files of `lint`: `renkei lint <file>` against `rg -P`.
    LintLarge,
    /// `renkei check` against `renkei lint`.
    Check,
    /// `renkei plan check` and `renkei plan waves` on a 10,000-phase plan.
    Plan,
    /// `renkei lsp`: start-up, a one-character edit of a 5,000-line file, memory.
    Lsp,
}

/// What to measure.
pub(crate) struct Options {
    pub(crate) suites: Vec<Suite>,
    pub(crate) archetypes: Vec<usize>,
    /// Sizes of the lint suite's large single files, in bytes.
    pub(crate) large_files: Vec<usize>,
    pub(crate) runs: usize,
    pub(crate) seed: u64,
}

/// Runs `cargo xtask bench`.
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let root = workspace_root()?;
    let release = target_dir(&root).join("release");
    let bench_dir = target_dir(&root).join("bench");
    println!("machine: {}", machine_description());
    println!("renkei: {}", revision(&root));

    cargo(&root, &["build", "--release", "-p", "renkei"])?;
    cargo(
        &root,
        &[
            "build",
            "--release",
            "-p",
            "renkei-bench",
            "--bin",
            "renkei-bench-measure",
        ],
    )?;
    let tools = Tools {
        renkei: existing(release.join(executable("renkei")))?,
        helper: existing(release.join(executable("renkei-bench-measure")))?,
    };
    let floor_kib = (0..3)
        .map(|_| measure(&tools.helper, Path::new("true"), &[]))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .map(|sample| sample.peak_rss_kib)
        .max()
        .unwrap_or(0);

    // In the order given, each once; `lint` includes `lint-large`.
    let mut suites: Vec<Suite> = Vec::new();
    for suite in &options.suites {
        let covered = *suite == Suite::LintLarge && options.suites.contains(&Suite::Lint);
        if !suites.contains(suite) && !covered {
            suites.push(*suite);
        }
    }
    let mut reports = Vec::new();
    for suite in suites {
        println!("\n== suite {suite:?} ==");
        let report = match suite {
            Suite::Assemble => assemble::run(&tools, &bench_dir, options, false)?,
            Suite::AssembleAssets => assemble::run(&tools, &bench_dir, options, true)?,
            Suite::Lint => lint::run(&tools, &bench_dir, options)?,
            Suite::LintLarge => lint::run_large(&tools, &bench_dir, options)?,
            Suite::Check => check::run(&tools, &bench_dir, options)?,
            Suite::Plan => plan::run(&tools, &bench_dir, options)?,
            Suite::Lsp => lsp::run(&tools, &bench_dir, options)?,
        };
        reports.push(report);
    }
    for report in &reports {
        println!("\n{report}");
    }
    println!(
        "Peak RSS floor of the method: `true` reads {:.1} MB (a child starts at its parent's RSS), so readings near that are upper bounds.",
        kib_to_mb(floor_kib)
    );
    Ok(())
}

/// The binaries a bench runs.
struct Tools {
    renkei: PathBuf,
    helper: PathBuf,
}

/// A generated corpus, ready to measure.
struct Corpus {
    archetypes: usize,
    dir: PathBuf,
    /// Every file under `framework/archetypes`, sorted, with its size in bytes.
    files: Vec<(PathBuf, u64)>,
}

impl Corpus {
    /// Generates `corpus-N` under `bench_dir`, or reuses it, and lists its files.
    fn prepare(bench_dir: &Path, count: usize, seed: u64) -> Result<Self, String> {
        Self::prepare_as(bench_dir, count, seed, false)
    }

    /// [`Corpus::prepare`], or with `assets`, `corpus-N-assets`: the same archetypes, each
    /// with a script and binary assets added.
    fn prepare_as(bench_dir: &Path, count: usize, seed: u64, assets: bool) -> Result<Self, String> {
        let name = if assets {
            format!("corpus-{count}-assets")
        } else {
            format!("corpus-{count}")
        };
        let dir = bench_dir.join(&name);
        ensure_corpus(&dir, count, seed)?;
        if assets {
            corpus::add_assets(&dir, seed)?;
        }
        let files = source_files(&dir)?;
        println!(
            "{name}: {} files, {:.1} MB under {}",
            files.len(),
            total_bytes(&files) as f64 / 1e6,
            dir.join(ARCHETYPES_DIR).display()
        );
        Ok(Self {
            archetypes: count,
            dir,
            files,
        })
    }

    fn archetypes_dir(&self) -> PathBuf {
        self.dir.join(ARCHETYPES_DIR)
    }
}

fn total_bytes(files: &[(PathBuf, u64)]) -> u64 {
    files.iter().map(|(_, bytes)| bytes).sum()
}

/// One command a suite times: `run` performs one measured run of it.
struct Contender<'a> {
    /// How the per-run progress lines name it.
    short: &'static str,
    run: Box<dyn Fn() -> Result<Sample, String> + 'a>,
}

/// What [`time_alternating`] measured.
struct Timings {
    /// One list of samples per contender, in the contenders' order.
    samples: Vec<Vec<Sample>>,
    /// CPU time other processes used during the timed runs, in percent of one core.
    background_percent: Option<f64>,
}

/// One untimed warm-up run of each contender (fills the page cache and the binaries'
/// caches), then `runs` timed rounds in which every contender runs once, in turn, so drift
/// on the machine (thermal, background load) hits all of them alike.
fn time_alternating(contenders: &[Contender<'_>], runs: usize) -> Result<Timings, String> {
    for contender in contenders {
        (contender.run)()?;
    }
    // Other work on the machine inflates every command: the CPU time nobody measured here
    // used during the timed runs tells a reader whether this run can be trusted.
    let busy_before = busy_cpu_time();
    let window = Instant::now();
    let mut samples = vec![Vec::with_capacity(runs); contenders.len()];
    for run in 1..=runs {
        let mut line = format!("  run {run}/{runs}:");
        for (index, contender) in contenders.iter().enumerate() {
            let sample = (contender.run)()?;
            let separator = if index == 0 { "" } else { ";" };
            let _ = write!(
                line,
                "{separator} {} {:.1} ms, {:.1} MB",
                contender.short,
                millis(sample.wall),
                kib_to_mb(sample.peak_rss_kib)
            );
            samples[index].push(sample);
        }
        // Long series (the one-file lint) only print their summary.
        if runs <= 10 {
            println!("{line}");
        }
    }
    let window = window.elapsed();
    let background_percent = match (busy_before, busy_cpu_time()) {
        (Some(before), Some(after)) => {
            let measured: Duration = samples.iter().flatten().map(|s| s.cpu).sum();
            let other = after.saturating_sub(before).saturating_sub(measured);
            let percent = 100.0 * other.as_secs_f64() / window.as_secs_f64();
            println!(
                "  background CPU during the timed runs: {:.2} s in {:.2} s of wall time ({percent:.0}% of one core; includes xtask's own bookkeeping)",
                other.as_secs_f64(),
                window.as_secs_f64(),
            );
            Some(percent)
        }
        _ => None,
    };
    Ok(Timings {
        samples,
        background_percent,
    })
}

/// "2% of one core", or "unknown" where `/proc/stat` is missing.
fn background(percent: Option<f64>) -> String {
    percent.map_or_else(
        || "unknown".to_string(),
        |percent| format!("{percent:.0}% of one core"),
    )
}

fn executable(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

fn existing(path: PathBuf) -> Result<PathBuf, String> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "cargo build succeeded but {} does not exist",
            path.display()
        ))
    }
}

fn kib_to_mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// The workspace root: this crate lives at `crates/renkei-bench`.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .ok_or_else(|| "renkei-bench is not inside a workspace".to_string())
}

/// Where cargo puts build output; `CARGO_TARGET_DIR` is resolved the way cargo does it
/// when run from the workspace root, as [`cargo`] runs it.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|value| !value.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("running: cargo {}", args.join(" "));
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

/// Reuses a corpus generated earlier with the same size and seed; regenerates otherwise.
fn ensure_corpus(dir: &Path, count: usize, seed: u64) -> Result<(), String> {
    let reusable = Summary::read_stamp(dir)
        .is_some_and(|stamp| stamp.archetypes == count && stamp.seed == seed)
        && dir.join(ARCHETYPES_DIR).is_dir();
    if reusable {
        println!(
            "corpus-{count}: reusing {} (same size, seed and generator)",
            dir.display()
        );
        return Ok(());
    }
    let start = Instant::now();
    let summary = corpus::write_corpus(dir, count, seed)?;
    println!(
        "corpus-{count}: generated {} archetypes ({} files, {:.1} MB) with seed {seed} in {:.2} s",
        summary.archetypes,
        summary.files,
        summary.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Every file under `framework/archetypes`, sorted, with its size: what renkei
/// reads, and so what the floor reads.
fn source_files(corpus_dir: &Path) -> Result<Vec<(PathBuf, u64)>, String> {
    let mut files = Vec::new();
    let mut pending = vec![corpus_dir.join(ARCHETYPES_DIR)];
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir)
            .map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|error| format!("cannot read {}: {error}", dir.display()))?;
            let kind = entry
                .file_type()
                .map_err(|error| format!("cannot stat {}: {error}", entry.path().display()))?;
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                let size = entry
                    .metadata()
                    .map_err(|error| format!("cannot stat {}: {error}", entry.path().display()))?
                    .len();
                files.push((entry.path(), size));
            }
        }
    }
    files.sort();
    Ok(files)
}

fn write_file_list(path: &Path, files: &[(PathBuf, u64)]) -> Result<(), String> {
    let mut list = Vec::new();
    for (file, _) in files {
        list.extend_from_slice(file.as_os_str().as_encoded_bytes());
        list.push(0);
    }
    fs::write(path, list).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn median_ms(samples: &[Sample]) -> f64 {
    let mut values: Vec<f64> = samples.iter().map(|sample| millis(sample.wall)).collect();
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => 0.0,
        len if len % 2 == 1 => values[middle],
        _ => (values[middle - 1] + values[middle]) / 2.0,
    }
}

fn min_ms(samples: &[Sample]) -> f64 {
    samples
        .iter()
        .map(|sample| millis(sample.wall))
        .fold(f64::INFINITY, f64::min)
}

fn peak_mb(samples: &[Sample]) -> f64 {
    let kib = samples
        .iter()
        .map(|sample| sample.peak_rss_kib)
        .max()
        .unwrap_or(0);
    kib_to_mb(kib)
}

/// The `median wall ms | min wall ms | peak RSS MB` cells of a table row.
fn timing_cells(samples: &[Sample]) -> String {
    format!(
        "{:.1} | {:.1} | {:.1}",
        median_ms(samples),
        min_ms(samples),
        peak_mb(samples)
    )
}

/// Appends a row of a suite's timing table: `| label | archetypes | files | source MB |
/// median wall ms | min wall ms | peak RSS MB | ratio |`, the ratio against the suite's
/// reference command.
fn write_timing_row(
    out: &mut String,
    label: &str,
    archetypes: usize,
    files: usize,
    bytes: u64,
    samples: &[Sample],
    ratio: f64,
) {
    let _ = writeln!(
        out,
        "| {label} | {archetypes} | {files} | {:.1} | {} | {ratio:.2}x |",
        bytes as f64 / 1e6,
        timing_cells(samples)
    );
}

/// Where `path` (as renkei or ripgrep printed it, absolute or relative) lies relative to
/// the corpus root, `framework/archetypes/...`, the form `vocabulary-expected.tsv` uses.
fn corpus_relative(path: &str) -> String {
    let path = path.replace('\\', "/");
    match path.find(&format!("{ARCHETYPES_DIR}/")) {
        Some(start) => path[start..].to_string(),
        None => path,
    }
}

/// CPU time all CPUs spent busy since boot, from the first line of `/proc/stat` (user,
/// nice, system, irq, softirq, steal), which Linux counts in USER_HZ = 100 ticks a second.
fn busy_cpu_time() -> Option<Duration> {
    let text = fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = text
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|field| field.parse().ok())
        .collect();
    let busy: u64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&index| fields.get(index))
        .sum();
    Some(Duration::from_millis(busy * 10))
}

/// The commit being measured, from git (read-only), and whether the sources that go into
/// the `renkei` binary differ from it.
fn revision(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let Some(commit) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "commit unknown (no git)".to_string();
    };
    let dirty = git(&[
        "status",
        "--porcelain",
        "--",
        "crates",
        "src",
        "Cargo.toml",
        "Cargo.lock",
        // This crate's own sources do not go into the binary.
        ":(exclude)crates/renkei-bench",
    ])
    .is_some_and(|status| !status.is_empty());
    if dirty {
        format!("commit {commit}, with uncommitted changes under crates/, src/ or Cargo.*")
    } else {
        format!("commit {commit}")
    }
}

/// CPU count, CPU model and OS, from `/proc` and `/etc/os-release` where they exist.
fn machine_description() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("model name")?.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let os = fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("PRETTY_NAME="))
                .map(|name| name.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|release| format!(", kernel {}", release.trim()))
        .unwrap_or_default();
    format!("{cpus} CPUs, {model}, {os}{kernel}")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn sample(ms: u64) -> Sample {
        Sample {
            wall: Duration::from_millis(ms),
            peak_rss_kib: ms * 10,
            cpu: Duration::ZERO,
        }
    }

    #[test]
    fn statistics() {
        let odd = [sample(30), sample(10), sample(20)];
        assert!((median_ms(&odd) - 20.0).abs() < 1e-9);
        assert!((min_ms(&odd) - 10.0).abs() < 1e-9);
        let even = [sample(40), sample(10), sample(20), sample(30)];
        assert!((median_ms(&even) - 25.0).abs() < 1e-9);
        assert!((peak_mb(&even) - 400.0 * 1024.0 / 1e6).abs() < 1e-9);
        assert_eq!(timing_cells(&odd), "20.0 | 10.0 | 0.3");
        let mut row = String::new();
        write_timing_row(&mut row, "`x`", 5, 40, 1_250_000, &odd, 1.5);
        assert_eq!(row, "| `x` | 5 | 40 | 1.2 | 20.0 | 10.0 | 0.3 | 1.50x |\n");
    }

    #[test]
    fn paths_are_made_corpus_relative() {
        assert_eq!(
            corpus_relative("/w/target/bench/corpus-5/framework/archetypes/a/b/ethos/tenets.md"),
            "framework/archetypes/a/b/ethos/tenets.md"
        );
        assert_eq!(corpus_relative("elsewhere.md"), "elsewhere.md");
    }
}
