//! Every skill assembled from the repository's framework passes the Agent Skills reference
//! validator (`agentskills validate`, PyPI package `skills-ref`).
//!
//! The validator is looked up in `$RENKEI_AGENTSKILLS`, then on `PATH`, then in a virtual
//! environment this test creates under the target folder with pip. If none can be had, the
//! test fails and says why: it never passes without having validated.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::repo_root;

fn agentskills() -> PathBuf {
    if let Some(path) = std::env::var_os("RENKEI_AGENTSKILLS") {
        return PathBuf::from(path);
    }
    if Command::new("agentskills").arg("--help").output().is_ok_and(|output| output.status.success()) {
        return PathBuf::from("agentskills");
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skills-ref-venv");
    let binary = venv.join("bin/agentskills");
    if binary.is_file() {
        return binary;
    }
    let created = Command::new("python3").args(["-m", "venv"]).arg(&venv).output();
    let created = created.unwrap_or_else(|error| {
        panic!("VALIDATOR UNAVAILABLE: cannot run python3 to create a venv for skills-ref: {error}")
    });
    assert!(created.status.success(), "VALIDATOR UNAVAILABLE: python3 -m venv failed:\n{}", String::from_utf8_lossy(&created.stderr));
    let installed = Command::new(venv.join("bin/pip")).args(["install", "--quiet", "skills-ref"]).output().unwrap();
    assert!(
        installed.status.success(),
        "VALIDATOR UNAVAILABLE: `pip install skills-ref` failed (is the Python package registry reachable?):\n{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    binary
}

#[test]
fn every_framework_skill_passes_the_agent_skills_reference_validator() {
    let validator = agentskills();
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_renkei"))
        .args(["--root", repo_root().to_str().unwrap(), "assemble", "--push", "--target", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let mut validated = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let skill = entry.unwrap().path();
        if !skill.is_dir() {
            continue;
        }
        let result = Command::new(&validator).arg("validate").arg(&skill).output().unwrap();
        assert!(
            result.status.success(),
            "agentskills validate {} failed:\n{}{}",
            skill.display(),
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
        validated += 1;
    }
    assert_eq!(validated, 5, "expected the five framework skills");
}
