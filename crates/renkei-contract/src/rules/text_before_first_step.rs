//! `contract/text-before-first-step`: a passage stands before the first numbered step.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::{states, text_in};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/text-before-first-step",
        "a passage stands before the first numbered step",
        "An agent invoked again after an interrupted run must check what its delegates already \
         produced before delegating anew; the instruction only works if it is read before the \
         first delegation step, not after it.",
    )
    .fix("Put the required passage, such as input validation, before step 1.")
    .example(
        "# Process\n\n## Step 1: Delegate the Phases\n\nHand each phase to its owner.",
        "# Process\n\nBefore delegating, verify whether the delegate's expected output artifacts already exist and are valid.\n\n## Step 1: Delegate the Phases\n\nHand each phase whose artifacts are missing to its owner.",
    ),
    required: &[Param::File, Param::Text],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) =
        match super::checked_file(&RULE, check, subject) {
            Ok(found) => found,
            Err(missing) => return missing,
        };
    let first_step = document
        .outline
        .headings
        .iter()
        .find(|heading| super::numbered_steps::step_number(&heading.text).is_some());
    let end = first_step.map_or(document.source.len(), |heading| heading.range.start);
    let before = text_in(document, &(0..end));
    for passage in check.text.iter().flatten() {
        if passage.names().any(|wording| states(&before, wording)) {
            continue;
        }
        let message = format!("missing before the first step: \"{passage}\"");
        let help = Some("state it in a preamble above Step 1".to_string());
        match first_step {
            Some(heading) => reporter.at(heading.range.clone(), message, help),
            None => reporter.missing(message, help),
        }
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: text-before-first-step\n    file: p.md\n    text: \"Verify before you delegate.\"\n";

    #[test]
    fn passes_when_the_passage_precedes_step_one() {
        let text = "# P\n\n## Preconditions\n\nVerify before\nyou *delegate*.\n\n## Step 1: Go\n";
        assert_eq!(check(CONTRACT, &[("p.md", text)]), "");
    }

    #[test]
    fn reports_at_step_one_when_the_passage_comes_later() {
        let text = "# P\n\n## Step 1: Go\n\nVerify before you delegate.\n";
        assert_eq!(
            check(CONTRACT, &[("p.md", text)]),
            "contract/text-before-first-step p.md:3:1 missing before the first step: \"Verify before you delegate.\""
        );
    }
}
