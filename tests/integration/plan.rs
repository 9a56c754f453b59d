//! `renkei plan check` and `renkei plan waves` through the command line: plans as
//! tech-lead writes them, gates read from the framework's own doctrine, installed skills,
//! and hostile plans that must end quickly with a clear answer.

use std::path::Path;
use std::time::Duration;

use crate::support::{copy_framework, renkei_at, renkei_in, repo_root};

const HEADER: &str = "| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n";

/// A rate-limiting plan as tech-lead would write it: prose around the table.
const GOOD: &str = "# Implementation Plan: request rate limits

## Summary

Limit each API key to its quota, and say so in response headers.

## Plan Contract

| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |
|---|---|---|---|---|---|---|---|---|---|
| T1 | test | test-implementer | none | true | preconditions | test: quota per key | red run of `limit_test` | `tests/limit_test.rs` | |
| T2 | test | test-implementer | none | true | preconditions | test: limit headers | red run of `headers_test` | `tests/headers_test.rs` | |
| I1 | implementation | implement-plan | T1 | false | test-gate | feat: token bucket per key | `limit_test` green | `src/limit.rs` | |
| I2 | implementation | implement-plan | `T2`, `I1` | false | test-gate | feat: limit headers | `headers_test` green | `src/limit.rs`, `src/headers.rs` | |
| V1 | validation-support | execution-lead | I1, I2 | false | implementation-gate | none | validation report | | |

- plan_contract_has_phase_ownership: true

## Risks

- Clock skew between nodes: accepted.
";

