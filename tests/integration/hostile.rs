//! Hostile input: every reader of renkei gets input built to hang it, exhaust its memory
//! or send it outside its folders. Each must end quickly with a clear error (file and line
//! where there is one), exit 2, and write nothing. The small inputs live in `tests/hostile/`;
//! the large ones are made here.

use std::fs;
use std::time::{Duration, Instant};

use crate::support::{DEMO_ARCHETYPE_YAML, Run, Scratch, repo_root, snapshot_tree};

const ARCHETYPE: &str = "root/framework/archetypes/demo/hello-world";

/// Runs `renkei ARGS`, expecting exit 2 within `limit`, stderr or stdout containing
/// `expected`, and nothing written anywhere in the scratch folder.
fn refused(scratch: &Scratch, args: &[&str], expected: &str) -> Run {
    let before = snapshot_tree(&scratch.path("root/.claude"));
    let started = Instant::now();
    let run = scratch.renkei(args).expect_code(2);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(30),
        "{args:?} took {elapsed:?}"
    );
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains(expected),
        "{args:?}: expected {expected:?} in:\n{said}"
    );
    assert_eq!(
        snapshot_tree(&scratch.path("root/.claude")),
        before,
        "{args:?} wrote files"
    );
    run
}

fn hostile(name: &str) -> String {
    fs::read_to_string(repo_root().join("tests/hostile").join(name)).unwrap()
}

#[test]
fn markdown_nested_100_000_levels_is_refused_quickly() {
    for (shape, text) in [
        ("quotes", format!("{} intake\n", ">".repeat(100_000))),
        ("lists", format!("{}intake\n", "- ".repeat(100_000))),
        ("mixed", format!("{}intake\n", "> 1. ".repeat(50_000))),
    ] {
        let scratch = Scratch::with_demo();
        scratch.write(&format!("{ARCHETYPE}/doctrine/deep.md"), &text);
        let nested = "past the limit of 64";
        refused(
            &scratch,
            &["assemble", "--push", "--target", "project"],
            nested,
        );
        refused(&scratch, &["lint"], nested);
        refused(&scratch, &["check"], "doctrine/deep.md:1:1:");
        eprintln!("{shape}: refused");
    }
}

#[test]
fn a_1_gb_sparse_file_is_refused_without_being_read() {
    let scratch = Scratch::with_demo();
    let huge = fs::File::create(scratch.path(&format!("{ARCHETYPE}/doctrine/huge.md"))).unwrap();
    huge.set_len(1 << 30).unwrap();
    let limit = "larger than the 16777216-byte limit";
    refused(
        &scratch,
        &["assemble", "--push", "--target", "project"],
        limit,
    );
    refused(&scratch, &["lint"], limit);
    refused(&scratch, &["check"], limit);
}

#[test]
fn alias_bombs_and_deep_nesting_are_refused_in_every_yaml_file() {
    for input in ["alias-bomb.yaml", "deep-nesting.yaml"] {
        let yaml = hostile(input);

        let scratch = Scratch::new();
        scratch.add_archetype(
            "demo",
            "hello-world",
            &format!("{DEMO_ARCHETYPE_YAML}{yaml}"),
        );
        refused(
            &scratch,
            &["assemble", "--push", "--target", "project"],
            "archetype.yaml:",
        );

        let scratch = Scratch::with_demo();
        scratch.write("root/renkei.yaml", &yaml);
        refused(&scratch, &["lint"], "renkei.yaml:");
        refused(&scratch, &["check"], "renkei.yaml:");

        let scratch = Scratch::with_demo();
        scratch.write(&format!("{ARCHETYPE}/contract.yaml"), &yaml);
        refused(&scratch, &["check"], "contract.yaml:");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_root_are_not_followed_and_loops_end() {
    let scratch = Scratch::with_demo();
    scratch.write("outside/secret.md", "# Secret\n\nintake\n");
    let link = scratch.path(&format!("{ARCHETYPE}/ethos/secret.md"));
    std::os::unix::fs::symlink(scratch.path("outside/secret.md"), &link).unwrap();
    refused(
        &scratch,
        &["assemble", "--push", "--target", "project"],
        "leads outside the root",
    );
    let lint = refused(
        &scratch,
        &["lint", "--format", "github"],
        "symbolic link leads outside the root",
    );
    assert!(
        !lint.stdout.contains("vocabulary/intake"),
        "the outside file was read:\n{}",
        lint.stdout
    );
    fs::remove_file(&link).unwrap();

    let doctrine = scratch.path(&format!("{ARCHETYPE}/doctrine"));
    std::os::unix::fs::symlink("loop-b.md", doctrine.join("loop-a.md")).unwrap();
    std::os::unix::fs::symlink("loop-a.md", doctrine.join("loop-b.md")).unwrap();
    refused(
        &scratch,
        &["assemble", "--push", "--target", "project"],
        "loop-a.md",
    );
    refused(&scratch, &["lint"], "loop-a.md");

    let inside = Scratch::with_demo();
    inside.write(&format!("{ARCHETYPE}/notes.md"), "# Notes\n\nintake\n");
    std::os::unix::fs::symlink(
        "../notes.md",
        inside.path(&format!("{ARCHETYPE}/truth/notes.md")),
    )
    .unwrap_or_else(|_| {
        fs::create_dir_all(inside.path(&format!("{ARCHETYPE}/truth"))).unwrap();
        std::os::unix::fs::symlink(
            "../notes.md",
            inside.path(&format!("{ARCHETYPE}/truth/notes.md")),
        )
        .unwrap();
    });
    let run = inside
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("truth/notes.md,line=3"),
        "a link inside the root is followed:\n{}",
        run.stdout
    );
}

#[test]
fn templates_that_fail_loop_or_name_missing_variables_are_refused_with_their_line() {
    for (template, expected) in [
        (
            "# {{ title }}\n\n{{ missing }}\n",
            "templates/skill.md.tera:3:4: template error: Variable `missing` is not defined",
        ),
        (
            "# {{ title }}\n{% if %}\n",
            "templates/skill.md.tera:2:7: template error:",
        ),
        (
            "{% for part in parts %}{{ part.content | nosuchfilter }}{% endfor %}\n",
            "templates/skill.md.tera:1:",
        ),
    ] {
        let scratch = Scratch::with_demo();
        scratch.write("root/templates/skill.md.tera", template);
        refused(
            &scratch,
            &["assemble", "--push", "--target", "project"],
            expected,
        );
    }

    let scratch = Scratch::with_demo();
    scratch.write(
        "root/templates/skill.md.tera",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    );
    let started = Instant::now();
    let run = scratch
        .renkei_command(&["assemble", "--push", "--target", "project"])
        .env("RENKEI_RENDER_TIMEOUT_SECS", "2")
        .run()
        .expect_code(2);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(run.stderr.contains("rendering did not finish within 2 s"));
    assert!(
        !scratch.root().join(".claude").exists(),
        "a looping template wrote files"
    );
}
