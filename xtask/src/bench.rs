//! `cargo xtask bench`: renkei's `assemble --dry-run` against the I/O floor of reading the
//! same files with `cat`, on generated corpora, with wall time and peak memory.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::corpus::{self, Summary};
use crate::measure::{Sample, measure};

/// The target the numbers are read against: renkei within this factor of the cat floor.
const TARGET_RATIO: f64 = 3.0;

/// What to measure.
pub(crate) struct Options {
    pub(crate) archetypes: Vec<usize>,
    pub(crate) runs: usize,
    pub(crate) seed: u64,
}

/// Everything measured for one corpus size.
struct Row {
    archetypes: usize,
    files: usize,
    bytes: u64,
    renkei: Vec<Sample>,
    cat: Vec<Sample>,
}

/// Runs `cargo xtask bench`.
pub(crate) fn run(options: &Options) -> Result<(), String> {
    let root = workspace_root()?;
    let release = target_dir(&root).join("release");
    let bench_dir = target_dir(&root).join("bench");
    println!("machine: {}", machine_description());

    cargo(&root, &["build", "--release", "-p", "renkei"])?;
    cargo(
        &root,
        &[
            "build",
            "--release",
            "-p",
            "xtask",
            "--bin",
            "xtask-measure",
        ],
    )?;
    let tools = Tools {
        renkei: existing(release.join(executable("renkei")))?,
        helper: existing(release.join(executable("xtask-measure")))?,
    };
    let floor_kib = (0..3)
        .map(|_| measure(&tools.helper, Path::new("true"), &[]))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .map(|sample| sample.peak_rss_kib)
        .max()
        .unwrap_or(0);

    let mut rows = Vec::new();
    for &count in &options.archetypes {
        rows.push(bench_one(&tools, &bench_dir, count, options)?);
    }
    println!();
    print!("{}", table(&rows));
    println!();
    for row in &rows {
        println!("{}", verdict(row));
    }
    println!(
        "\nPeak RSS floor of the method: `true` reads {:.1} MB (a child starts at its parent's RSS), so readings near that are upper bounds.",
        kib_to_mb(floor_kib)
    );
    Ok(())
}

/// The binaries a bench runs.
struct Tools {
    renkei: PathBuf,
    helper: PathBuf,
}

fn bench_one(
    tools: &Tools,
    bench_dir: &Path,
    count: usize,
    options: &Options,
) -> Result<Row, String> {
    let corpus_dir = bench_dir.join(format!("corpus-{count}"));
    ensure_corpus(&corpus_dir, count, options.seed)?;
    let (files, bytes) = source_files(&corpus_dir)?;
    let list = bench_dir.join(format!("corpus-{count}.files"));
    write_file_list(&list, &files)?;
    println!(
        "corpus-{count}: {} files, {:.1} MB under {}",
        files.len(),
        bytes as f64 / 1e6,
        corpus_dir.join("framework/archetypes").display()
    );

    let cat_args = vec![
        "-0".to_string(),
        "-a".to_string(),
        list.display().to_string(),
        "cat".to_string(),
    ];
    let xargs = Path::new("xargs");
    // Warm-up: fills the page cache and the binaries' caches; not counted.
    run_renkei(tools, &corpus_dir)?;
    measure(&tools.helper, xargs, &cat_args)?;
    // Other work on the machine inflates both commands: the CPU time nobody measured here
    // used during the timed runs tells a reader whether this run can be trusted.
    let busy_before = busy_cpu_time();
    let window = Instant::now();
    let mut row = Row {
        archetypes: count,
        files: files.len(),
        bytes,
        renkei: Vec::new(),
        cat: Vec::new(),
    };
    // Interleaved, so drift (thermal, background load) hits both commands alike.
    for run in 1..=options.runs {
        let sample = run_renkei(tools, &corpus_dir)?;
        let floor = measure(&tools.helper, xargs, &cat_args)?;
        println!(
            "  run {run}/{}: renkei {:.1} ms, {:.1} MB; cat {:.1} ms, {:.1} MB",
            options.runs,
            millis(sample.wall),
            kib_to_mb(sample.peak_rss_kib),
            millis(floor.wall),
            kib_to_mb(floor.peak_rss_kib)
        );
        row.renkei.push(sample);
        row.cat.push(floor);
    }
    let window = window.elapsed();
    if let (Some(before), Some(after)) = (busy_before, busy_cpu_time()) {
        let measured: Duration = row.renkei.iter().chain(&row.cat).map(|s| s.cpu).sum();
        let other = after.saturating_sub(before).saturating_sub(measured);
        println!(
            "  background CPU during the timed runs: {:.2} s in {:.2} s of wall time ({:.0}% of one core; includes xtask's own bookkeeping)",
            other.as_secs_f64(),
            window.as_secs_f64(),
            100.0 * other.as_secs_f64() / window.as_secs_f64()
        );
    }
    Ok(row)
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

fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| "xtask is not inside a workspace".to_string())
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
        && dir.join("framework/archetypes").is_dir();
    if reusable {
        println!(
            "corpus-{count}: reusing {} (same size and seed)",
            dir.display()
        );
        return Ok(());
    }
    let start = Instant::now();
    let summary = corpus::write_corpus(dir, count, seed)?;
    println!(
        "corpus-{count}: generated {} archetypes with seed {seed} in {:.2} s",
        summary.archetypes,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Every file under `framework/archetypes`, sorted, and their total size: what renkei
/// reads, and so what the floor reads.
fn source_files(corpus_dir: &Path) -> Result<(Vec<PathBuf>, u64), String> {
    let mut files = Vec::new();
    let mut pending = vec![corpus_dir.join("framework/archetypes")];
    let mut bytes = 0;
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
                bytes += size;
                files.push(entry.path());
            }
        }
    }
    files.sort();
    Ok((files, bytes))
}

