//! `plan/gate-order`: no `depends_on` edge points forward across a gate. Gates close in
//! the order the process defines them; a phase that waits on an earlier gate runs before
//! every phase that waits on a later one, so it cannot wait for one of them.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/gate-order",
        "no phase depends on a phase that waits on a later gate",
        "Gates are barriers: every phase behind `test-gate` runs after every phase behind \
         `preconditions`. A test phase that depends on an implementation phase asks for code before \
         its tests, which is test-first order turned around, and no schedule can honour both.",
    )
    .fix("Make the phase depend only on phases behind its own or an earlier gate.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n| T2 | test | test-implementer | I1 | true | preconditions | test: headers | red run | `tests/headers.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let phases = &input.plan.phases;
    let mut findings = Vec::new();
    for (index, phase) in phases.iter().enumerate() {
        let Some(rank) = input.gate_rank(index) else {
            continue;
        };
        for dependency in &phase.depends_on {
            let Some(&target_index) = input.ids.get(dependency.text.as_str()) else {
                continue;
            };
            let target = &phases[target_index];
            let Some(target_rank) = input.gate_rank(target_index) else {
                continue;
            };
            if target_rank > rank {
                let gate = |phase: &crate::plan::Phase| {
                    phase.cell(Column::BlockingGate).map_or(String::new(), |cell| cell.text.clone())
                };
                findings.push(input.finding(
                    &RULE.meta,
                    dependency.range.clone(),
                    format!(
                        "phase `{}` waits on `{}` but depends on `{}`, which waits on the later `{}`",
                        phase.id(),
                        gate(phase),
                        target.id(),
                        gate(target)
                    ),
                ));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_test_phase_that_depends_on_an_implementation_is_reported_at_the_edge() {
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | test-implementer | I1 | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        let found = findings_of("plan/gate-order", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "phase `T2` waits on `preconditions` but depends on `I1`, which waits on the later `test-gate`"
        );
        assert_eq!((found[0].start.line, found[0].start.column), (8, 34));
    }

    #[test]
    fn edges_back_to_earlier_gates_pass() {
        assert!(findings_of("plan/gate-order", &plan(GOOD, "true")).is_empty());
    }
}
