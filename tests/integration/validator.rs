//! Every skill assembled from the repository's framework passes the Agent Skills reference
//! validator (`agentskills validate`, PyPI package `skills-ref`).

use std::process::Command;

use crate::support::{renkei_at, repo_root};
use crate::tools::venv_bin;

#[test]
fn every_framework_skill_passes_the_agent_skills_reference_validator() {
    let validator = venv_bin().join("agentskills");
    let dir = tempfile::tempdir().unwrap();
    renkei_at(
        &repo_root(),
        &[
            "assemble",
            "--push",
            "--target",
            dir.path().to_str().unwrap(),
        ],
    )
    .run()
    .expect_code(0);
    let mut validated = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let skill = entry.unwrap().path();
        if !skill.is_dir() {
            continue;
        }
        let result = Command::new(&validator)
            .arg("validate")
            .arg(&skill)
            .output()
            .unwrap();
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
