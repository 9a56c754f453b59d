//! Hostile input: every reader of renkei gets input built to hang it, exhaust its memory
//! or send it outside its folders. Each must end quickly with a clear error (file and line
//! where there is one), exit 2, and write nothing. The small inputs live in `tests/hostile/`;
//! the large ones are made here.

use std::fs;
use std::time::{Duration, Instant};

use crate::support::{DEMO_ARCHETYPE_YAML, Run, Scratch, repo_root, snapshot_tree};

const ARCHETYPE: &str = "root/framework/archetypes/demo/hello-world";

/// How long a refusal may take before the test calls it a hang.
const HANG: Duration = Duration::from_secs(30);

/// Runs `renkei ARGS`, expecting exit 2 within [`HANG`], stderr or stdout containing
/// `expected`, and nothing written anywhere in the scratch folder. Returns the run and its
/// peak resident set size in KiB.
fn refused(scratch: &Scratch, args: &[&str], expected: &str) -> (Run, u64) {
    let before = snapshot_tree(&scratch.path("root/.claude"));
    let (run, peak_kib) = scratch.renkei_command(args).run_watched(HANG);
    let run = run.expect_code(2);
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
    (run, peak_kib)
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
        refused(
            &scratch,
            &["check"],
            "error[load/failed]: line 1: Markdown nested",
        );
        eprintln!("{shape}: refused");
    }
}

#[test]
fn a_1_gb_sparse_file_is_refused_without_being_read() {
    let scratch = Scratch::with_demo();
    let huge = fs::File::create(scratch.path(&format!("{ARCHETYPE}/doctrine/huge.md"))).unwrap();
    huge.set_len(1 << 30).unwrap();
    let limit = "larger than the 16777216-byte limit";
    for args in [
        &["assemble", "--push", "--target", "project"][..],
        &["assemble", "--dry-run", "--target", "project"],
        &["lint"],
        &["lint", "--format", "json"],
        &[
            "lint",
            "framework/archetypes/demo/hello-world/doctrine/huge.md",
        ],
        &["check"],
        &["check", "--format", "sarif"],
    ] {
        let (_, peak_kib) = refused(&scratch, args, limit);
        assert!(
            peak_kib < 100 * 1024,
            "{args:?} peaked at {peak_kib} KiB reading a file it refuses"
        );
    }
}

