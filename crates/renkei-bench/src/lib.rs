//! Benchmark corpora and measurements for renkei, behind `cargo xtask corpus` and
//! `cargo xtask bench` (see `BENCHMARKS.md`).
//!
//! [`CorpusCli`] writes a deterministic corpus of generated archetypes; [`BenchCli`] times
//! renkei's commands on such corpora against reference commands, with peak memory read by
//! the `renkei-bench-measure` helper binary (`src/bin/renkei-bench-measure.rs`).
// A measuring tool, not a stage of the pipeline: printing progress and reports is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod corpus;
mod measure;
pub mod plans;
mod prng;
mod words;

use std::path::PathBuf;

use clap::Parser;

/// `cargo xtask corpus`: write a deterministic benchmark corpus.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask corpus")]
pub struct CorpusCli {
    /// Number of archetypes to generate
    #[arg(long, value_name = "N", value_parser = archetype_count)]
    archetypes: usize,
    /// Folder to write (gets framework/archetypes/<stage>/<name>/)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// PRNG seed; the corpus is a pure function of N and the seed
    #[arg(long, value_name = "S", default_value_t = corpus::DEFAULT_SEED)]
    seed: u64,
}

impl CorpusCli {
    /// Writes the corpus and prints what it wrote; the error is a message for the user.
    pub fn run(&self) -> Result<(), String> {
        corpus::run(&self.out, self.archetypes, self.seed)
    }
}

/// `cargo xtask bench`: time renkei's commands against reference commands on generated
/// corpora.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask bench")]
pub struct BenchCli {
    /// What to measure, comma-separated or repeated: assemble (against cat),
    /// assemble-assets (the same with a script and binary assets in every archetype), lint
    /// (against ripgrep, plus a one-file lint and large single files), lint-large (only the
    /// large single files), check (against lint), plan (a 10,000-phase plan), lsp (the
    /// language server: start-up, an edit's findings, memory over 10,000 edits)
    #[arg(
        long,
        value_name = "SUITE[,SUITE...]",
        value_enum,
        value_delimiter = ',',
        default_value = "assemble"
    )]
    suite: Vec<bench::Suite>,
    /// Corpus sizes, comma-separated or repeated
    #[arg(
        long,
        value_name = "N[,N...]",
        value_delimiter = ',',
        default_value = "1000",
        value_parser = archetype_count
    )]
    archetypes: Vec<usize>,
    /// Sizes of the lint suite's large single files in MB (10^6 bytes), comma-separated or
    /// repeated; each must stay under renkei's 16 MiB file limit
    #[arg(
        long,
        value_name = "MB[,MB...]",
        value_delimiter = ',',
        default_value = "8,15",
        value_parser = clap::value_parser!(u8).range(1..=i64::from(corpus::large::MAX_TARGET_MB))
    )]
    large_files: Vec<u8>,
    /// Timed runs per command, after one untimed warm-up
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
    runs: u16,
    /// PRNG seed of the corpora
    #[arg(long, value_name = "S", default_value_t = corpus::DEFAULT_SEED)]
    seed: u64,
}

impl BenchCli {
    /// Builds renkei and the measuring helper, runs the suites and prints their reports; the
    /// error is a message for the user.
    pub fn run(&self) -> Result<(), String> {
        bench::run(&bench::Options {
            suites: self.suite.clone(),
            archetypes: self.archetypes.clone(),
            large_files: self
                .large_files
                .iter()
                .map(|mb| usize::from(*mb) * 1_000_000)
                .collect(),
            runs: usize::from(self.runs),
            seed: self.seed,
        })
    }
}

fn archetype_count(value: &str) -> Result<usize, String> {
    let count: usize = value
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a whole number"))?;
    if (1..=corpus::MAX_ARCHETYPES).contains(&count) {
        Ok(count)
    } else {
        Err(format!("must be 1 to {}", corpus::MAX_ARCHETYPES))
    }
}
