//! The invocation graph as Mermaid (which GitHub draws in Markdown) and as Graphviz DOT.

use std::io::{self, Write};

use renkei_contract::interface::graph::Graph;

/// What the stage group of archetypes from other repositories is called.
const ELSEWHERE: &str = "elsewhere";

/// Prints `graph` as a Mermaid flowchart: a subgraph per stage, an edge per delegation
/// labelled with its order. Node ids are generated, since names hold `-`.
pub(crate) fn mermaid(out: &mut dyn Write, graph: &Graph) -> io::Result<()> {
    let id = |name: &str| {
        graph
            .nodes
            .iter()
            .position(|node| node.name == name)
            .map_or_else(String::new, |index| format!("n{index}"))
    };
    writeln!(out, "flowchart LR")?;
    for (index, stage) in graph.stages().into_iter().enumerate() {
        writeln!(
            out,
            "  subgraph s{index}[\"{}\"]",
            stage.unwrap_or(ELSEWHERE)
        )?;
        for node in graph
            .nodes
            .iter()
            .filter(|node| node.stage.as_deref() == stage)
        {
            writeln!(out, "    {}[\"{}\"]", id(&node.name), node.name)?;
        }
        writeln!(out, "  end")?;
    }
    for delegation in &graph.delegations {
        writeln!(
            out,
            "  {} -->|{}| {}",
            id(&delegation.from),
            delegation.order,
            id(&delegation.to)
        )?;
    }
    Ok(())
}

/// Prints `graph` as a DOT digraph: a cluster per stage, an edge per delegation labelled
/// with its order.
pub(crate) fn dot(out: &mut dyn Write, graph: &Graph) -> io::Result<()> {
    let quoted = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    writeln!(out, "digraph framework {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(out, "  node [shape=box];")?;
    for (index, stage) in graph.stages().into_iter().enumerate() {
        writeln!(out, "  subgraph cluster_{index} {{")?;
        writeln!(out, "    label={};", quoted(stage.unwrap_or(ELSEWHERE)))?;
        if stage.is_none() {
            writeln!(out, "    style=dashed;")?;
        }
        for node in graph
            .nodes
            .iter()
            .filter(|node| node.stage.as_deref() == stage)
        {
            writeln!(out, "    {};", quoted(&node.name))?;
        }
        writeln!(out, "  }}")?;
    }
    for delegation in &graph.delegations {
        writeln!(
            out,
            "  {} -> {} [label={}];",
            quoted(&delegation.from),
            quoted(&delegation.to),
            quoted(&delegation.order.to_string())
        )?;
    }
    writeln!(out, "}}")
}
