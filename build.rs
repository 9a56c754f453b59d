//! Records the commit renkei is built from, for `renkei --version`: a bug report then names
//! the exact source, whether renkei came from `cargo install --git`, a clone or a tarball.

// A build script speaks to cargo through stdout.
#![allow(clippy::print_stdout)]

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RENKEI_BUILD_COMMIT");
    let commit = std::env::var("RENKEI_BUILD_COMMIT")
        .ok()
        .filter(|commit| !commit.is_empty())
        .or_else(git_commit);
    let described = match commit {
        Some(commit) => format!("{} ({commit})", env!("CARGO_PKG_VERSION")),
        // A source tarball has no history to name.
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=RENKEI_VERSION={described}");
}

/// The checkout's commit, with `-dirty` when tracked files differ from it; `None` outside
/// a git checkout or without git.
fn git_commit() -> Option<String> {
    let git = |args: &[&str]| {
        let output = Command::new("git").args(args).output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    // Only renkei's own checkout names renkei's commit: a source tree unpacked inside
    // another repository (a vendored copy, a home folder under git) is not built from it.
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let manifest = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let canonical = |path: &str| Path::new(path).canonicalize().ok();
    if canonical(&top).is_none() || canonical(&top) != canonical(&manifest) {
        return None;
    }
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // A new commit or a switch of branch moves HEAD or the ref it names. Only files that
    // exist are watched: cargo reruns the script every time for one that is missing.
    let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(&["rev-parse", "--git-path", &reference]));
    }
    watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    // Staging moves the index; an edit to a source renkei is built from is seen through
    // the folders themselves (cargo compares their newest time), so a build from a tree
    // with uncommitted edits says so.
    watched.push(git(&["rev-parse", "--git-path", "index"]));
    watched.extend(
        ["src", "crates", "templates", "Cargo.toml", "Cargo.lock"]
            .into_iter()
            .map(|path| Some(format!("{manifest}/{path}"))),
    );
    for path in watched.into_iter().flatten() {
        if Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let clean = git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    Some(if clean {
        commit
    } else {
        format!("{commit}-dirty")
    })
}
