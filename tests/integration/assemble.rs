//! `renkei assemble --dry-run` and `--check`, and what assembly refuses.

use std::fs;

use crate::support::{
    DEMO_ARCHETYPE_YAML, Scratch, assert_holds, redact, renkei_at, renkei_in, repo_root,
    snapshot_tree,
};

#[test]
fn dry_run_writes_nothing_and_lists_every_file() {
    let scratch = Scratch::with_demo();
    let target = scratch.path("target");
    fs::create_dir_all(&target).unwrap();
    fs::write(target.join("keep.txt"), "user file").unwrap();
    let before = snapshot_tree(&scratch.path(""));

    let run = scratch
        .renkei(&[
            "assemble",
            "--dry-run",
            "--target",
            target.to_str().unwrap(),
        ])
        .expect_code(0);

    assert_eq!(
        snapshot_tree(&scratch.path("")),
        before,
        "dry run changed the scratch tree"
    );
    insta::assert_snapshot!(redact(&run.stdout, &scratch), @r"
    target [scratch]/target ([scratch]/target)
      new        hello-world/SKILL.md (36 lines)
      new        hello-world/references/template.md (7 lines)
    summary: 2 files for [scratch]/target: 2 new; dry run, nothing written
    ");
}

#[test]
fn dry_run_shows_a_unified_diff_for_changed_files() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/process.md",
        "# Process\n\nRead the [output contract](output-contract.md) first.\n\n## Step 1: Work\n\nDo it well.\n",
    );
    let before = snapshot_tree(&scratch.root());

    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);

    assert_eq!(snapshot_tree(&scratch.root()), before);
    insta::assert_snapshot!(redact(&run.stdout, &scratch), @r"
    target project ([scratch]/root/.claude/skills)
      changed    hello-world/SKILL.md
    --- hello-world/SKILL.md (installed)
    +++ hello-world/SKILL.md (assembled)
    @@ -24,7 +24,7 @@
     
     ### Step 1: Work
     
    -Do it.
    +Do it well.
     
     ## Output Contract
     
      unchanged  hello-world/references/template.md
    summary: 2 files for project: 1 changed, 1 unchanged; dry run, nothing written
    ");
}

#[test]
fn assembled_skill_has_valid_front_matter_demoted_headings_and_working_links() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill = scratch.root().join(".claude/skills/hello-world");
    // Claude Code reads `when_to_use` into its skill listing: its targets get it in the
    // front matter too.
    insta::assert_snapshot!(fs::read_to_string(skill.join("SKILL.md")).unwrap(), @r#"
    ---
    name: hello-world
    description: Says hello to the world, carefully. Use when greeting.
    license: Apache-2.0
    metadata:
      stage: demo
      version: "1.0"
    when_to_use: When a greeting is due.
    ---

    # Hello World

    ## When to Use

    When a greeting is due.

    ## Tenets

    - Tests are proof obligations and precede implementation.

    ## Process

    Read the [output contract](#output-contract) first.

    ### Step 1: Work

    Do it.

    ## Output Contract

    See [the report](references/template.md#outcome).

    ## References

    Read these files, shipped beside this one, when the doctrine above points to them:

    - [Report](references/template.md)
    "#);
    insta::assert_snapshot!(fs::read_to_string(skill.join("references/template.md")).unwrap(), @r"
    # Report

    ## Outcome

    - Outcome: `complete` | `blocked`

    Rules: [process](../SKILL.md#process).
    ");
}

#[test]
fn check_fails_when_missing_or_stale_and_passes_when_fresh() {
    let scratch = Scratch::with_demo();
    let missing = scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(1);
    assert!(
        missing.stdout.contains("new        hello-world/SKILL.md"),
        "{}",
        missing.stdout
    );

    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(0);

    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\n\n- Changed.\n",
    );
    let stale = scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(1);
    assert!(
        stale.stdout.contains("changed    hello-world/SKILL.md"),
        "{}",
        stale.stdout
    );
}

#[test]
fn output_is_byte_identical_across_runs() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "second-skill", DEMO_ARCHETYPE_YAML);
    scratch
        .renkei(&[
            "assemble",
            "--push",
            "--target",
            scratch.path("first").to_str().unwrap(),
        ])
        .expect_code(0);
    scratch
        .renkei(&[
            "assemble",
            "--push",
            "--target",
            scratch.path("second").to_str().unwrap(),
        ])
        .expect_code(0);
    let first = snapshot_tree(&scratch.path("first"));
    assert_eq!(first, snapshot_tree(&scratch.path("second")));
    let skill = &first[std::path::Path::new("hello-world/SKILL.md")];
    assert!(skill.ends_with(b"\n") && !skill.ends_with(b"\n\n") && !skill.contains(&b'\r'));
}

#[test]
fn crlf_sources_assemble_to_lf_output() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\r\n\r\n- One.\r\n",
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill = fs::read(scratch.root().join(".claude/skills/hello-world/SKILL.md")).unwrap();
    assert!(!skill.contains(&b'\r'));
}

