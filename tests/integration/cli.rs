//! The command line as people explore it: examples in every `--help`, shell completions
//! and the manual page, all made from one definition.

use std::process::{Command, Stdio};

use crate::support::{renkei_at, repo_root};

const COMMANDS: &[&[&str]] = &[
    &["assemble"],
    &["lint"],
    &["check"],
    &["report", "check"],
    &["skills", "check"],
    &["graph"],
    &["rules"],
    &["explain"],
    &["completions"],
    &["man"],
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
    ] {
        assert!(page.stdout.contains(section), "no {section}");
    }
    // groff reads it without a warning (where groff is installed).
    let Ok(mut groff) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        return;
    };
    std::io::Write::write_all(&mut groff.stdin.take().unwrap(), page.stdout.as_bytes()).unwrap();
    let output = groff.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
