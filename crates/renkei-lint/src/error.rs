//! Errors that stop a lint run before it starts.

use std::path::PathBuf;

/// A configuration problem: exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// The configuration file is malformed.
    #[error(transparent)]
    Config(#[from] renkei_model::ModelError),
    /// A rule's regular expression does not compile.
    #[error("{path}:{line}:{column}: rule `{rule}`: pattern does not compile: {reason}")]
    Pattern {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the pattern.
        line: u64,
        /// 1-based column of the pattern.
        column: u64,
        /// The rule.
        rule: String,
        /// What the regex compiler said.
        reason: String,
    },
    /// A rule has nothing to match, or a disabled id does not exist.
    #[error("{path}:{line}:{column}: {message}")]
    InvalidRule {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
}