/// A FIFO, a socket and a link to a device, each named like doctrine: reading any of them
/// could block forever or never end. Every command names the file and what it is.
#[cfg(unix)]
#[test]
fn special_files_named_like_doctrine_are_refused_by_name_without_hanging() {
    use std::os::unix::fs::symlink;
    let doctrine = format!("{ARCHETYPE}/doctrine");
    let make_fifo = |path: &std::path::Path| {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo {path:?}");
    };
    type Make = Box<dyn Fn(&std::path::Path)>;
    let cases: [(&str, &str, Make); 3] = [
        ("fifo.md", "a FIFO, not a regular file", Box::new(make_fifo)),
        (
            "socket.md",
            "a socket, not a regular file",
            Box::new(|path: &std::path::Path| {
                // The listener is dropped, the socket file stays.
                std::os::unix::net::UnixListener::bind(path).unwrap();
            }),
        ),
        (
            "zero.md",
            "a character device, not a regular file",
            Box::new(|path: &std::path::Path| symlink("/dev/zero", path).unwrap()),
        ),
    ];
    for (name, kind, make) in cases {
        let scratch = Scratch::with_demo();
        let path = scratch.path(&format!("{doctrine}/{name}"));
        make(&path);
        let given = format!("framework/archetypes/demo/hello-world/doctrine/{name}");
        // Named as a path, every kind is opened by the reader and refused for what it is.
        let (run, _) = refused(&scratch, &["lint", &given], kind);
        assert!(run.stdout.contains(&given), "{}", run.stdout);
        // Found by a walk: a link to a device leads out of the root, and is refused first.
        let walked = if name == "zero.md" {
            "symbolic link leads outside the root"
        } else {
            kind
        };
        refused(&scratch, &["lint"], walked);
        refused(&scratch, &["check"], walked);
        for assemble in ["--dry-run", "--check", "--push"] {
            refused(
                &scratch,
                &["assemble", assemble, "--target", "project"],
                &format!("doctrine/{name}"),
            );
        }
    }

    // Special files where renkei reads something other than doctrine.
    let scratch = Scratch::with_demo();
    make_fifo(&scratch.path("root/renkei.yaml"));
    refused(
        &scratch,
        &["lint"],
        "renkei.yaml: cannot read configuration",
    );
    refused(&scratch, &["check"], "a FIFO, not a regular file");
    let scratch = Scratch::with_demo();
    fs::create_dir_all(scratch.path("root/templates")).unwrap();
    make_fifo(&scratch.path("root/templates/skill.md.tera"));
    refused(
        &scratch,
        &["assemble", "--dry-run", "--target", "project"],
        "skill.md.tera: a FIFO",
    );
    let scratch = Scratch::new();
    let report = scratch.path("report.md");
    make_fifo(&report);
    let (run, _) =
        crate::support::renkei_at(&repo_root(), &["report", "check", report.to_str().unwrap()])
            .run_watched(HANG);
    let run = run.expect_code(2);
    assert!(run.stderr.contains("report.md: a FIFO"), "{}", run.stderr);
    let scratch = Scratch::with_demo();
    scratch
        .renkei(&["assemble", "--push", "--target", "project"])
        .expect_code(0);
    let installed = scratch.path("root/.claude/skills/hello-world/SKILL.md");
    fs::remove_file(&installed).unwrap();
    make_fifo(&installed);
    let (run, _) = scratch
        .renkei_command(&["assemble", "--check", "--target", "project"])
        .run_watched(HANG);
    let run = run.expect_code(2);
    assert!(run.stderr.contains("SKILL.md: a FIFO"), "{}", run.stderr);
}

/// A file renkei may not read, and a file whose name is not UTF-8: each is named, exit 2,
/// and the other files are still processed.
#[cfg(unix)]
#[test]
fn unreadable_files_and_non_utf8_names_are_named_and_the_rest_still_checked() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let doctrine = format!("{ARCHETYPE}/doctrine");

    let scratch = Scratch::with_demo();
    scratch.write(&format!("{doctrine}/locked.md"), "# Locked\n");
    scratch.write(&format!("{doctrine}/zz-banned.md"), "# Later\n\nintake\n");
    let locked = scratch.path(&format!("{doctrine}/locked.md"));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let (run, _) = unprivileged(&scratch, &["lint", "--format", "github"]).run_watched(HANG);
    let run = run.expect_code(2);
    assert!(
        run.stdout.contains("doctrine/locked.md,")
            && run.stdout.contains("cannot read: Permission denied"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("zz-banned.md,line=3"),
        "the other files were not linted:\n{}",
        run.stdout
    );
    let (run, _) = unprivileged(&scratch, &["check", "--format", "github"]).run_watched(HANG);
    let run = run.expect_code(2);
    assert!(
        run.stdout.contains("doctrine/locked.md,line=1,col=1,")
            && run.stdout.contains("title=load/failed::Permission denied"),
        "{}",
        run.stdout
    );

    let scratch = Scratch::with_demo();
    scratch.write(&format!("{doctrine}/zz-banned.md"), "# Later\n\nintake\n");
    let name = std::ffi::OsStr::from_bytes(b"bad-\xff-name.md");
    fs::write(
        scratch.path(&doctrine).join(name),
        "# Named badly\n\nintake\n",
    )
    .unwrap();
    let (run, _) = refused(
        &scratch,
        &["lint", "--format", "github"],
        "file name is not valid UTF-8",
    );
    assert!(run.stdout.contains("zz-banned.md,line=3"), "{}", run.stdout);
    refused(&scratch, &["check"], "file name is not valid UTF-8");
    refused(
        &scratch,
        &["assemble", "--dry-run", "--target", "project"],
        "file name is not valid UTF-8",
    );
}

