//! `plan/missing-field`: every phase fills the seven fields of the Plan Contract and has
//! an id, and the plan has at least one phase.

use renkei_model::{Diagnostic, RuleMeta};

use super::PlanRule;
use crate::plan::{Column, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/missing-field",
        "every phase has an id and all seven Plan Contract fields",
        "Execution-lead schedules, delegates and gates phases by these fields; a phase without \
         its owner, gate or proof artifact is scheduled by guesswork, and a guess about \
         test-first order is how it gets broken unnoticed.",
    )
    .fix("Fill in every Plan Contract field of the phase the message names.")
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let plan = input.plan;
    let mut findings: Vec<Diagnostic> = plan
        .missing_columns
        .iter()
        .map(|column| {
            input.finding(
                &RULE.meta,
                plan.header.clone(),
                format!("the Plan Contract has no `{}` column", column.name()),
            )
        })
        .collect();
    if plan.phases.is_empty() {
        findings.push(input.finding(&RULE.meta, plan.header.clone(), "the plan has no phases"));
    }
    for phase in &plan.phases {
        for &column in Column::REQUIRED {
            if plan.missing_columns.contains(&column) {
                continue;
            }
            // A list may be empty (`none`); it must still be written.
            let missing = if column.is_list() {
                !phase.writes(column)
            } else {
                phase.cell(column).is_none()
            };
            if missing {
                let phase_name = match phase.id() {
                    "" => "a phase".to_string(),
                    id => format!("phase `{id}`"),
                };
                let message = match column {
                    Column::Phase => "a phase has no id".to_string(),
                    _ => format!("{phase_name} has no `{}`", column.name()),
                };
                findings.push(input.finding(&RULE.meta, phase.place(column), message));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn an_empty_cell_is_reported_at_the_cell() {
        let mut rows = GOOD.to_vec();
        rows[2] = "| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits |  | `src/limit.rs` | |";
        let found = findings_of("plan/missing-field", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].message, "phase `I1` has no `proof_artifact`");
        assert_eq!(found[0].start.line, 9);
    }

    #[test]
    fn a_missing_column_is_reported_once_at_the_header() {
        let text = "| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent |\n|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: a |\n";
        let found = findings_of("plan/missing-field", text);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].message, "the Plan Contract has no `proof_artifact` column");
        assert_eq!((found[0].start.line, found[0].start.column), (1, 1));
    }

    #[test]
    fn a_filled_plan_and_an_empty_depends_on_pass() {
        assert!(findings_of("plan/missing-field", &plan(GOOD, "true")).is_empty());
    }
}
