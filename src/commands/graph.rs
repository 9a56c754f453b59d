//! `renkei graph`: the framework's invocation graph, as Mermaid or DOT.

use std::io::Write;
use std::path::Path;

use clap::{Args, ValueEnum};

use crate::output::{self, Format, failure};
use crate::session::{Options, Session};
use crate::{CliError, Outcome};

/// How to draw the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart, which GitHub draws inside Markdown
    Mermaid,
    /// Graphviz DOT (`renkei graph --format dot | dot -Tsvg`)
    Dot,
}

/// Options of `renkei graph`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei graph                                  Mermaid, for a README
  renkei graph --format dot | dot -Tsvg > graph.svg")]
pub struct GraphArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

/// Runs `renkei graph`.
pub fn run(
    root: Option<&Path>,
    args: &GraphArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let options = Options {
        root: root.map(Path::to_path_buf),
        ..Options::default()
    };
    let graph = match Session::open(&options).and_then(|session| session.graph()) {
        Ok(graph) => graph,
        Err(error) => return failure(out, Format::Human, error),
    };
    match args.format {
        GraphFormat::Mermaid => output::graph::mermaid(out, &graph)?,
        GraphFormat::Dot => output::graph::dot(out, &graph)?,
    }
    Ok(Outcome::Clean)
}
