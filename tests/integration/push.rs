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
        run.stdout.contains("push refused, nothing written")
            && run
                .stdout
                .contains("help: an edited file: move the edit into the doctrine sources"),
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
    // Nobody's edits to move: the file is someone else's.
    assert!(
        run.stdout
            .contains("help: a file renkei did not write: move it away")
            && !run.stdout.contains("doctrine sources"),
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

/// Sets the mode bits of the file at `path`.
#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_whole_archetype_folder_ships_with_its_modes() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    scratch.write(&format!("{base}/scripts/run.sh"), "#!/bin/sh\necho hi\n");
    chmod(&scratch.path(&format!("{base}/scripts/run.sh")), 0o775);
    scratch.write(
        &format!("{base}/FORMS.md"),
        "# Forms\n\nSee [the process](doctrine/process.md).\n",
    );
    scratch.write(&format!("{base}/examples/deep/one.txt"), "example\r\n");
    scratch.write(&format!("{base}/contract.yaml"), "checks: []\n");
    scratch.write(&format!("{base}/drafts/idea.md"), "# Idea\n");
    let logo = [0x89, b'P', b'N', b'G', 0, 1, 2, b'\r', b'\n', 255];
    let logo_path = scratch.path(&format!("{base}/assets/logo.png"));
    fs::create_dir_all(logo_path.parent().unwrap()).unwrap();
    fs::write(&logo_path, logo).unwrap();
    scratch.write(
        &format!("{base}/archetype.yaml"),
        &format!("{DEMO_ARCHETYPE_YAML}exclude: [drafts/]\n"),
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skill = scratch.root().join(".claude/skills/hello-world");
    let mut shipped: Vec<String> = walkdir::WalkDir::new(&skill)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(&skill).unwrap();
            format!("{} {:o}", relative.display(), mode_of(entry.path()))
        })
        .collect();
    shipped.sort();
    assert_eq!(
        shipped,
        [
            "FORMS.md 644",
            "SKILL.md 644",
            "assets/logo.png 644",
            "examples/deep/one.txt 644",
            "references/template.md 644",
            "scripts/run.sh 755",
        ]
    );
    assert_eq!(fs::read(skill.join("assets/logo.png")).unwrap(), logo);
    assert_eq!(
        fs::read(skill.join("examples/deep/one.txt")).unwrap(),
        b"example\r\n",
        "a file that is not Markdown ships byte for byte"
    );
    let forms = fs::read_to_string(skill.join("FORMS.md")).unwrap();
    assert!(forms.contains("[the process](SKILL.md#process)"), "{forms}");
    let skill_md = fs::read_to_string(skill.join("SKILL.md")).unwrap();
    assert!(
        skill_md.contains("for the doctrine's tools to use; they are not for reading:\n\n- [assets/logo.png](assets/logo.png)"),
        "{skill_md}"
    );
    let manifest =
        fs::read_to_string(scratch.root().join(".claude/skills/.renkei-manifest")).unwrap();
    assert!(manifest.starts_with("# renkei manifest v2"), "{manifest}");
    assert!(
        manifest
            .lines()
            .any(|line| line.ends_with(" 0755 hello-world/scripts/run.sh")),
        "{manifest}"
    );
    assert!(
        manifest
            .lines()
            .any(|line| line.ends_with(" 0644 hello-world/SKILL.md")),
        "{manifest}"
    );
}

#[cfg(unix)]
#[test]
fn check_and_dry_run_see_a_mode_change_and_push_sets_it_back() {
    let scratch = Scratch::with_demo();
    let script = scratch.path("root/framework/archetypes/demo/hello-world/scripts/run.sh");
    scratch.write(
        "root/framework/archetypes/demo/hello-world/scripts/run.sh",
        "#!/bin/sh\n",
    );
    chmod(&script, 0o755);
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(0);
    let installed = scratch
        .root()
        .join(".claude/skills/hello-world/scripts/run.sh");

    // Someone takes the bit away in the target: the target is stale, and the content is
    // still renkei's, so a push sets the bit back.
    chmod(&installed, 0o644);
    let stale = scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(1);
    assert!(
        stale
            .stdout
            .contains("changed    hello-world/scripts/run.sh (mode 0644 -> 0755)"),
        "{}",
        stale.stdout
    );
    let dry = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(0);
    assert!(
        dry.stdout
            .contains("changed    hello-world/scripts/run.sh (mode 0644 -> 0755)\n"),
        "{}",
        dry.stdout
    );
    assert!(
        !dry.stdout.contains("@@"),
        "no content diff for a mode change: {}",
        dry.stdout
    );
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    assert_eq!(mode_of(&installed), 0o755);

    // The source loses its bit: the installed script follows.
    chmod(&script, 0o644);
    scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(1);
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    assert_eq!(mode_of(&installed), 0o644);
}

