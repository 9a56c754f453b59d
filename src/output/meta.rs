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
    man.render_version_section(out)?;
    Ok(())
}
