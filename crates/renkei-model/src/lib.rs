//! The doctrine model of renkei.
//!
//! Loads `framework/archetypes/<stage>/<archetype>/` trees: `archetype.yaml` (strict, with
//! positions), the operational folders (`ethos/`, `doctrine/`, `references/`, `truth/`), and
//! a Markdown model of each file that keeps the parser's byte offsets. It also owns the
//! [`Diagnostic`] type every check produces. This crate does no printing.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod archetype;
pub mod diagnostic;
pub mod edit;
pub mod error;
pub mod exclude;
pub mod lines;
pub mod links;
pub mod load;
pub mod markdown;
pub mod mode;
pub mod name;
pub mod parallel;
pub mod path;
pub mod read;
pub mod source;
pub mod walk;
pub mod write;
pub mod yaml;

pub use archetype::{Archetype, ArchetypeConfig, SourceFile};
pub use diagnostic::{Diagnostic, Related, RuleExample, RuleMeta, Severity};
pub use edit::{Edit, apply_edits};
pub use error::ModelError;
pub use lines::{LineIndex, Position};
pub use load::{Framework, find_root, load_framework};
pub use markdown::{Document, Markdown};
pub use mode::FileMode;
pub use source::{Disk, FileSource, Overlay};
pub use walk::Walk;