fn scratch_with(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn check(path: &Path, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["plan", "check", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    renkei_at(&repo_root(), &args).run()
}

#[test]
fn the_readme_states_the_plan_format_in_the_templates_words() {
    let block = |text: &str| {
        let start = text.find("<!-- plan-format:start -->").unwrap();
        let end = text.find("<!-- plan-format:end -->").unwrap();
        text[start..end].to_string()
    };
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let template = std::fs::read_to_string(
        repo_root()
            .join("framework/archetypes/technical-preparation/tech-lead/references/template.md"),
    )
    .unwrap();
    assert_eq!(block(&readme), block(&template));
}

#[test]
fn a_good_plan_passes_and_each_defect_is_reported_at_its_cell() {
    let (_dir, good) = scratch_with("plan.md", GOOD);
    check(&good, &[]).expect_code(0);
    let bad = GOOD
        .replace(
            "| T2 | test | test-implementer | none |",
            "| T2 | test | implement-plan | T7 |",
        )
        .replace(
            "| I1 | implementation | implement-plan | T1 | false | test-gate",
            "| I1 | implementation | implement-plan | none | false | tests-gate",
        );
    let (_bad_dir, bad_path) = scratch_with("plan.md", &bad);
    let run = check(&bad_path, &["--format", "concise"]).expect_code(1);
    let found: Vec<String> = run
        .stdout
        .lines()
        .map(|line| {
            line.split_once("plan.md:")
                .unwrap()
                .1
                .splitn(3, ' ')
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        found,
        [
            "12:15: error[plan/owner-role]",
            "12:32: error[plan/unknown-dependency]",
            "13:3: error[plan/test-first]",
            "13:57: error[plan/unknown-gate]",
            "17:1: error[plan/ownership-flag]",
        ],
        "{}",
        run.stdout
    );
    let sarif = check(&bad_path, &["--format", "sarif"])
        .expect_code(1)
        .stdout;
    let document = crate::tools::valid_sarif(&sarif);
    assert_eq!(document["runs"][0]["results"].as_array().unwrap().len(), 5);
}

#[test]
fn fix_corrects_a_misspelt_gate_in_place_and_the_plan_then_passes() {
    let (_dir, path) = scratch_with(
        "plan.md",
        &GOOD.replace(
            "| preconditions | test: quota",
            "| precondition | test: quota",
        ),
    );
    let run = check(&path, &["--fix"]).expect_code(0);
    assert!(run.stdout.contains(", 1 fixed"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), GOOD);
}

#[test]
fn waves_follow_gates_dependencies_and_the_concurrency_limit() {
    let (_dir, path) = scratch_with("plan.md", GOOD);
    let plan = path.to_str().unwrap();
    let json = renkei_at(&repo_root(), &["plan", "waves", plan, "--format", "json"])
        .run()
        .expect_code(0);
    let waves: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        waves,
        serde_json::json!({"waves": [
            {"wave": 1, "gate": "preconditions", "phases": ["T1", "T2"]},
            {"wave": 2, "gate": "test-gate", "phases": ["I1"]},
            {"wave": 3, "gate": "test-gate", "phases": ["I2"]},
            {"wave": 4, "gate": "implementation-gate", "phases": ["V1"]},
        ]})
    );
    let one = renkei_at(
        &repo_root(),
        &["plan", "waves", plan, "--max-concurrency", "1"],
    )
    .run()
    .expect_code(0);
    assert!(
        one.stdout
            .starts_with("wave 1 (preconditions): T1\nwave 2 (preconditions): T2\n"),
        "{}",
        one.stdout
    );
    assert!(
        one.stdout
            .ends_with("5 waves, 5 phases, at most 1 at once\n"),
        "{}",
        one.stdout
    );
    let mermaid = renkei_at(
        &repo_root(),
        &["plan", "waves", plan, "--format", "mermaid"],
    )
    .run()
    .expect_code(0);
    assert!(mermaid.stdout.starts_with("gantt\n"), "{}", mermaid.stdout);
    assert!(
        mermaid
            .stdout
            .contains("  section Wave 1 (preconditions)\n    T1 :p0, 0, 1\n"),
        "{}",
        mermaid.stdout
    );
    renkei_at(
        &repo_root(),
        &["plan", "waves", plan, "--max-concurrency", "0"],
    )
    .run()
    .expect_code(2);
}

#[test]
fn waves_refuse_a_plan_that_fails_its_check_and_print_nothing_on_stdout() {
    let (_dir, path) = scratch_with(
        "plan.md",
        &GOOD.replace(
            "| T1 | test | test-implementer | none |",
            "| T1 | test | test-implementer | V1 |",
        ),
    );
    let run = renkei_at(&repo_root(), &["plan", "waves", path.to_str().unwrap()])
        .run()
        .expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("error[plan/gate-order]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("fails `renkei plan check`, so it has no waves"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_yaml_form_reads_as_the_table_does() {
    let yaml = "# Plan\n\n```yaml\nphases:\n  - phase: T1\n    phase_type: test\n    owner_role: test-implementer\n    depends_on: []\n    parallel_safe: true\n    blocking_gate: preconditions\n    commit_intent: \"test: quota\"\n    proof_artifact: red run\n    files: [tests/limit_test.rs]\n  - phase: I1\n    phase_type: implementation\n    owner_role: implement-plan\n    depends_on: [T9]\n    parallel_safe: false\n    blocking_gate: test-gate\n    commit_intent: \"feat: quota\"\n    proof_artifact: green\nplan_contract_has_phase_ownership: true\n```\n";
    let (_dir, path) = scratch_with("plan.md", yaml);
    let run = check(&path, &["--format", "concise"]).expect_code(1);
    // The unknown id is pointed at in the YAML, where it is written.
    assert!(
        run.stdout
            .contains("plan.md:17:18: error[plan/unknown-dependency]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("error[plan/test-first]"),
        "{}",
        run.stdout
    );
    let fixed = yaml.replace("[T9]", "[T1]");
    std::fs::write(&path, fixed).unwrap();
    check(&path, &[]).expect_code(0);
}

#[test]
fn gates_come_from_the_doctrine_so_renaming_one_there_renames_it_for_plans() {
    let root = tempfile::tempdir().unwrap();
    copy_framework(root.path());
    let process = root
        .path()
        .join("framework/archetypes/execution/execution-lead/doctrine/process.md");
    let text = std::fs::read_to_string(&process).unwrap();
    std::fs::write(
        &process,
        text.replace("- **test-gate**:", "- **tests-green**:"),
    )
    .unwrap();
    let (_dir, path) = scratch_with("plan.md", GOOD);
    let run = renkei_at(
        root.path(),
        &[
            "plan",
            "check",
            path.to_str().unwrap(),
            "--format",
            "concise",
        ],
    )
    .run()
    .expect_code(1);
    assert_eq!(
        run.stdout.matches("error[plan/unknown-gate]").count(),
        2,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("`tests-green`"), "{}", run.stdout);
}

#[test]
fn a_product_repository_checks_plans_against_an_installed_skill() {
    let skills = tempfile::tempdir().unwrap();
    let target = skills.path().join("skills");
    renkei_at(
        &repo_root(),
        &["assemble", "--push", "--target", target.to_str().unwrap()],
    )
    .run()
    .expect_code(0);
    let product = tempfile::tempdir().unwrap();
    std::fs::write(product.path().join("plan.md"), GOOD).unwrap();
    let skill = target.join("execution-lead");
    renkei_in(
        product.path(),
        &[
            "plan",
            "check",
            "plan.md",
            "--skill",
            skill.to_str().unwrap(),
        ],
    )
    .run()
    .expect_code(0);
    let lost = renkei_in(product.path(), &["plan", "check", "plan.md"])
        .run()
        .expect_code(2);
    assert!(lost.stderr.contains("--skill DIR"), "{}", lost.stderr);
    let empty = renkei_in(
        product.path(),
        &["plan", "check", "plan.md", "--gates", "plan.md"],
    )
    .run()
    .expect_code(2);
    assert!(
        empty.stderr.contains("plan.md: defines no gates"),
        "{}",
        empty.stderr
    );
}

#[test]
fn a_file_without_a_plan_is_one_finding() {
    let (_dir, path) = scratch_with("notes.md", "# Notes\n\nNo table here.\n");
    let run = check(&path, &["--format", "concise"]).expect_code(1);
    assert!(
        run.stdout
            .contains("notes.md:1:1: error[plan/unreadable] no plan"),
        "{}",
        run.stdout
    );
}

/// Hostile plans end within the limit with a located answer, never a hang or a panic.
fn hostile(text: String) -> crate::support::Run {
    let (_dir, path) = scratch_with("plan.md", &text);
    let (run, _) = renkei_at(
        &repo_root(),
        &[
            "plan",
            "check",
            path.to_str().unwrap(),
            "--format",
            "concise",
        ],
    )
    .run_watched(Duration::from_secs(60));
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

#[test]
fn a_cycle_of_a_hundred_thousand_phases_is_one_short_finding() {
    let count = 100_000;
    let mut text = String::from(HEADER);
    for index in 0..count {
        text.push_str(&format!(
            "| T{index} | test | test-implementer | T{} | true | preconditions | t | r | f{index} | |\n",
            (index + 1) % count
        ));
    }
    text.push_str("\n- plan_contract_has_phase_ownership: true\n");
    let run = hostile(text).expect_code(1);
    let cycles: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.contains("plan/dependency-cycle"))
        .collect();
    assert_eq!(
        cycles.len(),
        1,
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    assert!(
        cycles[0].contains("(100000 phases)") && cycles[0].len() < 400,
        "{}",
        cycles[0]
    );
}

#[test]
fn a_plan_past_the_size_limit_is_refused_by_name() {
    let limit = renkei_model::read::MAX_SOURCE_FILE_BYTES as usize;
    let row = "| T1 | test | test-implementer | none | true | preconditions | t | r | f | |\n";
    let mut text = String::from(HEADER);
    while text.len() <= limit {
        text.push_str(row);
    }
    let run = hostile(text).expect_code(2);
    assert!(
        run.stderr.contains("plan.md") && run.stderr.contains("limit"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_row_of_ten_thousand_cells_and_empty_or_duplicate_ids_are_located() {
    let wide = format!(
        "| T1 | test | test-implementer | none | true | preconditions | t | r | f | |{}\n",
        " x |".repeat(10_000)
    );
    let text = format!(
        "{HEADER}{wide}|  | test | test-implementer | none | true | preconditions | t | r | g | |\n| T1 | test | test-implementer | none | true | preconditions | t | r | h | |\n\n- plan_contract_has_phase_ownership: true\n"
    );
    let run = hostile(text).expect_code(1);
    assert!(
        run.stdout
            .contains("plan.md:4:2: error[plan/missing-field] a phase has no id"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("plan.md:5:3: error[plan/duplicate-phase] phase `T1` is already defined"),
        "{}",
        run.stdout
    );
}

#[test]
fn plans_written_from_the_specification_alone_get_the_verdicts_and_waves_their_author_expected() {
    let fixtures = repo_root().join("tests/fixtures/plans");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("good-") || name.starts_with("bad-"))
        .collect();
    names.sort();
    let root = repo_root();
    let root = root.to_str().unwrap();
    let mut seen = String::new();
    for name in names.iter().filter(|name| name.starts_with("bad-")) {
        let run = renkei_in(
            &fixtures,
            &["--root", root, "plan", "check", name, "--format", "concise"],
        )
        .run()
        .expect_code(1);
        for line in run.stdout.lines() {
            let mut words = line.splitn(3, ' ');
            seen.push_str(&format!(
                "{} {}\n",
                words.next().unwrap(),
                words.next().unwrap()
            ));
        }
    }
    for name in names.iter().filter(|name| name.starts_with("good-")) {
        renkei_in(&fixtures, &["--root", root, "plan", "check", name])
            .run()
            .expect_code(0);
        let waves = renkei_in(&fixtures, &["--root", root, "plan", "waves", name])
            .run()
            .expect_code(0);
        seen.push_str(&format!("== {name}\n{}", waves.stdout));
    }
    assert_eq!(
        seen,
        std::fs::read_to_string(fixtures.join("expected.txt")).unwrap()
    );
    assert_eq!(names.len(), 16);
}
