//! The README's report snippets, run as a user pastes them: the CI gate loop and the Claude
//! Code Stop hook, each with `renkei` on `PATH`, against a copy of this repository's
//! framework and the sample reports.

use std::path::Path;
use std::process::Command;

use crate::support::{copy_framework, repo_root};

/// The body of the first fenced block after the line that starts with `lead`.
pub(crate) fn readme_block(lead: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let after = &readme[readme
        .find(lead)
        .unwrap_or_else(|| panic!("README lost {lead:?}"))..];
    let fence = after.find("\n```").unwrap() + 1;
    let body = &after[after[fence..].find('\n').unwrap() + fence + 1..];
    body[..body.find("```").unwrap()].to_string()
}

/// A doctrine root holding this repository's framework.
fn root_with_framework() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_framework(dir.path());
    dir
}

fn sample_report(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/fixtures/reports").join(name)).unwrap()
}

/// `bash -c script` in `dir` with the built `renkei` first on `PATH`: exit code and stdout.
pub(crate) fn run_shell(dir: &Path, script: &str, env: &[(&str, &Path)]) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_renkei")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_ci_gate_loop_fails_when_any_report_fails_and_passes_with_none() {
    let script = readme_block("As a **CI gate** on agent output");
    // A product repository: no doctrine tree, the skills it commits.
    let root = tempfile::tempdir().unwrap();
    let skill = root.path().join(".claude/skills/execution-lead/references");
    std::fs::create_dir_all(&skill).unwrap();
    std::fs::copy(
        repo_root().join("framework/archetypes/execution/execution-lead/references/template.md"),
        skill.join("template.md"),
    )
    .unwrap();
    let write = |item: &str, report: &str| {
        let dir = root.path().join("items").join(item);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("execution-report.md"), sample_report(report)).unwrap();
    };

    assert_eq!(run_shell(root.path(), &script, &[]), (0, String::new()));

    write("B", "complete.md");
    assert_eq!(run_shell(root.path(), &script, &[]), (0, String::new()));

    // The failing report comes first, so a loop that kept only the last exit code passes.
    write("A", "blocked-without-owner.md");
    let (code, stdout) = run_shell(root.path(), &script, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("items/A/execution-report.md") && stdout.contains("report/blocker-owner"),
        "{stdout}"
    );
}

/// Runs a Claude Code hook `command` as Claude Code does: through a shell in `dir`, the
/// hook's JSON on stdin; `PATH` holds the built `renkei` when `with_renkei`. Exit code
/// and stderr.
fn run_hook(
    dir: &Path,
    command_line: &str,
    input: &serde_json::Value,
    env: &[(&str, &Path)],
    with_renkei: bool,
) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_renkei")).parent().unwrap();
    let path = if with_renkei {
        format!("{}:/usr/bin:/bin", bin.display())
    } else {
        "/usr/bin:/bin".to_string()
    };
    let mut command = Command::new("bash");
    command
        .args(["-c", command_line])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("CLAUDE_CONFIG_DIR")
        .envs(env.iter().map(|(key, value)| (*key, *value)));
    let output = crate::support::output_with_stdin(command, input.to_string().as_bytes());
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_stop_hook_holds_an_agent_only_on_findings_and_only_once_in_a_row() {
    let settings: serde_json::Value =
        serde_json::from_str(&readme_block("and register it in `.claude/settings.json`")).unwrap();
    let command = settings["hooks"]["Stop"][0]["hooks"][0]["command"]
        .as_str()
        .unwrap()
        .to_string();
    let script = readme_block("As a **Claude Code Stop hook**");
    // A product repository: no doctrine tree, the skill installed in the user's folder.
    let project = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let hook = project.path().join(".claude/hooks/renkei-report-gate.sh");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, script).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let template = home
        .path()
        .join(".claude/skills/execution-lead/references/template.md");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::copy(
        repo_root().join("framework/archetypes/execution/execution-lead/references/template.md"),
        &template,
    )
    .unwrap();
    let stop = |active: bool| {
        serde_json::json!({
            "session_id": "abc123",
            "transcript_path": "/tmp/transcript.jsonl",
            "cwd": project.path(),
            "permission_mode": "default",
            "hook_event_name": "Stop",
            "stop_hook_active": active,
        })
    };
    let env = [
        ("CLAUDE_PROJECT_DIR", project.path()),
        ("HOME", home.path()),
    ];
    let run = |active: bool| run_hook(project.path(), &command, &stop(active), &env, true);

    assert_eq!(run(false).0, 0, "no report: the agent stops");
    let report = project.path().join("execution-report.md");
    std::fs::write(&report, sample_report("complete.md")).unwrap();
    let (code, stderr) = run(false);
    assert_eq!(code, 0, "a report that holds\n{stderr}");

    std::fs::write(&report, sample_report("blocked-without-owner.md")).unwrap();
    let (code, stderr) = run(false);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("report/blocker-owner"), "{stderr}");
    let (code, stderr) = run(true);
    assert_eq!(
        code, 1,
        "held once already: a warning, not a second hold\n{stderr}"
    );
    assert!(
        stderr.contains("letting the agent stop this time"),
        "{stderr}"
    );

    // Tool errors are not the agent's to fix: it stops, with a warning.
    let (code, stderr) = run_hook(project.path(), &command, &stop(false), &env, false);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("could not check"), "{stderr}");
    std::fs::remove_file(&template).unwrap();
    let (code, stderr) = run(false);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("could not check"), "{stderr}");
}