#[test]
fn only_limits_the_run_and_rejects_unknown_names() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "second-skill", DEMO_ARCHETYPE_YAML);
    let run = scratch
        .renkei(&["assemble", "--only", "second-skill", "--target", "project"])
        .expect_code(0);
    assert!(
        run.stdout.contains("second-skill/SKILL.md") && !run.stdout.contains("hello-world"),
        "{}",
        run.stdout
    );

    let unknown = scratch
        .renkei(&["assemble", "--only", "nope", "--target", "project"])
        .expect_code(2);
    assert!(
        unknown
            .stderr
            .contains("--only nope: no archetype has that name; known: hello-world, second-skill"),
        "{}",
        unknown.stderr
    );

    // An archetype that does not load, and was not asked for, does not stop the run.
    scratch.add_archetype("other", "broken", "name: broken\ndescriptoin: misspelt\n");
    scratch
        .renkei(&["assemble", "--only", "second-skill", "--target", "project"])
        .expect_code(0);
    let all = scratch
        .renkei(&["assemble", "--target", "project"])
        .expect_code(2);
    assert!(all.stderr.contains("descriptoin"), "{}", all.stderr);
}

#[test]
fn root_is_found_from_a_subfolder() {
    let scratch = Scratch::with_demo();
    renkei_in(
        &scratch.root().join("framework/archetypes/demo"),
        &["assemble", "--target", "project"],
    )
    .env("HOME", scratch.home())
    .run()
    .expect_code(0);
}

#[test]
fn no_root_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let run = renkei_in(dir.path(), &["assemble"]).run();
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no renkei root found"));
}

/// Runs assemble on a tree whose only archetype has `yaml` as its configuration, expecting
/// exit 2, nothing written, and an error containing `expected`.
fn assert_refused(yaml: &str, expected: &str) {
    let scratch = Scratch::new();
    scratch.add_archetype("demo", "hello-world", yaml);
    let before = snapshot_tree(&scratch.path(""));
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains(expected),
        "expected {expected:?} in:\n{}",
        run.stderr
    );
    assert_eq!(
        snapshot_tree(&scratch.path("")),
        before,
        "a refused assembly wrote files"
    );
}

#[test]
fn malformed_archetype_yaml_names_file_line_and_column() {
    assert_refused(
        "name: hello-world\ndescription: [unclosed\n",
        "framework/archetypes/demo/hello-world/archetype.yaml:2:14: field `description`: expected text, not a list or a mapping",
    );
}

#[test]
fn unknown_keys_are_rejected_where_they_are() {
    assert_refused(
        "name: hello-world\ndescription: Fine.\nwhen-to-use: typo\n",
        "archetype.yaml:3:1: unknown field `when-to-use`",
    );
}

#[test]
fn missing_description_is_reported() {
    assert_refused("name: hello-world\n", "missing field `description`");
}

#[test]
fn front_matter_rules_name_the_field() {
    assert_refused(
        "name: hello-world\ndescription: \"   \"\n",
        "archetype.yaml:2:14: field `description` is empty",
    );
    assert_refused(
        "name: hello-world\ndescription: uses <html> tags\n",
        "field `description` contains '<'; angle brackets are not allowed",
    );
    let long = format!("name: hello-world\ndescription: {}\n", "a".repeat(1025));
    assert_refused(
        &long,
        "field `description` is 1025 characters; the Agent Skills limit is 1024",
    );
    assert_refused(
        "name: other-name\ndescription: Fine.\n",
        "field `name` is `other-name` but the archetype folder is `hello-world`",
    );
    assert_refused(
        "name: hello-world\ndescription: Fine.\ntargets: [claude, vscode]\n",
        "unknown target `vscode`",
    );
}

