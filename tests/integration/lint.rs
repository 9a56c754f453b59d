//! `renkei lint` through the command line: file selection, output formats, fixes, exit
//! codes and hostile input.

use std::fs;

use crate::support::{Run, Scratch, renkei_at, renkei_in, repo_root};
use crate::tools::valid_sarif;

const TENETS: &str = "root/framework/archetypes/demo/hello-world/ethos/tenets.md";

fn scratch_with_findings() -> Scratch {
    let scratch = Scratch::with_demo();
    scratch.write(TENETS, "# Tenets\n\n- Execution starts when intake fields are complete.\n- Ownership transfers on return; knowledge transfer is fine.\n");
    scratch
}

#[test]
fn the_repository_framework_lints_clean() {
    let Run { code, stdout, .. } = renkei_at(&repo_root(), &["lint"]).run();
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("files checked: 0 errors, 0 warnings"),
        "{stdout}"
    );
}

#[test]
fn default_files_are_the_markdown_of_operational_folders() {
    let scratch = Scratch::with_demo();
    let archetype = "root/framework/archetypes/demo/hello-world";
    for (relative, content) in [
        ("ethos/tenets.md", "intake\n"),
        ("truth/facts.md", "intake\n"),
        ("notes.md", "intake\n"),
        ("references/data.txt", "intake\n"),
        ("doctrine/nested/deep.md", "intake\n"),
    ] {
        scratch.write(&format!("{archetype}/{relative}"), content);
    }
    scratch.write("root/README.md", "intake\n");
    let run = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    let files: Vec<&str> = run
        .stdout
        .lines()
        .map(|line| line.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(
        files,
        [
            "::error file=framework/archetypes/demo/hello-world/doctrine/nested/deep.md",
            "::error file=framework/archetypes/demo/hello-world/ethos/tenets.md",
            "::error file=framework/archetypes/demo/hello-world/truth/facts.md",
        ]
    );
}

#[test]
fn human_output_points_at_the_word_with_help_and_fix() {
    let scratch = scratch_with_findings();
    let run = scratch.renkei(&["lint"]).expect_code(1);
    insta::assert_snapshot!(run.stdout, @r"
    error[vocabulary/intake]: `intake` names an acknowledgment phase the function model does not have
     --> framework/archetypes/demo/hello-world/ethos/tenets.md:3:25
      |
    3 | - Execution starts when intake fields are complete.
      |                         ^^^^^^
      = help: write input vocabulary: required input fields, input validation
      = fix: replace with `input` (--fix applies it)

    error[vocabulary/transfer]: `transfers` frames an invocation as an ownership hand-over
     --> framework/archetypes/demo/hello-world/ethos/tenets.md:4:13
      |
    4 | - Ownership transfers on return; knowledge transfer is fine.
      |             ^^^^^^^^^
      = help: say invocation: the caller invokes, the callee owns its work until it returns (knowledge, data and file transfer are fine)

    5 files checked: 2 errors, 0 warnings (1 fixable with --fix)
    ");
}

#[test]
fn json_output_has_positions_replacements_and_a_summary() {
    let scratch = scratch_with_findings();
    let run = scratch.renkei(&["lint", "--format", "json"]).expect_code(1);
    insta::assert_snapshot!(run.stdout, @r#"
    {
      "diagnostics": [
        {
          "rule": "vocabulary/intake",
          "severity": "error",
          "path": "framework/archetypes/demo/hello-world/ethos/tenets.md",
          "line": 3,
          "column": 25,
          "end_line": 3,
          "end_column": 31,
          "message": "`intake` names an acknowledgment phase the function model does not have",
          "help": "write input vocabulary: required input fields, input validation",
          "replacements": [
            "input"
          ]
        },
        {
          "rule": "vocabulary/transfer",
          "severity": "error",
          "path": "framework/archetypes/demo/hello-world/ethos/tenets.md",
          "line": 4,
          "column": 13,
          "end_line": 4,
          "end_column": 22,
          "message": "`transfers` frames an invocation as an ownership hand-over",
          "help": "say invocation: the caller invokes, the callee owns its work until it returns (knowledge, data and file transfer are fine)",
          "replacements": []
        }
      ],
      "summary": {
        "errors": 2,
        "files": 5,
        "fixed": 0,
        "warnings": 0
      }
    }
    "#);
}

#[test]
fn github_output_is_workflow_commands() {
    let scratch = scratch_with_findings();
    let run = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    insta::assert_snapshot!(run.stdout, @r"
    ::error file=framework/archetypes/demo/hello-world/ethos/tenets.md,line=3,col=25,endLine=3,endColumn=31,title=vocabulary/intake::`intake` names an acknowledgment phase the function model does not have
    ::error file=framework/archetypes/demo/hello-world/ethos/tenets.md,line=4,col=13,endLine=4,endColumn=22,title=vocabulary/transfer::`transfers` frames an invocation as an ownership hand-over
    ");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let scratch = scratch_with_findings();
    let run = scratch
        .renkei(&["lint", "--format", "sarif"])
        .expect_code(1);
    let document = valid_sarif(&run.stdout);
    let results = document["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{results:#?}");
    assert_eq!(
        results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "input"
    );
}

#[test]
fn diff_is_refused_inside_json_and_sarif_output() {
    let scratch = Scratch::with_demo();
    scratch.write(TENETS, "# Intake\n");
    for format in ["json", "sarif"] {
        let run = scratch
            .renkei(&["lint", "--diff", "--format", format])
            .expect_code(2);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.contains("--diff prints a unified diff"),
            "{}",
            run.stderr
        );
    }
    let github = scratch
        .renkei(&["lint", "--diff", "--format", "github"])
        .expect_code(1);
    assert!(github.stdout.contains("+# Input"), "{}", github.stdout);
}

#[test]
fn fix_rewrites_only_the_matches_keeps_line_endings_and_is_idempotent() {
    let scratch = Scratch::with_demo();
    let original = "# Intake\r\n\r\nVerify INTAKE_FIELDS and intakes.\r\nOwnership transfers.\r\n\tTabbed   spacing stays.  \r\nno newline at end: intake";
    scratch.write(TENETS, original);
    let path = scratch.path(TENETS);

    let preview = scratch.renkei(&["lint", "--diff"]).expect_code(1);
    assert!(preview.stdout.contains("+# Input"), "{}", preview.stdout);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        original,
        "--diff wrote the file"
    );

    let fixed = scratch.renkei(&["lint", "--fix"]).expect_code(1);
    assert!(
        fixed.stdout.contains("1 error, 0 warnings, 4 fixed"),
        "{}",
        fixed.stdout
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# Input\r\n\r\nVerify INPUT_FIELDS and inputs.\r\nOwnership transfers.\r\n\tTabbed   spacing stays.  \r\nno newline at end: input"
    );
    let before_second = fs::read(&path).unwrap();
    let second = scratch.renkei(&["lint", "--fix"]).expect_code(1);
    assert!(
        second.stdout.contains("1 error, 0 warnings\n"),
        "{}",
        second.stdout
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        before_second,
        "a second --fix changed the file"
    );
}

#[test]
fn exit_codes_are_zero_for_clean_or_warnings_only() {
    let scratch = Scratch::with_demo();
    scratch.renkei(&["lint"]).expect_code(0);
    scratch.write(TENETS, "<!-- renkei-disable-next-line -->\nclean\n");
    let run = scratch.renkei(&["lint"]).expect_code(0);
    assert!(
        run.stdout.contains("warning[lint/unused-suppression]"),
        "{}",
        run.stdout
    );
}

#[test]
fn paths_are_linted_as_given_with_all_markdown_and_folders_are_expanded() {
    let scratch = scratch_with_findings();
    scratch.write("loose/a.md", "intake\n");
    scratch.write("loose/sub/b.markdown", "intake\n");
    scratch.write("loose/c.txt", "intake\n");
    let run = scratch
        .renkei(&[
            "lint",
            "--format",
            "github",
            "--all-markdown",
            "../loose",
            TENETS.trim_start_matches("root/"),
        ])
        .expect_code(1);
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    assert!(run.stdout.contains("file=") && !run.stdout.contains("c.txt"));
}

#[test]
fn paths_given_keep_only_the_operational_files_of_archetypes_unless_widened() {
    let scratch = scratch_with_findings();
    scratch.write(
        "root/CHANGELOG.md",
        "Support bank transfer of ownership intake.\n",
    );
    scratch.write("root/notes/research.md", "The intake form.\n");
    scratch.write(
        "root/framework/archetypes/demo/hello-world/README.md",
        "intake\n",
    );
    let given = [
        "lint",
        "--format",
        "github",
        "CHANGELOG.md",
        "notes",
        "framework/archetypes/demo/hello-world/README.md",
        TENETS.trim_start_matches("root/"),
    ];
    let run = scratch.renkei(&given).expect_code(1);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(run.stdout.contains("ethos/tenets.md"), "{}", run.stdout);
    assert!(!run.stdout.contains("CHANGELOG") && !run.stdout.contains("notes/"));
    // The same file given from a subfolder, through `..`.
    let from_notes = renkei_in(
        &scratch.root().join("notes"),
        &[
            "lint",
            "--format",
            "github",
            "../framework/archetypes/demo/hello-world/ethos/tenets.md",
        ],
    )
    .run();
    assert_eq!(from_notes.code, 1, "{}", from_notes.stdout);
    assert_eq!(
        from_notes.stdout.lines().count(),
        2,
        "{}",
        from_notes.stdout
    );
    // A human run says what it left out, on stderr; a path that is not there is a usage
    // error in one line, never a finding.
    let told = scratch
        .renkei(&["lint", "CHANGELOG.md", "notes"])
        .expect_code(0);
    assert!(
        told.stderr
            .contains("note: 2 files given are not in an archetype's"),
        "{}",
        told.stderr
    );
    let missing = scratch
        .renkei(&["lint", "no-such.md", "--format", "json"])
        .expect_code(2);
    assert!(missing.stdout.is_empty(), "{}", missing.stdout);
    assert_eq!(
        missing.stderr,
        "error: no-such.md: no such file or folder\n"
    );

    scratch.write(
        "root/renkei.yaml",
        "lint:\n  include: [notes/]\n  exclude: ['**/ethos/']\n",
    );
    let run = scratch.renkei(&given).expect_code(1);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("notes/research.md"), "{}", run.stdout);

    scratch.write("root/renkei.yaml", "lint:\n  include: ['/../x']\n");
    let run = scratch.renkei(&given).expect_code(2);
    assert!(
        run.stderr.contains("renkei.yaml") && run.stderr.contains("lint.include"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_that_cannot_be_read_is_reported_and_the_others_are_still_linted() {
    let scratch = scratch_with_findings();
    let dir = scratch
        .root()
        .join("framework/archetypes/demo/hello-world/doctrine");
    fs::write(dir.join("latin1.md"), b"ok line\ncaf\xe9 intake\n").unwrap();
    fs::write(dir.join("binary.md"), b"\x89PNG\r\n\x1a\n\x00\x00\x00").unwrap();
    fs::write(dir.join("empty.md"), b"").unwrap();
    let huge = fs::File::create(dir.join("huge.md")).unwrap();
    huge.set_len(100 * 1024 * 1024).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b.md", dir.join("loop-a.md")).unwrap();
        std::os::unix::fs::symlink("loop-a.md", dir.join("loop-b.md")).unwrap();
    }
    let run = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(2);
    let out = &run.stdout;
    assert!(
        out.contains("doctrine/latin1.md,line=2,col=4,")
            && out.contains("file is not valid UTF-8; not linted"),
        "{out}"
    );
    assert!(
        out.contains("doctrine/binary.md,line=1,col=1,") && out.contains("looks binary"),
        "{out}"
    );
    assert!(
        out.contains("doctrine/huge.md,line=1,col=1,")
            && out.contains("larger than the 16777216-byte limit"),
        "{out}"
    );
    #[cfg(unix)]
    assert!(
        out.contains("doctrine/loop-a.md,") && out.contains("cannot read"),
        "{out}"
    );
    assert!(!out.contains("empty.md"), "{out}");
    assert!(
        out.contains("ethos/tenets.md,line=3,col=25"),
        "other files were not linted:\n{out}"
    );
}

#[test]
fn a_long_single_line_is_linted_with_a_bounded_excerpt() {
    let scratch = Scratch::with_demo();
    let line = format!(
        "{}intake{}\n",
        "word ".repeat(200_000),
        " word".repeat(200_000)
    );
    scratch.write(TENETS, &line);
    let run = scratch.renkei(&["lint"]).expect_code(1);
    assert!(
        run.stdout.contains("tenets.md:1:1000001"),
        "{}",
        &run.stdout[..run.stdout.len().min(2000)]
    );
    assert!(
        run.stdout.lines().all(|line| line.chars().count() < 400),
        "excerpt not bounded"
    );
}

#[test]
fn malformed_config_names_file_line_and_column_and_exits_2() {
    let scratch = scratch_with_findings();
    // Each broken renkei.yaml, what its error must say, and what it must not (renkei's own
    // wrapping of a pattern, or a library's advice).
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "lint:\n  rules:\n    - id: house/x\n      wrods: [foo]\n",
            &["renkei.yaml:4:7: unknown field `wrods`"],
            &[],
        ),
        (
            "lint:\n  rules:\n    - id: house/x\n      patterns: ['a(b']\n",
            &[
                "renkei.yaml:4:18: rule `house/x`: pattern does not compile:",
                "a(b",
            ],
            &["(?i)"],
        ),
        (
            "lint:\n  rules:\n    - id: vocabulary/transfer\n      exceptions:\n        - before: 'knowledge|(data'\n",
            &[
                "renkei.yaml:5:19: rule `vocabulary/transfer`: pattern does not compile:",
                "knowledge|(data",
            ],
            &["\\b(?:"],
        ),
        (
            "lint:\n  disable: []\n  disable: []\n",
            &["renkei.yaml:3:3: `disable` is given twice; keep one"],
            &["DuplicateKeyPolicy"],
        ),
        ("lint: [unclosed\n", &["renkei.yaml:"], &[]),
    ];
    for (yaml, said, unsaid) in cases {
        scratch.write("root/renkei.yaml", yaml);
        let run = scratch.renkei(&["lint"]).expect_code(2);
        for text in *said {
            assert!(
                run.stderr.contains(text),
                "{text:?} not in:\n{}",
                run.stderr
            );
        }
        for text in *unsaid {
            assert!(!run.stderr.contains(text), "{text:?} in:\n{}", run.stderr);
        }
    }
}

#[test]
fn malformed_config_is_a_config_invalid_finding_inside_json_and_sarif() {
    let scratch = scratch_with_findings();
    scratch.write(
        "root/renkei.yaml",
        "lint:\n  rules:\n    - id: house/x\n      wrods: [foo]\n",
    );
    for command in ["lint", "check"] {
        let run = scratch
            .renkei(&[command, "--format", "json"])
            .expect_code(2);
        let document: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|error| {
                panic!(
                    "{command}: not one JSON document ({error}):\n{}",
                    run.stdout
                )
            });
        let finding = &document["diagnostics"][0];
        assert_eq!(finding["rule"], "config/invalid", "{command}: {document}");
        assert!(finding["path"].as_str().unwrap().ends_with("renkei.yaml"));
        assert_eq!(finding["line"], 4, "{command}: {document}");
        assert_eq!(finding["column"], 7, "{command}: {document}");
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .starts_with("unknown field `wrods`"),
            "{command}: {document}"
        );

        let run = scratch
            .renkei(&[command, "--format", "sarif"])
            .expect_code(2);
        let sarif: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let result = &sarif["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "config/invalid", "{command}: {sarif}");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            4
        );
    }
    // Human output still says it on stderr, as before.
    let run = scratch.renkei(&["check"]).expect_code(2);
    assert!(
        run.stderr
            .contains("renkei.yaml:4:7: unknown field `wrods`"),
        "{}",
        run.stderr
    );
}

