//! renkei as a pre-commit hook: the real `pre-commit` (PyPI) runs this repository's
//! `.pre-commit-hooks.yaml` in a scratch git repository.
//!
//! `pre-commit try-repo` builds the hook from the repository's tracked files (uncommitted
//! edits included, untracked files not), the way another project would install it.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::repo_root;
use crate::tools::venv_bin;

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(repo)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?} failed");
}

fn try_repo(repo: &Path) -> Output {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    Command::new(venv_bin().join("pre-commit"))
        .args(["try-repo", repo_root().to_str().unwrap(), "renkei-lint"])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
        // The hook's `cargo install` shares one target folder across runs and skips
        // optimization: this test checks the hook's wiring, not the binary's speed.
        .env("CARGO_TARGET_DIR", target.join("pre-commit-build"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("GIT_AUTHOR_NAME", "renkei tests")
        .env("GIT_AUTHOR_EMAIL", "tests@renkei.invalid")
        .env("GIT_COMMITTER_NAME", "renkei tests")
        .env("GIT_COMMITTER_EMAIL", "tests@renkei.invalid")
        .output()
        .unwrap()
}

#[test]
fn the_hook_fails_on_a_bad_staged_file_and_passes_on_a_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "--quiet"]);
    std::fs::write(
        repo.join("doctrine.md"),
        "# Process\n\nVerify required intake fields.\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("notes.txt"),
        "intake in a text file is not Markdown\n",
    )
    .unwrap();
    git(repo, &["add", "doctrine.md", "notes.txt"]);

    let bad = try_repo(repo);
    let stdout = String::from_utf8_lossy(&bad.stdout);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(
        bad.status.code(),
        Some(1),
        "expected the hook to fail\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("renkei vocabulary lint") && stdout.contains("Failed"),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("doctrine.md:3:17") && !stdout.contains("notes.txt"),
        "{stdout}"
    );

    std::fs::write(
        repo.join("doctrine.md"),
        "# Process\n\nVerify required input fields.\n",
    )
    .unwrap();
    git(repo, &["add", "doctrine.md"]);
    let good = try_repo(repo);
    let stdout = String::from_utf8_lossy(&good.stdout);
    assert_eq!(
        good.status.code(),
        Some(0),
        "expected the hook to pass\n{stdout}\n{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(stdout.contains("Passed"), "{stdout}");
}