#[test]
fn traversal_and_unsafe_names_are_refused_before_any_write() {
    for name in ["../escape", "a/b", "..", "Hello", "exеcution", "a--b", "-a"] {
        let yaml = format!("name: {name:?}\ndescription: Fine.\n");
        assert_refused(&yaml, "field `name`:");
    }
}

#[test]
fn values_that_need_quoting_round_trip_through_front_matter() {
    let scratch = Scratch::new();
    scratch.add_archetype(
        "demo",
        "hello-world",
        "name: hello-world\ndescription: \"Use when: a plan exists # not a comment, 'quoted' \\\"double\\\" yes\"\nlicense: \"true\"\nmetadata:\n  \"key: with colon\": \"- dash\"\n  version: \"1.0\"\n",
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill =
        fs::read_to_string(scratch.root().join(".claude/skills/hello-world/SKILL.md")).unwrap();
    let front_matter: Vec<&str> = skill.lines().take(8).collect();
    insta::assert_snapshot!(front_matter.join("\n"), @r#"
    ---
    name: hello-world
    description: "Use when: a plan exists # not a comment, 'quoted' \"double\" yes"
    license: "true"
    metadata:
      "key: with colon": "- dash"
      version: "1.0"
    ---
    "#);
}

#[test]
fn long_skills_and_descriptions_warn_but_assemble() {
    let scratch = Scratch::new();
    let yaml = format!(
        "name: hello-world\ndescription: {}\nwhen_to_use: {}\n",
        "d".repeat(1000),
        "w".repeat(600)
    );
    scratch.add_archetype("demo", "hello-world", &yaml);
    let long_doctrine = format!("# Pipeline\n\n{}", "- step\n".repeat(520));
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/pipeline.md",
        &long_doctrine,
    );
    let run = scratch
        .renkei(&["assemble", "--target", "project"])
        .expect_code(0);
    assert!(
        run.stdout.contains("warning[assemble/listing-too-long]: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("archetype.yaml:2:14: description and when_to_use are 1600 characters"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("warning[assemble/skill-too-long]: "),
        "{}",
        run.stdout
    );
}

#[test]
fn the_repository_framework_assembles_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for target in ["a", "b"] {
        let run = renkei_at(
            &repo_root(),
            &[
                "assemble",
                "--push",
                "--target",
                dir.path().join(target).to_str().unwrap(),
            ],
        )
        .run()
        .expect_code(0);
        assert!(run.stdout.is_empty() || !run.stdout.contains("warning"));
    }
    let first = snapshot_tree(&dir.path().join("a"));
    assert_eq!(
        first.len(),
        12,
        "5 skills of SKILL.md and a report template, the manifest, the lock"
    );
    assert_eq!(first, snapshot_tree(&dir.path().join("b")));
}

#[test]
fn assemble_does_not_read_the_lint_configuration() {
    // `renkei.yaml`'s `lint:` configures the lint and `check`; a mistake in it must not stop
    // an assembly (or an agent's report gate) that never uses it.
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/renkei.yaml",
        "lint:\n  rules: [{id: x, colour: red}]\n",
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);
    assert!(run.stdout.contains("SKILL.md"), "{}", run.stdout);
    // The lint does read it, and says where it is wrong.
    let lint = scratch.renkei(&["lint"]).expect_code(2);
    assert!(lint.stderr.contains("renkei.yaml:"), "{}", lint.stderr);
    // A file that is not YAML at all cannot say what `exclude:` leaves out, so nothing is
    // assembled from it.
    scratch.write("root/renkei.yaml", "lint:\n  rules: [unclosed\n");
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(run.stderr.contains("renkei.yaml:"), "{}", run.stderr);
}

