//! Installing renkei as the README says: `cargo install --path .` into a scratch root, a
//! version that names its commit, and a minimum Rust version every dependency agrees with.

use std::process::Command;

use crate::support::repo_root;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(repo_root())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// The commit as `--version` should name it: with `-dirty` while tracked files differ
/// from it (a developer's tree; CI's clean checkout has none).
fn head_commit() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    let clean = git(&["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    Some(if clean {
        commit
    } else {
        format!("{commit}-dirty")
    })
}

fn version_of(program: &std::path::Path) -> String {
    let output = Command::new(program).arg("--version").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn the_version_names_the_commit_renkei_was_built_from() {
    let version = version_of(std::path::Path::new(env!("CARGO_BIN_EXE_renkei")));
    let expected = match head_commit() {
        Some(commit) => format!("renkei {} ({commit})", env!("CARGO_PKG_VERSION")),
        None => format!("renkei {}", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(version, expected);
}

#[test]
fn cargo_install_from_the_path_gives_a_working_renkei() {
    let root = tempfile::tempdir().unwrap();
    // A target folder of its own: cargo keys builds of a path package by its path relative
    // to its workspace, so a folder shared with pre-commit's clone of renkei would hand back
    // that clone's build.
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("install-build");
    let output = crate::precommit::quick_build(Command::new("cargo"))
        .env("CARGO_TARGET_DIR", &target)
        .args(["install", "--locked", "--quiet", "--path"])
        .arg(repo_root())
        .arg("--root")
        .arg(root.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let installed = root.path().join("bin/renkei");
    let built = version_of(std::path::Path::new(env!("CARGO_BIN_EXE_renkei")));
    assert_eq!(
        version_of(&installed),
        built,
        "installed from the same commit"
    );
    let lint = Command::new(&installed)
        .args(["lint", "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    assert!(lint.status.success(), "{lint:?}");
}

/// The README's minimum Rust version is `rust-version` in `Cargo.toml`; this machine has one
/// toolchain, so what is tested is that no locked dependency asks for a newer Rust (clippy's
/// `incompatible_msrv` lint, which reads the same field, covers the standard library).
#[test]
fn every_locked_dependency_builds_with_the_minimum_rust_version() {
    let output = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let minimum = env!("CARGO_PKG_RUST_VERSION");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("renkei needs Rust {minimum} or newer")),
        "README and Cargo.toml disagree on {minimum}"
    );
    // `1.89` and `1.89.0` are one version.
    let parse = |version: &str| -> Vec<u64> {
        let mut parts: Vec<u64> = version
            .split('.')
            .map(|part| part.parse().unwrap_or(0))
            .collect();
        parts.resize(3, 0);
        parts
    };
    let newer: Vec<String> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|package| {
            let wanted = package["rust_version"].as_str()?;
            (parse(wanted) > parse(minimum))
                .then(|| format!("{} {} needs {wanted}", package["name"], package["version"]))
        })
        .collect();
    assert!(newer.is_empty(), "newer than {minimum}: {newer:?}");
}
