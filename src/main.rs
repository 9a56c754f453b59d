//! The `renkei` command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    renkei::run(std::env::args_os())
}