fn write_file_list(path: &Path, files: &[PathBuf]) -> Result<(), String> {
    let mut list = Vec::new();
    for file in files {
        list.extend_from_slice(file.as_os_str().as_encoded_bytes());
        list.push(0);
    }
    fs::write(path, list).map_err(|error| format!("cannot write {}: {error}", path.display()))
}

/// One `renkei assemble --dry-run` into a fresh, empty target folder, which must still be
/// empty afterwards: a dry run that wrote would make the numbers meaningless.
fn run_renkei(tools: &Tools, corpus_dir: &Path) -> Result<Sample, String> {
    let target = std::env::temp_dir().join(format!("renkei-bench-target-{}", std::process::id()));
    if target.exists() {
        fs::remove_dir_all(&target)
            .map_err(|error| format!("cannot clear {}: {error}", target.display()))?;
    }
    fs::create_dir_all(&target)
        .map_err(|error| format!("cannot create {}: {error}", target.display()))?;
    let args = vec![
        "assemble".to_string(),
        "--dry-run".to_string(),
        "--root".to_string(),
        corpus_dir.display().to_string(),
        "--target".to_string(),
        target.display().to_string(),
    ];
    let sample = measure(&tools.helper, &tools.renkei, &args);
    let written = fs::read_dir(&target)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    let _ = fs::remove_dir_all(&target);
    if written {
        return Err(format!(
            "renkei assemble --dry-run wrote into {}",
            target.display()
        ));
    }
    sample
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

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| command | archetypes | files | source MB | median wall ms | min wall ms | peak RSS MB | ratio to cat floor |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let floor = median_ms(&row.cat);
        for (label, samples) in [
            ("`renkei assemble --dry-run`", &row.renkei),
            ("`xargs -0 cat` (I/O floor)", &row.cat),
        ] {
            let median = median_ms(samples);
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {:.1} | {median:.1} | {:.1} | {:.1} | {:.2}x |",
                row.archetypes,
                row.files,
                row.bytes as f64 / 1e6,
                min_ms(samples),
                peak_mb(samples),
                median / floor
            );
        }
    }
    out
}

fn verdict(row: &Row) -> String {
    let ratio = median_ms(&row.renkei) / median_ms(&row.cat);
    let reading = if ratio <= TARGET_RATIO {
        "within target".to_string()
    } else {
        format!("over target by {:.1}x", ratio / TARGET_RATIO)
    };
    format!(
        "{} archetypes: renkei takes {ratio:.2}x the cat floor (median vs median); target is within {TARGET_RATIO:.0}x: {reading}",
        row.archetypes
    )
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

    fn sample(ms: u64) -> Sample {
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
    }

    #[test]
    fn table_and_verdict_read_against_the_floor() {
        let row = Row {
            archetypes: 10,
            files: 100,
            bytes: 2_000_000,
            renkei: vec![sample(90)],
            cat: vec![sample(10)],
        };
        let table = table(&[row]);
        assert!(
            table.contains("| 10 | 100 | 2.0 | 90.0 | 90.0 |"),
            "{table}"
        );
        assert!(table.contains("| 9.00x |"), "{table}");
        let row = Row {
            archetypes: 10,
            files: 100,
            bytes: 0,
            renkei: vec![sample(25)],
            cat: vec![sample(10)],
        };
        assert!(verdict(&row).ends_with("within target"));
    }
}
