//! `renkei explain RULE`: what one rule catches and why, how to fix a finding, and, for a
//! vocabulary rule, where it applies and the examples it is tested on.

use std::io::Write;
use std::path::Path;

use clap::Args;

use crate::output::rules::print_explanation;
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// Options of `renkei explain`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei explain vocabulary/transfer
  renkei explain contract/outcome-field")]
pub struct ExplainArgs {
    /// The rule id, as findings and `renkei rules` give it
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// Configuration file; default: renkei.yaml at the root, if present (its rules count)
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

/// Runs `renkei explain`.
pub fn run(
    root: Option<&Path>,
    args: &ExplainArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: true,
    };
    let session = Session::open_configured(&options)?;
    let catalog = session.catalog()?;
    let Some(entry) = catalog.iter().find(|entry| entry.meta.id == args.rule) else {
        let near = renkei_model::name::nearest(
            &args.rule,
            catalog.iter().map(|entry| entry.meta.id.as_ref()),
        );
        let hint = near.map_or_else(
            || "; `renkei rules` lists them".to_string(),
            |id| format!("; did you mean `{id}`?"),
        );
        return Err(CliError::Failed(vec![format!(
            "no rule `{}`{hint}",
            args.rule
        )]));
    };
    print_explanation(out, entry)?;
    Ok(Outcome::Clean)
}
