//! `contract/forbidden-headings`: no heading with any of the listed texts.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/forbidden-headings",
        "no heading with any of these texts",
        "Some sections encode a retired model: an `Intake` section in a report is acknowledgment \
         semantics (the caller knows what it passed), and an `Intake Return Rule` is a \
         prohibition the positive Return Contract replaced.",
    )
    .fix("Remove the heading, or rename it to a section the contract allows.")
    .example("## Intake\n\nRead the request.", "## Input Validation\n\nRead the request."),
    required: &[Param::File, Param::Headings],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    for heading in &document.outline.headings {
        if check
            .headings
            .iter()
            .flatten()
            .any(|forbidden| forbidden.matches(&heading.text))
        {
            reporter.at(
                heading.range.clone(),
                format!("section `{}` is not allowed by the contract", heading.text),
                Some("remove the section; see the contract for what replaces it".to_string()),
            );
        }
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str =
        "checks:\n  - rule: forbidden-headings\n    file: t.md\n    headings: [Intake]\n";

    #[test]
    fn passes_without_the_heading() {
        assert_eq!(
            check(CONTRACT, &[("t.md", "# T\n\n## Input Summary\n")]),
            ""
        );
    }

    #[test]
    fn reports_the_heading_in_any_case() {
        assert_eq!(
            check(CONTRACT, &[("t.md", "# T\n\n## intake\n")]),
            "contract/forbidden-headings t.md:3:1 section `intake` is not allowed by the contract"
        );
    }
}