#[test]
fn exclude_in_renkei_yaml_leaves_files_out_of_every_archetype() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("demo", "second-skill", DEMO_ARCHETYPE_YAML);
    for name in ["hello-world", "second-skill"] {
        let base = format!("root/framework/archetypes/demo/{name}");
        scratch.write(&format!("{base}/notes.bak"), "old\n");
        scratch.write(&format!("{base}/drafts/idea.md"), "# Idea\n");
        scratch.write(&format!("{base}/scripts/run.sh"), "#!/bin/sh\n");
    }
    scratch.write("root/renkei.yaml", "exclude: [\"*.bak\", drafts/]\n");
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);
    assert!(!run.stdout.contains(".bak"), "{}", run.stdout);
    assert!(!run.stdout.contains("drafts/"), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("scripts/run.sh").count(),
        2,
        "{}",
        run.stdout
    );
    // `check` reads the same list: a link to a file it leaves out breaks once installed.
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/process.md",
        "# Process\n\nSee [the idea](../drafts/idea.md).\n",
    );
    let run = scratch.renkei(&["check"]).expect_code(1);
    assert!(
        run.stdout.contains("error[assemble/stray-link]"),
        "{}",
        run.stdout
    );
    // A pattern that leaves the folder is an error at its place in renkei.yaml.
    scratch.write("root/renkei.yaml", "exclude:\n  - ../x\n");
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains("renkei.yaml:2:5: field `exclude`"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_error_in_archetype_yaml_names_its_field() {
    let scratch = Scratch::new();
    let mut messages = Vec::new();
    for (name, field) in [
        ("a", "license: [MIT]"),
        (
            "b",
            "allowed-tools: [\"Bash(npm run test)\", \"Read Grep\"]",
        ),
        ("c", "metadata:\n  nested: {a: b}"),
        ("d", "metadata:\n  empty: ~"),
        ("e", "targets: claude"),
        ("f", "allowed-tools: 5"),
        ("g", "targets: [claud]"),
    ] {
        let root = format!("root/framework/archetypes/s{name}/{name}");
        scratch.write(
            &format!("{root}/archetype.yaml"),
            &format!("name: {name}\ndescription: Does {name}.\n{field}\n"),
        );
        scratch.write(&format!("{root}/doctrine/process.md"), "# Process\n");
        let run = scratch
            .renkei(&["assemble", "--only", name, "--target", "project"])
            .expect_code(2);
        messages.push(redact(&run.stderr, &scratch));
        std::fs::remove_dir_all(scratch.path(&format!("root/framework/archetypes/s{name}")))
            .unwrap();
    }
    insta::assert_snapshot!(messages.join(""), @r#"
    error: [scratch]/root/framework/archetypes/sa/a/archetype.yaml:3:10: field `license`: expected text, not a list or a mapping
    error: [scratch]/root/framework/archetypes/sb/b/archetype.yaml:3:16: field `allowed-tools`: the tool "Read Grep" is empty or holds a space outside parentheses, which the specification's space-delimited form cannot keep
    error: [scratch]/root/framework/archetypes/sc/c/archetype.yaml:4:3: field `metadata`: `nested`: expected text, not a list or a mapping
    error: [scratch]/root/framework/archetypes/sd/d/archetype.yaml:4:3: field `metadata`: `empty`: a value is required here
    error: [scratch]/root/framework/archetypes/se/e/archetype.yaml:3:10: field `targets`: expected a list
    error: [scratch]/root/framework/archetypes/sf/f/archetype.yaml:3:16: field `allowed-tools`: invalid type: integer `5`, expected a space-delimited string or a list of tools
    error: [scratch]/root/framework/archetypes/sg/g/archetype.yaml:3:11: unknown target `claud`; did you mean `claude`?; expected one of claude, project, opencode, opencode-project, gemini, gemini-project, agents, agents-project
    "#);
}

/// Pushes the fixture skill `name` (of `tests/fixtures/skills`) alone into a fresh folder.
fn push_fixture(name: &str) -> tempfile::TempDir {
    let target = tempfile::tempdir().unwrap();
    renkei_at(
        &repo_root().join("tests/fixtures/skills"),
        &[
            "assemble",
            "--push",
            "--only",
            name,
            "--target",
            target.path().to_str().unwrap(),
        ],
    )
    .run()
    .expect_code(0);
    target
}

#[test]
fn links_follow_headings_whose_anchors_repeat_in_skill_md() {
    // Three `Overview` headings meet in SKILL.md (tenets, then two in process.md): GitHub
    // names them `overview`, `overview-1` and `overview-2`, and each link keeps its section.
    let target = push_fixture("twin-overviews");
    let skill = fs::read_to_string(target.path().join("twin-overviews/SKILL.md")).unwrap();
    for expected in [
        "[the tenets](#overview) first",
        "[same-file link](#overview-2)",
        "[process overview](#overview-1)",
        "[second one](#overview-2)",
        "[checklist](references/checklist.md#overview)",
        // A bare fragment names a heading of its own file, which moved with it.
        "[the top of this file](#overview-1)",
    ] {
        assert!(
            skill.contains(expected),
            "missing {expected:?} in:\n{skill}"
        );
    }
    let checklist =
        fs::read_to_string(target.path().join("twin-overviews/references/checklist.md")).unwrap();
    assert!(
        checklist.contains("[process](../SKILL.md#overview-1)"),
        "{checklist}"
    );
}

#[test]
fn a_link_that_would_break_once_installed_stops_the_assembly_where_it_is() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    scratch.write(&format!("{base}/scripts/run.sh"), "#!/bin/sh\necho hi\n");
    scratch.write(&format!("{base}/scripts/draft.sh"), "#!/bin/sh\n");
    scratch.write(
        &format!("{base}/archetype.yaml"),
        &format!("{DEMO_ARCHETYPE_YAML}exclude: [scripts/draft.sh]\n"),
    );
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\nRun [the script](../scripts/run.sh), not [the draft](../scripts/draft.sh),\nread [the sibling](../../other/x.md),\nsee [the spec](https://agentskills.io) and [step 1](#step-1-work).\n\n## Step 1: Work\n\nDo it.\n",
    );
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(2);
    let stderr = redact(&run.stderr, &scratch);
    insta::assert_snapshot!(stderr, @r"
    error: [scratch]/root/framework/archetypes/demo/hello-world/doctrine/process.md:3:54: the link to `../scripts/draft.sh` names a file that is not part of the skill (`archetype.yaml`, `contract.yaml`, a file `exclude:` leaves out, or one that does not exist), so it breaks once installed
    error: [scratch]/root/framework/archetypes/demo/hello-world/doctrine/process.md:4:20: the link to `../../other/x.md` leads into `demo/other`, which is not an archetype of this tree, so it breaks once installed
    ");
    assert!(
        !scratch.root().join(".claude").exists(),
        "nothing is written"
    );

    // The script ships without being listed, and the link is rewritten to it.
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\nRun [the script](../scripts/run.sh).\n",
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill = scratch.root().join(".claude/skills/hello-world");
    assert!(skill.join("scripts/run.sh").is_file());
    assert!(!skill.join("scripts/draft.sh").exists(), "excluded");
    let text = fs::read_to_string(skill.join("SKILL.md")).unwrap();
    assert!(text.contains("[the script](scripts/run.sh)"), "{text}");
}

#[test]
fn links_between_archetypes_lead_to_the_installed_sibling() {
    let scratch = Scratch::new();
    scratch.add_archetype("demo", "alpha", DEMO_ARCHETYPE_YAML);
    scratch.add_archetype("review", "beta", DEMO_ARCHETYPE_YAML);
    let alpha = "root/framework/archetypes/demo/alpha";
    scratch.write(
        &format!("{alpha}/doctrine/process.md"),
        "# Process\n\nAsk [the reviewer](../../../review/beta/references/template.md#outcome), \
         follow [its steps](../../../review/beta/doctrine/process.md#step-1-work), \
         browse [its folder](../../../review/beta/references/) \
         and fill in [our own report](../../alpha/references/template.md), \
         [by the root](../../../../../framework/archetypes/demo/alpha/references/template.md).\n",
    );
    scratch.write(
        &format!("{alpha}/references/template.md"),
        "# Report\n\nAs [the reviewer's tenets](../../../review/beta/ethos/tenets.md) say.\n",
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skills = scratch.root().join(".claude/skills");
    assert_holds(
        &skills.join("alpha/SKILL.md"),
        &[
            "[the reviewer](../beta/references/template.md#outcome)",
            "[its steps](../beta/SKILL.md#step-1-work)",
            "[its folder](../beta/references/)",
            "[our own report](references/template.md)",
            "[by the root](references/template.md)",
        ],
    );
    assert_holds(
        &skills.join("alpha/references/template.md"),
        &["[the reviewer's tenets](../../beta/SKILL.md#tenets)"],
    );

    // A sibling that does not go to a target: the link would lead nowhere there, unless
    // the sibling is there already (it was pushed to `project` above, and stays).
    scratch.write(
        "root/framework/archetypes/review/beta/archetype.yaml",
        &format!(
            "{}targets: [opencode]\n",
            DEMO_ARCHETYPE_YAML.replace("hello-world", "beta")
        ),
    );
    let run = scratch
        .renkei(&[
            "assemble",
            "--dry-run",
            "--target",
            "claude",
            "--target",
            "project",
        ])
        .expect_code(2);
    let stderr = redact(&run.stderr, &scratch);
    assert!(
        stderr.contains("alpha/doctrine/process.md:3:20: the link leads into skill `beta`, which target claude does not receive, so it breaks once installed"),
        "{stderr}"
    );
    assert!(!stderr.contains("target project"), "{stderr}");

    // `--only alpha` loads beta for its layout; the link holds where beta is installed.
    scratch.write(
        "root/framework/archetypes/review/beta/archetype.yaml",
        &DEMO_ARCHETYPE_YAML.replace("hello-world", "beta"),
    );
    scratch
        .renkei(&[
            "assemble", "--check", "--only", "alpha", "--target", "project",
        ])
        .expect_code(0);
    scratch
        .renkei(&[
            "assemble",
            "--dry-run",
            "--only",
            "alpha",
            "--target",
            scratch.path("empty").to_str().unwrap(),
        ])
        .expect_code(2);

    // A file of the sibling that is not installed, and a link that leaves the tree.
    scratch.write(
        &format!("{alpha}/doctrine/process.md"),
        "# Process\n\nSee [its configuration](../../../review/beta/archetype.yaml) and [the tree](../../../../../README.md).\n",
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    let stderr = redact(&run.stderr, &scratch);
    insta::assert_snapshot!(stderr, @r"
    error: [scratch]/root/framework/archetypes/demo/alpha/doctrine/process.md:3:25: the link to `../../../review/beta/archetype.yaml` names a file that skill `beta` does not install, so it breaks once installed
    error: [scratch]/root/framework/archetypes/demo/alpha/doctrine/process.md:3:77: the link to `../../../../../README.md` leads out of the skill folder, so it breaks once installed
    ");
}

#[test]
fn binary_assets_are_listed_under_the_references_heading_even_with_no_text_reference() {
    let target = push_fixture("diagram-maker");
    let skill = fs::read_to_string(target.path().join("diagram-maker/SKILL.md")).unwrap();
    assert!(
        skill.contains("\n## References\n\nThese files ship beside this one for the doctrine's tools to use; they are not for reading:\n\n- [assets/icons/database.png](assets/icons/database.png)\n"),
        "{skill}"
    );
}

#[test]
fn two_parts_that_define_one_reference_label_differently_are_refused_in_assemble_and_check() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    scratch.write(
        &format!("{base}/ethos/tenets.md"),
        "# Tenets\n\n- Follow the [guide].\n\n[guide]: ../references/template.md\n",
    );
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\nSee the [guide].\n\n[Guide]: output-contract.md\n",
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains("doctrine/process.md:5:10: the reference label `[Guide]` is defined in `ethos/tenets.md` too, to `references/template.md`"),
        "{}",
        run.stderr
    );
    let run = scratch.renkei(&["check"]).expect_code(1);
    assert!(
        run.stdout
            .contains("error[assemble/stray-link]: the reference label `[Guide]`"),
        "{}",
        run.stdout
    );
    // A label for a heading of each part's own: inlined, the second part's heading is
    // numbered apart, so the two definitions lead to different places.
    scratch.write(
        &format!("{base}/ethos/tenets.md"),
        "# Tenets\n\n## Steps\n\n- Follow [the steps][s].\n\n[s]: #steps\n",
    );
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\n## Steps\n\nSee [the steps][s].\n\n[s]: #steps\n",
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("the reference label `[s]` is defined in `ethos/tenets.md` too, to `#steps`"),
        "{}",
        run.stderr
    );
    // The same label to the same place is one definition twice: nothing goes elsewhere.
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Process\n\nSee the [guide].\n\n[guide]: ../references/template.md\n",
    );
    scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);
}

