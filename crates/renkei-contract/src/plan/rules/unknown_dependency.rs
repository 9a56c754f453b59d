//! `plan/unknown-dependency`: every `depends_on` id names another phase of the plan.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::PlanInput;

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/unknown-dependency",
        "depends_on names phases of the plan, never the phase itself",
        "A dependency on a phase that does not exist can never be met, and one on the phase \
         itself can never start; either way the order the plan promises is not the order it runs in.",
    )
    .fix("Name only other phases of this plan in depends_on, or `none`.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T9 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let ids = &input.ids;
    let mut findings = Vec::new();
    for phase in &input.plan.phases {
        for dependency in &phase.depends_on {
            let message = if dependency.text == phase.id() {
                format!("phase `{}` depends on itself", phase.id())
            } else if ids.contains_key(dependency.text.as_str()) {
                continue;
            } else {
                format!("phase `{}` depends on `{}`, which is not a phase of the plan", phase.id(), dependency.text)
            };
            let finding = input.finding(&RULE.meta, dependency.range.clone(), message);
            // No fix: the phase meant may be missing from the plan, not misspelt.
            let nearest = renkei_model::name::nearest(&dependency.text, ids.keys().copied())
                .filter(|nearest| *nearest != phase.id());
            findings.push(super::suggest(finding, nearest, false));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn an_id_that_is_no_phase_and_a_self_dependency_are_reported_at_the_value() {
        let mut rows = GOOD.to_vec();
        rows[2] = "| I1 | implementation | implement-plan | T1, `T9`, I1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |";
        let found = findings_of("plan/unknown-dependency", &plan(&rows, "true"));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!((found[0].start.line, found[0].start.column), (9, 47));
        assert_eq!(found[0].end.column, 49);
        assert_eq!(found[1].message, "phase `I1` depends on itself");
    }

    #[test]
    fn dependencies_on_phases_pass() {
        assert!(findings_of("plan/unknown-dependency", &plan(GOOD, "true")).is_empty());
    }
}
