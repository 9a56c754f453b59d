//! Errors that stop loading a doctrine tree.

use std::path::{Path, PathBuf};

/// Why a doctrine tree, or one file of it, could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A YAML file is malformed or does not match its schema.
    #[error("{path}:{line}:{column}: {message}")]
    Yaml {
        /// The YAML file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What the parser said.
        message: String,
    },
    /// A file is larger than renkei will read.
    #[error("{path}: file is {size} bytes, larger than the {limit}-byte limit for doctrine files")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit it passed.
        limit: u64,
    },
    /// A file has grown past the size limit while it was being read.
    #[error("{path}: file grew past the {limit}-byte limit for doctrine files while it was read")]
    GrewPastLimit {
        /// The file.
        path: PathBuf,
        /// The limit it passed.
        limit: u64,
    },
    /// A path names something that is not a regular file: a FIFO, a socket, a device or a
    /// folder. Reading one could block forever or never end.
    #[error("{path}: {kind}, not a regular file (renkei reads only regular files)")]
    NotRegularFile {
        /// The path.
        path: PathBuf,
        /// What it is instead ("a FIFO", "a character device", ...).
        kind: &'static str,
    },
    /// A file name is not valid UTF-8, so no output format could name it faithfully.
    #[error("{}: file name is not valid UTF-8; rename it", path.display())]
    NonUtf8Name {
        /// The path, shown with replacement characters.
        path: PathBuf,
    },
    /// A file named as text holds NUL bytes.
    #[error("{path}: looks binary (contains NUL bytes)")]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// A text file is not valid UTF-8.
    #[error("{path}:{line}:{column}: file is not valid UTF-8")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column of the first invalid byte.
        column: usize,
    },
    /// A Markdown file nests deeper than renkei parses.
    #[error("{path}:{}:1: {source}", source.line)]
    TooDeep {
        /// The file.
        path: PathBuf,
        /// Where and how deep.
        source: crate::markdown::TooDeep,
    },
    /// A symbolic link points outside the doctrine root.
    #[error("{path}: symbolic link leads outside the root {root}; renkei does not follow it")]
    SymlinkEscapesRoot {
        /// The link.
        path: PathBuf,
        /// The root it would leave.
        root: PathBuf,
    },
    /// An archetype's configuration is invalid.
    #[error("{path}:{line}:{column}: {message}")]
    InvalidArchetype {
        /// The `archetype.yaml` file.
        path: PathBuf,
        /// 1-based line of the offending value.
        line: u64,
        /// 1-based column of the offending value.
        column: u64,
        /// What is wrong and what to do.
        message: String,
    },
    /// A folder stands where an archetype goes and has no `archetype.yaml`.
    #[error(
        "{path}: missing; every folder in a stage folder of the archetypes folder is an archetype, and needs an archetype.yaml with at least `name` and `description` (or move the folder out)"
    )]
    NoArchetypeYaml {
        /// Where its `archetype.yaml` belongs.
        path: PathBuf,
    },
    /// Two archetype folders in different stages have the same name.
    #[error(
        "{second}: archetype `{name}` already exists at {first}; skill names must be unique across stages"
    )]
    DuplicateName {
        /// The shared name.
        name: String,
        /// The first folder with it.
        first: PathBuf,
        /// The second folder with it.
        second: PathBuf,
    },
    /// No doctrine root was found.
    #[error(
        "no renkei root found in {start} or any parent folder (a root holds `framework/archetypes/` or `renkei.yaml`); pass --root DIR"
    )]
    RootNotFound {
        /// Where the search started.
        start: PathBuf,
    },
}

impl ModelError {
    /// The file or folder the error is about: what a finding made of it names.
    pub fn path(&self) -> &Path {
        match self {
            Self::Io { path, .. }
            | Self::NoArchetypeYaml { path }
            | Self::Yaml { path, .. }
            | Self::TooLarge { path, .. }
            | Self::GrewPastLimit { path, .. }
            | Self::NotRegularFile { path, .. }
            | Self::NonUtf8Name { path }
            | Self::Binary { path }
            | Self::NotUtf8 { path, .. }
            | Self::TooDeep { path, .. }
            | Self::SymlinkEscapesRoot { path, .. }
            | Self::InvalidArchetype { path, .. } => path,
            Self::DuplicateName { second, .. } => second,
            Self::RootNotFound { start } => start,
        }
    }

    /// The 1-based line and column in [`ModelError::path`] the error is at, when it is at
    /// one place of a file.
    pub fn position(&self) -> Option<(usize, usize)> {
        let at = |line: u64, column: u64| {
            Some((
                usize::try_from(line).unwrap_or(usize::MAX).max(1),
                usize::try_from(column).unwrap_or(usize::MAX).max(1),
            ))
        };
        match self {
            Self::Yaml { line, column, .. } | Self::InvalidArchetype { line, column, .. } => {
                at(*line, *column)
            }
            Self::NotUtf8 { line, column, .. } => Some((*line, *column)),
            Self::TooDeep { source, .. } => Some((source.line, 1)),
            _ => None,
        }
    }
}
