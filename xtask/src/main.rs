//! `cargo xtask`: project automation.
//!
//! `assemble`, `lint` and `check` run the `renkei` command line in-process (the same library
//! code as the binary); `corpus` and `bench` generate and measure benchmark corpora.
// xtask is a reporting tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod corpus;
mod measure;
mod prng;
mod words;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// `cargo xtask corpus`: write a deterministic benchmark corpus.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask corpus")]
struct CorpusCli {
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

/// `cargo xtask bench`: time renkei's commands against reference commands on generated
/// corpora.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask bench")]
struct BenchCli {
    /// What to measure, comma-separated or repeated: assemble (against cat), lint (against
    /// ripgrep, plus a one-file lint and large single files), lint-large (only the large
    /// single files), check (against lint)
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

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(command) = args.next() else {
        return usage();
    };
    let rest: Vec<OsString> = args.collect();
    let program = |name: &str| std::iter::once(OsString::from(format!("cargo xtask {name}")));
    let result = match command.to_str() {
        Some("assemble" | "lint" | "check") => {
            return renkei::run(
                std::iter::once("renkei".into())
                    .chain(std::iter::once(command))
                    .chain(rest)
                    .collect::<Vec<OsString>>(),
            );
        }
        Some("corpus") => match CorpusCli::try_parse_from(program("corpus").chain(rest)) {
            Ok(cli) => corpus::run(&cli.out, cli.archetypes, cli.seed),
            Err(error) => return clap_exit(&error),
        },
        Some("bench") => match BenchCli::try_parse_from(program("bench").chain(rest)) {
            Ok(cli) => bench::run(&bench::Options {
                suites: cli.suite,
                archetypes: cli.archetypes,
                large_files: cli
                    .large_files
                    .iter()
                    .map(|mb| usize::from(*mb) * 1_000_000)
                    .collect(),
                runs: usize::from(cli.runs),
                seed: cli.seed,
            }),
            Err(error) => return clap_exit(&error),
        },
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn clap_exit(error: &clap::Error) -> ExitCode {
    let _ = error.print();
    ExitCode::from(if error.use_stderr() { 2 } else { 0 })
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask <assemble|lint|check|corpus|bench> [ARGS...]");
    ExitCode::from(2)
}
