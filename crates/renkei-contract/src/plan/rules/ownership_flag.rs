//! `plan/ownership-flag`: `plan_contract_has_phase_ownership` says what the table shows:
//! `true` exactly when every phase has an owner that fits its type. The flag is computed
//! from the phases, never trusted.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PHASE_OWNERS, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/ownership-flag",
        "plan_contract_has_phase_ownership matches the phases",
        "Execution-lead's input validation reads the flag; a flag that says `true` over a phase \
         with a wrong or missing owner lets a plan through that breaks the preconditions it vouches for.",
    )
    .fix(
        "Set plan_contract_has_phase_ownership to what the phases show: true only when every phase has the right owner.",
    )
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: false\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let plan = input.plan;
    let owned = !plan.phases.is_empty()
        && plan.phases.iter().all(|phase| {
            let (Some(kind), Some(owner)) =
                (phase.cell(Column::PhaseType), phase.cell(Column::OwnerRole))
            else {
                return false;
            };
            PHASE_OWNERS.iter().any(|(phase_type, expected)| {
                phase_type.eq_ignore_ascii_case(&kind.text) && expected.eq_ignore_ascii_case(&owner.text)
            })
        });
    let Some(flag) = &plan.ownership_flag else {
        return vec![input.finding(
            &RULE.meta,
            plan.header.clone(),
            format!("the plan does not state `plan_contract_has_phase_ownership`; by its phases it is `{owned}`"),
        )];
    };
    let written = flag.text.trim().to_ascii_lowercase();
    let message = match written.as_str() {
        "true" | "false" if (written == "true") == owned => return Vec::new(),
        "true" | "false" => format!(
            "`plan_contract_has_phase_ownership` says `{written}` but the phases show `{owned}`"
        ),
        _ => format!(
            "`plan_contract_has_phase_ownership` is `{}`; it is `true` or `false`, and by the phases `{owned}`",
            flag.text
        ),
    };
    vec![input.finding(&RULE.meta, flag.range.clone(), message)]
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_flag_that_claims_ownership_over_a_wrong_owner_is_reported() {
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | implement-plan | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        let found = findings_of("plan/ownership-flag", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "`plan_contract_has_phase_ownership` says `true` but the phases show `false`"
        );
        assert_eq!(found[0].start.line, 13);
        assert_eq!(findings_of("plan/ownership-flag", &plan(GOOD, "")).len(), 1);
    }

    #[test]
    fn a_flag_that_matches_passes_either_way() {
        assert!(findings_of("plan/ownership-flag", &plan(GOOD, "true")).is_empty());
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | implement-plan | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        assert!(findings_of("plan/ownership-flag", &plan(&rows, "`false`")).is_empty());
    }
}
