//! The command line as people explore it: examples in every `--help`, shell completions
//! and the manual page, all made from one definition.

use std::process::Command;

use crate::support::{renkei_at, repo_root};

const COMMANDS: &[&[&str]] = &[
    &[],
    &["assemble"],
    &["lint"],
    &["check"],
    &["report"],
    &["report", "check"],
    &["plan"],
    &["plan", "check"],
    &["plan", "waves"],
    &["skills"],
    &["skills", "check"],
    &["graph"],
    &["rules"],
    &["explain"],
    &["completions"],
    &["man"],
    &["schema"],
];

#[test]
fn every_command_shows_examples_in_its_help() {
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let run = renkei_at(&repo_root(), &args).run();
        assert_eq!(run.code, 0, "{command:?}: {}", run.stderr);
        let examples = run
            .stdout
            .split_once("Examples:\n")
            .map(|(_, examples)| examples)
            .unwrap_or_else(|| panic!("{command:?} has no examples:\n{}", run.stdout));
        assert!(
            examples
                .lines()
                .next()
                .is_some_and(|line| line.trim_start().starts_with("renkei ")),
            "{command:?}: {examples}"
        );
    }
}

#[test]
fn completions_know_every_command_and_flag() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = renkei_at(&repo_root(), &["completions", shell]).run();
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["explain", "assemble", "stdin-filename", "max-warnings"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script loads in bash and completes a subcommand.
    let script = renkei_at(&repo_root(), &["completions", "bash"])
        .run()
        .stdout;
    let probe = format!(
        "{script}\nCOMP_WORDS=(renkei exp); COMP_CWORD=1; _renkei renkei exp renkei; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    let output = Command::new("bash").args(["-c", &probe]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .any(|line| line == "explain"),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_manual_page_renders_with_a_section_per_command() {
    let page = renkei_at(&repo_root(), &["man"]).run();
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH renkei 1"), "{}", page.stdout);
    for section in [
        "RENKEI LINT",
        "RENKEI CHECK",
        "RENKEI REPORT",
        "RENKEI EXPLAIN",
        ".SH \"EXIT STATUS\"",
        ".SH \"ENVIRONMENT\"",
    ] {
        assert!(page.stdout.contains(section), "no {section}");
    }
    for variable in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "TERM",
        "CLAUDE_CONFIG_DIR",
        "RENKEI_RENDER_TIMEOUT_SECS",
    ] {
        assert!(
            page.stdout.contains(&format!(".TP\n\\fB{variable}\\fR\n")),
            "no {variable}"
        );
    }
    // groff reads it without a warning (where groff is installed).
    if Command::new("groff").arg("--version").output().is_err() {
        return;
    }
    let mut groff = Command::new("groff");
    groff.args(["-man", "-Tutf8", "-ww", "-z"]);
    let output = crate::support::output_with_stdin(groff, page.stdout.as_bytes());
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn color_follows_the_flag_and_the_conventions_of_no_color_and_clicolor() {
    let scratch = crate::support::Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\n\nThe intake desk.\n",
    );
    let escape = "\u{1b}[";
    // The helpers set NO_COLOR=1, as a CI runner might: --color always overrides it.
    let always = scratch.renkei(&["lint", "--color", "always"]);
    assert!(
        always
            .stdout
            .contains(&format!("{escape}1;31merror[vocabulary/intake]")),
        "{}",
        always.stdout
    );
    let plan = scratch.renkei(&[
        "assemble",
        "--dry-run",
        "--color",
        "always",
        "--target",
        "./out",
    ]);
    assert!(
        plan.stdout.contains(&format!("{escape}32mnew")),
        "{}",
        plan.stdout
    );
    for args in [
        &["lint"][..],
        &["lint", "--color", "never"],
        &["lint", "--color", "auto"],
    ] {
        let run = scratch.renkei(args);
        assert!(!run.stdout.contains(escape), "{args:?}: {}", run.stdout);
    }
    let forced = scratch
        .renkei_command(&["lint"])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .run();
    assert!(forced.stdout.contains(escape), "{}", forced.stdout);
    // CLICOLOR=0 speaks for a terminal; CLICOLOR_FORCE still colours the pipe.
    let declined_but_forced = scratch
        .renkei_command(&["lint"])
        .env("CLICOLOR_FORCE", "1")
        .env("CLICOLOR", "0")
        .env_remove("NO_COLOR")
        .run();
    assert!(
        declined_but_forced.stdout.contains(escape),
        "{}",
        declined_but_forced.stdout
    );
    // NO_COLOR wins over CLICOLOR_FORCE, and an output file is plain unless asked.
    let no_color = scratch
        .renkei_command(&["lint"])
        .env("CLICOLOR_FORCE", "1")
        .run();
    assert!(!no_color.stdout.contains(escape), "{}", no_color.stdout);
    let file = scratch.path("lint.txt");
    scratch
        .renkei_command(&["lint", "--output-file", file.to_str().unwrap()])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .run();
    assert!(!std::fs::read_to_string(&file).unwrap().contains(escape));
}

