//! `cargo xtask`: project automation.
//!
//! `assemble`, `lint` and `check` run the `renkei` command line in-process (the same library
//! code as the binary); `corpus` and `bench` generate and measure benchmark corpora.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(command) = args.next() else {
        return usage();
    };
    match command.to_str() {
        Some("assemble" | "lint" | "check") => renkei::run(
            std::iter::once("renkei".into())
                .chain(std::iter::once(command))
                .chain(args)
                .collect::<Vec<std::ffi::OsString>>(),
        ),
        _ => usage(),
    }
}

#[allow(clippy::print_stderr)]
fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask <assemble|lint|check|corpus|bench> [ARGS...]");
    ExitCode::from(2)
}