/// `renkei ARGS` as an unprivileged user: as root (as CI runs), permissions do not stop
/// reads, so the run drops to `nobody` with `setpriv`, and the scratch folder is opened to
/// it.
#[cfg(unix)]
fn unprivileged(scratch: &Scratch, args: &[&str]) -> crate::support::Renkei {
    use std::os::unix::fs::PermissionsExt;
    let root_user = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"));
    if !root_user {
        return scratch.renkei_command(args);
    }
    for entry in walkdir::WalkDir::new(scratch.path("")) {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode();
        if mode & 0o777 != 0 {
            let open = if entry.file_type().is_dir() {
                0o755
            } else {
                0o644
            };
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(open)).unwrap();
        }
    }
    let mut full = vec![
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        env!("CARGO_BIN_EXE_renkei"),
    ];
    full.extend_from_slice(args);
    crate::support::renkei_program_in(&scratch.root(), "setpriv", &full)
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
    let (lint, _) = refused(
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

    // An operational folder written as a link out of the root: the one walk refuses it
    // for every command, as it refuses a file.
    let folder = scratch.path(&format!("{ARCHETYPE}/truth"));
    let _ = fs::remove_dir_all(&folder);
    std::os::unix::fs::symlink(scratch.path("outside"), &folder).unwrap();
    for command in [
        &["assemble", "--dry-run", "--target", "project"][..],
        &["check"],
        &["lint"],
    ] {
        let (run, _) = refused(&scratch, command, "leads outside the root");
        assert!(
            !run.stdout.contains("secret.md"),
            "{command:?} walked the outside folder:\n{}",
            run.stdout
        );
    }
    fs::remove_file(&folder).unwrap();

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

    // A folder below an operational folder, written as a link inside the root, is walked
    // like the operational folder itself, by every command.
    inside.write("root/shared/rules/deep.md", "# Deep\n\nintake\n");
    std::os::unix::fs::symlink(
        inside.path("root/shared/rules"),
        inside.path(&format!("{ARCHETYPE}/doctrine/rules")),
    )
    .unwrap();
    let run = inside
        .renkei(&["lint", "--format", "github"])
        .expect_code(1);
    assert!(
        run.stdout.contains("doctrine/rules/deep.md,line=3"),
        "a linked folder inside the root is followed:\n{}",
        run.stdout
    );
    let run = inside.renkei(&["check", "--format", "github"]);
    assert!(
        run.stdout.contains("doctrine/rules/deep.md,line=3"),
        "check walks it too:\n{}",
        run.stdout
    );

    // Two links that lead into each other end in an error, not a walk without end.
    inside.write("root/shared/a/x.md", "# A\n");
    inside.write("root/shared/b/y.md", "# B\n");
    std::os::unix::fs::symlink(
        inside.path("root/shared/b"),
        inside.path("root/shared/a/to-b"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        inside.path("root/shared/a"),
        inside.path("root/shared/b/to-a"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        inside.path("root/shared/a"),
        inside.path(&format!("{ARCHETYPE}/doctrine/looped")),
    )
    .unwrap();
    for command in [
        &["lint"][..],
        &["check"],
        &["assemble", "--dry-run", "--target", "project"],
    ] {
        refused(&inside, command, "leads back into a folder being walked");
    }
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

    // `check` renders every archetype through the template too, under the same deadline.
    let started = Instant::now();
    let run = scratch
        .renkei_command(&["check"])
        .env("RENKEI_RENDER_TIMEOUT_SECS", "2")
        .run()
        .expect_code(1);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        run.stdout.contains("error[assemble/render]") && run.stdout.contains("cancelled"),
        "{}",
        run.stdout
    );
}
