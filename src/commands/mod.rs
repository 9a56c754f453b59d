//! One module per subcommand.

pub mod assemble;
pub mod check;
pub mod completions;
pub mod explain;
pub mod graph;
pub mod lint;
pub mod lsp;
pub mod man;
pub mod plan;
pub mod report;
pub mod rules;
pub mod schema;
pub mod skills;
