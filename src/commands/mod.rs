//! One module per subcommand.

pub mod assemble;
pub mod check;
pub mod lint;
pub mod report;

use std::path::Path;

use renkei_model::Framework;

use crate::CliError;

/// Finds the root (the given one, or from the current folder upward) and loads the
/// framework, failing with every archetype problem at once.
pub(crate) fn load(root: Option<&Path>) -> Result<Framework, CliError> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => find_root()?,
    };
    let framework = renkei_model::load_framework(&root)?;
    if framework.problems.is_empty() {
        Ok(framework)
    } else {
        Err(CliError::Failed(
            framework.problems.iter().map(ToString::to_string).collect(),
        ))
    }
}

/// The root found from the current folder upward.
pub(crate) fn find_root() -> Result<std::path::PathBuf, CliError> {
    Ok(renkei_model::find_root(&std::env::current_dir()?)?)
}