#[test]
fn anchors_number_as_github_does_and_links_find_their_heading_whatever_their_form() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    // `Overview 1` takes `overview-1`, so the third Overview is `overview-2` (GitHub's
    // numbering); `Café` twice, linked with its fragment percent-encoded.
    scratch.write(
        &format!("{base}/ethos/tenets.md"),
        "# Overview 1\n\n# Café\n\nSee [the second café](../doctrine/process.md#caf%C3%A9) and [the last overview](../doctrine/process.md#overview-1).\n",
    );
    scratch.write(
        &format!("{base}/doctrine/process.md"),
        "# Overview\n\n# Café\n\n# Overview\n\nDo it.\n",
    );
    // A link from a shipped file that leaves the archetype and comes back into it.
    scratch.write(&format!("{base}/scripts/run.sh"), "#!/bin/sh\n");
    scratch.write(
        &format!("{base}/references/template.md"),
        "# Report\n\nRun [the script](../../../demo/hello-world/scripts/run.sh).\n",
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill = scratch.root().join(".claude/skills/hello-world");
    assert_holds(
        &skill.join("SKILL.md"),
        &[
            "[the second café](#café-1)",
            "[the last overview](#overview-2)",
        ],
    );
    assert_holds(
        &skill.join("references/template.md"),
        &["[the script](../scripts/run.sh)"],
    );
}

