//! `renkei rules` and `renkei explain`: the rule catalog, as a user asks it.

use std::collections::BTreeSet;

use crate::support::{Scratch, renkei_at, repo_root};

fn catalog(args: &[&str]) -> Vec<serde_json::Value> {
    let mut full = vec!["rules", "--format", "json"];
    full.extend_from_slice(args);
    let run = renkei_at(&repo_root(), &full).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn every_rule_check_can_report_is_listed_once_with_check_among_its_commands() {
    let rules = catalog(&[]);
    let ids: Vec<&str> = rules
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let listed_for_check: BTreeSet<&str> = rules
        .iter()
        .filter(|rule| {
            rule["commands"]
                .as_array()
                .unwrap()
                .iter()
                .any(|command| command == "check")
        })
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    // The rules `check` describes in its own SARIF output.
    let sarif = renkei_at(&repo_root(), &["check", "--format", "sarif"]).run();
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let described: BTreeSet<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    let only_in_sarif: Vec<_> = described.difference(&listed_for_check).collect();
    assert!(only_in_sarif.is_empty(), "{only_in_sarif:?}");

    let intake = rules
        .iter()
        .find(|rule| rule["id"] == "vocabulary/intake")
        .unwrap();
    assert_eq!(intake["fixable"], true);
    assert_eq!(intake["severity"], "error");
    assert!(
        intake["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|scope| scope == "prose")
    );
    let transfer = rules
        .iter()
        .find(|rule| rule["id"] == "vocabulary/transfer")
        .unwrap();
    assert_eq!(transfer["fixable"], false);
}

#[test]
fn a_project_rule_is_listed_and_explained_with_its_examples() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/renkei.yaml",
        "lint:\n  rules:\n    - id: house/no-phase\n      message: \"`{match}` suggests a phase\"\n      why: Stages are functions, not phases.\n      words: [phase]\n      replacements: [step]\n      scopes:\n        exclude: [code-block]\n      examples:\n        fail: [the next phase]\n        pass: [a phrase]\n",
    );
    let listed = scratch.renkei(&["rules"]).expect_code(0);
    assert!(
        listed
            .stdout
            .lines()
            .any(|line| line.starts_with("house/no-phase")
                && line.contains("lint, check")
                && line.ends_with("fixable")),
        "{}",
        listed.stdout
    );
    let explained = scratch
        .renkei(&["explain", "house/no-phase"])
        .expect_code(0);
    for said in [
        "house/no-phase (error; reported by lint, check)",
        "Why: Stages are functions, not phases.",
        "Fix:\n  `renkei lint --fix` replaces it with `step`",
        "Flagged:\n  the next phase",
        "Not flagged:\n  a phrase",
    ] {
        assert!(
            explained.stdout.contains(said),
            "{said}\n{}",
            explained.stdout
        );
    }
    let scopes = explained
        .stdout
        .lines()
        .find(|line| line.starts_with("Applies in:"))
        .unwrap();
    assert!(
        !scopes.contains("code-block") && scopes.contains("prose"),
        "{scopes}"
    );
}

#[test]
fn explaining_an_unknown_rule_suggests_the_nearest_one() {
    let run = renkei_at(&repo_root(), &["explain", "contract/outcome-feild"]).run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no rule `contract/outcome-feild`; did you mean `contract/outcome-field`?"),
        "{}",
        run.stderr
    );
    let far = renkei_at(&repo_root(), &["explain", "nothing-like-it"]).run();
    assert_eq!(far.code, 2);
    assert!(
        far.stderr.contains("`renkei rules` lists them"),
        "{}",
        far.stderr
    );
}

#[test]
fn every_built_in_rule_says_what_to_do_and_shows_a_failing_and_a_passing_example() {
    // Vocabulary rules come from configuration, with their own examples; every other rule
    // is written in code and carries a fix and an example.
    let coded: Vec<serde_json::Value> = catalog(&[])
        .into_iter()
        .filter(|rule| rule["scopes"].as_array().unwrap().is_empty())
        .collect();
    assert!(coded.len() >= 51, "{}", coded.len());
    let lacking: Vec<&str> = coded
        .iter()
        .filter(|rule| {
            rule["fix"].as_str().is_none_or(str::is_empty)
                || rule["example"]["fails"].as_str().is_none_or(str::is_empty)
                || rule["example"]["passes"].as_str().is_none_or(str::is_empty)
        })
        .map(|rule| rule["id"].as_str().unwrap())
        .collect();
    assert!(lacking.is_empty(), "{lacking:?}");
}

#[test]
fn explaining_a_built_in_rule_shows_its_fix_and_examples() {
    let run = renkei_at(&repo_root(), &["explain", "plan/test-first"]).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout);
}
