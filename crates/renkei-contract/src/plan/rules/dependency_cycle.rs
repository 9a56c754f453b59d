//! `plan/dependency-cycle`: the phases' `depends_on` edges have no cycle. A cycle is
//! reported once, with its path, at the first phase of it in plan order.

use std::collections::VecDeque;

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::PlanInput;

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/dependency-cycle",
        "depends_on has no cycle",
        "Phases that depend on each other in a cycle can never start: execution either stalls or \
         an agent breaks the cycle by picking an order the plan never stated.",
    )
    .fix("Remove one dependency of the cycle, so the phases can be put in an order.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1, I2 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n| I2 | implementation | implement-plan | I1 | false | test-gate | feat: more | green T1 | `src/more.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n| I2 | implementation | implement-plan | I1 | false | test-gate | feat: more | green T1 | `src/more.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

/// Longest cycle path a message spells out in full.
const SHOWN: usize = 12;

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for component in strongly_connected(input.edges()) {
        if component.len() < 2 {
            continue;
        }
        let cycle = cycle_through(input.edges(), &component);
        let (Some(&first), Some(&second)) = (cycle.first(), cycle.get(1)) else {
            continue;
        };
        let phases = &input.plan.phases;
        let names: Vec<String> = cycle
            .iter()
            .chain(std::iter::once(&first))
            .map(|&index| format!("`{}`", phases[index].id()))
            .collect();
        let path = if names.len() > SHOWN {
            format!(
                "{} -> ... -> {} ({} phases)",
                names[..SHOWN / 2].join(" -> "),
                names[names.len() - 2..].join(" -> "),
                cycle.len()
            )
        } else {
            names.join(" -> ")
        };
        let place = phases[first]
            .depends_on
            .iter()
            .find(|dependency| dependency.text == phases[second].id())
            .map_or_else(|| phases[first].row.clone(), |dependency| dependency.range.clone());
        findings.push(
            input
                .finding(&RULE.meta, place, format!("phases depend on each other in a cycle: {path}"))
                .with_help("remove one of these dependencies, or split a phase so the order runs one way"),
        );
    }
    findings
}

/// The strongly connected components of the graph, by Tarjan's algorithm without
/// recursion, so that a cycle of a hundred thousand phases cannot overflow the stack.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        // Each frame: a node and how many of its edges are done.
        let mut frames = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut done)) = frames.last_mut() {
            if let Some(&to) = edges[node].get(*done) {
                *done += 1;
                if index[to] == UNSEEN {
                    index[to] = next;
                    low[to] = next;
                    next += 1;
                    stack.push(to);
                    on_stack[to] = true;
                    frames.push((to, 0));
                } else if on_stack[to] {
                    low[node] = low[node].min(index[to]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components.sort_by_key(|component| component[0]);
    components
}

/// A cycle inside `component` (sorted, two phases or more) through its first phase: the
/// shortest way back to it, found breadth first.
fn cycle_through(edges: &[Vec<usize>], component: &[usize]) -> Vec<usize> {
    let start = component[0];
    let inside = |node: &usize| component.binary_search(node).is_ok();
    let mut parent = std::collections::HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &to in edges[node].iter().filter(|to| inside(to)) {
            if to == start {
                let mut cycle = vec![node];
                let mut at = node;
                while let Some(&from) = parent.get(&at) {
                    cycle.push(from);
                    at = from;
                }
                cycle.reverse();
                return cycle;
            }
            if to != start && !parent.contains_key(&to) {
                parent.insert(to, node);
                queue.push_back(to);
            }
        }
    }
    vec![start]
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_cycle_is_reported_once_with_its_path() {
        let mut rows = GOOD.to_vec();
        rows[0] = "| T1 | test | test-implementer | T2 | true | preconditions | test: limits | red run | `tests/limit.rs` | |";
        rows[1] = "| T2 | test | test-implementer | T1 | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        let found = findings_of("plan/dependency-cycle", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "phases depend on each other in a cycle: `T1` -> `T2` -> `T1`"
        );
        assert_eq!((found[0].start.line, found[0].start.column), (7, 34));
    }

    #[test]
    fn a_plan_without_cycles_passes() {
        assert!(findings_of("plan/dependency-cycle", &plan(GOOD, "true")).is_empty());
    }

    #[test]
    fn a_long_cycle_is_found_without_recursion_and_shown_short() {
        let count = 100_000;
        let edges: Vec<Vec<usize>> = (0..count).map(|i| vec![(i + 1) % count]).collect();
        let components = super::strongly_connected(&edges);
        assert_eq!(components.len(), 1);
        assert_eq!(super::cycle_through(&edges, &components[0]).len(), count);
    }
}
