//! `renkei man`: the manual page, in roff, from the command line's own definition.

use std::io::Write;

use clap::Args;

use crate::output::meta::print_man_page;
use crate::{CliError, Outcome};

/// Options of `renkei man`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei man | man -l -
  renkei man > ~/.local/share/man/man1/renkei.1")]
pub struct ManArgs {}

/// Runs `renkei man`.
pub fn run(_: &ManArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    print_man_page(out)?;
    Ok(Outcome::Clean)
}
