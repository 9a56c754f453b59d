//! `renkei check` (the CI doctrine check) and `renkei report check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{Run, Scratch, findings, renkei_at, renkei_in, repo_root};

#[test]
fn the_pre_redemption_tree_fails_every_verification_criterion_on_the_right_line() {
    let root = repo_root().join("tests/fixtures/pre-redemption");
    let Run {
        code,
        stdout,
        stderr,
    } = renkei_at(&root, &["check", "--format", "json"]).run();
    assert_eq!(code, 1, "{stderr}");
    let found = findings(&stdout);
    let expect = |rule: &str, file: &str, line: u64| {
        assert!(
            found.contains(&(rule.to_string(), file.to_string(), line)),
            "missing {rule} at {file}:{line}; found:\n{found:#?}"
        );
    };
    // 1. "intake" appears zero times in operational files (002 §3 line references).
    expect("vocabulary/intake", "ethos/tenets.md", 5);
    for line in [6, 14, 16, 18, 26, 40, 97] {
        expect("vocabulary/intake", "doctrine/process.md", line);
    }
    expect("vocabulary/intake", "doctrine/orchestration.md", 62);
    for line in [29, 33, 43, 47] {
        expect("vocabulary/intake", "doctrine/handoff-contract.md", line);
    }
    expect("vocabulary/intake", "doctrine/output-contract.md", 27);
    expect("vocabulary/intake", "doctrine/output-contract.md", 33);
    for line in [9, 24, 34] {
        expect("vocabulary/intake", "doctrine/team-contract.md", line);
    }
    expect("vocabulary/intake", "doctrine/pipeline.md", 13);
    // 2. "transfer" as a state transition appears zero times.
    expect("vocabulary/transfer", "doctrine/process.md", 55);
    expect("vocabulary/transfer", "doctrine/handoff-contract.md", 3);
    expect("vocabulary/transfer", "doctrine/handoff-contract.md", 41);
    expect("vocabulary/transfer", "references/template.md", 17);
    // The principle says outcome, not status.
    expect("vocabulary/cross-stage-status", "ethos/principles.md", 5);
    // 3. One outcome field with three values, no conditional branches, seven sections.
    expect("contract/outcome-field", "references/template.md", 55);
    expect(
        "contract/no-conditional-branches",
        "references/template.md",
        57,
    );
    expect(
        "contract/no-conditional-branches",
        "references/template.md",
        63,
    );
    expect("contract/forbidden-headings", "references/template.md", 11);
    expect("contract/forbidden-fields", "references/template.md", 17);
    expect("contract/sections", "references/template.md", 11);
    expect("contract/required-fields", "references/template.md", 3);
    // 4. No handoff-received ledger event.
    expect("vocabulary/handoff-received", "doctrine/process.md", 16);
    expect("vocabulary/handoff-received", "references/template.md", 71);
    // 5. running-with-evidence appears nowhere.
    expect(
        "vocabulary/running-with-evidence",
        "references/template.md",
        55,
    );
    // 6. Unnumbered validation preambles, steps from 1, idempotency before delegating.
    expect("contract/numbered-steps", "doctrine/process.md", 3);
    expect("contract/numbered-steps", "doctrine/process.md", 67);
    expect("contract/text-before-first-step", "doctrine/process.md", 3);
    // 7. A positive Return Contract replaces the Intake Return Rule.
    expect("contract/section-text", "doctrine/orchestration.md", 1);
    expect(
        "contract/forbidden-headings",
        "doctrine/orchestration.md",
        23,
    );
    // 8. The two halves of the signature link to each other.
    expect("contract/links-to", "doctrine/handoff-contract.md", 1);
    expect("contract/links-to", "doctrine/output-contract.md", 1);
    // Every relative link resolves.
    expect("contract/links-resolve", "doctrine/pipeline.md", 7);
}

