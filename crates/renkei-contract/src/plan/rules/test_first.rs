//! `plan/test-first`: every implementation phase depends, directly or through other
//! phases, on a test phase, unless its `test_not_applicable` gives the reason it may not.
//! In 000's words, this "converts test-first from convention into contract".

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/test-first",
        "every implementation phase depends on a test phase, or states why it may not",
        "Test-first order is what makes the tests a specification rather than a description of the \
         code: an implementation phase that no test phase precedes is written before anything says \
         what it must do.",
    )
    .fix(
        "Make the implementation phase depend on a test phase, or say in test_not_applicable why it has none.",
    )
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | none | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let phases = &input.plan.phases;
    let is_test = |index: usize| phases[index].is_type("test");
    let after_test = reaches(input.edges(), is_test);
    // A phase in a cycle has no order to judge until the cycle is broken; the cycle is
    // `plan/dependency-cycle`'s one finding, not a second one here.
    let mut in_cycle = vec![false; phases.len()];
    for component in super::dependency_cycle::strongly_connected(input.edges()) {
        if component.len() > 1 {
            component.into_iter().for_each(|member| in_cycle[member] = true);
        }
    }
    phases
        .iter()
        .enumerate()
        .filter(|(index, phase)| {
            phase.is_type("implementation")
                && !after_test[*index]
                && !in_cycle[*index]
                && phase.test_not_applicable().is_none()
        })
        .map(|(_, phase)| {
            input
                .finding(
                    &RULE.meta,
                    phase.place(Column::Phase),
                    format!(
                        "implementation phase `{}` depends on no test phase, directly or through others",
                        phase.id()
                    ),
                )
                .with_help(
                    "add the test phase it implements to `depends_on`, or give the reason it has none in `test_not_applicable`",
                )
        })
        .collect()
}

/// For each phase, whether one of the phases it depends on, directly or not, is `wanted`.
/// Walked without recursion; a cycle (reported by `plan/dependency-cycle`) is cut where it
/// closes.
pub(super) fn reaches(edges: &[Vec<usize>], wanted: impl Fn(usize) -> bool) -> Vec<bool> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unseen,
        Open,
        Done,
    }
    let mut state = vec![State::Unseen; edges.len()];
    let mut found = vec![false; edges.len()];
    for root in 0..edges.len() {
        if state[root] != State::Unseen {
            continue;
        }
        let mut frames = vec![(root, 0)];
        state[root] = State::Open;
        while let Some(&mut (node, ref mut done)) = frames.last_mut() {
            if let Some(&to) = edges[node].get(*done) {
                *done += 1;
                match state[to] {
                    State::Unseen => {
                        state[to] = State::Open;
                        frames.push((to, 0));
                    }
                    State::Done => found[node] |= wanted(to) || found[to],
                    State::Open => found[node] |= wanted(to),
                }
                continue;
            }
            state[node] = State::Done;
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                found[parent] |= wanted(node) || found[node];
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn an_implementation_without_a_test_before_it_is_reported_at_its_id() {
        let mut rows = GOOD.to_vec();
        rows[2] = "| I1 | implementation | implement-plan | none | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |";
        let found = findings_of("plan/test-first", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].start.line, found[0].start.column), (9, 3));
    }

    #[test]
    fn a_test_reached_through_another_phase_or_a_stated_reason_passes() {
        // I2 reaches T1 through I1; I1 has no test but says why.
        let rows = [
            "| T1 | test | test-implementer | none | true | preconditions | t | red | | |",
            "| I1 | implementation | implement-plan | none | false | test-gate | config | diff | | config only: no behaviour to test |",
            "| I2 | implementation | implement-plan | I1, T1 | false | test-gate | f | green | | none |",
        ];
        assert!(findings_of("plan/test-first", &plan(&rows, "true")).is_empty());
        let rows = [rows[0], rows[1].replace("config only: no behaviour to test", "none").leak()];
        assert_eq!(findings_of("plan/test-first", &plan(&rows, "true")).len(), 1);
    }
}
