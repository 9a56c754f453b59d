//! The plan rules: one module each, listed once in [`PLAN_RULES`]. Ids are `plan/<name>`
//! and stable.

use std::path::Path;

use renkei_model::{Diagnostic, LineIndex, RuleMeta};

use super::read::Unreadable;
use super::{Gates, Order, Plan, PlanInput, read_plan};

/// A plan rule: what it is and how it checks.
pub struct PlanRule {
    /// Id, summary and why.
    pub meta: RuleMeta,
    /// Runs the rule.
    pub run: fn(&PlanInput) -> Vec<Diagnostic>,
}

macro_rules! plan_rules {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every plan rule, in the order their findings are reported.
        pub const PLAN_RULES: &[PlanRule] = &[$($module::RULE),*];
    };
}

plan_rules![
    missing_field,
    duplicate_phase,
    invalid_value,
    owner_role,
    unknown_gate,
    unknown_dependency,
    dependency_cycle,
    gate_order,
    test_first,
    file_overlap,
    ownership_flag,
];

/// A file that holds no plan renkei can read.
pub static UNREADABLE: RuleMeta = RuleMeta::error(
    "plan/unreadable",
    "the file holds a plan: the Plan Contract table or a `yaml` block of phases",
    "A plan renkei cannot read cannot be checked; execution would start on a plan nobody \
     verified, which is what the check exists to prevent.",
)
.fix("Write the plan's phases as a Plan Contract table, or as a `yaml` block of phases.")
.example("# Plan\n\nFirst write the tests, then the code, then validate.", "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n");

/// `finding` with a did-you-mean for `nearest`, the known value closest to what was
/// written; with `fix`, that value is also the finding's one replacement, which `--fix`
/// writes.
fn suggest(mut finding: Diagnostic, nearest: Option<&str>, fix: bool) -> Diagnostic {
    if let Some(nearest) = nearest {
        finding = finding.with_help(format!("did you mean `{nearest}`?"));
        if fix {
            finding.replacements = vec![nearest.to_string()];
        }
    }
    finding
}

/// Every rule `plan check` may report, for SARIF and the rule catalog.
pub fn plan_metas() -> impl Iterator<Item = &'static RuleMeta> {
    std::iter::once(&UNREADABLE).chain(PLAN_RULES.iter().map(|rule| &rule.meta))
}

/// A plan checked: the plan as read (none when the file holds none) and the findings.
#[derive(Debug)]
pub struct PlanCheck {
    /// The plan, for its waves.
    pub plan: Option<Plan>,
    /// Its order, resolved while it was checked.
    pub order: Option<Order>,
    /// The findings, in file order.
    pub findings: Vec<Diagnostic>,
}

/// Every finding in the plan `document` at `path`, by the gates `gates` defines.
pub fn check_plan(path: &Path, document: &renkei_model::Document, gates: &Gates) -> PlanCheck {
    let lines = LineIndex::new(&document.source);
    let plan = match read_plan(document) {
        Ok(plan) => plan,
        Err(Unreadable { range, message }) => {
            let finding = Diagnostic::at(
                UNREADABLE.id.clone(),
                UNREADABLE.severity,
                path,
                &document.source,
                &lines,
                range,
                message,
            );
            return PlanCheck {
                plan: None,
                order: None,
                findings: vec![finding],
            };
        }
    };
    let input = PlanInput::new(path, &document.source, &lines, &plan, gates);
    let mut findings: Vec<Diagnostic> = PLAN_RULES
        .iter()
        .flat_map(|rule| (rule.run)(&input))
        .collect();
    findings.sort_by_key(|finding| (finding.range.start, finding.range.end));
    let order = input.order;
    PlanCheck {
        plan: Some(plan),
        order: Some(order),
        findings,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use renkei_model::{Diagnostic, Markdown};

    use crate::plan::{Gate, Gates};

    /// The gates of the framework's execution-lead, as its process defines them.
    pub(crate) fn framework_gates() -> Gates {
        Gates {
            path: "process.md".into(),
            gates: [
                "preconditions",
                "test-gate",
                "implementation-gate",
                "validation-gate",
            ]
            .into_iter()
            .map(|name| Gate {
                name: name.into(),
                range: 0..0,
            })
            .collect(),
        }
    }

    /// A plan document: a Plan Contract table of `rows` (each `| ... |` without the
    /// header) and the ownership flag.
    pub(crate) fn plan(rows: &[&str], flag: &str) -> String {
        let mut text = String::from(
            "# Plan\n\n## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for row in rows {
            text.push_str(row);
            text.push('\n');
        }
        text.push_str(&format!("\n- plan_contract_has_phase_ownership: {flag}\n"));
        text
    }

    /// The findings of the rule `id` in `text`.
    pub(crate) fn findings_of(id: &str, text: &str) -> Vec<Diagnostic> {
        let markdown = Markdown::new(text.to_string()).unwrap();
        super::check_plan(
            Path::new("plan.md"),
            markdown.document(),
            &framework_gates(),
        )
        .findings
        .into_iter()
        .filter(|finding| finding.rule == id)
        .collect()
    }

    #[test]
    fn every_plan_rule_flags_its_failing_example_and_passes_its_passing_one() {
        for meta in super::plan_metas() {
            let example = meta.example.as_ref().expect("a plan rule has an example");
            let failing = findings_of(&meta.id, &example.fails);
            assert!(
                !failing.is_empty(),
                "{} lets its failing example through",
                meta.id
            );
            let passing = findings_of(&meta.id, &example.passes);
            assert!(
                passing.is_empty(),
                "{} flags its passing example: {passing:#?}",
                meta.id
            );
        }
    }

    /// A valid plan: two tests, two implementations, a validation run.
    pub(crate) const GOOD: &[&str] = &[
        "| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |",
        "| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |",
        "| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |",
        "| I2 | implementation | implement-plan | `T2`, `I1` | false | test-gate | feat: headers | green T2 | `src/limit.rs` | |",
        "| V1 | validation-support | execution-lead | I1, I2 | false | implementation-gate | none | validation report | | |",
    ];

    #[test]
    fn the_good_plan_has_no_finding_at_all() {
        let markdown = Markdown::new(plan(GOOD, "true")).unwrap();
        let findings = super::check_plan(
            Path::new("plan.md"),
            markdown.document(),
            &framework_gates(),
        )
        .findings;
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