#[test]
fn a_manifest_written_before_modes_were_recorded_still_owns_its_files() {
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let skills = scratch.root().join(".claude/skills");
    let manifest = fs::read_to_string(skills.join(".renkei-manifest")).unwrap();
    // The same files, as the first manifest format wrote them: `<sha256> <path>`.
    let v1: String = manifest
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let mut fields = line.splitn(3, ' ');
            let (hash, _mode, path) = (
                fields.next().unwrap(),
                fields.next(),
                fields.next().unwrap(),
            );
            format!("{hash} {path}\n")
        })
        .collect();
    fs::write(
        skills.join(".renkei-manifest"),
        format!("# renkei manifest v1: an older install.\n{v1}"),
    )
    .unwrap();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\n\n- Changed.\n",
    );
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    assert!(
        run.stdout.contains("changed    hello-world/SKILL.md"),
        "{}",
        run.stdout
    );
    let manifest = fs::read_to_string(skills.join(".renkei-manifest")).unwrap();
    assert!(manifest.starts_with("# renkei manifest v2"), "{manifest}");
}

#[test]
fn client_keys_go_only_to_that_clients_targets() {
    let scratch = Scratch::new();
    scratch.add_archetype(
        "demo",
        "hello-world",
        &format!(
            "{DEMO_ARCHETYPE_YAML}claude:\n  model: haiku\n  disable-model-invocation: true\n  argument-hint: \"[file]\"\n  paths: [\"src/**\", docs/*.md]\n"
        ),
    );
    scratch
        .renkei(&[
            "assemble",
            "--push",
            "--target",
            "project",
            "--target",
            "agents-project",
            "--target",
            "opencode-project",
        ])
        .expect_code(0);
    let front_matter = |folder: &str| {
        let text =
            fs::read_to_string(scratch.root().join(folder).join("hello-world/SKILL.md")).unwrap();
        text.split("\n---\n").next().unwrap().to_string()
    };
    let claude = front_matter(".claude/skills");
    assert!(
        claude.ends_with(
            "model: haiku\ndisable-model-invocation: true\nargument-hint: \"[file]\"\npaths:\n  - src/**\n  - docs/*.md"
        ),
        "{claude}"
    );
    for folder in [".agents/skills", ".opencode/skills"] {
        let spec_only = front_matter(folder);
        assert!(!spec_only.contains("model:"), "{folder}: {spec_only}");
        assert!(claude.starts_with(&spec_only), "{folder}: {spec_only}");
    }
    scratch
        .renkei(&[
            "assemble",
            "--check",
            "--target",
            "project",
            "--target",
            "agents-project",
        ])
        .expect_code(0);
}

#[test]
fn a_client_key_renkei_does_not_know_or_of_the_wrong_shape_is_refused_where_it_is() {
    let scratch = Scratch::new();
    scratch.add_archetype(
        "demo",
        "hello-world",
        &format!("{DEMO_ARCHETYPE_YAML}claude:\n  modle: haiku\n"),
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains("archetype.yaml:9:3: field `claude`: `modle` is not a key renkei writes for this client; expected one of agent, argument-hint,"),
        "{}",
        run.stderr
    );
    scratch.add_archetype(
        "demo",
        "hello-world",
        &format!("{DEMO_ARCHETYPE_YAML}claude:\n  user-invocable: \"no\"\n"),
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("archetype.yaml:9:3: field `claude`: `user-invocable` takes true or false"),
        "{}",
        run.stderr
    );
    // A value no client key takes is refused at its key, which the message names.
    scratch.add_archetype(
        "demo",
        "hello-world",
        &format!("{DEMO_ARCHETYPE_YAML}claude:\n  model: 1\n"),
    );
    let run = scratch
        .renkei(&["assemble", "--dry-run", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr
            .contains("archetype.yaml:9:3: field `claude`: `model`: invalid type: integer `1`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_that_becomes_a_folder_is_refused_before_any_write_and_pushed_with_prune() {
    let scratch = Scratch::with_demo();
    let base = "root/framework/archetypes/demo/hello-world";
    scratch.write(&format!("{base}/tools"), "one file\n");
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    fs::remove_file(scratch.path(&format!("{base}/tools"))).unwrap();
    scratch.write(&format!("{base}/tools/run.sh"), "#!/bin/sh\n");
    let skills = scratch.root().join(".claude/skills");
    let before = snapshot_tree(&skills);
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains("hello-world/tools (a file in the target where hello-world/tools/run.sh needs a folder; --prune removes it)"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot_tree(&skills), before, "nothing is written");
    scratch
        .renkei(&["assemble", "--push", "--prune", "--target", "project"])
        .expect_code(0);
    assert!(skills.join("hello-world/tools/run.sh").is_file());
    scratch
        .renkei(&["assemble", "--check", "--target", "project"])
        .expect_code(0);
}

#[test]
fn a_skill_md_folder_in_the_archetype_is_refused_before_any_write() {
    let scratch = Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/SKILL.md/notes.md",
        "# Notes\n",
    );
    let run = scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(2);
    assert!(
        run.stderr.contains("renkei writes SKILL.md"),
        "{}",
        run.stderr
    );
    assert!(!scratch.root().join(".claude").exists());
}