#[test]
fn a_terminal_gets_colour_unless_it_says_it_is_dumb() {
    let scratch = crate::support::Scratch::with_demo();
    scratch.write(
        "root/framework/archetypes/demo/hello-world/ethos/tenets.md",
        "# Tenets\n\nThe intake desk.\n",
    );
    // util-linux's `script` gives renkei a real terminal as its stdout.
    let in_terminal = |term: &str| {
        let lint = format!("{} lint", env!("CARGO_BIN_EXE_renkei"));
        crate::support::renkei_program_in(&scratch.root(), "script", &["-qec", &lint, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", term)
            .run()
    };
    let colour = in_terminal("xterm-256color");
    assert!(
        colour.stdout.contains("\u{1b}[1;31merror"),
        "{}",
        colour.stdout
    );
    let dumb = in_terminal("dumb");
    assert!(
        dumb.stdout.contains("error[vocabulary/intake]"),
        "{}",
        dumb.stdout
    );
    assert!(!dumb.stdout.contains('\u{1b}'), "{}", dumb.stdout);
}

#[test]
fn verbose_says_on_stderr_what_the_run_decided_and_leaves_stdout_alone() {
    let scratch = crate::support::Scratch::with_demo();
    scratch.write("root/CHANGELOG.md", "Support bank transfer payments.\n");
    let tenets = "framework/archetypes/demo/hello-world/ethos/tenets.md";
    scratch.write(&format!("root/{tenets}"), "# Tenets\n\nThe intake desk.\n");
    let plain = scratch.renkei(&["lint", tenets, "CHANGELOG.md"]);
    let verbose = scratch.renkei(&["-v", "lint", tenets, "CHANGELOG.md"]);
    assert_eq!((plain.code, &plain.stdout), (verbose.code, &verbose.stdout));
    let said: Vec<&str> = verbose
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("renkei: "))
        .collect();
    assert!(said[0].starts_with("root ") && said[0].ends_with("(found from the current folder)"));
    assert_eq!(said[1], "no renkei.yaml: built-in rules only");
    assert!(said.contains(&"left out CHANGELOG.md: not an archetype's operational file"));
    assert!(
        said.contains(&format!("linting {tenets}").as_str()),
        "{said:?}"
    );
    assert!(said.last().unwrap().starts_with("done in "), "{said:?}");
    assert!(!plain.stderr.contains("renkei: "), "{}", plain.stderr);
    let check = scratch.renkei(&["check", "--verbose"]);
    assert!(
        check
            .stderr
            .lines()
            .any(|line| line.starts_with("renkei: archetypes ")
                && line.ends_with("framework/archetypes")),
        "{}",
        check.stderr
    );
}

#[test]
fn quiet_prints_only_what_needs_attention() {
    let scratch = crate::support::Scratch::with_demo();
    scratch.write("root/CHANGELOG.md", "Support bank transfer payments.\n");
    let tenets = "framework/archetypes/demo/hello-world/ethos/tenets.md";
    let clean = scratch.renkei(&["check", "-q"]).expect_code(0);
    assert_eq!((clean.stdout.as_str(), clean.stderr.as_str()), ("", ""));
    let noisy = scratch.renkei(&["check"]).expect_code(0);
    assert!(noisy.stdout.contains("checked"), "{}", noisy.stdout);

    scratch.write(&format!("root/{tenets}"), "# Tenets\n\nThe intake desk.\n");
    // The finding stays; the summary line and the note about CHANGELOG.md go.
    let plain = scratch
        .renkei(&["lint", tenets, "CHANGELOG.md"])
        .expect_code(1);
    let quiet = scratch
        .renkei(&["lint", "--quiet", tenets, "CHANGELOG.md"])
        .expect_code(1);
    assert!(plain.stderr.contains("note: "), "{}", plain.stderr);
    assert_eq!(quiet.stderr, "");
    let summary = plain.stdout.lines().last().unwrap();
    assert!(summary.contains("1 file checked"), "{summary}");
    assert_eq!(
        quiet.stdout.trim_end(),
        plain.stdout.trim_end().trim_end_matches(summary).trim_end()
    );
    assert!(
        quiet.stdout.contains("vocabulary/intake"),
        "{}",
        quiet.stdout
    );

    let both = scratch.renkei(&["-q", "-v", "lint"]).expect_code(2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}
