//! `renkei-bench-measure PROGRAM [ARGS...]`: runs one command and prints its wall time and
//! peak resident set size, for `cargo xtask bench`.
//!
//! Peak memory comes from `getrusage(RUSAGE_CHILDREN)` read right after the command, this
//! process's only child, is reaped. This is a separate, small binary rather than a mode of
//! `xtask` (which runs the bench in-process) because Linux starts a child's peak RSS at its
//! parent's RSS at spawn time (the fork or vfork shares or copies the parent's memory
//! before `exec`): the smaller this process, the lower that floor. `cargo xtask bench`
//! measures `true` to report the floor.
//!
//! Prints one line of `key=value` pairs; exits 2 when the command cannot be started, and
//! reports a failing command through `status` so the caller can say which one it was.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("renkei-bench-measure: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let Some((program, rest)) = args.split_first() else {
        return Err("usage: renkei-bench-measure PROGRAM [ARGS...]".to_string());
    };
    let start = Instant::now();
    let status = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|error| format!("cannot run {}: {error}", program.to_string_lossy()))?;
    let wall = start.elapsed();
    let (child_rss_kib, child_cpu_ns) = child_usage()?;
    let code = status
        .code()
        .map_or_else(|| status.to_string(), |code| code.to_string())
        .replace(' ', "_");
    println!(
        "wall_ns={} child_rss_kib={child_rss_kib} child_cpu_ns={child_cpu_ns} status={code}",
        wall.as_nanos()
    );
    Ok(())
}

/// Peak RSS (KiB) and user plus system CPU time (ns) of the reaped child.
#[cfg(target_os = "linux")]
fn child_usage() -> Result<(u64, u64), String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)
        .map_err(|error| format!("getrusage failed: {error}"))?;
    let nanos = |time: nix::sys::time::TimeVal| {
        let seconds = u64::try_from(time.tv_sec()).unwrap_or(0);
        let micros = u64::try_from(time.tv_usec()).unwrap_or(0);
        seconds * 1_000_000_000 + micros * 1_000
    };
    // Linux reports ru_maxrss in KiB.
    Ok((
        u64::try_from(usage.max_rss()).unwrap_or(0),
        nanos(usage.user_time()) + nanos(usage.system_time()),
    ))
}

#[cfg(not(target_os = "linux"))]
fn child_usage() -> Result<(u64, u64), String> {
    Err("peak RSS measurement is implemented for Linux only".to_string())
}