#[test]
fn an_archetype_that_holds_a_skill_md_of_its_own_is_refused_until_it_is_left_out() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    scratch.write(&format!("{base}/SKILL.md"), "---\nname: old\n---\n# Old\n");
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("hello-world/SKILL.md: renkei writes SKILL.md from the archetype's parts"),
        "{}",
        run.stderr
    );
    scratch.write(
        &format!("{base}/archetype.yaml"),
        &format!("{DEMO_ARCHETYPE_YAML}exclude: [/SKILL.md]\n"),
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);
    assert_eq!(
        run.stdout.matches("hello-world/SKILL.md").count(),
        1,
        "{}",
        run.stdout
    );
}

#[test]
fn a_target_must_be_a_name_or_read_as_a_path_and_never_lands_in_the_doctrine() {
    let scratch = Scratch::with_demo();
    let before = snapshot_tree(&scratch.root());

    let typo = scratch.renkei(&["assemble", "--push", "--target", "claud"]);
    assert_eq!(typo.code, 2, "{}", typo.stdout);
    assert!(
        typo.stderr.contains("target `claud`") && typo.stderr.contains("did you mean `claude`?"),
        "{}",
        typo.stderr
    );

    let archetypes = scratch.root().join("framework/archetypes");
    let inside = renkei_in(
        &archetypes,
        &["assemble", "--push", "--target", "rel/skills"],
    )
    .env("HOME", scratch.home())
    .run();
    assert_eq!(inside.code, 2, "{}", inside.stdout);
    assert!(
        inside.stderr.contains("inside the archetypes folder"),
        "{}",
        inside.stderr
    );

    // A built-in target whose folder lands there is refused alike.
    let archetypes_before = crate::support::snapshot_tree(&archetypes);
    for (variable, target) in [
        ("CLAUDE_CONFIG_DIR", "claude"),
        ("XDG_CONFIG_HOME", "opencode"),
    ] {
        let built_in = renkei_in(&archetypes, &["assemble", "--push", "--target", target])
            .env("HOME", scratch.home())
            .env(variable, "rel")
            .run();
        assert_eq!(built_in.code, 2, "{target}: {}", built_in.stdout);
        assert!(
            built_in.stderr.contains(&format!("target `{target}`"))
                && built_in.stderr.contains("inside the archetypes folder"),
            "{}",
            built_in.stderr
        );
    }
    assert_eq!(
        crate::support::snapshot_tree(&archetypes),
        archetypes_before
    );

    scratch.write("root/a-file", "not a folder\n");
    let file = scratch.renkei(&["assemble", "--push", "--target", "./a-file"]);
    assert_eq!(file.code, 2, "{}", file.stdout);
    assert!(
        file.stderr.contains("is a file, not a folder"),
        "{}",
        file.stderr
    );

    let under_file = scratch.renkei(&["assemble", "--push", "--target", "./a-file/sub"]);
    assert_eq!(under_file.code, 2, "{}", under_file.stdout);
    assert!(
        under_file.stderr.contains("target `./a-file/sub`")
            && under_file.stderr.contains("is a file, so"),
        "{}",
        under_file.stderr
    );
    let climbing = scratch.renkei(&[
        "assemble",
        "--push",
        "--target",
        "./newdir/../framework/archetypes/demo/skills",
    ]);
    assert_eq!(climbing.code, 2, "{}", climbing.stdout);
    assert!(
        climbing.stderr.contains("inside the archetypes folder"),
        "{}",
        climbing.stderr
    );
    let user_home = scratch.renkei(&["assemble", "--push", "--target", "~root/skills"]);
    assert_eq!(user_home.code, 2, "{}", user_home.stdout);
    assert!(
        user_home.stderr.contains("only `~` and `~/...`"),
        "{}",
        user_home.stderr
    );
    std::os::unix::fs::symlink(
        scratch.root().join("nowhere"),
        scratch.root().join("dangling"),
    )
    .unwrap();
    let dangling = scratch.renkei(&["assemble", "--push", "--target", "./dangling"]);
    assert_eq!(dangling.code, 2, "{}", dangling.stdout);
    assert!(
        dangling.stderr.contains("is a link to nothing"),
        "{}",
        dangling.stderr
    );
    std::fs::remove_file(scratch.root().join("dangling")).unwrap();

    let mut expected = before;
    expected.insert(
        std::path::PathBuf::from("a-file"),
        b"not a folder\n".to_vec(),
    );
    assert_eq!(
        snapshot_tree(&scratch.root()),
        expected,
        "nothing else was written"
    );

    // A relative path is taken from the current folder, `~` is the home folder.
    scratch
        .renkei(&["assemble", "--push", "--target", "./out"])
        .expect_code(0);
    assert!(scratch.root().join("out/hello-world/SKILL.md").is_file());
    scratch
        .renkei(&["assemble", "--push", "--target", "~/mine"])
        .expect_code(0);
    assert!(scratch.home().join("mine/hello-world/SKILL.md").is_file());
}

