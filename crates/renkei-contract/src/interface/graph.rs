//! The framework's invocation graph, as its doctrine states it: archetypes by stage, who
//! delegates to whom, in the order of each leader's steps.

use std::collections::{BTreeMap, BTreeSet};

use super::{Interface, MentionKind};

/// An archetype in the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Its name.
    pub name: String,
    /// Its stage folder, or `None` for an archetype that lives outside the framework.
    pub stage: Option<String>,
}

/// `from` delegates to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    /// The leader.
    pub from: String,
    /// The delegate.
    pub to: String,
    /// Its place in the leader's order of delegation, from 1: the rank of the first step
    /// that delegates to it (delegates of one step share it); a member only listed comes
    /// after every step.
    pub order: usize,
}

/// Every archetype and every delegation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// The framework's archetypes and the names they delegate to that live elsewhere,
    /// those nobody delegates to first (in walk order), then in the order they are
    /// delegated to.
    pub nodes: Vec<Node>,
    /// Each leader's delegations, in order.
    pub delegations: Vec<Delegation>,
}

impl Graph {
    /// The graph of `interfaces`, one per archetype of the framework.
    pub fn of(interfaces: &[Interface]) -> Self {
        let mut graph = Graph {
            nodes: interfaces
                .iter()
                .map(|interface| Node {
                    name: interface.name.clone(),
                    stage: Some(interface.stage.clone()),
                })
                .collect(),
            delegations: Vec::new(),
        };
        let mut present: BTreeSet<String> =
            graph.nodes.iter().map(|node| node.name.clone()).collect();
        let known: BTreeSet<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
        for interface in interfaces {
            let called = interface
                .calls
                .iter()
                .filter(|call| {
                    !(call.by_heading || call.invoked) || known.contains(call.callee.as_str())
                })
                .map(|call| (&call.callee, Some(call.step)));
            let named = interface
                .mentions
                .iter()
                .filter(|mention| {
                    mention.kind != MentionKind::Invoked || known.contains(mention.name.as_str())
                })
                .map(|mention| (&mention.name, None));
            let mut order = 0;
            let mut last_step = None;
            let mut delegated: BTreeSet<&str> = BTreeSet::new();
            for (delegate, step) in called.chain(named) {
                if *delegate == interface.name || !delegated.insert(delegate.as_str()) {
                    continue;
                }
                if step.is_none() || step != last_step {
                    order += 1;
                    last_step = step;
                }
                graph.delegations.push(Delegation {
                    from: interface.name.clone(),
                    to: delegate.clone(),
                    order,
                });
                if present.insert(delegate.clone()) {
                    graph.nodes.push(Node {
                        name: delegate.clone(),
                        stage: None,
                    });
                }
            }
        }
        // Members show in the order they are delegated to, not in the walk's.
        let mut first_reached: BTreeMap<&str, usize> = BTreeMap::new();
        for (position, delegation) in graph.delegations.iter().enumerate() {
            first_reached
                .entry(delegation.to.as_str())
                .or_insert(position + 1);
        }
        let first_reached: BTreeMap<String, usize> = first_reached
            .into_iter()
            .map(|(name, position)| (name.to_string(), position))
            .collect();
        let reached = |node: &Node| first_reached.get(&node.name).copied().unwrap_or(0);
        let mut nodes = std::mem::take(&mut graph.nodes);
        nodes.sort_by_key(reached);
        graph.nodes = nodes;
        graph
    }

    /// The stages in the order work flows through them: a stage whose archetypes are
    /// delegated to comes after the stage that delegates (by the shortest chain of
    /// delegations from an archetype nobody delegates to), ties in walk order; then `None`
    /// for the archetypes that live elsewhere, if any.
    pub fn stages(&self) -> Vec<Option<&str>> {
        let depth = self.depths();
        let mut stages: Vec<(Option<&str>, usize)> = Vec::new();
        for (node, depth) in self.nodes.iter().zip(depth) {
            let stage = node.stage.as_deref();
            match stages.iter_mut().find(|(known, _)| *known == stage) {
                Some((_, least)) => *least = (*least).min(depth),
                None => stages.push((stage, depth)),
            }
        }
        stages.sort_by_key(|(stage, depth)| (stage.is_none(), *depth));
        stages.into_iter().map(|(stage, _)| stage).collect()
    }

    /// Each node's distance from the archetypes nobody delegates to (0 for those; a node
    /// only reached through a cycle counts as 0 too).
    fn depths(&self) -> Vec<usize> {
        let index: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| (node.name.as_str(), at))
            .collect();
        let edges: Vec<(usize, usize)> = self
            .delegations
            .iter()
            .filter_map(|d| Some((*index.get(d.from.as_str())?, *index.get(d.to.as_str())?)))
            .collect();
        let mut depth: Vec<Option<usize>> = vec![Some(0); self.nodes.len()];
        for &(_, to) in &edges {
            depth[to] = None;
        }
        // Breadth-first from the roots: each round reaches one more delegation away, and
        // stops when a round reaches nothing new.
        let mut frontier: Vec<bool> = depth.iter().map(Option::is_some).collect();
        let mut round = 0;
        while frontier.contains(&true) {
            round += 1;
            let mut next = vec![false; depth.len()];
            for &(from, to) in &edges {
                if frontier[from] && depth[to].is_none() {
                    depth[to] = Some(round);
                    next[to] = true;
                }
            }
            frontier = next;
        }
        depth.into_iter().map(|depth| depth.unwrap_or(0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use renkei_model::Document;

    use super::*;
    use crate::interface::read;

    #[test]
    fn delegations_follow_the_steps_then_the_listed_members() {
        let process = Document::parse(
            "# Process\n\n## Step 1\n\nDelegate `writer` with `plan_path`.\n\n## Step 2\n\nDelegate `builder`.\n"
                .to_string(),
        )
        .unwrap();
        let orchestration = Document::parse(
            "# Orchestration\n\n## Member Delegation Set\n\n- `builder`: builds\n- `checker`: checks\n"
                .to_string(),
        )
        .unwrap();
        let lead = read::read(
            "lead",
            "execution",
            Path::new("lead"),
            &[
                ("doctrine/process.md", &process),
                ("doctrine/orchestration.md", &orchestration),
            ],
        );
        let writer = read::read("writer", "development", Path::new("writer"), &[]);
        let graph = Graph::of(&[lead, writer]);
        let order: Vec<(&str, usize)> = graph
            .delegations
            .iter()
            .map(|d| (d.to.as_str(), d.order))
            .collect();
        assert_eq!(order, [("writer", 1), ("builder", 2), ("checker", 3)]);
        assert_eq!(
            graph.stages(),
            [Some("execution"), Some("development"), None]
        );
        // The stage that delegates comes first, whatever the walk's order.
        let graph = Graph::of(&[
            read::read("writer", "development", Path::new("writer"), &[]),
            read::read(
                "lead",
                "execution",
                Path::new("lead"),
                &[("doctrine/process.md", &process)],
            ),
        ]);
        assert_eq!(
            graph.stages(),
            [Some("execution"), Some("development"), None]
        );
    }
}
