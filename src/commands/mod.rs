//! One module per subcommand.

pub mod assemble;

use std::path::Path;

use renkei_model::Framework;

use crate::CliError;

/// Finds the root (the given one, or from the current folder upward) and loads the
/// framework, failing with every archetype problem at once.
pub(crate) fn load(root: Option<&Path>) -> Result<Framework, CliError> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => {
            let current = std::env::current_dir()?;
            renkei_model::find_root(&current)?
        }
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
