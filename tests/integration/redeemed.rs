//! Execution-lead trees in their redeemed form, each written from the synthesis (002) alone
//! by an author who had seen neither our framework nor the contract, in three different
//! styles (tenets as a list, as paragraphs, as a numbered list quoted as one; fields as list
//! items, bold labels, table rows and plain lines; sections at `##` and at `###`; steps as
//! `Step 1:`, `1.` and `Step 1 —`). The default contract encodes 002 §5, so each tree
//! passes `check` and its reports pass `report check`; and for each of the eight criteria a
//! mutation breaks it, failing on the file and line that changed.

use std::fs;
use std::path::Path;

use crate::support::{Run, copy_tree, findings, renkei_at, repo_root};

const TREES: [&str; 3] = ["a", "b", "c"];
const ARCHETYPE: &str = "framework/archetypes/execution/execution-lead";

/// A copy of fixture `tree` in a temporary folder.
fn copy(tree: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("tests/fixtures/redeemed").join(tree),
        dir.path(),
    );
    dir
}

fn check(root: &Path) -> Run {
    renkei_at(root, &["check", "--format", "json"]).run()
}

fn report_check(root: &Path, report: &Path) -> Run {
    let report = report.to_str().unwrap();
    renkei_at(
        root,
        &["report", "check", "--archetype", "execution-lead", report],
    )
    .run()
}

fn reports(root: &Path) -> Vec<std::path::PathBuf> {
    let mut reports: Vec<_> = fs::read_dir(root.join("reports"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    reports.sort();
    reports
}

#[test]
fn every_independent_tree_passes_check_and_its_reports_pass_report_check() {
    for tree in TREES {
        let root = repo_root().join("tests/fixtures/redeemed").join(tree);
        let run = check(&root);
        assert_eq!(run.code, 0, "tree {tree}:\n{}{}", run.stdout, run.stderr);
        let reports = reports(&root);
        assert!(reports.len() >= 2, "tree {tree} has its reports");
        for report in reports {
            let run = report_check(&root, &report);
            assert_eq!(
                run.code,
                0,
                "{}:\n{}{}",
                report.display(),
                run.stdout,
                run.stderr
            );
        }
    }
}

/// The first line of `text` for which `pick` holds, changed by `change`; its line number.
fn change_line(
    text: &str,
    pick: impl Fn(&str) -> bool,
    change: impl Fn(&str) -> String,
) -> (String, u64) {
    let index = text
        .lines()
        .position(&pick)
        .unwrap_or_else(|| panic!("no line to change in:\n{text}"));
    let changed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(at, line)| {
            if at == index {
                change(line)
            } else {
                line.to_string()
            }
        })
        .collect();
    (changed.join("\n") + "\n", u64::try_from(index).unwrap() + 1)
}

/// Appends `text` as a paragraph; the line it lands on.
fn append(original: &str, text: &str) -> (String, u64) {
    let kept = original.trim_end();
    let line = u64::try_from(kept.lines().count()).unwrap() + 2;
    (format!("{kept}\n\n{text}\n"), line)
}

fn without_lines(text: &str, needle: &str) -> (String, u64) {
    let kept: Vec<&str> = text.lines().filter(|line| !line.contains(needle)).collect();
    (kept.join("\n") + "\n", 1)
}

/// Renames the first heading holding `from`; the line it is on.
fn rename_heading(text: &str, from: &str, to: &str) -> (String, u64) {
    change_line(
        text,
        |line| line.starts_with('#') && line.contains(from),
        |line| line.replace(from, to),
    )
}

fn is_step_one(line: &str) -> bool {
    let heading = line.trim_start_matches('#').trim();
    line.starts_with('#') && (heading.starts_with("Step 1") || heading.starts_with("1."))
}

fn is_outcome_field(line: &str) -> bool {
    line.contains("Outcome")
        && ["complete", "blocked", "escalated"]
            .iter()
            .all(|value| line.contains(value))
}

/// A change to one file of the archetype, the rule it must trip and the line it must trip
/// it on.
struct Mutation {
    criterion: u8,
    file: &'static str,
    rule: &'static str,
    apply: fn(&str) -> (String, u64),
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        criterion: 1,
        file: "doctrine/process.md",
        rule: "vocabulary/intake",
        apply: |text| append(text, "Record the intake of the package first."),
    },
    Mutation {
        criterion: 2,
        file: "doctrine/handoff-contract.md",
        rule: "vocabulary/transfer",
        apply: |text| {
            append(
                text,
                "Ownership transfers from `tech-lead` to `execution-lead`.",
            )
        },
    },
    Mutation {
        criterion: 3,
        file: "references/template.md",
        rule: "contract/outcome-field",
        apply: |text| {
            change_line(text, is_outcome_field, |line| {
                line.replace("escalated", "escalated | partial")
            })
        },
    },
    Mutation {
        criterion: 3,
        file: "references/template.md",
        rule: "contract/outcome-field",
        apply: |text| append(text, "- Outcome: `complete`"),
    },
    Mutation {
        criterion: 3,
        file: "references/template.md",
        rule: "contract/no-conditional-branches",
        apply: |text| append(text, "If running:\n\n- Current phase:"),
    },
    Mutation {
        criterion: 4,
        file: "references/template.md",
        rule: "vocabulary/handoff-received",
        apply: |text| append(text, "- Ledger event: `handoff-received`"),
    },
    Mutation {
        criterion: 5,
        file: "ethos/principles.md",
        rule: "vocabulary/running-with-evidence",
        apply: |text| {
            append(
                text,
                "A stage may report `running-with-evidence` while members work.",
            )
        },
    },
    Mutation {
        criterion: 6,
        file: "doctrine/process.md",
        rule: "contract/numbered-steps",
        apply: |text| change_line(text, is_step_one, |line| line.replacen('1', "2", 1)),
    },
    Mutation {
        criterion: 6,
        file: "doctrine/process.md",
        rule: "contract/numbered-steps",
        apply: |text| rename_heading(text, "Input Validation", "Step 1: Input Validation"),
    },
    Mutation {
        criterion: 7,
        file: "doctrine/orchestration.md",
        rule: "contract/forbidden-headings",
        apply: |text| rename_heading(text, "Return Contract", "Intake Return Rule"),
    },
    Mutation {
        criterion: 7,
        file: "doctrine/orchestration.md",
        rule: "contract/section-text",
        apply: |text| {
            let (_, heading) = rename_heading(text, "Return Contract", "Return Contract");
            let (changed, _) = without_lines(text, "Input validation is not a terminal outcome.");
            (changed, heading)
        },
    },
    Mutation {
        criterion: 8,
        file: "doctrine/handoff-contract.md",
        rule: "contract/links-to",
        apply: |text| without_lines(text, "output-contract"),
    },
    Mutation {
        criterion: 8,
        file: "doctrine/output-contract.md",
        rule: "contract/links-to",
        apply: |text| without_lines(text, "handoff-contract"),
    },
];

