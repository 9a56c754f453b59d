//! The `assemble` suite: `renkei assemble --dry-run` against the I/O floor of reading the
//! same files with `cat`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::{
    Contender, Corpus, Options, Tools, background, median_ms, time_alternating, total_bytes,
    write_file_list, write_timing_row,
};
use crate::measure::{Sample, measure};

/// The target the numbers are read against: renkei within this factor of the cat floor.
const TARGET_RATIO: f64 = 3.0;

/// The target with binary assets and scripts: they are copied, not parsed, so assembly
/// should come closer to the floor.
const ASSETS_TARGET_RATIO: f64 = 2.0;

/// Everything measured for one corpus size.
struct Row {
    archetypes: usize,
    files: usize,
    bytes: u64,
    renkei: Vec<Sample>,
    cat: Vec<Sample>,
}

/// Runs the suite on every requested size; returns its tables and verdicts.
pub(super) fn run(
    tools: &Tools,
    bench_dir: &Path,
    options: &Options,
    assets: bool,
) -> Result<String, String> {
    let mut rows = Vec::new();
    let mut backgrounds = Vec::new();
    for &count in &options.archetypes {
        let corpus = Corpus::prepare_as(bench_dir, count, options.seed, assets)?;
        let (row, percent) = bench_one(tools, bench_dir, &corpus, options.runs)?;
        rows.push(row);
        backgrounds.push(background(percent));
    }
    let (heading, target) = if assets {
        ("assemble-assets", ASSETS_TARGET_RATIO)
    } else {
        ("assemble", TARGET_RATIO)
    };
    let mut report = format!(
        "## {heading}: `renkei assemble --dry-run` against `cat` (background CPU: {})\n\n",
        backgrounds.join(", ")
    );
    report.push_str(&table(&rows));
    report.push('\n');
    for row in &rows {
        let _ = writeln!(report, "{}", verdict(row, target));
    }
    Ok(report)
}

fn bench_one(
    tools: &Tools,
    bench_dir: &Path,
    corpus: &Corpus,
    runs: usize,
) -> Result<(Row, Option<f64>), String> {
    let list = bench_dir.join(format!("corpus-{}.files", corpus.archetypes));
    write_file_list(&list, &corpus.files)?;
    let cat_args = vec![
        "-0".to_string(),
        "-a".to_string(),
        list.display().to_string(),
        "cat".to_string(),
    ];
    let contenders = [
        Contender {
            short: "renkei",
            run: Box::new(|| run_renkei(tools, &corpus.dir)),
        },
        Contender {
            short: "cat",
            run: Box::new(|| measure(&tools.helper, Path::new("xargs"), &cat_args)),
        },
    ];
    let timings = time_alternating(&contenders, runs)?;
    let mut samples = timings.samples.into_iter();
    let row = Row {
        archetypes: corpus.archetypes,
        files: corpus.files.len(),
        bytes: total_bytes(&corpus.files),
        renkei: samples.next().unwrap_or_default(),
        cat: samples.next().unwrap_or_default(),
    };
    Ok((row, timings.background_percent))
}

/// One `renkei assemble --dry-run` into a fresh, empty target folder, which must still be
/// empty afterwards: a dry run that wrote would make the numbers meaningless.
fn run_renkei(tools: &Tools, corpus_dir: &Path) -> Result<Sample, String> {
    let target: PathBuf =
        std::env::temp_dir().join(format!("renkei-bench-target-{}", std::process::id()));
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
            write_timing_row(
                &mut out,
                label,
                row.archetypes,
                row.files,
                row.bytes,
                samples,
                median_ms(samples) / floor,
            );
        }
    }
    out
}

fn verdict(row: &Row, target: f64) -> String {
    let ratio = median_ms(&row.renkei) / median_ms(&row.cat);
    let reading = if ratio <= target {
        "within target".to_string()
    } else {
        format!("over target by {:.1}x", ratio / target)
    };
    format!(
        "{} archetypes: renkei takes {ratio:.2}x the cat floor (median vs median); target is within {target:.0}x: {reading}",
        row.archetypes
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

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
        assert!(verdict(&row, TARGET_RATIO).ends_with("within target"));
        assert!(verdict(&row, ASSETS_TARGET_RATIO).contains("over target by 1.2x"));
    }
}
