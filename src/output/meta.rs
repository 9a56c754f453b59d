//! What renkei prints about itself: shell completions and the manual page, both made from
//! the clap definition of the command line.

use std::io::{self, Write};

use clap::CommandFactory;

/// Prints the completion script for `shell`.
pub(crate) fn print_completions(
    out: &mut dyn Write,
    shell: clap_complete::Shell,
) -> io::Result<()> {
    let mut command = crate::Cli::command();
    clap_complete::generate(shell, &mut command, "renkei", out);
    Ok(())
}

/// A section per subcommand of `parent`, nested ones (`renkei report check`) included.
fn render_commands(out: &mut dyn Write, parent: &clap::Command, prefix: &str) -> io::Result<()> {
    for sub in parent.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("{prefix} {}", sub.get_name());
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        page.render_synopsis_section(out)?;
        page.render_description_section(out)?;
        page.render_options_section(out)?;
        page.render_extra_section(out)?;
        render_commands(out, sub, &name)?;
    }
    Ok(())
}

/// Prints the manual page, `renkei(1)`, with a section per subcommand.
pub(crate) fn print_man_page(out: &mut dyn Write) -> io::Result<()> {
    let command = crate::Cli::command();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    render_commands(out, &command, "renkei")?;
    render_list(out, "EXIT STATUS", EXIT_STATUS.iter().copied())?;
    let timeout = format!(
        "How long a template may render, in seconds, before it is stopped (default {}).",
        crate::session::DEFAULT_RENDER_TIMEOUT_SECS
    );
    let environment = ENVIRONMENT.iter().copied();
    render_list(
        out,
        "ENVIRONMENT",
        environment.chain([("RENKEI_RENDER_TIMEOUT_SECS", timeout.as_str())]),
    )?;
    man.render_version_section(out)?;
    Ok(())
}

/// What each exit code means, the same for every command.
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Clean: no finding that fails the run."),
    (
        "1",
        "Findings: an error, more warnings than --max-warnings allows, stale or missing \
         output under --check, or a push refused to keep a file renkei did not write.",
    ),
    (
        "2",
        "The run could not do its work: a usage mistake, a configuration error, or a file \
         that could not be read or written.",
    ),
];

/// The variables renkei reads (and `RENKEI_RENDER_TIMEOUT_SECS`, whose default is the
/// session's).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "Set and not empty: no colour under --color auto.",
    ),
    ("CLICOLOR", "0: no colour on a terminal under --color auto."),
    (
        "CLICOLOR_FORCE",
        "Set and not 0: colour under --color auto even when stdout is not a terminal.",
    ),
    (
        "TERM",
        "dumb: no colour on that terminal under --color auto.",
    ),
    (
        "CLAUDE_CONFIG_DIR",
        "Where the claude target installs: its skills/ folder, instead of ~/.claude/skills.",
    ),
    (
        "XDG_CONFIG_HOME",
        "Where the opencode target installs: its opencode/skills/ folder, instead of \
         ~/.config/opencode/skills.",
    ),
    (
        "HOME",
        "Where ~ in a target, and the user-level targets, lead.",
    ),
];

/// A `.SH` section of tagged paragraphs: each term in bold, then what it means.
fn render_list<'a>(
    out: &mut dyn Write,
    title: &str,
    items: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> io::Result<()> {
    writeln!(out, ".SH \"{title}\"")?;
    for (term, meaning) in items {
        writeln!(out, ".TP\n\\fB{term}\\fR\n{}", roff_text(meaning))?;
    }
    Ok(())
}

/// `text` safe as a roff text line: backslashes escaped, hyphens as the minus signs an
/// option is typed with (as clap_mangen writes them), and a leading `.` or `'` (which roff
/// would read as a request) escaped.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