#[test]
fn the_configuration_example_loads_and_does_what_its_comments_say() {
    let config = readme_block("`renkei.yaml` at the root (or `--config FILE`)");
    let scratch = crate::support::Scratch::with_demo();
    scratch.write("root/renkei.yaml", &config);
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/notes.md",
        "# Notes\n\n\
         The phase ends.\n\n\
         The pre phase is fine.\n\n\
         Ownership transfers to the tech-lead.\n\n\
         It speaks the Hypertext Transfer Protocol.\n\n\
         No cross-stage status here.\n\n\
         A preflight check.\n",
    );
    let run = scratch.renkei(&["lint", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("house/no-phase", "warning", 3),
        ("vocabulary/transfer", "warning", 7),
        ("house/no-phase", "warning", 11),
        ("house/no-phase", "warning", 13),
    ]
    .map(|(rule, severity, line)| (rule.to_string(), severity.to_string(), line));
    assert_eq!(found, expected, "{}", run.stdout);
    assert_eq!(run.code, 0, "warnings only: {}", run.stdout);
}

#[test]
fn the_archetype_yaml_example_assembles_as_pasted_and_with_a_tool_list() {
    let example = readme_block("`archetype.yaml` rejects unknown keys");
    let scratch = crate::support::Scratch::new();
    let base = "root/framework/archetypes/execution/execution-lead";
    scratch.write(
        &format!("{base}/ethos/tenets.md"),
        "# Tenets\n\n- Evidence first.\n",
    );
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\n1. Read the [template](../references/template.md).\n",
    );
    scratch.write(
        &format!("{base}/references/template.md"),
        "# Report\n\n## Outcome\n\n- Outcome: `complete` | `blocked`\n",
    );
    let front_matter = |yaml: &str| {
        scratch.write(&format!("{base}/archetype.yaml"), yaml);
        let target = scratch.path("skills");
        let run = scratch
            .renkei(&["assemble", "--push", "--target", target.to_str().unwrap()])
            .expect_code(0);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        let skill = std::fs::read_to_string(target.join("execution-lead/SKILL.md")).unwrap();
        skill.split("\n---\n").next().unwrap().to_string()
    };
    let as_pasted = front_matter(&example);
    assert!(
        as_pasted.contains("allowed-tools: Read Grep"),
        "{as_pasted}"
    );
    // The comment says a YAML list works too: the same front matter.
    let listed = example.replacen("allowed-tools: Read Grep", "allowed-tools: [Read, Grep]", 1);
    assert_ne!(listed, example);
    assert_eq!(front_matter(&listed), as_pasted);
}

#[test]
fn the_contract_yaml_example_is_used_as_pasted() {
    let example = readme_block("An archetype may ship `contract.yaml`");
    let scratch = crate::support::Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/contract.yaml",
        &example,
    );
    let run = scratch.renkei(&["check", "--format", "json"]);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"config/invalid"), "{rules:?}");
    // Its check runs: the demo template's Outcome section lacks both fields it names.
    assert_eq!(
        rules
            .iter()
            .filter(|rule| **rule == "contract/required-fields")
            .count(),
        2,
        "{rules:?}"
    );
}

