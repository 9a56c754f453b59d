//! `renkei assemble --push`: where skills go and what push never overwrites or deletes.

use std::fs;

use crate::support::{DEMO_ARCHETYPE_YAML, Scratch, snapshot_tree};

#[test]
fn push_installs_into_the_home_of_each_builtin_target() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&[
            "assemble", "--push", "--target", "claude", "--target", "opencode", "--target",
            "agents",
        ])
        .expect_code(0);
    for dir in [
        ".claude/skills",
        ".config/opencode/skills",
        ".agents/skills",
    ] {
        let skill = scratch.home().join(dir).join("hello-world/SKILL.md");
        assert!(skill.is_file(), "{} missing", skill.display());
        assert!(scratch.home().join(dir).join(".renkei-manifest").is_file());
    }
}

#[test]
fn config_dir_variables_override_home() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei_command(&[
            "assemble", "--push", "--target", "claude", "--target", "opencode",
        ])
        .env("CLAUDE_CONFIG_DIR", scratch.path("claude-config"))
        .env("XDG_CONFIG_HOME", scratch.path("xdg"))
        .run()
        .expect_code(0);
    assert!(
        scratch
            .path("claude-config/skills/hello-world/SKILL.md")
            .is_file()
    );
    assert!(
        scratch
            .path("xdg/opencode/skills/hello-world/SKILL.md")
            .is_file()
    );
    assert!(!scratch.home().join(".claude").exists());
}

#[test]
fn default_target_is_claude() {
    let scratch = Scratch::with_demo();
    scratch.renkei(&["assemble", "--push"]).expect_code(0);
    assert!(
        scratch
            .home()
            .join(".claude/skills/hello-world/SKILL.md")
            .is_file()
    );
}

#[test]
fn archetype_targets_limit_builtin_targets_only() {
    let scratch = Scratch::new();
    scratch.add_archetype(
        "demo",
        "hello-world",
        &format!("{DEMO_ARCHETYPE_YAML}targets: [opencode]\n"),
    );
    scratch
        .renkei(&[
            "assemble", "--push", "--target", "claude", "--target", "opencode",
        ])
        .expect_code(0);
    assert!(!scratch.home().join(".claude/skills/hello-world").exists());
    assert!(
        scratch
            .home()
            .join(".config/opencode/skills/hello-world/SKILL.md")
            .is_file()
    );
    scratch
        .renkei(&[
            "assemble",
            "--push",
            "--target",
            scratch.path("any").to_str().unwrap(),
        ])
        .expect_code(0);
    assert!(scratch.path("any/hello-world/SKILL.md").is_file());
}

#[test]
fn push_refuses_a_hand_edited_file_and_writes_nothing() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let installed = scratch.root().join(".claude/skills/hello-world/SKILL.md");
    fs::write(&installed, "my local tweaks\n").unwrap();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/references/template.md",
        "# Report\n\nNew.\n",
    );
    let before = snapshot_tree(&scratch.root().join(".claude/skills"));

    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(1);

    assert!(
        run.stdout
            .contains("conflict   hello-world/SKILL.md (edited since renkei wrote it)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("push refused, nothing written"),
        "{}",
        run.stdout
    );
    let after = snapshot_tree(&scratch.root().join(".claude/skills"));
    assert_eq!(after, before, "a refused push changed the target");
    assert_eq!(fs::read_to_string(&installed).unwrap(), "my local tweaks\n");
}

#[test]
fn push_refuses_a_file_renkei_did_not_write() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/.claude/skills/hello-world/SKILL.md",
        "someone else's skill\n",
    );
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(1);
    assert!(
        run.stdout.contains("(not written by renkei)"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read_to_string(scratch.root().join(".claude/skills/hello-world/SKILL.md")).unwrap(),
        "someone else's skill\n"
    );
    assert!(
        !scratch
            .root()
            .join(".claude/skills/hello-world/references")
            .exists()
    );
}

#[test]
fn force_overwrites_and_takes_ownership() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/.claude/skills/hello-world/SKILL.md",
        "someone else's skill\n",
    );
    let run = scratch
        .renkei(&["assemble", "--push", "--force", "--target", "project"])
        .expect_code(0);
    assert!(
        run.stdout
            .contains("overwrite  hello-world/SKILL.md (not written by renkei)"),
        "{}",
        run.stdout
    );
    let skill =
        fs::read_to_string(scratch.root().join(".claude/skills/hello-world/SKILL.md")).unwrap();
    assert!(skill.starts_with("---\nname: hello-world\n"));
    scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(0);
}

