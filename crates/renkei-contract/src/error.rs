//! Errors that stop a contract check before it runs.

use std::path::PathBuf;

/// A contract that cannot be used: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The contract file is malformed, or a file could not be read.
    #[error(transparent)]
    Model(#[from] renkei_model::ModelError),
    /// A check names an unknown rule or gives the wrong parameters.
    #[error("{path}:{line}:{column}: {message}")]
    InvalidCheck {
        /// The contract file.
        path: PathBuf,
        /// 1-based line of the check's `rule`.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
}

impl ContractError {
    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Model(error) => error.path(),
            Self::InvalidCheck { path, .. } => path,
        }
    }

    /// The 1-based line and column the error is at, when it is at one place.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Self::Model(error) => error.position(),
            Self::InvalidCheck { line, column, .. } => Some((
                usize::try_from(*line).unwrap_or(usize::MAX),
                usize::try_from(*column).unwrap_or(usize::MAX),
            )),
        }
    }
}
