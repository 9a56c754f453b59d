//! `renkei rules`: every rule renkei can report, with its severity, the commands that
//! report it, whether `--fix` fixes it, and where in a document it applies.

use std::io::Write;
use std::path::Path;

use clap::Args;

use crate::output::rules::{RulesFormat, print_rules};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei rules`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei rules
  renkei rules --format json | jq -r '.[].id'
  renkei explain vocabulary/intake")]
pub struct RulesArgs {
    /// Configuration file; default: renkei.yaml at the root, if present (its rules are listed)
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,
}

/// Runs `renkei rules`.
pub fn run(
    root: Option<&Path>,
    args: &RulesArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: true,
    };
    let session = Session::open_configured(&options)?;
    print_rules(out, &session.catalog()?, args.format)?;
    Ok(Outcome::Clean)
}
