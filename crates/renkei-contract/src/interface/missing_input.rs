//! `interface/missing-input`: a caller passes every field its callee's handoff contract
//! requires, under the callee's name for it.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use super::{Framework, closest, finding, related};

pub(crate) const RULE: RuleMeta = RuleMeta::error(
    "interface/missing-input",
    "a step that delegates passes every field the delegate's handoff contract requires, by its name",
    "A delegate validates its input first: a required field its caller never passes, or passes \
     under another name (`design_refs` for `design_references[]`), makes every invocation end \
     `blocked` at input validation, and the pipeline never runs.",
)
.fix("Pass every required field of the delegate's handoff contract, under the name that contract gives it.")
.example("4. Delegate to `architect` with `plan_path` and `design_refs`.\n<!-- architect requires `design_references[]` -->", "4. Delegate to `architect` with `plan_path` and `design_references[]`.");

pub(super) fn check(framework: &Framework) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for caller in framework.interfaces {
        for (callee, calls) in framework.calls_by_callee(caller) {
            let Some(inputs) = &callee.inputs else {
                continue;
            };
            let passed: Vec<_> = calls.iter().flat_map(|call| &call.passed).collect();
            // The finding goes where the fields are listed: the step that passes the most.
            let Some(first) = calls.iter().rev().max_by_key(|call| call.passed.len()) else {
                continue;
            };
            for required in &inputs.names {
                if passed.iter().any(|name| name.key == required.key) {
                    continue;
                }
                let mut diagnostic = finding(
                    &RULE,
                    &first.place,
                    format!(
                        "delegates `{}` without `{}`, which its handoff contract requires",
                        callee.name, required.name
                    ),
                );
                let near = closest(&required.name, passed.iter().map(|name| name.name.as_str()));
                diagnostic.help = Some(match near {
                    Some(near) => format!(
                        "this step passes `{near}`; `{}` calls it `{}`",
                        callee.name, required.name
                    ),
                    None => format!(
                        "pass `{}` here, by that name in backticks, or correct the name in \
                         `{}`'s handoff contract",
                        required.name, callee.name
                    ),
                });
                diagnostic.related.push(related(
                    &required.place,
                    format!("`{}` requires `{}` here", callee.name, required.name),
                ));
                findings.push(diagnostic);
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CALLEE: (&str, &str, &str) = (
        "member",
        "doctrine/handoff-contract.md",
        "# Handoff\n\n## Required Input Fields\n\n1. `plan_path`: the plan\n2. `design_references[]` and `phase_ids[]`: what to build\n",
    );

    #[test]
    fn passes_when_the_step_names_every_required_field() {
        let caller = (
            "lead",
            "doctrine/process.md",
            "# Process\n\n## Step 1: Build\n\nDelegate `member` with `plan_path`, `phase_ids[]` and `design_references[]`.\n",
        );
        assert_eq!(check(&[CALLEE, caller], &[]), "");
    }

    #[test]
    fn reports_each_field_the_step_does_not_pass_at_both_sides() {
        let caller = (
            "lead",
            "doctrine/process.md",
            "# Process\n\n## Step 1: Build\n\nDelegate `member` with:\n\n- `plan_path`\n- `design_refs[]`\n",
        );
        assert_eq!(
            check(&[CALLEE, caller], &[]),
            "interface/missing-input lead/doctrine/process.md:5:10 delegates `member` without `design_references[]`, which its handoff contract requires | member/doctrine/handoff-contract.md:6:4 `member` requires `design_references[]` here\n\
             interface/missing-input lead/doctrine/process.md:5:10 delegates `member` without `phase_ids[]`, which its handoff contract requires | member/doctrine/handoff-contract.md:6:30 `member` requires `phase_ids[]` here"
        );
    }

    #[test]
    fn a_heading_that_names_the_callee_is_a_step_that_passes_its_list() {
        let caller = (
            "lead",
            "doctrine/handoff-contract.md",
            "# Handoff\n\n## Payload for `member`\n\n1. `plan_path`\n2. `design_references[]`\n3. `phase_ids[]`\n",
        );
        assert_eq!(check(&[CALLEE, caller], &[]), "");
    }
}