#[test]
fn the_skills_check_examples_pass_on_what_renkei_installs_as_pasted() {
    let root = root_with_framework();
    let home = root.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let renkei = |args: &[&str]| {
        let (code, _) = run_shell(
            root.path(),
            &format!("renkei {}", args.join(" ")),
            &[("HOME", &home)],
        );
        assert_eq!(code, 0, "renkei {args:?}");
    };
    // What each line checks: a project folder every client reads, Claude Code's own (whose
    // SKILL.md carries its keys), and one skill copied in from elsewhere.
    renkei(&["assemble", "--push", "--target", "agents-project"]);
    renkei(&["assemble", "--push", "--target", "claude"]);
    renkei(&["assemble", "--push", "--target", "vendor/skills"]);
    let block = readme_block("### `renkei skills check`");
    for line in block.lines().filter(|line| !line.trim().is_empty()) {
        let (code, stdout) = run_shell(root.path(), line, &[("HOME", &home)]);
        assert_eq!(code, 0, "{line}:\n{stdout}");
    }
    // Without the client, Claude Code's folder fails on its keys: the flag matters.
    let (code, _) = run_shell(
        root.path(),
        "renkei skills check ~/.claude/skills",
        &[("HOME", &home)],
    );
    assert_eq!(code, 1);
}

#[test]
fn the_contract_example_adds_its_check_and_accepts_the_alias() {
    let contract = readme_block("An archetype may ship `contract.yaml` to add checks");
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&repo_root().join("tests/fixtures/redeemed/b"), dir.path());
    let archetype = dir
        .path()
        .join("framework/archetypes/execution/execution-lead");
    std::fs::write(archetype.join("contract.yaml"), &contract).unwrap();
    let check = || crate::support::renkei_at(dir.path(), &["check"]).run();
    let run = check();
    assert_eq!(run.code, 0, "{contract}\n{}{}", run.stdout, run.stderr);
    let template = archetype.join("references/template.md");
    let text = std::fs::read_to_string(&template).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.contains("Recommended next action"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&template, without).unwrap();
    let run = check();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("has no `Recommended next action:` field"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_graph_picture_is_what_renkei_graph_draws_for_this_framework() {
    let picture = readme_block("This is our own framework (`renkei graph`");
    let drawn = crate::support::renkei_at(&repo_root(), &["graph"])
        .run()
        .expect_code(0)
        .stdout;
    assert_eq!(
        picture, drawn,
        "update the README's picture from `renkei graph`"
    );
    let dot = crate::support::renkei_at(&repo_root(), &["graph", "--format", "dot"])
        .run()
        .expect_code(0)
        .stdout;
    let edges = |text: &str, arrow: &str| text.lines().filter(|line| line.contains(arrow)).count();
    assert!(
        dot.starts_with("digraph framework {") && dot.ends_with("}\n"),
        "{dot}"
    );
    assert_eq!(edges(&dot, " -> "), edges(&drawn, " -->|"), "{dot}");
    assert!(
        dot.contains("\"execution-lead\" -> \"test-implementer\" [label=\"1\"];"),
        "{dot}"
    );
}

#[test]
fn the_external_archetypes_example_silences_delegates_that_live_elsewhere() {
    let config = readme_block("Archetypes that live in other repositories are declared once");
    let scratch = crate::support::Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/process.md",
        "# Process\n\n## Step 1: Specify\n\nDelegate `spec-writer` and `research-codebase` in parallel.\n",
    );
    let before = scratch.renkei(&["check"]).expect_code(1).stdout;
    assert_eq!(
        before.matches("error[interface/unknown-archetype]").count(),
        2,
        "{before}"
    );
    scratch.write("root/renkei.yaml", &config);
    scratch.renkei(&["check"]).expect_code(0);
}