#[test]
fn yaml_alias_bombs_in_config_are_refused_quickly() {
    let scratch = scratch_with_findings();
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = format!("*a{}", level - 1);
        bomb.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            [previous.as_str(); 10].join(", ")
        ));
    }
    bomb.push_str("lint: {rules: [*a11]}\n");
    scratch.write("root/renkei.yaml", &bomb);
    let run = scratch.renkei(&["lint"]).expect_code(2);
    assert!(run.stderr.contains("renkei.yaml:"), "{}", run.stderr);
}

#[test]
fn config_can_add_rules_and_explicit_config_must_exist() {
    let scratch = scratch_with_findings();
    scratch.write("root/renkei.yaml", "lint:\n  disable: [vocabulary/transfer]\n  rules:\n    - id: house/tenet\n      words: [tenet]\n      severity: warning\n");
    let run = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("title=house/tenet") && !run.stdout.contains("vocabulary/transfer"),
        "{}",
        run.stdout
    );
    let missing = scratch
        .renkei(&["lint", "--config", "nope.yaml"])
        .expect_code(2);
    assert!(
        missing
            .stderr
            .contains("nope.yaml: cannot read configuration"),
        "{}",
        missing.stderr
    );
}

#[test]
fn archetype_yaml_is_linted_because_its_text_ships_to_agents() {
    let scratch = Scratch::new();
    scratch.add_archetype(
        "demo",
        "hello-world",
        "name: hello-world\ndescription: Checks intake fields.\n",
    );
    let run = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout
            .contains("hello-world/archetype.yaml,line=2,col=21,"),
        "{}",
        run.stdout
    );
}

