//! The seams between archetypes, on this repository's own framework: a change on one side
//! that the other side does not follow fails `check` at the line on both sides.

use std::fs;

use crate::support::{Scratch, copy_framework, repo_root};

/// A copy of the repository's framework and configuration, with `edit` applied to the file
/// at `relative` (which must change).
fn framework_with(relative: &str, from: &str, to: &str) -> Scratch {
    let scratch = Scratch::new();
    copy_framework(&scratch.root());
    fs::copy(
        repo_root().join("renkei.yaml"),
        scratch.path("root/renkei.yaml"),
    )
    .unwrap();
    let path = scratch.path(&format!("root/framework/archetypes/{relative}"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
    scratch
}

/// A finding as `(rule, path, line, [(related path, related line)])`, paths from the
/// archetypes folder on.
type Seam = (String, String, u64, Vec<(String, u64)>);

/// Every finding of `check` on the scratch framework.
fn seams(scratch: &Scratch) -> Vec<Seam> {
    let json = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(1)
        .stdout;
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let short = |path: &serde_json::Value| {
        let path = path.as_str().unwrap();
        path.split("archetypes/").nth(1).unwrap_or(path).to_string()
    };
    document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let related = d["related"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| (short(&r["path"]), r["line"].as_u64().unwrap()))
                .collect();
            (
                d["rule"].as_str().unwrap().to_string(),
                short(&d["path"]),
                d["line"].as_u64().unwrap(),
                related,
            )
        })
        .collect()
}

#[test]
fn a_renamed_input_field_of_execution_lead_fails_check_naming_both_files() {
    let scratch = framework_with(
        "execution/execution-lead/doctrine/handoff-contract.md",
        "4. `plan_path`:",
        "4. `plan_file`:",
    );
    assert_eq!(
        seams(&scratch),
        [(
            "interface/missing-input".to_string(),
            "technical-preparation/tech-lead/doctrine/handoff-contract.md".to_string(),
            5,
            vec![(
                "execution/execution-lead/doctrine/handoff-contract.md".to_string(),
                12
            )]
        )]
    );
    let human = scratch.renkei(&["check"]).expect_code(1).stdout;
    assert!(
        human.contains("delegates `execution-lead` without `plan_file`, which its handoff contract requires")
            && human.contains("= note: framework/archetypes/execution/execution-lead/doctrine/handoff-contract.md:12:4: `execution-lead` requires `plan_file` here"),
        "{human}"
    );
}

#[test]
fn a_renamed_return_field_of_a_member_fails_at_the_gate_that_reads_it() {
    let scratch = framework_with(
        "development/test-implementer/doctrine/output-contract.md",
        "5. `test_commit_hashes[]`:",
        "5. `commits[]`:",
    );
    let found = seams(&scratch);
    assert_eq!(found.len(), 1, "{found:?}");
    let (rule, path, _, related) = &found[0];
    assert_eq!(rule, "interface/missing-return");
    assert_eq!(path, "execution/execution-lead/doctrine/process.md");
    assert_eq!(
        related,
        &[(
            "development/test-implementer/doctrine/output-contract.md".to_string(),
            1
        )]
    );
}

#[test]
fn a_leftover_architect_opencode_is_caught_in_both_pipelines() {
    let scratch = framework_with(
        "technical-preparation/tech-lead/doctrine/pipeline.md",
        "tech-lead -> execution-lead\n",
        "tech-lead -> architect-opencode\n",
    );
    let found = seams(&scratch);
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|(rule, path, _, _)| (rule.as_str(), path.as_str()))
        .collect();
    assert_eq!(
        rules,
        [
            (
                "interface/pipeline-edge",
                "execution/execution-lead/doctrine/pipeline.md"
            ),
            (
                "interface/unknown-archetype",
                "technical-preparation/tech-lead/doctrine/pipeline.md"
            ),
        ]
    );
}

#[test]
fn a_member_step_that_stops_passing_a_field_fails() {
    let scratch = framework_with(
        "execution/execution-lead/doctrine/process.md",
        "- `commit_range`: from the parent",
        "- the commit range: from the parent",
    );
    let found = seams(&scratch);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "interface/missing-input");
    assert_eq!(found[0].1, "execution/execution-lead/doctrine/process.md");
    assert_eq!(
        found[0].3,
        [(
            "development/validate-plan/doctrine/handoff-contract.md".to_string(),
            13
        )]
    );
}

/// A copy of the framework an agent wrote from the seeds alone, in its own idiom (tables of
/// fields, field names in parentheses in the templates), with `edit` applied.
fn independent_with(relative: &str, from: &str, to: &str) -> Scratch {
    let scratch = Scratch::new();
    crate::support::copy_tree(
        &repo_root().join("tests/fixtures/interfaces/independent"),
        &scratch.root(),
    );
    let path = scratch.path(&format!("root/framework/archetypes/{relative}"));
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{relative} has no {from:?}");
    fs::write(&path, text.replace(from, to)).unwrap();
    scratch
}

#[test]
fn a_framework_written_from_the_seeds_alone_passes_and_its_seams_are_read() {
    crate::support::renkei_at(
        &repo_root().join("tests/fixtures/interfaces/independent"),
        &["check"],
    )
    .run()
    .expect_code(0);

    let renamed = independent_with(
        "development/test-implementer/doctrine/handoff-contract.md",
        "`test_phase_ids`",
        "`phase_ids`",
    );
    let found = seams(&renamed);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        (
            "interface/missing-input",
            "execution/execution-lead/doctrine/process.md"
        )
    );
    assert_eq!(
        found[0].3,
        [(
            "development/test-implementer/doctrine/handoff-contract.md".to_string(),
            14
        )]
    );
}

#[test]
fn graph_names_an_archetype_that_does_not_load_and_draws_nothing() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/broken/doctrine/process.md",
        "# P\n",
    );
    let run = scratch.renkei(&["graph"]).expect_code(2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("broken/archetype.yaml: missing"),
        "{}",
        run.stderr
    );
}
