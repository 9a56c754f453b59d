//! `plan/invalid-value`: `phase_type`, `owner_role` and `parallel_safe` hold values the
//! contract defines.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PHASE_OWNERS, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/invalid-value",
        "phase_type, owner_role and parallel_safe hold the contract's values",
        "A value outside the contract (`tests`, `implementer`, `yes`) is read by each agent its own \
         way; the plan must say one thing to all of them.",
    )
    .fix(
        "Use one of the contract's values: phase_type test, implementation or validation-support; parallel_safe true or false.",
    )
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | tests | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let types: Vec<&str> = PHASE_OWNERS.iter().map(|(kind, _)| *kind).collect();
    let owners: Vec<&str> = PHASE_OWNERS.iter().map(|(_, owner)| *owner).collect();
    let mut findings = Vec::new();
    for phase in &input.plan.phases {
        for (column, allowed) in [
            (Column::PhaseType, types.as_slice()),
            (Column::OwnerRole, owners.as_slice()),
            (Column::ParallelSafe, &["true", "false"][..]),
        ] {
            let Some(cell) = phase.cell(column) else {
                continue;
            };
            if allowed.iter().any(|value| value.eq_ignore_ascii_case(&cell.text)) {
                continue;
            }
            let nearest = renkei_model::name::nearest(&cell.text.to_ascii_lowercase(), allowed.iter().copied());
            let finding = input.finding(
                &RULE.meta,
                cell.range.clone(),
                format!(
                    "`{}` is not a {}; expected one of {}",
                    cell.text,
                    column.name(),
                    allowed.iter().map(|value| format!("`{value}`")).collect::<Vec<_>>().join(", ")
                ),
            );
            findings.push(super::suggest(finding, nearest, true));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_value_outside_the_contract_is_reported_at_its_cell_with_the_nearest() {
        let mut rows = GOOD.to_vec();
        rows[0] = "| T1 | tests | test-implementer | none | yes | preconditions | test: limits | red run | `tests/limit.rs` | |";
        let found = findings_of("plan/invalid-value", &plan(&rows, "true"));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!((found[0].start.line, found[0].start.column), (7, 8));
        assert_eq!(found[0].replacements, ["test"]);
        assert!(found[1].message.starts_with("`yes` is not a parallel_safe"));
    }

    #[test]
    fn the_contract_values_pass_in_any_case() {
        let mut rows = GOOD.to_vec();
        rows[0] = "| T1 | Test | test-implementer | none | TRUE | preconditions | test: limits | red run | `tests/limit.rs` | |";
        assert!(findings_of("plan/invalid-value", &plan(&rows, "true")).is_empty());
    }
}
