//! The vocabulary lint.
//!
//! Doctrine bans words that carry the wrong mental model. Rules are YAML (the built-in set
//! in `default-rules.yaml`, extended by `renkei.yaml`); [`RuleSet::compile`] turns them into
//! regular expressions plus one prefilter, [`lint_text`] checks one text, and
//! [`lint_files`] checks many in parallel, applying fixes when asked. This crate does no
//! printing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod driver;
pub mod engine;
pub mod error;
mod reader;
pub mod rules;
pub mod scope;
pub mod selection;
mod suppress;

pub use config::LintConfig;
pub use driver::{
    Candidate, FixMode, FixedFile, LintedFile, archetype_files, default_files, expand_paths,
    lint_archetype, lint_candidate, lint_files,
};
pub use engine::{MAX_FINDINGS_PER_FILE, TOO_MANY_FINDINGS, lint_text};
pub use error::LintError;
pub use rules::{Rule, RuleSet};
pub use scope::Scope;
pub use selection::Selection;
pub use suppress::{UNUSED_SUPPRESSION, UNUSED_SUPPRESSION_RULE};

/// The rules the lint reports by itself, beside the configured vocabulary rules: their ids
/// are fixed, so they are described here rather than in any configuration.
pub const BUILTIN_METAS: &[renkei_model::RuleMeta] = &[
    UNUSED_SUPPRESSION_RULE,
    driver::UNREADABLE_FILE_RULE,
    engine::TOO_MANY_FINDINGS_RULE,
];