#[test]
fn fix_on_a_bare_file_name_keeps_permissions_and_writes_through_links() {
    let scratch = Scratch::with_demo();
    scratch.write("loose/real.md", "intake here\n");
    let real = scratch.path("loose/real.md");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink("real.md", scratch.path("loose/link.md")).unwrap();
    }
    let run = renkei_in(&scratch.path("loose"), &["lint", "--fix", "link.md"]).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(fs::read_to_string(&real).unwrap(), "input here\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert!(
            fs::symlink_metadata(scratch.path("loose/link.md"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn remaining_findings_after_fix_point_at_the_fixed_text() {
    let scratch = Scratch::with_demo();
    scratch.write(TENETS, "The intake transfer happens.\n");
    let run = scratch
        .renkei(&["lint", "--fix", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("tenets.md,line=1,col=11,"),
        "{}",
        run.stdout
    );
}

/// Output to a pipe or file is buffered; a write that fails at the last flush still fails
/// the run instead of passing with the report cut short.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_for_the_report_is_an_error() {
    let scratch = scratch_with_findings();
    let output = scratch
        .renkei_command(&["lint", "--format", "json"])
        .into_command()
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write output"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Findings come out in walk order (by path, then position) whatever order the workers
/// finish in: many files, each with findings, against every command and format that streams.
#[test]
fn findings_stream_in_path_order() {
    let scratch = Scratch::with_demo();
    for archetype in ["alpha", "beta"] {
        scratch.add_archetype("demo", archetype, crate::support::DEMO_ARCHETYPE_YAML);
        for index in 0..60 {
            scratch.write(
                &format!("root/framework/archetypes/demo/{archetype}/doctrine/note-{index:02}.md"),
                "# Notes\n\nAn intake here.\n\nAnother intake there.\n",
            );
        }
    }
    for command in ["lint", "check"] {
        let run = scratch
            .renkei(&[command, "--format", "json"])
            .expect_code(1);
        let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let found: Vec<(String, u64)> = document["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "vocabulary/intake")
            .map(|d| {
                (
                    d["path"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(found.len(), 240, "{command}");
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted, "{command} printed findings out of order");
    }
}

#[test]
fn a_file_given_twice_is_linted_once() {
    let scratch = scratch_with_findings();
    let folder = "framework/archetypes/demo/hello-world/ethos";
    let file = format!("{folder}/tenets.md");
    let run = scratch
        .renkei(&["lint", "--format", "json", folder, &file, &file])
        .expect_code(1);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let files = document["summary"]["files"].as_u64().unwrap();
    let once = scratch
        .renkei(&["lint", "--format", "json", folder])
        .expect_code(1);
    let expected: serde_json::Value = serde_json::from_str(&once.stdout).unwrap();
    assert_eq!(files, expected["summary"]["files"].as_u64().unwrap());
    assert_eq!(document["diagnostics"], expected["diagnostics"]);
}

/// Every place where a word is not prose: `--fix` leaves each byte-identical (the findings
/// there come without a fix) and fixes the prose around it.
#[test]
fn fix_leaves_every_link_target_label_and_html_byte_identical() {
    let scratch = Scratch::with_demo();
    let untouched = [
        "[a](intake/x\\*.md)",
        "[b](intake&amp;c.md)",
        "[intake]",
        "[Intake][]",
        "<a href=\"intake.md\">",
        "<intake>",
        "<https://x.io/intake>",
        "<div class=\"intake\">\n<img src='intake.png'>\n</div>",
        "[intake]: intake.md \"Intake form\"",
    ];
    let text = format!(
        "# Intake\n\nThe intake: {} {} {} {} {}the form</a>, {} {}.\n\n{}\n\n{}\n",
        untouched[0],
        untouched[1],
        untouched[2],
        untouched[3],
        untouched[4],
        untouched[5],
        untouched[6],
        untouched[7],
        untouched[8],
    );
    let path = "root/framework/archetypes/demo/hello-world/doctrine/links.md";
    scratch.write(path, &text);
    let diff = scratch.renkei(&["lint", "--diff"]).expect_code(1);
    assert!(diff.stdout.contains("+# Input"), "{}", diff.stdout);
    let fixed = scratch.renkei(&["lint", "--fix"]);
    let after = fs::read_to_string(scratch.path(path)).unwrap();
    for piece in untouched {
        assert!(
            after.contains(piece),
            "--fix changed {piece:?}:\n{after}\n{}",
            fixed.stdout
        );
    }
    assert!(
        after.starts_with("# Input\n\nThe input: "),
        "prose was not fixed:\n{after}"
    );
    let again = scratch.renkei(&["lint", "--fix"]);
    assert_eq!(
        fs::read_to_string(scratch.path(path)).unwrap(),
        after,
        "a second --fix changed the file:\n{}",
        again.stdout
    );
}

#[test]
fn a_configured_archetypes_folder_is_where_every_command_reads_archetypes() {
    let scratch = Scratch::with_demo();
    let root = scratch.root();
    std::fs::create_dir_all(root.join("doctrine")).unwrap();
    std::fs::rename(
        root.join("framework/archetypes"),
        root.join("doctrine/skills"),
    )
    .unwrap();
    std::fs::remove_dir(root.join("framework")).unwrap();
    scratch.write("root/renkei.yaml", "archetypes: doctrine/skills/\n");
    scratch.write(
        "root/doctrine/skills/demo/hello-world/doctrine/process.md",
        "# Process\n\nVerify required intake fields.\n",
    );
    let lint = scratch
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    assert!(
        lint.stdout
            .contains("doctrine/skills/demo/hello-world/doctrine/process.md,line=3"),
        "{}",
        lint.stdout
    );
    // Paths given are scoped by the configured folder too.
    scratch.write("root/CHANGELOG.md", "intake\n");
    let given = scratch
        .renkei(&[
            "lint",
            "--format",
            "github",
            "CHANGELOG.md",
            "doctrine/skills/demo/hello-world/doctrine/process.md",
        ])
        .expect_code(1);
    assert_eq!(given.stdout.lines().count(), 1, "{}", given.stdout);
    scratch
        .renkei(&["assemble", "--dry-run", "--target", "./out"])
        .expect_code(0);

    scratch.write("root/renkei.yaml", "archetypes: ../elsewhere\n");
    // Given paths too: a scope that quietly widened would lint the changelog.
    let given = scratch.renkei(&["lint", "CHANGELOG.md"]).expect_code(2);
    assert!(
        given.stderr.contains("field `archetypes`"),
        "{}",
        given.stderr
    );
    let outside = scratch.renkei(&["lint"]).expect_code(2);
    assert!(
        outside.stderr.contains("renkei.yaml:1:")
            && outside.stderr.contains("must be a folder inside the root"),
        "{}",
        outside.stderr
    );
}

#[test]
fn a_root_without_its_archetypes_folder_says_so_in_one_line_and_lints_what_it_is_given() {
    let scratch = Scratch::new();
    std::fs::remove_dir_all(scratch.root().join("framework")).unwrap();
    scratch.write("root/renkei.yaml", "lint:\n  disable: []\n");
    scratch.write("root/notes/a.md", "The intake desk.\n");
    for command in [
        &["lint"][..],
        &["check"],
        &["assemble", "--dry-run"],
        &["graph"],
    ] {
        let run = scratch.renkei(command).expect_code(2);
        assert!(run.stdout.is_empty(), "{command:?}: {}", run.stdout);
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{command:?}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("framework/archetypes: no such folder"),
            "{command:?}: {}",
            run.stderr
        );
    }
    // An archetypes folder with nothing in it is no more a doctrine than a missing one.
    std::fs::create_dir_all(scratch.path("root/framework/archetypes/empty-stage")).unwrap();
    for command in [&["check"][..], &["assemble", "--dry-run"]] {
        let run = scratch.renkei(command).expect_code(2);
        assert!(
            run.stderr.trim().ends_with("holds no archetypes; renkei reads its <stage>/<archetype>/ folders, each with an archetype.yaml"),
            "{command:?}: {}",
            run.stderr
        );
    }
    std::fs::remove_dir_all(scratch.path("root/framework")).unwrap();
    let given = scratch
        .renkei(&["lint", "--format", "github", "notes/a.md"])
        .expect_code(1);
    assert!(
        given.stdout.contains("notes/a.md,line=1"),
        "{}",
        given.stdout
    );
    // Never half a document, and no summary of nothing checked.
    for command in [
        &["lint", "--format", "json"][..],
        &["report", "check", "r.md"],
    ] {
        let run = scratch.renkei(command).expect_code(2);
        assert!(run.stdout.is_empty(), "{command:?}: {}", run.stdout);
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{command:?}: {}",
            run.stderr
        );
    }

    let missing = scratch
        .renkei(&["lint", "--root", "/no/such/root"])
        .expect_code(2);
    assert!(missing.stdout.is_empty(), "{}", missing.stdout);
    assert!(
        missing
            .stderr
            .contains("--root /no/such/root: no such folder"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_folder_given_is_walked_as_ripgrep_walks_it() {
    // Not a git repository: its .gitignore counts all the same.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    for (path, text) in [
        ("doc.md", "The intake desk.\n"),
        ("node_modules/pkg/README.md", "intake\n"),
        (".hidden/notes.md", "intake\n"),
        ("build/out.md", "intake\n"),
        ("drafts/old.md", "intake\n"),
        (".gitignore", "node_modules/\nbuild/\n"),
        (".ignore", "drafts/\n"),
    ] {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let run = renkei_in(repo, &["lint", "--format", "github", "."]).run();
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("doc.md,line=1"), "{}", run.stdout);
    // A file named outright is linted, ignored or not.
    let named = renkei_in(repo, &["lint", "--format", "github", "build/out.md"]).run();
    assert_eq!(named.code, 1, "{}", named.stdout);
}

#[test]
fn an_archetype_inside_a_folder_given_is_walked_as_loading_walks_it() {
    // Hidden and ignored files of an archetype ship in its skill, so naming any folder
    // that holds them, or one inside the archetype, lints them as the default run does.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let archetype = "framework/archetypes/s/a";
    for (path, text) in [
        (
            format!("{archetype}/archetype.yaml"),
            "name: a\ndescription: A test archetype. Use when testing.\n",
        ),
        (
            format!("{archetype}/doctrine/.dot.md"),
            "The intake desk.\n",
        ),
        (
            format!("{archetype}/doctrine/.hidden/x.md"),
            "The intake desk.\n",
        ),
        (
            format!("{archetype}/references/ignored.md"),
            "The intake desk.\n",
        ),
        (".gitignore".to_string(), "ignored.md\n.hidden/\n"),
        ("notes/n.md".to_string(), "The intake desk.\n"),
    ] {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let lines = |args: &[&str]| {
        let run = renkei_in(repo, args).run();
        assert_eq!(run.code, 1, "{args:?}: {}{}", run.stdout, run.stderr);
        run.stdout
            .lines()
            .map(|line| line.split(':').next().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let shipped = [
        format!("{archetype}/doctrine/.dot.md"),
        format!("{archetype}/doctrine/.hidden/x.md"),
        format!("{archetype}/references/ignored.md"),
    ];
    assert_eq!(lines(&["lint", "--format", "concise"]), shipped);
    assert_eq!(
        lines(&["lint", "--format", "concise", "framework"]),
        shipped
    );
    assert_eq!(
        lines(&[
            "lint",
            "--format",
            "concise",
            &format!("{archetype}/doctrine")
        ]),
        shipped[..2]
    );
    // Outside the archetypes the walk is ripgrep's, and the scope is the operational files.
    let everything = lines(&["lint", "--format", "concise", "--all-markdown", "."]);
    let expected: Vec<String> = shipped
        .iter()
        .chain(&["notes/n.md".to_string()])
        .map(|path| format!("./{path}"))
        .collect();
    assert_eq!(everything, expected);
}

#[test]
fn an_unknown_configuration_key_gets_a_did_you_mean() {
    let scratch = Scratch::with_demo();
    scratch.write("root/renkei.yaml", "lint:\n  inclde: [notes/]\n");
    let run = scratch.renkei(&["lint"]).expect_code(2);
    assert!(
        run.stderr
            .contains("renkei.yaml:2:3: unknown field `inclde`")
            && run.stderr.contains("did you mean `include`?"),
        "{}",
        run.stderr
    );
    scratch.write("root/renkei.yaml", "lint:\n  disable: [vocabulary/intak]\n");
    let disabled = scratch.renkei(&["lint"]).expect_code(2);
    assert!(
        disabled
            .stderr
            .contains("cannot disable `vocabulary/intak`: no rule has that id; did you mean `vocabulary/intake`?"),
        "{}",
        disabled.stderr
    );
    scratch.write("root/renkei.yaml", "lint:\n  zzzzzz: []\n");
    let far = scratch.renkei(&["lint"]).expect_code(2);
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
}

#[test]
fn max_warnings_fails_a_run_with_more_warnings_and_concise_prints_one_line_each() {
    let scratch = Scratch::with_demo();
    scratch.write(TENETS, "<!-- renkei-disable-next-line -->\nclean\n");
    scratch.renkei(&["lint"]).expect_code(0);
    scratch
        .renkei(&["lint", "--max-warnings", "1"])
        .expect_code(0);
    scratch
        .renkei(&["lint", "--max-warnings", "0"])
        .expect_code(1);
    scratch
        .renkei(&["check", "--max-warnings", "0"])
        .expect_code(1);

    scratch.write(TENETS, "# Tenets\n\n- The intake desk.\n");
    let concise = scratch
        .renkei(&["lint", "--format", "concise"])
        .expect_code(1);
    assert_eq!(
        concise.stdout,
        "framework/archetypes/demo/hello-world/ethos/tenets.md:3:7: error[vocabulary/intake] `intake` names an acknowledgment phase the function model does not have\n"
    );
}

#[test]
fn the_text_on_stdin_is_linted_under_the_name_it_is_given() {
    let scratch = Scratch::with_demo();
    let lint_stdin = |args: &[&str], text: &str| {
        let output = crate::support::output_with_stdin(
            scratch.renkei_command(args).into_command(),
            text.as_bytes(),
        );
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // An unsaved buffer: the file on disk is clean, the text on stdin is not.
    let (code, stdout, _) = lint_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            TENETS.trim_start_matches("root/"),
            "--format",
            "concise",
        ],
        "# Tenets\n\nThe intake desk.\n",
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        stdout,
        "framework/archetypes/demo/hello-world/ethos/tenets.md:3:5: error[vocabulary/intake] `intake` names an acknowledgment phase the function model does not have\n"
    );
    // Judged by its name, as a file given would be.
    let (code, stdout, _) = lint_stdin(
        &[
            "lint",
            "-",
            "--stdin-filename",
            "CHANGELOG.md",
            "--format",
            "concise",
        ],
        "The intake desk.\n",
    );
    assert_eq!((code, stdout.as_str()), (0, ""));
    // With no name, there is no folder to judge it by: it is linted.
    let (code, stdout, _) = lint_stdin(&["lint", "-", "--format", "concise"], "The intake desk.\n");
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("stdin.md:1:5: error[vocabulary/intake]"),
        "{stdout}"
    );
    let (code, _, stderr) = lint_stdin(&["lint", "-", "--fix"], "intake\n");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--fix has no file to write"), "{stderr}");
}

#[test]
fn a_user_pattern_the_regex_engine_refuses_is_an_error_at_its_line_when_rules_load() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/renkei.yaml",
        "lint:\n  rules:\n    - id: house/x\n      words: [phase]\n      exceptions:\n        - before: \"(?:\\\\w{1000}){1000}\"\n",
    );
    let run = scratch.renkei(&["lint", "--format", "json"]).expect_code(2);
    let document: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let finding = &document["diagnostics"][0];
    assert_eq!(finding["rule"], "config/invalid", "{document}");
    assert_eq!(finding["line"], 6, "{document}");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("exceeds size limit"),
        "{document}"
    );
}
