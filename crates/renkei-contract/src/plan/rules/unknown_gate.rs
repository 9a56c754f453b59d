//! `plan/unknown-gate`: `blocking_gate` names a gate execution-lead's process defines.
//! The names are read from the doctrine (see [`crate::plan::gates`]), not from a list here.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/unknown-gate",
        "blocking_gate names a gate execution-lead's process defines",
        "A phase waits on its gate; a gate the process does not define is never checked, so the \
         phase starts whenever an agent decides it may.",
    )
    .fix("Set blocking_gate to a gate execution-lead's process defines, such as `test-gate`.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | review-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let names: Vec<&str> = input.gates.names().collect();
    input
        .plan
        .phases
        .iter()
        .filter_map(|phase| phase.cell(Column::BlockingGate))
        .filter(|gate| input.gates.rank(&gate.text).is_none())
        .map(|gate| {
            let listed = names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let finding = input.finding(
                &RULE.meta,
                gate.range.clone(),
                format!(
                    "`{}` is not a gate of {}; its gates are {listed}",
                    gate.text,
                    input.gates.path.display()
                ),
            );
            let nearest =
                renkei_model::name::nearest(&gate.text.to_ascii_lowercase(), names.iter().copied());
            super::suggest(finding, nearest, true)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_gate_the_process_does_not_define_is_reported_with_the_nearest() {
        let mut rows = GOOD.to_vec();
        rows[2] = "| I1 | implementation | implement-plan | T1 | false | tests-gate | feat: limits | green T1 | `src/limit.rs` | |";
        let found = findings_of("plan/unknown-gate", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].replacements, ["test-gate"]);
        assert_eq!(found[0].start.line, 9);
    }

    #[test]
    fn defined_gates_pass() {
        assert!(findings_of("plan/unknown-gate", &plan(GOOD, "true")).is_empty());
    }
}
