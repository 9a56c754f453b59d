//! One module per subcommand.

pub mod assemble;
pub mod check;
pub mod lint;
pub mod report;

use renkei_model::{Framework, Walk};

use crate::CliError;

/// Loads the framework `walk` reads, failing with every archetype problem at once.
pub(crate) fn load(walk: &Walk) -> Result<Framework, CliError> {
    let framework = renkei_model::load::load_framework_from(walk)?;
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
