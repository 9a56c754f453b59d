//! `renkei completions SHELL`: a completion script for the shell, from the command line's
//! own definition, so it never lags behind a new flag.

use std::io::Write;

use clap::Args;

use crate::output::meta::print_completions;
use crate::{CliError, Outcome};

/// Options of `renkei completions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei completions bash > ~/.local/share/bash-completion/completions/renkei
  renkei completions zsh > ~/.zfunc/_renkei
  renkei completions fish > ~/.config/fish/completions/renkei.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Runs `renkei completions`.
pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    print_completions(out, args.shell)?;
    Ok(Outcome::Clean)
}
