//! `cargo xtask`: project automation.
//!
//! `assemble`, `lint` and `check` run the `renkei` command line in-process (the same library
//! code as the binary); `corpus` and `bench` parse their flags and run in-process through
//! `renkei-bench`, which generates and measures benchmark corpora.
// xtask is a reporting tool: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use renkei_bench::{BenchCli, CorpusCli};

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
            Ok(cli) => cli.run(),
            Err(error) => return clap_exit(&error),
        },
        Some("bench") => match BenchCli::try_parse_from(program("bench").chain(rest)) {
            Ok(cli) => cli.run(),
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