#[test]
fn assemble_speaks_json_per_file_and_quiet_leaves_unchanged_files_out() {
    let scratch = Scratch::with_demo();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut full = vec!["assemble", "--format", "json", "--target", "project"];
        full.extend_from_slice(args);
        let run = scratch.renkei(&full);
        serde_json::from_str(&run.stdout).unwrap_or_else(|_| panic!("{}", run.stdout))
    };
    let planned = json(&["--dry-run"]);
    assert_eq!(planned["mode"], "dry-run");
    let files = planned["targets"][0]["files"].as_array().unwrap();
    assert!(!files.is_empty());
    assert!(
        files
            .iter()
            .all(|file| file["status"] == "new" && file["mode"] == "0644")
    );
    assert!(
        files
            .iter()
            .any(|file| file["path"] == "hello-world/SKILL.md")
    );

    json(&["--push"]);
    let again = json(&["--dry-run"]);
    let files = again["targets"][0]["files"].as_array().unwrap();
    assert!(
        files.iter().all(|file| file["status"] == "unchanged"),
        "{again}"
    );

    let quiet = scratch
        .renkei(&["assemble", "--dry-run", "--quiet", "--target", "project"])
        .expect_code(0);
    assert!(!quiet.stdout.contains("  unchanged"), "{}", quiet.stdout);
    assert!(
        quiet.stdout.contains(" unchanged; dry run"),
        "{}",
        quiet.stdout
    );

    std::fs::write(
        scratch.root().join(".claude/skills/hello-world/SKILL.md"),
        "my tweak\n",
    )
    .unwrap();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/doctrine/process.md",
        "# Process\n\nChanged.\n",
    );
    let refused = json(&["--push"]);
    assert_eq!(refused["targets"][0]["refused"], true, "{refused}");
    assert_eq!(
        refused["targets"][0]["files"][0]["ownership"],
        "edited since renkei wrote it"
    );
}