#[test]
fn a_mutation_of_each_criterion_fails_on_the_file_and_line_it_changed() {
    let criteria: std::collections::BTreeSet<u8> = MUTATIONS.iter().map(|m| m.criterion).collect();
    assert_eq!(
        criteria.len(),
        8,
        "every criterion of 002 §5 has a mutation"
    );
    for tree in TREES {
        for mutation in MUTATIONS {
            let dir = copy(tree);
            let path = dir.path().join(ARCHETYPE).join(mutation.file);
            let (changed, line) = (mutation.apply)(&fs::read_to_string(&path).unwrap());
            fs::write(&path, changed).unwrap();
            let run = check(dir.path());
            let found = findings(&run.stdout);
            let context = format!(
                "tree {tree}, criterion {} ({} in {}):\n{found:#?}\n{}",
                mutation.criterion, mutation.rule, mutation.file, run.stderr
            );
            assert_eq!(run.code, 1, "{context}");
            assert!(
                found.contains(&(mutation.rule.to_string(), mutation.file.to_string(), line)),
                "expected at line {line}; {context}"
            );
            assert!(
                found.iter().all(|(_, file, _)| file == mutation.file),
                "a finding outside the changed file; {context}"
            );
        }
    }
}

#[test]
fn a_report_with_an_unowned_blocker_or_an_unknown_outcome_fails_on_its_line() {
    for tree in TREES {
        let dir = copy(tree);
        let report = reports(dir.path())
            .into_iter()
            .find(|path| !path.ends_with("complete.md"))
            .unwrap();
        let original = fs::read_to_string(&report).unwrap();
        let owner = |line: &str| line.contains("Blocker owner") && line.contains(':');
        let (unowned, owner_line) = change_line(&original, owner, |line| {
            let colon = line
                .find(":**")
                .map_or_else(|| line.find(':').unwrap() + 1, |at| at + 3);
            format!("{} none", &line[..colon])
        });
        let outcome = |line: &str| {
            line.contains("Outcome") && (line.contains("blocked") || line.contains("escalated"))
        };
        let (unknown, outcome_line) = change_line(&original, outcome, |line| {
            line.replace("blocked", "done").replace("escalated", "done")
        });
        for (text, rule, line) in [
            (unowned, "report/blocker-owner", owner_line),
            (unknown, "report/outcome", outcome_line),
        ] {
            fs::write(&report, text).unwrap();
            let run = renkei_at(
                dir.path(),
                &[
                    "report",
                    "check",
                    "--archetype",
                    "execution-lead",
                    "--format",
                    "json",
                    report.to_str().unwrap(),
                ],
            )
            .run();
            let found = findings(&run.stdout);
            assert_eq!(run.code, 1, "tree {tree}, {rule}: {found:#?}");
            assert!(
                found.iter().any(|(id, _, at)| id == rule && *at == line),
                "tree {tree}: {rule} expected at line {line}: {found:#?}"
            );
        }
    }
}
