//! `contract/numbered-steps`: step headings (`Step N: ...`, `Step N — ...`, `N. ...`, at
//! any level) are numbered from 1 without gaps; the `before` headings are unnumbered
//! preambles ahead of Step 1; the `after` headings are unnumbered sections after the last
//! step.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};
use renkei_model::markdown::Heading;

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/numbered-steps",
        "steps numbered from 1 without gaps; named preambles before, named sections after, all \
         unnumbered",
        "Validation numbered as a step becomes a milestone an agent can complete and report. As \
         unnumbered preambles, input validation and preconditions are the first lines of the \
         function body; escalation is an alternative return path, not a step after the last one.",
    )
    .fix(
        "Number the steps from 1 without gaps, and leave preambles such as input validation unnumbered.",
    )
    .example(
        "# Process\n\n## Step 1: Validate the Input\n\n## Step 2: Read the Plan\n\n## Step 4: Delegate the Phases",
        "# Process\n\n## Input Validation\n\nStop with `blocked` if `plan_path` is missing.\n\n## Preconditions\n\nThe plan's phases name their owners.\n\n## Step 1: Read the Plan\n\n## Step 2: Delegate the Phases\n\n## Escalation\n\nReturn `escalated`, naming who must act.",
    ),
    required: &[Param::File],
    optional: &[Param::Before, Param::After],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let steps: Vec<(u64, &Heading)> = document
        .outline
        .headings
        .iter()
        .filter_map(|heading| Some((step_number(&heading.text)?, heading)))
        .collect();
    let Some(&(_, first)) = steps.first() else {
        reporter.missing(
            "no numbered steps; write them as `## Step 1: ...` or `## 1. ...` headings",
            None,
        );
        return reporter.diagnostics;
    };
    let Some(&(_, last)) = steps.last() else {
        return reporter.diagnostics;
    };
    for (expected, (number, heading)) in (1u64..).zip(&steps) {
        if *number != expected {
            reporter.at(
                heading.range.clone(),
                format!("step numbered {number}, expected Step {expected}: steps start at 1 and run without gaps"),
                Some(format!("renumber this heading to `Step {expected}`")),
            );
            break;
        }
    }
    let marker = "#".repeat(usize::from(first.level));
    for name in check.before.iter().flatten() {
        match document
            .outline
            .headings
            .iter()
            .find(|heading| step_number(&heading.text).is_none() && name.matches(&heading.text))
        {
            // Reported at Step 1, where the preamble belongs (and where a numbered
            // validation step usually stands instead).
            None => reporter.at(
                first.range.clone(),
                format!("no unnumbered `{marker} {name}` preamble before Step 1"),
                Some(format!(
                    "add `{marker} {name}` before `{}`; it is not a step",
                    first.text
                )),
            ),
            Some(heading) if heading.range.start > first.range.start => reporter.at(
                heading.range.clone(),
                format!("`{}` must come before Step 1, as a preamble", heading.text),
                None,
            ),
            Some(_) => {}
        }
    }
    for name in check.after.iter().flatten() {
        match document
            .outline
            .headings
            .iter()
            .find(|heading| step_number(&heading.text).is_none() && name.matches(&heading.text))
        {
            None => reporter.at(
                last.range.clone(),
                format!("no unnumbered `{marker} {name}` section after the last step"),
                Some(format!("add `{marker} {name}` after `{}`; it is an alternative return path, not a step", last.text)),
            ),
            Some(heading) if heading.range.start < last.range.start => reporter.at(
                heading.range.clone(),
                format!("`{}` must come after the last step", heading.text),
                None,
            ),
            Some(_) => {}
        }
    }
    reporter.diagnostics
}

/// `3` for `Step 3: Delegate Validation`, `Step 3 — Delegate`, `Step 3.` or
/// `3. Delegate validation`; `None` for any other heading (`2.4 Safeguards` is a section
/// number, not a step).
pub(crate) fn step_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let word = text.get(..5).filter(|word| word.eq_ignore_ascii_case("step "));
    let (rest, bare) = match word {
        Some(word) => (text[word.len()..].trim_start(), false),
        None => (text, true),
    };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let mut after = rest[digits..].chars();
    let (next, then) = (after.next(), after.next());
    let is_step = match (bare, next) {
        // `3. Delegate`, `3) Delegate`
        (true, Some('.' | ')')) => then.is_none_or(char::is_whitespace),
        (true, _) => false,
        // `Step 3`, `Step 3: ...`, `Step 3 — ...`, `Step 3. ...`; not `Step 3b`, `Step 3.1`
        (false, None) => true,
        (false, Some('.')) => then.is_none_or(char::is_whitespace),
        (false, Some(c)) => !c.is_alphanumeric(),
    };
    if !is_step {
        return None;
    }
    rest[..digits].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: numbered-steps\n    file: p.md\n    before: [Input Validation, Preconditions]\n    after: [Escalation]\n";

    #[test]
    fn passes_with_preambles_steps_from_one_and_escalation_after() {
        let text = "# P\n\n## Input Validation\n\n## Preconditions\n\n## Step 1: Test\n\n## Step 2: Build\n\n## Escalation\n";
        assert_eq!(check(CONTRACT, &[("p.md", text)]), "");
    }

    #[test]
    fn reports_numbered_validation_and_misplaced_sections() {
        let text = "# P\n\n## Step 1: Intake and Start\n\n## Step 2: Preflight Execution Gate\n\n## Step 4: Publish\n\n## Escalation\n\n## Step 5: Escalate When Required\n";
        insta::assert_snapshot!(check(CONTRACT, &[("p.md", text)]), @r"
        contract/numbered-steps p.md:7:1 step numbered 4, expected Step 3: steps start at 1 and run without gaps
        contract/numbered-steps p.md:3:1 no unnumbered `## Input Validation` preamble before Step 1
        contract/numbered-steps p.md:3:1 no unnumbered `## Preconditions` preamble before Step 1
        contract/numbered-steps p.md:9:1 `Escalation` must come after the last step
        ");
    }

    #[test]
    fn steps_may_be_written_in_the_usual_forms_at_any_level() {
        for step in ["Step 1: Test", "Step 1 — Test", "Step 1. Test", "1. Test", "1) Test", "step 1"] {
            let text = format!("# P\n\n### Input Validation (preamble)\n\n### Preconditions\n\n### {step}\n\n### Escalation\n");
            assert_eq!(check(CONTRACT, &[("p.md", &text)]), "", "{step}");
        }
        for not_a_step in ["2.4 Safeguards", "Step 1b", "Step 1.2", "1.Test", "12 Angry Men"] {
            assert_eq!(super::step_number(not_a_step), None, "{not_a_step}");
        }
    }
}