#[test]
fn one_check_rule_can_be_switched_off_and_a_wrong_id_is_an_error() {
    let config = readme_block("A rule that does not fit a project is switched off by its id");
    let scratch = crate::support::Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/process.md",
        "# Process\n\n## Step 1: Specify\n\nDelegate `spec-writer`.\n",
    );
    scratch.renkei(&["check"]).expect_code(1);
    scratch.write("root/renkei.yaml", &config);
    scratch.renkei(&["check"]).expect_code(0);
    scratch.write(
        "root/renkei.yaml",
        "check:\n  disable: [interface/no-such-rule]\n",
    );
    let run = scratch.renkei(&["check"]).expect_code(2);
    assert!(
        run.stderr.contains("`interface/no-such-rule`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_layout_and_lint_scope_examples_do_what_they_say() {
    let layout = readme_block("A repository that keeps its archetypes");
    let scope = readme_block("folder, or no root at all, has nothing to scope by");
    let root = root_with_framework();
    let doctrine = root.path().join("doctrine");
    std::fs::create_dir_all(&doctrine).unwrap();
    std::fs::rename(
        root.path().join("framework/archetypes"),
        doctrine.join("skills"),
    )
    .unwrap();
    // This repository's own configuration names the archetypes that live elsewhere.
    let own = std::fs::read_to_string(repo_root().join("renkei.yaml")).unwrap();
    std::fs::write(
        root.path().join("renkei.yaml"),
        format!("{own}\n{layout}{scope}"),
    )
    .unwrap();
    let (code, stdout) = run_shell(root.path(), "renkei check --format github", &[]);
    assert_eq!(
        (code, stdout.as_str()),
        (0, ""),
        "the framework checks clean from there"
    );

    let notes = root.path().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::write(notes.join("research.md"), "The intake desk.\n").unwrap();
    std::fs::write(root.path().join("CHANGELOG.md"), "Intake forms.\n").unwrap();
    let drafts = doctrine.join("skills/execution/execution-lead/doctrine/drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("old.md"), "The intake phase.\n").unwrap();
    let (code, stdout) = run_shell(
        root.path(),
        "renkei lint --format github notes/research.md CHANGELOG.md doctrine",
        &[],
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stdout.lines().count(),
        1,
        "only notes/ is widened in: {stdout}"
    );
    assert!(stdout.contains("notes/research.md"), "{stdout}");
}

/// Runs every line of a README block as pasted, in `dir` with `env`, and returns each
/// line's exit code and stdout.
fn run_block_lines(block: &str, dir: &Path, env: &[(&str, &Path)]) -> Vec<(String, i32, String)> {
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (code, stdout) = run_shell(dir, line, env);
            (line.to_string(), code, stdout)
        })
        .collect()
}

#[test]
fn the_completions_and_man_page_lines_install_as_pasted() {
    let block = readme_block("completions and the manual page come from the binary");
    let home = tempfile::tempdir().unwrap();
    for folder in [
        ".local/share/bash-completion/completions",
        ".local/share/man/man1",
    ] {
        std::fs::create_dir_all(home.path().join(folder)).unwrap();
    }
    for (line, code, _) in run_block_lines(&block, home.path(), &[("HOME", home.path())]) {
        assert_eq!(code, 0, "{line}");
    }
    let script = home
        .path()
        .join(".local/share/bash-completion/completions/renkei");
    assert!(std::fs::read_to_string(script).unwrap().contains("_renkei"));
    let page = home.path().join(".local/share/man/man1/renkei.1");
    assert!(
        std::fs::read_to_string(page)
            .unwrap()
            .contains(".TH renkei 1")
    );
}

#[test]
fn the_rules_and_explain_lines_work_as_pasted() {
    let block = readme_block("### `renkei rules` and `renkei explain`");
    let lines = run_block_lines(&block, &repo_root(), &[]);
    assert_eq!(lines.len(), 4, "{lines:?}");
    for (line, code, stdout) in &lines {
        assert_eq!(*code, 0, "{line}");
        assert!(!stdout.is_empty(), "{line}");
    }
    assert!(
        lines[2].2.starts_with("vocabulary/transfer (error;"),
        "{}",
        lines[2].2
    );
    let explained = &lines[3].2;
    assert!(
        explained.starts_with("plan/test-first (error;")
            && explained.contains("\nFix:\n")
            && explained.contains("\nExample (fails):\n")
            && explained.contains("\nExample (passes):\n"),
        "{explained}"
    );
}
