//! `contract/numbered-steps`: `Step N` headings are numbered from 1 without gaps; the
//! `before` headings are unnumbered preambles ahead of Step 1; the `after` headings are
//! unnumbered sections after the last step.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};
use renkei_model::markdown::Heading;

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::same_words;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/numbered-steps",
        "steps numbered from 1 without gaps; named preambles before, named sections after, all \
         unnumbered",
        "Validation numbered as a step becomes a milestone an agent can complete and report. As \
         unnumbered preambles, input validation and preconditions are the first lines of the \
         function body; escalation is an alternative return path, not a step after the last one.",
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
            "no numbered steps; write them as `## Step 1: ...` headings",
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
            .find(|heading| step_number(&heading.text).is_none() && same_words(&heading.text, name))
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
        match document.outline.headings.iter().find(|heading| step_number(&heading.text).is_none() && same_words(&heading.text, name)) {
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

/// `3` for `Step 3: Delegate Validation`; `None` for any other heading.
pub(crate) fn step_number(text: &str) -> Option<u64> {
    let rest = text
        .trim()
        .strip_prefix("Step ")
        .or_else(|| text.trim().strip_prefix("step "))?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let after = rest[digits.len()..].chars().next();
    if digits.is_empty() || after.is_some_and(char::is_alphanumeric) {
        return None;
    }
    digits.parse().ok()
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
}
