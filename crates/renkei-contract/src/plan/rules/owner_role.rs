//! `plan/owner-role`: a phase's `owner_role` is the member its `phase_type` goes with.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PHASE_OWNERS, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/owner-role",
        "owner_role fits phase_type: test -> test-implementer, implementation -> implement-plan, validation-support -> execution-lead",
        "Test-first holds because tests and code have different owners: a test phase owned by \
         implement-plan, or an implementation phase owned by test-implementer, lets one agent write \
         both and grade its own work.",
    )
    .fix(
        "Give the phase the owner its phase_type calls for: test-implementer for test, implement-plan for implementation.",
    )
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | implement-plan | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for phase in &input.plan.phases {
        let (Some(kind), Some(owner)) = (phase.cell(Column::PhaseType), phase.cell(Column::OwnerRole))
        else {
            continue;
        };
        let expected = PHASE_OWNERS
            .iter()
            .find(|(phase_type, _)| phase_type.eq_ignore_ascii_case(&kind.text))
            .map(|(_, owner)| *owner);
        let known = PHASE_OWNERS
            .iter()
            .any(|(_, known)| known.eq_ignore_ascii_case(&owner.text));
        // Values outside the contract are `plan/invalid-value`'s.
        let (Some(expected), true) = (expected, known) else {
            continue;
        };
        if !expected.eq_ignore_ascii_case(&owner.text) {
            // No fix: the type may be what is wrong, not the owner; the author decides.
            findings.push(input.finding(
                &RULE.meta,
                owner.range.clone(),
                format!(
                    "phase `{}` is {} `{}` phase owned by `{}`; its owner is `{expected}`",
                    phase.id(),
                    if kind.text.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
                        "an"
                    } else {
                        "a"
                    },
                    kind.text,
                    owner.text
                ),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_test_phase_owned_by_the_implementer_is_reported_at_the_owner() {
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | implement-plan | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        let found = findings_of("plan/owner-role", &plan(&rows, "false"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].start.line, found[0].start.column), (8, 15));
        assert!(found[0].message.ends_with("its owner is `test-implementer`"));
    }

    #[test]
    fn owners_that_fit_pass() {
        assert!(findings_of("plan/owner-role", &plan(GOOD, "true")).is_empty());
    }
}
