//! Wall time and peak memory of one command, through the `renkei-bench-measure` helper
//! binary (`src/bin/renkei-bench-measure.rs`), which runs the command as its only child and
//! reads `getrusage(RUSAGE_CHILDREN)` after reaping it. A fresh helper per run keeps each
//! reading to one command: the kernel's children maximum only ever grows.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// One measured run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) wall: Duration,
    pub(crate) peak_rss_kib: u64,
    /// User plus system CPU time of the command.
    pub(crate) cpu: Duration,
}

/// Runs `program args` under `helper`, with the command's stdout discarded and its stderr
/// passed through; fails unless the command exits 0.
pub(crate) fn measure(helper: &Path, program: &Path, args: &[String]) -> Result<Sample, String> {
    measure_in(helper, program, args, None, &[0])
}

/// Like [`measure`], run in `cwd` (the current folder when `None`), accepting any exit
/// status in `ok` (a linter that found something exits 1, which is not a failure).
pub(crate) fn measure_in(
    helper: &Path,
    program: &Path,
    args: &[String],
    cwd: Option<&Path>,
    ok: &[i32],
) -> Result<Sample, String> {
    let output = output_of(Command::new(helper).arg(program).args(args), cwd)?;
    let report = String::from_utf8_lossy(&output.stdout);
    let described = || format!("{} {}", program.display(), args.join(" "));
    if !output.status.success() {
        return Err(format!(
            "measuring `{}` failed ({})",
            described(),
            output.status
        ));
    }
    let value = |key: &str| {
        report
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
    };
    let number = |key: &str| -> Result<u64, String> {
        value(key)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("renkei-bench-measure printed no `{key}`: {report:?}"))
    };
    match value("status") {
        Some(status) if status.parse().is_ok_and(|code: i32| ok.contains(&code)) => {}
        Some(status) => {
            return Err(format!("`{}` ended with status {status}", described()));
        }
        None => {
            return Err(format!(
                "renkei-bench-measure printed no status: {report:?}"
            ));
        }
    }
    Ok(Sample {
        wall: Duration::from_nanos(number("wall_ns")?),
        peak_rss_kib: number("child_rss_kib")?,
        cpu: Duration::from_nanos(number("child_cpu_ns")?),
    })
}

/// Runs `command` in `cwd` (the current folder when `None`) to the end, for its status and
/// stdout. No stdin, so nothing a bench runs can wait for input; stderr passes through so
/// its complaints reach the terminal.
pub(crate) fn output_of(command: &mut Command, cwd: Option<&Path>) -> Result<Output, String> {
    command.stdin(Stdio::null()).stderr(Stdio::inherit());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    command.output().map_err(|error| {
        format!(
            "cannot run {}: {error}",
            Path::new(command.get_program()).display()
        )
    })
}
