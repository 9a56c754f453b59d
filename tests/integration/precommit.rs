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
    pre_commit(
        repo,
        &["try-repo", repo_root().to_str().unwrap(), "renkei-lint"],
    )
}

/// `pre-commit args...` in `repo`, with its environments and its builds kept under the
/// test target folder.
fn pre_commit(repo: &Path, args: &[&str]) -> Output {
    quick_build(git_identity(Command::new(venv_bin().join("pre-commit"))))
        .args(args)
        .current_dir(repo)
        .output()
        .unwrap()
}

/// `command` with a git identity, for the commits it makes.
fn git_identity(mut command: Command) -> Command {
    command
        .env("GIT_AUTHOR_NAME", "renkei tests")
        .env("GIT_AUTHOR_EMAIL", "tests@renkei.invalid")
        .env("GIT_COMMITTER_NAME", "renkei tests")
        .env("GIT_COMMITTER_EMAIL", "tests@renkei.invalid");
    command
}

/// `command` building renkei into one shared target folder, unoptimized: these tests check
/// how renkei is installed and wired, not the binary's speed.
pub(crate) fn quick_build(mut command: Command) -> Command {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    command
        .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", target.join("pre-commit-build"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    command
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

/// A commit holding this checkout's tracked files as they are now (uncommitted edits
/// included, files not yet `git add`ed left out, as `git stash create` makes it), pushed
/// to a new bare repository: what the README's snippet pins, as another project would
/// reach it.
fn published_renkei(dir: &Path) -> (std::path::PathBuf, String) {
    let output = Command::new("git")
        .args(["stash", "create"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let mut commit = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if commit.is_empty() {
        let head = Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(repo_root())
            .output()
            .unwrap();
        commit = String::from_utf8_lossy(&head.stdout).trim().to_string();
    }
    let mirror = dir.join("renkei.git");
    git(
        dir,
        &["init", "--quiet", "--bare", mirror.to_str().unwrap()],
    );
    git(
        &repo_root(),
        &[
            "push",
            "--quiet",
            mirror.to_str().unwrap(),
            &format!("{commit}:refs/heads/main"),
        ],
    );
    (mirror, commit)
}

#[test]
fn the_readme_snippet_fails_a_commit_on_doctrine_and_passes_one_on_a_changelog() {
    let dir = tempfile::tempdir().unwrap();
    let (mirror, pinned) = published_renkei(dir.path());
    let snippet =
        crate::snippets::readme_block("In another repository's `.pre-commit-config.yaml`")
            .replace("https://example.invalid/renkei", mirror.to_str().unwrap())
            .replace("0000000000000000000000000000000000000000", &pinned);
    let repo = dir.path().join("doctrine");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "--quiet"]);
    std::fs::write(repo.join(".pre-commit-config.yaml"), &snippet).unwrap();
    let process = repo.join("framework/archetypes/execution/lead/doctrine/process.md");
    std::fs::create_dir_all(process.parent().unwrap()).unwrap();
    std::fs::write(&process, "# Process\n\nVerify required input fields.\n").unwrap();
    std::fs::write(repo.join("CHANGELOG.md"), "- Intake forms gain a field.\n").unwrap();
    std::fs::create_dir(repo.join("notes")).unwrap();
    std::fs::write(repo.join("notes/research.md"), "The intake desk.\n").unwrap();
    let installed = pre_commit(&repo, &["install"]);
    assert!(installed.status.success(), "{installed:?}");
    // The hook runs inside `git commit`, which pre-commit's build environment reaches.
    let commit = |message: &str| {
        git(&repo, &["add", "--all"]);
        quick_build(git_identity(Command::new("git")))
            .args(["commit", "--quiet", "-m", message])
            .current_dir(&repo)
            .output()
            .unwrap()
    };
    let passed = commit("changelog and notes");
    assert!(
        passed.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&passed.stdout),
        String::from_utf8_lossy(&passed.stderr)
    );
    std::fs::write(&process, "# Process\n\nVerify required intake fields.\n").unwrap();
    let failed = commit("a banned word in doctrine");
    // git gives a hook's output to stderr.
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{said}");
    assert!(
        said.contains("renkei vocabulary lint") && said.contains("doctrine/process.md:3:17"),
        "{said}"
    );

    // archetype.yaml ships its description to agents: the hook lints it too.
    std::fs::write(&process, "# Process\n\nVerify required input fields.\n").unwrap();
    std::fs::write(
        process
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("archetype.yaml"),
        "name: lead\ndescription: Runs the intake of a stage.\n",
    )
    .unwrap();
    let failed = commit("a banned word in archetype.yaml");
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{said}");
    assert!(said.contains("lead/archetype.yaml:2:"), "{said}");

    // The other two hooks, from the same pinned commit (so nothing is built again): the
    // system hook runs the renkei on PATH, and renkei-check the whole doctrine check.
    let config = format!("{snippet}      - id: renkei-lint-system\n      - id: renkei-check\n");
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let built = Path::new(env!("CARGO_BIN_EXE_renkei")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(built.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let commit_on_path = |message: &str| {
        git(&repo, &["add", "--all"]);
        quick_build(git_identity(Command::new("git")))
            .env("PATH", &path)
            .args(["commit", "--quiet", "-m", message])
            .current_dir(&repo)
            .output()
            .unwrap()
    };
    let lead = process.parent().unwrap().parent().unwrap().to_path_buf();
    std::fs::write(
        lead.join("archetype.yaml"),
        "name: lead\ndescription: Runs a stage. Use when a stage starts.\n",
    )
    .unwrap();
    // An execution-stage archetype is held to the return contract, which this one lacks.
    let failed = commit_on_path("an execution archetype without its contract files");
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{said}");
    assert_eq!(
        verdict(&said, "renkei vocabulary lint (installed renkei)").as_deref(),
        Some("Passed"),
        "{said}"
    );
    assert_eq!(
        verdict(&said, "renkei doctrine check").as_deref(),
        Some("Failed"),
        "{said}"
    );
    assert!(said.contains("error[contract/sections]"), "{said}");

    let guides = repo.join("framework/archetypes/guides");
    std::fs::rename(lead.parent().unwrap(), &guides).unwrap();
    let passed = commit_on_path("a guide archetype");
    let said = String::from_utf8_lossy(&passed.stderr);
    assert!(passed.status.success(), "{said}");
    std::fs::write(
        guides.join("lead/doctrine/process.md"),
        "The intake desk.\n",
    )
    .unwrap();
    let failed = commit_on_path("a banned word, seen by all three hooks");
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success(), "{said}");
    for hook in [
        "renkei vocabulary lint (installed renkei)",
        "renkei doctrine check",
    ] {
        assert_eq!(
            verdict(&said, hook).as_deref(),
            Some("Failed"),
            "{hook}: {said}"
        );
    }
    assert_eq!(
        said.matches("error[vocabulary/intake]").count(),
        3,
        "{said}"
    );
    // Outside the framework the check does not run at all.
    std::fs::write(guides.join("lead/doctrine/process.md"), "The input desk.\n").unwrap();
    assert!(commit_on_path("mended").status.success());
    std::fs::write(repo.join("CHANGELOG.md"), "- A second entry.\n").unwrap();
    let skipped = commit_on_path("changelog only");
    let said = String::from_utf8_lossy(&skipped.stderr);
    assert!(skipped.status.success(), "{said}");
    assert_eq!(
        verdict(&said, "renkei doctrine check").as_deref(),
        Some("(no files to check)Skipped"),
        "{said}"
    );
}

/// The README's `files:` override for a repository that keeps its archetypes elsewhere,
/// read as pre-commit reads it (YAML, then Python's `re.search` on each staged path).
#[test]
fn the_readme_files_override_selects_the_configured_archetypes_folder() {
    let snippet = crate::snippets::readme_block("tells\n`renkei-check` where its doctrine is");
    let script = r#"
import re, sys, yaml
hook = yaml.safe_load(sys.argv[1])[0]
shipped = [h for h in yaml.safe_load(open(sys.argv[2])) if h["id"] == "renkei-check"][0]
for path in sys.argv[3:]:
    print(hook["id"], path, bool(re.search(hook["files"], path)), bool(re.search(shipped["files"], path)))
"#;
    let output = Command::new(crate::tools::venv_bin().join("python"))
        .args(["-c", script, &snippet])
        .arg(repo_root().join(".pre-commit-hooks.yaml"))
        .args([
            "doctrine/skills/execution/lead/doctrine/process.md",
            "templates/skill.md.tera",
            "renkei.yaml",
            "CHANGELOG.md",
            "notes/doctrine/skills.md",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "renkei-check doctrine/skills/execution/lead/doctrine/process.md True False\n\
         renkei-check templates/skill.md.tera True True\n\
         renkei-check renkei.yaml True True\n\
         renkei-check CHANGELOG.md False False\n\
         renkei-check notes/doctrine/skills.md False False\n"
    );
}

/// What pre-commit said of `hook` (by its name) in `output`: `Passed`, `Failed`, or
/// `(no files to check)Skipped`.
fn verdict(output: &str, hook: &str) -> Option<String> {
    output
        .lines()
        .find(|line| line.starts_with(hook) && line.contains("..."))
        .map(|line| {
            line.rsplit('.')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
}
