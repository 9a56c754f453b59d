//! `plan/duplicate-phase`: phase ids are unique.

use renkei_model::{Diagnostic, Related, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/duplicate-phase",
        "phase ids are unique",
        "`depends_on`, commits and reports name phases by id; two phases with one id make every \
         reference to it ambiguous, and a dependency can be met by the wrong phase.",
    )
    .fix("Give each phase its own id, and update the `depends_on` lists that name it.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/other.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let phases = &input.plan.phases;
    let mut findings = Vec::new();
    for (index, phase) in phases.iter().enumerate() {
        // `ids` keeps the first phase of each id: any other is a duplicate.
        let Some(&first) = input.ids.get(phase.id()).filter(|&&first| first != index) else {
            continue;
        };
        let place = phases[first].place(Column::Phase);
        findings.push(
            input
                .finding(
                    &RULE.meta,
                    phase.place(Column::Phase),
                    format!("phase `{}` is already defined", phase.id()),
                )
                .with_related(Related {
                    path: input.path.to_path_buf(),
                    start: input.lines.position(input.text, place.start),
                    end: input.lines.position(input.text, place.end),
                    message: "the first phase with this id".into(),
                }),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn a_second_phase_with_an_id_is_reported_with_the_first() {
        let mut rows = GOOD.to_vec();
        rows[1] = "| T1 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |";
        let found = findings_of("plan/duplicate-phase", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].start.line, found[0].start.column), (8, 3));
        assert_eq!(found[0].related[0].start.line, 7);
    }

    #[test]
    fn unique_ids_pass() {
        assert!(findings_of("plan/duplicate-phase", &plan(GOOD, "true")).is_empty());
    }
}