#[test]
fn the_redeemed_framework_passes_with_nothing_reported() {
    let Run {
        code,
        stdout,
        stderr,
    } = renkei_at(&repo_root(), &["check"]).run();
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.ends_with("files checked: 0 errors, 0 warnings\n"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

const RETURN_TEMPLATE: &str =
    "# Report\n\n## Outcome\n\n- Outcome: `complete` | `blocked`\n- Owner:\n";

#[test]
fn an_archetype_contract_can_replace_or_extend_the_default() {
    let scratch = Scratch::with_demo();
    let archetype = "root/framework/archetypes/demo/hello-world";
    scratch.write(
        &format!("{archetype}/references/template.md"),
        RETURN_TEMPLATE,
    );
    scratch.renkei(&["check"]).expect_code(0);

    scratch.write(
        &format!("{archetype}/contract.yaml"),
        "extends: none\nchecks:\n  - rule: outcome-field\n    file: references/template.md\n    field: Outcome\n    values: [complete, blocked, escalated]\n",
    );
    let run = scratch
        .renkei(&["check", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("template.md,line=5,col=1,")
            && run.stdout.contains("lacks `escalated`"),
        "{}",
        run.stdout
    );

    scratch.write(
        &format!("{archetype}/doctrine/pipeline.md"),
        "# Pipeline\n\n[gone](gone.md)\n",
    );
    let replaced = scratch
        .renkei(&["check", "--format", "github"])
        .expect_code(1);
    assert!(
        !replaced.stdout.contains("links-resolve"),
        "extends: none still ran the default:\n{}",
        replaced.stdout
    );

    scratch.write(
        &format!("{archetype}/contract.yaml"),
        "checks:\n  - rule: required-fields\n    file: references/template.md\n    section: Outcome\n    fields: [Owner, Next action]\n",
    );
    let extended = scratch
        .renkei(&["check", "--format", "github"])
        .expect_code(1);
    assert!(
        extended.stdout.contains("title=contract/links-resolve"),
        "{}",
        extended.stdout
    );
    assert!(
        extended.stdout.contains("has no `Next action:` field"),
        "{}",
        extended.stdout
    );
}

#[test]
fn a_contract_naming_a_missing_file_reports_it_as_missing() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/contract.yaml",
        "checks:\n  - rule: no-conditional-branches\n    file: references/report.md\n",
    );
    let run = scratch
        .renkei(&["check", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("references/report.md,line=1,col=1,")
            && run.stdout.contains("`references/report.md` is missing"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_malformed_contract_names_file_line_and_column_and_exits_2() {
    let scratch = Scratch::with_demo();
    let path = "root/framework/archetypes/demo/hello-world/contract.yaml";
    for (yaml, expected) in [
        (
            "checks:\n  - rule: sections\n    file: a.md\n    sectoins: [A]\n",
            "contract.yaml:4:5: unknown field `sectoins`",
        ),
        (
            "checks:\n  - rule: sections\n    file: a.md\n",
            "contract.yaml:2:11: rule `sections` needs `sections`",
        ),
        (
            "checks:\n  - rule: no-such-rule\n",
            "contract.yaml:2:11: unknown rule `no-such-rule`",
        ),
        (
            "checks:\n  - rule: links-resolve\n    file: a.md\n",
            "contract.yaml:2:11: rule `links-resolve` does not take `file`",
        ),
        ("checks: [unclosed\n", "contract.yaml:1:9: unclosed bracket"),
        // Parser words an author can act on: the near name, what a value may be.
        (
            "checks:\n  - rule: sectons\n",
            "contract.yaml:2:11: unknown rule `sectons`; did you mean `sections`?",
        ),
        (
            "extends: nne\n",
            "contract.yaml:1:10: unknown variant `nne`, expected one of default, none; did you mean `none`?",
        ),
        (
            "checks:\n  - rule: sections\n    file: a.md\n    sections: [{x: 1}]\n",
            "contract.yaml:4:16: expected text, or a mapping with `name` and optional `aliases`",
        ),
        (
            "checks:\n  - rule: section-text\n    file: a.md\n    text: {a: 1}\n",
            "contract.yaml:4:11: expected text, or a list of texts",
        ),
        (
            "checks:\n  - rule: sections\n    file: a.md\n    level: -1\n    sections: [A]\n",
            "contract.yaml:4:12: expected a whole number from 0 to 255",
        ),
    ] {
        scratch.write(path, yaml);
        // A contract that cannot be used is a `config/invalid` finding at its place.
        let run = scratch
            .renkei(&["check", "--format", "github"])
            .expect_code(2);
        let (location, message) = expected.split_once(": ").unwrap();
        let mut place = location.split(':');
        let (file, line, column) = (
            place.next().unwrap(),
            place.next().unwrap(),
            place.next().unwrap(),
        );
        assert!(
            run.stdout
                .contains(&format!("{file},line={line},col={column},"))
                && run.stdout.contains("title=config/invalid::")
                && run.stdout.contains(message),
            "expected {expected:?} in:\n{}",
            run.stdout
        );
    }
}

#[test]
fn an_archetype_that_cannot_be_checked_does_not_stop_the_others() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("demo", "second", crate::support::DEMO_ARCHETYPE_YAML);
    scratch.write(
        "root/framework/archetypes/demo/hello-world/contract.yaml",
        "checks: [unclosed\n",
    );
    scratch.write(
        "root/framework/archetypes/demo/second/ethos/principles.md",
        "# Principles\n\nNo intake here.\n",
    );
    let run = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(2);
    let found: Vec<_> = findings(&run.stdout)
        .into_iter()
        .map(|(rule, path, line)| {
            (
                rule,
                path.rsplit("archetypes/")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                line,
            )
        })
        .collect();
    // The broken contract is a finding inside the document, at its line.
    assert_eq!(
        found,
        [
            (
                "config/invalid".to_string(),
                "demo/hello-world/contract.yaml".to_string(),
                1
            ),
            (
                "vocabulary/intake".to_string(),
                "demo/second/ethos/principles.md".to_string(),
                3
            )
        ]
    );
}

#[test]
fn check_lints_exactly_the_files_lint_lints() {
    let scratch = Scratch::with_demo();
    let yaml = format!(
        "{}parts: [ethos/tenets.md, doctrine/process.md]\n",
        crate::support::DEMO_ARCHETYPE_YAML
    );
    scratch.add_archetype("demo", "listed", &yaml);
    let base = "root/framework/archetypes/demo/listed";
    for (file, text) in [
        ("doctrine/unlisted.md", "An intake step.\n"),
        (
            "doctrine/deep/nested.markdown",
            "The handoff-received event.\n",
        ),
        ("truth/facts.md", "Ownership transfers to the lead.\n"),
        ("notes.md", "An intake outside the operational folders.\n"),
        ("references/data.txt", "intake\n"),
    ] {
        scratch.write(&format!("{base}/{file}"), text);
    }
    scratch.write(
        "root/framework/archetypes/demo/hello-world/archetype.yaml",
        "name: hello-world\ndescription: intake of work, said in the description.\n",
    );
    // An operational folder that is a link inside the root ships, so both lint it.
    scratch.write("root/shared/truth/linked.md", "The intake, linked.\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "../../../../shared/truth",
        scratch.path("root/framework/archetypes/demo/hello-world/truth"),
    )
    .unwrap();
    let vocabulary = |json: &str| -> Vec<(String, String, u64)> {
        findings(json)
            .into_iter()
            .filter(|(rule, _, _)| !rule.starts_with("contract/"))
            .collect()
    };
    let lint = scratch.renkei(&["lint", "--format", "json"]).expect_code(1);
    let check = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(1);
    let linted = vocabulary(&lint.stdout);
    assert_eq!(linted.len(), if cfg!(unix) { 5 } else { 4 }, "{linted:?}");
    assert_eq!(vocabulary(&check.stdout), linted);
    let files = |json: &str| {
        serde_json::from_str::<serde_json::Value>(json).unwrap()["summary"]["files"].clone()
    };
    assert_eq!(files(&check.stdout), files(&lint.stdout));
}

#[test]
fn an_archetype_whose_name_another_stage_took_is_still_linted() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "hello-world", crate::support::DEMO_ARCHETYPE_YAML);
    scratch.write(
        "root/framework/archetypes/other/hello-world/ethos/principles.md",
        "An intake.\n",
    );
    let run = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(2);
    let all = findings(&run.stdout);
    assert!(
        all.iter()
            .any(|(rule, path, _)| rule == "load/failed" && path.contains("other/hello-world")),
        "{all:?}"
    );
    let found: Vec<_> = all
        .into_iter()
        .filter(|(rule, _, _)| rule == "vocabulary/intake")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn a_failing_freshness_check_still_closes_the_json_document() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype(
        "demo",
        "broken",
        "name: broken\ndescriptoin: misspelt key\n",
    );
    let run = scratch
        .renkei(&["check", "--assembled", "--format", "json"])
        .expect_code(2);
    let document: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}: {}", run.stdout));
    assert!(document["summary"]["files"].as_u64().unwrap() > 0);
    // The archetype that does not load is a finding in the document, once; the freshness
    // check does not meet it a second time, and says why it did not run.
    assert_eq!(
        run.stdout.matches("descriptoin").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("descriptoin"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "installed skills not compared with the doctrine: an archetype above did not load"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn assembled_freshness_is_checked_when_asked() {
    let scratch = Scratch::with_demo();
    scratch.renkei(&["check"]).expect_code(0);
    let stale = scratch
        .renkei(&["check", "--assembled", "--format", "github"])
        .expect_code(1);
    assert!(
        stale
            .stdout
            .contains(".claude/skills/hello-world/SKILL.md,line=1")
            && stale.stdout.contains("title=assemble/stale"),
        "{}",
        stale.stdout
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    scratch.renkei(&["check", "--assembled"]).expect_code(0);
    scratch.write(
        "root/renkei.yaml",
        "check:\n  assembled: true\n  targets: [agents]\n",
    );
    scratch.renkei(&["check"]).expect_code(1);
}

fn report_check(report: &str) -> (i32, String) {
    let path = repo_root().join("tests/fixtures/reports").join(report);
    let Run {
        code,
        stdout,
        stderr,
    } = renkei_at(
        &repo_root(),
        &[
            "report",
            "check",
            path.to_str().unwrap(),
            "--format",
            "github",
        ],
    )
    .run();
    assert!(stderr.is_empty(), "{stderr}");
    let lines = stdout
        .lines()
        .map(|line| line.split_once("reports/").map_or(line, |(_, rest)| rest))
        .collect::<Vec<_>>();
    (code, lines.join("\n"))
}

#[test]
fn complete_and_blocked_with_owner_reports_pass() {
    assert_eq!(report_check("complete.md"), (0, String::new()));
    assert_eq!(report_check("blocked-with-owner.md"), (0, String::new()));
}

#[test]
fn defective_reports_fail_on_the_line_to_fix() {
    insta::assert_snapshot!(report_check("blocked-without-owner.md").1, @"blocked-without-owner.md,line=70,col=1,endLine=70,endColumn=22,title=report/blocker-owner::`Blocker owner:` must name who owns the blocker when the outcome is `blocked`");
    insta::assert_snapshot!(report_check("alternatives-left.md").1, @"alternatives-left.md,line=69,col=1,endLine=69,endColumn=48,title=report/outcome::`Outcome:` still lists the template's alternatives");
    insta::assert_snapshot!(report_check("missing-section.md").1, @"missing-section.md,line=53,col=1,endLine=53,endColumn=9,title=report/sections::missing section `## Issues`");
    insta::assert_snapshot!(report_check("empty-field.md").1, @"empty-field.md,line=56,col=1,endLine=56,endColumn=24,title=report/empty-field::`Unresolved decisions:` is empty");
    insta::assert_snapshot!(report_check("unknown-outcome.md").1, @"unknown-outcome.md,line=69,col=1,endLine=69,endColumn=18,title=report/outcome::unknown outcome `done`");
    for report in [
        "blocked-without-owner.md",
        "alternatives-left.md",
        "missing-section.md",
        "empty-field.md",
        "unknown-outcome.md",
    ] {
        assert_eq!(report_check(report).0, 1, "{report}");
    }
}

#[test]
fn report_check_needs_a_known_archetype() {
    let path = repo_root().join("tests/fixtures/reports/complete.md");
    let Run { code, stderr, .. } = renkei_at(
        &repo_root(),
        &[
            "report",
            "check",
            path.to_str().unwrap(),
            "--archetype",
            "shaper",
        ],
    )
    .run();
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "--archetype shaper: no such archetype, or its contract has no `outcome-field` check"
        ),
        "{stderr}"
    );
}

#[test]
fn a_second_archetype_of_one_name_points_at_the_first_in_every_format() {
    let scratch = Scratch::new();
    scratch.add_archetype("alpha", "twin", crate::support::DEMO_ARCHETYPE_YAML);
    scratch.add_archetype("beta", "twin", crate::support::DEMO_ARCHETYPE_YAML);

    let human = scratch.renkei(&["check"]).expect_code(2).stdout;
    assert!(
        human.contains("error[load/failed]")
            && human.contains(
                "= note: framework/archetypes/alpha/twin/archetype.yaml:1:1: the first archetype of that name"
            ),
        "{human}"
    );

    let json = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(2)
        .stdout;
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let failed: Vec<&serde_json::Value> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "load/failed")
        .collect();
    assert_eq!(failed.len(), 1, "{json}");
    assert_eq!(
        failed[0]["path"],
        "framework/archetypes/beta/twin/archetype.yaml"
    );
    assert_eq!(
        failed[0]["related"],
        serde_json::json!([{
            "path": "framework/archetypes/alpha/twin/archetype.yaml",
            "line": 1, "column": 1, "end_line": 1, "end_column": 1,
            "message": "the first archetype of that name",
        }])
    );

    let sarif = scratch
        .renkei(&["check", "--format", "sarif"])
        .expect_code(2)
        .stdout;
    let document = crate::tools::valid_sarif(&sarif);
    let result = document["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["ruleId"] == "load/failed")
        .unwrap()
        .clone();
    let related = &result["relatedLocations"][0];
    assert_eq!(
        related["message"]["text"],
        "the first archetype of that name"
    );
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "framework/archetypes/alpha/twin/archetype.yaml"
    );
}

#[test]
fn report_check_in_json_puts_an_archetype_that_does_not_load_inside_the_document() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype(
        "execution",
        "broken",
        "name: broken\ndescription: Does not load.\ncolour: blue\n",
    );
    scratch.write("report.md", "# Report\n");
    let report = scratch.path("report.md");
    let report = report.to_str().unwrap();
    let json = scratch
        .renkei(&["report", "check", report, "--format", "json"])
        .expect_code(2)
        .stdout;
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = document["diagnostics"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "load/failed");
    assert_eq!(
        findings[0]["path"],
        "framework/archetypes/execution/broken/archetype.yaml"
    );
    assert_eq!(findings[0]["line"], 3, "{json}");
    // The human format says it on stderr, as before.
    let human = scratch.renkei(&["report", "check", report]).expect_code(2);
    assert!(
        human
            .stderr
            .contains("broken/archetype.yaml:3:1: unknown field `colour`"),
        "{}",
        human.stderr
    );
}

/// The `fullDescription` of each rule descriptor in SARIF output, by rule id.
fn sarif_full_descriptions(sarif: &str) -> BTreeMap<String, String> {
    let document: serde_json::Value = serde_json::from_str(sarif).unwrap();
    document["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|rule| {
            Some((
                rule["id"].as_str()?.to_string(),
                rule["fullDescription"]["text"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// Asserts that the descriptor of each of `metas` carries its `why`.
fn assert_whys_described<'a>(
    sarif: &str,
    metas: impl IntoIterator<Item = &'a renkei_model::RuleMeta>,
) {
    let described = sarif_full_descriptions(sarif);
    for meta in metas {
        let why = meta.why.as_deref();
        assert!(
            why.is_some() && described.get(meta.id.as_ref()).map(String::as_str) == why,
            "{} is described as {:?}, not {why:?}",
            meta.id,
            described.get(meta.id.as_ref())
        );
    }
}

#[test]
fn sarif_rule_descriptors_say_why_each_contract_and_report_rule_exists() {
    let check = renkei_at(&repo_root(), &["check", "--format", "sarif"]).run();
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert_whys_described(&check.stdout, renkei_contract::rules::metas());

    let report = repo_root().join("tests/fixtures/reports/complete.md");
    let report = renkei_at(
        &repo_root(),
        &[
            "report",
            "check",
            report.to_str().unwrap(),
            "--format",
            "sarif",
        ],
    )
    .run();
    assert_eq!(report.code, 0, "{}{}", report.stdout, report.stderr);
    assert_whys_described(&report.stdout, renkei_contract::report::REPORT_RULES);
}

#[test]
fn check_reports_links_that_would_break_once_installed_once_each() {
    let scratch = Scratch::new();
    scratch.add_archetype("demo", "alpha", crate::support::DEMO_ARCHETYPE_YAML);
    scratch.add_archetype("review", "beta", crate::support::DEMO_ARCHETYPE_YAML);
    let alpha = "root/framework/archetypes/demo/alpha";
    scratch.write("root/README.md", "# The tree\n");
    scratch.write(&format!("{alpha}/drafts/idea.md"), "# Idea\n");
    scratch.write(
        &format!("{alpha}/archetype.yaml"),
        &format!(
            "{}exclude: [drafts/]\n",
            crate::support::DEMO_ARCHETYPE_YAML.replace("hello-world", "alpha")
        ),
    );
    scratch.write(
        &format!("{alpha}/doctrine/process.md"),
        "# Process\n\n\
         [Draft](../drafts/idea.md).\n\
         [Tree](../../../../../README.md).\n\
         [Beta's configuration](../../../review/beta/archetype.yaml).\n\
         [Beta's report](../../../review/beta/references/template.md).\n\
         [Gone](../gone.md).\n\
         [Nobody](../../nobody/x.md).\n",
    );
    let run = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(1);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let stray = "assemble/stray-link".to_string();
    assert_eq!(
        found,
        [
            (stray.clone(), 3, 9),
            (stray.clone(), 4, 8),
            (stray, 5, 24),
            ("contract/links-resolve".to_string(), 7, 8),
            ("contract/links-resolve".to_string(), 8, 10),
        ],
        "{}",
        run.stdout
    );

    // The same tree, fixed: nothing is reported.
    scratch.write(
        &format!("{alpha}/doctrine/process.md"),
        "# Process\n\n[Beta's report](../../../review/beta/references/template.md).\n",
    );
    scratch.renkei(&["check"]).expect_code(0);
}

#[test]
fn a_template_that_does_not_render_fails_check_once_at_its_line() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("demo", "second", crate::support::DEMO_ARCHETYPE_YAML);
    let template = std::fs::read_to_string(repo_root().join("templates/skill.md.tera")).unwrap();
    let lines = template.lines().count() + 1;
    scratch.write(
        "root/templates/skill.md.tera",
        &format!("{template}{{{{ nosuch.value }}}}\n"),
    );
    let run = scratch
        .renkei(&["check", "--format", "json"])
        .expect_code(1);
    let found: Vec<_> = findings(&run.stdout).into_iter().collect();
    assert_eq!(
        found,
        [(
            "assemble/render".to_string(),
            "templates/skill.md.tera".to_string(),
            u64::try_from(lines).unwrap()
        )],
        "one finding for both archetypes: {}",
        run.stdout
    );
    // A template that does not even parse is the same finding, before any archetype.
    scratch.write("root/templates/skill.md.tera", "{{ unclosed\n");
    let run = scratch.renkei(&["check"]).expect_code(1);
    assert!(
        run.stdout
            .contains("error[assemble/render]: template error")
            && run.stdout.contains("templates/skill.md.tera:1:"),
        "{}",
        run.stdout
    );
    // `assemble` refuses the same template.
    scratch.renkei(&["assemble", "--dry-run"]).expect_code(2);
}

#[test]
fn a_folder_without_archetype_yaml_fails_check_and_assemble_by_name() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/notes/doctrine/process.md",
        "# Process\n",
    );
    let run = scratch.renkei(&["check"]).expect_code(2);
    assert!(
        run.stdout
            .contains("error[load/failed]: missing; every folder in a stage folder")
            && run
                .stdout
                .contains("framework/archetypes/demo/notes/archetype.yaml:1:1"),
        "{}",
        run.stdout
    );
    let run = scratch.renkei(&["assemble", "--dry-run"]).expect_code(2);
    assert!(
        run.stderr.contains("notes/archetype.yaml: missing;") && !run.stderr.contains("os error"),
        "{}",
        run.stderr
    );
}

/// `report check` on a report of `tests/fixtures/reports/stages/`, as `rule:line` lines.
fn stage_report_check(root: &Path, report: &Path, archetype: Option<&str>) -> (i32, String) {
    let mut args = vec![
        "report",
        "check",
        report.to_str().unwrap(),
        "--format",
        "github",
    ];
    if let Some(name) = archetype {
        args.extend(["--archetype", name]);
    }
    let Run { code, stdout, .. } = renkei_at(root, &args).run();
    let lines: Vec<String> = stdout
        .lines()
        .filter_map(|line| {
            let line_number = line.split("line=").nth(1)?.split(',').next()?;
            let rule = line.split("title=").nth(1)?.split("::").next()?;
            Some(format!("{rule}:{line_number}"))
        })
        .collect();
    (code, lines.join("\n"))
}

#[test]
fn report_check_works_for_every_archetype_of_the_framework() {
    let stages = repo_root().join("tests/fixtures/reports/stages");
    for archetype in [
        "test-implementer",
        "implement-plan",
        "validate-plan",
        "tech-lead",
    ] {
        for outcome in ["complete", "escalated"] {
            let report = stages.join(format!("{archetype}-{outcome}.md"));
            assert_eq!(
                stage_report_check(&repo_root(), &report, Some(archetype)),
                (0, String::new()),
                "{archetype}-{outcome}"
            );
            // Without --archetype, the report's title names its template.
            assert_eq!(
                stage_report_check(&repo_root(), &report, None),
                (0, String::new()),
                "{archetype}-{outcome}, inferred"
            );
        }
    }
}

#[test]
fn a_member_report_is_held_to_its_own_template_sections_and_blocker_owner() {
    let scratch = Scratch::new();
    let source = repo_root().join("tests/fixtures/reports/stages/test-implementer-escalated.md");
    let text = std::fs::read_to_string(&source).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|line| line.starts_with(needle))
            .unwrap()
            + 1
    };

    let unowned: String = text
        .lines()
        .map(|line| {
            if line.starts_with("- Blocker owner:") {
                "- Blocker owner: none".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    scratch.write("unowned.md", &unowned);
    let owner_line = line_of("- Blocker owner:");
    assert_eq!(
        stage_report_check(
            &repo_root(),
            &scratch.path("unowned.md"),
            Some("test-implementer")
        ),
        (1, format!("report/blocker-owner:{owner_line}"))
    );

    let start = text.find("## Commits").unwrap();
    let end = start + text[start..].find("\n## ").unwrap() + 1;
    let without = format!("{}{}", &text[..start], &text[end..]);
    scratch.write("no-commits.md", &without);
    // The missing section is reported where it belongs: at the section that now follows.
    let next = without[..start].lines().count() + 1;
    let (code, found) = stage_report_check(
        &repo_root(),
        &scratch.path("no-commits.md"),
        Some("test-implementer"),
    );
    assert_eq!((code, found), (1, format!("report/sections:{next}")));
}

#[test]
fn every_copy_of_a_repeated_block_is_filled_in() {
    let scratch = Scratch::new();
    let source = repo_root().join("tests/fixtures/reports/stages/implement-plan-complete.md");
    let text = std::fs::read_to_string(&source).unwrap();
    // The second `### Phase` block's commit left blank.
    let second = text.match_indices("- Commit: ").nth(1).unwrap().0;
    let end = second + text[second..].find('\n').unwrap();
    let blanked = format!("{}- Commit:{}", &text[..second], &text[end..]);
    scratch.write("blank.md", &blanked);
    let line = blanked[..second].lines().count() + 1;
    assert_eq!(
        stage_report_check(
            &repo_root(),
            &scratch.path("blank.md"),
            Some("implement-plan")
        ),
        (1, format!("report/empty-field:{line}"))
    );
}

/// `report check` of `reports` against `--template` (or `--skill`), run from a folder with
/// no doctrine tree: exit code, and findings as `file rule:line` lines.
fn template_report_check(reports: &[&Path], how: &str, template: &Path) -> (i32, String, String) {
    let outside = tempfile::tempdir().unwrap();
    let mut args = vec!["report", "check"];
    args.extend(reports.iter().map(|report| report.to_str().unwrap()));
    args.extend([how, template.to_str().unwrap(), "--format", "github"]);
    let Run {
        code,
        stdout,
        stderr,
    } = renkei_in(outside.path(), &args).run();
    let lines: Vec<String> = stdout
        .lines()
        .filter_map(|line| {
            let file = line.split("file=").nth(1)?.split(',').next()?;
            let file = Path::new(file).file_name()?.to_string_lossy().into_owned();
            let line_number = line.split("line=").nth(1)?.split(',').next()?;
            let rule = line.split("title=").nth(1)?.split("::").next()?;
            Some(format!("{file} {rule}:{line_number}"))
        })
        .collect();
    (code, lines.join("\n"), stderr)
}

#[test]
fn a_template_alone_holds_reports_as_the_archetype_contract_does() {
    let archetypes = repo_root().join("framework/archetypes");
    let fixtures = repo_root().join("tests/fixtures/reports");
    let mut cases: Vec<(PathBuf, &str)> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| (path, "execution-lead"))
        .collect();
    for archetype in [
        "test-implementer",
        "implement-plan",
        "validate-plan",
        "tech-lead",
    ] {
        for outcome in ["complete", "escalated"] {
            cases.push((
                fixtures.join(format!("stages/{archetype}-{outcome}.md")),
                archetype,
            ));
        }
    }
    assert!(cases.len() > 10, "{cases:?}");
    for (report, archetype) in &cases {
        let name = *archetype;
        let dir = std::fs::read_dir(&archetypes)
            .unwrap()
            .map(|stage| stage.unwrap().path().join(name))
            .find(|dir| dir.is_dir())
            .unwrap();
        let (code, by_contract) = stage_report_check(&repo_root(), report, Some(name));
        let (template_code, by_template, stderr) =
            template_report_check(&[report], "--template", &dir.join("references/template.md"));
        let by_template: Vec<&str> = by_template
            .lines()
            .map(|line| line.split_once(' ').map_or(line, |(_, finding)| finding))
            .collect();
        assert_eq!(
            (template_code, by_template.join("\n")),
            (code, by_contract),
            "{} against {name}'s template\n{stderr}",
            report.display()
        );
    }
}

#[test]
fn several_reports_get_one_exit_code_and_a_template_without_an_outcome_is_an_error() {
    let fixtures = repo_root().join("tests/fixtures/reports");
    let skill = repo_root().join("framework/archetypes/execution/execution-lead");
    let good = fixtures.join("complete.md");
    let bad = fixtures.join("blocked-without-owner.md");
    let (code, findings, _) = template_report_check(&[&bad, &good], "--skill", &skill);
    assert_eq!(code, 1, "{findings}");
    assert_eq!(findings, "blocked-without-owner.md report/blocker-owner:70");
    let (code, findings, _) = template_report_check(&[&good, &good], "--skill", &skill);
    assert_eq!((code, findings.as_str()), (0, ""));

    // A report that cannot be read fails the run, and the others are still checked.
    let missing = fixtures.join("no-such-report.md");
    let (code, findings, stderr) = template_report_check(&[&missing, &bad], "--skill", &skill);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(findings, "blocked-without-owner.md report/blocker-owner:70");
    assert!(stderr.contains("no-such-report.md"), "{stderr}");

    // A folder that is no installed skill is said to be one, not as a missing template path.
    let (code, _, stderr) = template_report_check(&[&good], "--skill", &fixtures);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("not an installed skill folder: it has no references/template.md"),
        "{stderr}"
    );

    // `complete` is the success value wherever the template lists it.
    let scratch = Scratch::new();
    scratch.write(
        "own.md",
        "# Report\n\n## Outcome\n\n- Outcome: `blocked` | `complete`\n- Blocker owner:\n",
    );
    scratch.write(
        "blocked.md",
        "# Report\n\n## Outcome\n\n- Outcome: `blocked`\n- Blocker owner:\n",
    );
    scratch.write(
        "done.md",
        "# Report\n\n## Outcome\n\n- Outcome: `complete`\n- Blocker owner: none\n",
    );
    let own = scratch.path("own.md");
    let (code, findings, _) =
        template_report_check(&[&scratch.path("blocked.md")], "--template", &own);
    assert_eq!(
        (code, findings.as_str()),
        (1, "blocked.md report/blocker-owner:6")
    );
    let (code, findings, _) =
        template_report_check(&[&scratch.path("done.md")], "--template", &own);
    assert_eq!((code, findings.as_str()), (0, ""));

    scratch.write("t.md", "# Report\n\n## Outcome\n\nWhat happened.\n");
    let (code, _, stderr) = template_report_check(&[&good], "--template", &scratch.path("t.md"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("t.md") && stderr.contains("no outcome field"),
        "{stderr}"
    );
}

#[test]
fn output_file_holds_the_whole_document_and_stdout_stays_empty() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\n\nThe intake desk.\n",
    );
    // A folder that is not there yet is made, as for `target/` on a fresh checkout.
    let report = scratch.path("out/check.sarif");
    let run = scratch
        .renkei(&[
            "check",
            "--format",
            "sarif",
            "--output-file",
            report.to_str().unwrap(),
        ])
        .expect_code(1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"], "vocabulary/intake",
        "{sarif}"
    );
    // Where the file cannot be written (under a file), the run fails and nothing changes.
    scratch.write("root/notes", "kept\n");
    let before = crate::support::snapshot_tree(&scratch.path(""));
    let blocked = scratch.renkei(&["lint", "--output-file", "notes/x.json"]);
    assert_eq!(blocked.code, 2);
    assert!(
        blocked.stderr.contains("--output-file notes/x.json"),
        "{}",
        blocked.stderr
    );
    assert_eq!(crate::support::snapshot_tree(&scratch.path("")), before);
}
