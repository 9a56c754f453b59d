//! `renkei skills check`: skill folders renkei did not write, held to the rules assembly
//! enforces. Each rule has a folder that breaks it (at the place it reports) and the same
//! folder mended.

use std::fs;
use std::path::Path;

use crate::support::renkei_in;

/// Writes `files` (path, content) under `dir`.
fn write_all(dir: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
}

const GOOD: &str = "---\nname: pdf-forms\ndescription: Fills PDF forms from a data file. Use when a form must be filled.\nlicense: MIT\nmetadata:\n  version: \"1.2\"\n---\n# PDF Forms\n\nRun [the filler](scripts/fill.py) and read [the field guide](references/fields.md#naming).\nSee [usage](#usage) and [the reviewer](../form-review/SKILL.md).\n\n## Usage\n\nFill it.\n";

/// A folder of two skills that passes every rule.
fn good(dir: &Path) {
    write_all(
        dir,
        &[
            ("pdf-forms/SKILL.md", GOOD),
            ("pdf-forms/scripts/fill.py", "print('fill')\n"),
            (
                "pdf-forms/references/fields.md",
                "# Fields\n\n## Naming\n\nBack to [the skill](../SKILL.md#usage).\n",
            ),
            (
                "form-review/SKILL.md",
                "---\nname: form-review\ndescription: Reviews filled forms. Use after filling.\n---\n# Review\n",
            ),
        ],
    );
}

/// `(rule, file:line:column)` of every finding, from JSON output.
fn findings(dir: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["skills", "check", "--format", "json"];
    all.extend_from_slice(args);
    all.push(".");
    let run = renkei_in(dir, &all).run();
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|_| {
        panic!("not JSON: {}{}", run.stdout, run.stderr);
    });
    let found = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{}",
                d["rule"].as_str().unwrap(),
                d["path"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    (run.code, found)
}

#[test]
fn a_good_folder_of_skills_passes() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    assert_eq!(findings(dir.path(), &[]), (0, Vec::new()));
}

/// A rule, what to write over the good folder to break it, and where the finding is.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn each_rule_fails_where_its_rule_is_broken() {
    let cases: &[Case] = &[
        (
            "skill/front-matter",
            &[("pdf-forms/SKILL.md", "# PDF Forms\n\nNo front matter.\n")],
            "pdf-forms/SKILL.md:1:1",
        ),
        (
            "skill/front-matter",
            &[(
                "pdf-forms/SKILL.md",
                "---\nname: pdf-forms\ndescription: [unclosed\n---\n# X\n",
            )],
            "pdf-forms/SKILL.md:3:14",
        ),
        (
            "skill/name",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD.replace("name: pdf-forms", "name: pdf-filler"),
            )],
            "pdf-forms/SKILL.md:2:1",
        ),
        (
            "skill/name",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD.replace("name: pdf-forms", "name: PDF_Forms"),
            )],
            "pdf-forms/SKILL.md:2:1",
        ),
        (
            "skill/description",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD.replace("Fills PDF forms", "Fills <PDF> forms"),
            )],
            "pdf-forms/SKILL.md:3:1",
        ),
        (
            "skill/field",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD.replace("version: \"1.2\"", "version: 1.2"),
            )],
            "pdf-forms/SKILL.md:5:1",
        ),
        (
            "skill/unknown-key",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD.replace("license: MIT", "licence: MIT"),
            )],
            "pdf-forms/SKILL.md:4:1",
        ),
        (
            "skill/broken-link",
            &[(
                "pdf-forms/references/fields.md",
                "# Fields\n\n## Naming\n\nSee [naming](#nameing) and [gone](gone.md).\n",
            )],
            "pdf-forms/references/fields.md:5:14",
        ),
        (
            "assemble/listing-too-long",
            &[(
                "pdf-forms/SKILL.md",
                &GOOD
                    .replace(
                        "license: MIT",
                        &format!("when_to_use: {}", "w".repeat(1000)),
                    )
                    .replace("Fills PDF", &format!("{} Fills PDF", "d".repeat(900))),
            )],
            "pdf-forms/SKILL.md:3:1",
        ),
        (
            "assemble/skill-too-long",
            &[(
                "pdf-forms/SKILL.md",
                &format!("{GOOD}{}", "More.\n".repeat(500)),
            )],
            "pdf-forms/SKILL.md:1:1",
        ),
    ];
    for (rule, files, place) in cases {
        let dir = tempfile::tempdir().unwrap();
        good(dir.path());
        write_all(dir.path(), files);
        // The listing cap is Claude Code's, and only it reads `when_to_use`.
        let args: &[&str] = if *rule == "assemble/listing-too-long" {
            &["--client", "claude"]
        } else {
            &[]
        };
        let (code, found) = findings(dir.path(), args);
        let expected = format!("{rule} ./{place}");
        assert!(
            found.first() == Some(&expected),
            "{rule}: expected {expected} first, found {found:#?}"
        );
        let warning = rule.starts_with("assemble/");
        assert_eq!(code, if warning { 0 } else { 1 }, "{rule}: {found:#?}");
    }
}

#[test]
fn a_clients_own_keys_pass_only_for_that_client() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    write_all(
        dir.path(),
        &[(
            "pdf-forms/SKILL.md",
            &GOOD.replace(
                "license: MIT",
                "license: MIT\nmodel: haiku\nallowed-tools: [Read, Bash]\nuser-invocable: maybe",
            ),
        )],
    );
    let (code, found) = findings(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            "skill/unknown-key ./pdf-forms/SKILL.md:5:1",
            "skill/field ./pdf-forms/SKILL.md:6:1",
            "skill/unknown-key ./pdf-forms/SKILL.md:7:1",
        ]
    );
    let (code, found) = findings(dir.path(), &["--client", "claude"]);
    assert_eq!(code, 1);
    assert_eq!(found, ["skill/field ./pdf-forms/SKILL.md:7:1"]);
}

#[test]
fn a_folder_that_holds_no_skill_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let run = renkei_in(dir.path(), &["skills", "check", "empty", "missing"]).run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("empty: holds no SKILL.md, nor does any folder in it"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_markdown_file_is_read_and_fragments_are_matched_decoded() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    write_all(
        dir.path(),
        &[
            // Upper-case extension: Markdown all the same.
            (
                "pdf-forms/references/NOTES.MD",
                "# Notes\n\n[gone](nowhere.md)\n",
            ),
            // An encoded fragment names the heading it decodes to: no finding.
            (
                "pdf-forms/references/cafe.md",
                "# Café\n\n[self](cafe.md#caf%C3%A9) [out](../../elsewhere/x.md)\n",
            ),
        ],
    );
    let (code, found) = findings(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            "skill/broken-link ./pdf-forms/references/NOTES.MD:3:8",
            "skill/broken-link ./pdf-forms/references/cafe.md:3:33",
        ]
    );
}

#[test]
fn when_to_use_that_yaml_reads_as_a_flag_is_a_field_of_the_wrong_shape_for_claude() {
    let dir = tempfile::tempdir().unwrap();
    good(dir.path());
    write_all(
        dir.path(),
        &[(
            "pdf-forms/SKILL.md",
            &GOOD.replace("license: MIT", "when_to_use: y"),
        )],
    );
    let (_, found) = findings(dir.path(), &["--client", "claude"]);
    assert_eq!(found, ["skill/field ./pdf-forms/SKILL.md:4:1"]);
    let (_, found) = findings(dir.path(), &[]);
    assert_eq!(found, ["skill/unknown-key ./pdf-forms/SKILL.md:4:1"]);
}
