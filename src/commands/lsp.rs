//! `renkei lsp`: the Language Server, over stdin and stdout.

use std::io::{self, Write};

use clap::Args;

use crate::{CliError, Outcome};

/// Options of `renkei lsp`.
#[derive(Debug, Args)]
#[command(
    after_help = "The editor starts it and talks to it over stdin and stdout; the README shows
the setup for VS Code, Neovim, Helix and Zed."
)]
pub struct LspArgs {
    /// Talk over stdin and stdout, the only transport there is; accepted because editors
    /// pass it
    #[arg(long)]
    pub stdio: bool,
}

/// Runs `renkei lsp` until the editor sends `exit`: exit code 0 after a shutdown request,
/// 1 without one, as the protocol asks.
pub fn run(_args: &LspArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let input = io::BufReader::new(io::stdin());
    Ok(if crate::lsp::serve(input, out)? {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