#[test]
fn prune_removes_only_files_renkei_owns() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "second-skill", DEMO_ARCHETYPE_YAML);
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skills = scratch.root().join(".claude/skills");
    fs::write(skills.join("second-skill/notes.md"), "mine\n").unwrap();
    fs::write(skills.join("unrelated.md"), "mine too\n").unwrap();
    fs::remove_dir_all(scratch.root().join("framework/archetypes/other")).unwrap();

    let orphan = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    assert!(
        orphan
            .stdout
            .contains("orphan     second-skill/SKILL.md (no longer produced; --prune removes it)"),
        "{}",
        orphan.stdout
    );
    assert!(
        skills.join("second-skill/SKILL.md").is_file(),
        "removed without --prune"
    );

    let pruned = scratch
        .renkei(&["assemble", "--push", "--prune", "--target", "project"])
        .expect_code(0);
    assert!(
        pruned.stdout.contains("prune      second-skill/SKILL.md"),
        "{}",
        pruned.stdout
    );
    assert!(!skills.join("second-skill/SKILL.md").exists());
    assert!(
        !skills.join("second-skill/references").exists(),
        "empty folder left behind"
    );
    assert_eq!(
        fs::read_to_string(skills.join("second-skill/notes.md")).unwrap(),
        "mine\n"
    );
    assert_eq!(
        fs::read_to_string(skills.join("unrelated.md")).unwrap(),
        "mine too\n"
    );
    assert!(skills.join("hello-world/SKILL.md").is_file());
    let manifest = fs::read_to_string(skills.join(".renkei-manifest")).unwrap();
    assert!(!manifest.contains("second-skill"), "{manifest}");
}

#[test]
fn prune_keeps_owned_files_edited_since_they_were_written() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "second-skill", DEMO_ARCHETYPE_YAML);
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let edited = scratch.root().join(".claude/skills/second-skill/SKILL.md");
    fs::write(&edited, "edited by hand\n").unwrap();
    fs::remove_dir_all(scratch.root().join("framework/archetypes/other")).unwrap();
    let run = scratch
        .renkei(&["assemble", "--push", "--prune", "--target", "project"])
        .expect_code(0);
    assert!(run.stdout.contains("orphan     second-skill/SKILL.md (no longer produced, edited since renkei wrote it; kept)"), "{}", run.stdout);
    assert_eq!(fs::read_to_string(&edited).unwrap(), "edited by hand\n");
}

#[test]
fn only_never_prunes_other_skills() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("other", "second-skill", DEMO_ARCHETYPE_YAML);
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    scratch
        .renkei(&[
            "assemble",
            "--push",
            "--prune",
            "--only",
            "hello-world",
            "--target",
            "project",
        ])
        .expect_code(0);
    assert!(
        scratch
            .root()
            .join(".claude/skills/second-skill/SKILL.md")
            .is_file()
    );
}

#[test]
fn a_corrupt_manifest_is_an_error_not_an_empty_manifest() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skills = scratch.root().join(".claude/skills");
    fs::write(
        skills.join(".renkei-manifest"),
        format!("{} ../../etc/passwd\n", "0".repeat(64)),
    )
    .unwrap();
    let before = snapshot_tree(&skills);
    let run = scratch
        .renkei(&["assemble", "--push", "--prune", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains(".renkei-manifest:1: corrupt renkei manifest: skill folder `..`"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot_tree(&skills), before);
}

#[cfg(unix)]
#[test]
fn push_does_not_write_through_a_symlinked_skill_folder() {
    let scratch = Scratch::with_demo();
    fs::create_dir_all(scratch.path("elsewhere")).unwrap();
    fs::create_dir_all(scratch.root().join(".claude/skills")).unwrap();
    std::os::unix::fs::symlink(
        scratch.path("elsewhere"),
        scratch.root().join(".claude/skills/hello-world"),
    )
    .unwrap();
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("is a symbolic link; renkei does not write through links"),
        "{}",
        run.stderr
    );
    assert!(snapshot_tree(&scratch.path("elsewhere")).is_empty());
}

#[test]
fn a_second_push_is_a_no_op() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let before = snapshot_tree(&scratch.root().join(".claude/skills"));
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    assert!(run.stdout.contains("2 unchanged; pushed"), "{}", run.stdout);
    assert_eq!(
        snapshot_tree(&scratch.root().join(".claude/skills")),
        before
    );
}
