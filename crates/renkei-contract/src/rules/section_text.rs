//! `contract/section-text`: a section says each given passage.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::{find_heading, states, text_in};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/section-text",
        "a section says each given passage",
        "The Return Contract is a whitelist (\"return only with terminal outcomes: ...\"). \
         Checking its wording keeps it positive instead of drifting back into a list of \
         prohibitions that leave other returns implicitly allowed.",
    )
    .fix("Restore the passage the message quotes in the section it names.")
    .example(
        "## Return Contract\n\nReturn to the parent leader once input validation is done, with `in_progress`.",
        "## Return Contract\n\nReturn to parent leader only with terminal outcomes:\n\n- execution evidence with verification results, or\n- `blocked` with explicit blocker ownership and next action.\n\nInput validation is not a terminal outcome.",
    ),
    required: &[Param::File, Param::Section, Param::Text],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let Some(section) = &check.section else {
        return reporter.diagnostics;
    };
    let Some(heading) = find_heading(document, section) else {
        reporter.missing(
            format!("missing section `{section}`"),
            Some(format!("add a `{section}` section")),
        );
        return reporter.diagnostics;
    };
    let said = text_in(document, &heading.section);
    for passage in check.text.iter().flatten() {
        if !passage.names().any(|wording| states(&said, wording)) {
            reporter.at(
                heading.range.clone(),
                format!("section `{}` does not say \"{passage}\"", heading.text),
                None,
            );
        }
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: section-text\n    file: o.md\n    section: Return Contract\n    text: [\"Return only with terminal outcomes:\", \"`blocked` with an owner.\"]\n";

    #[test]
    fn passes_when_every_passage_is_in_the_section() {
        let text = "# O\n\n## Return Contract\n\nReturn only with terminal outcomes:\n\n1. evidence, or\n2. `blocked` with an owner.\n";
        assert_eq!(check(CONTRACT, &[("o.md", text)]), "");
    }

    #[test]
    fn reports_a_missing_passage_and_a_missing_section() {
        let text = "# O\n\n## Return Contract\n\nDo not return early.\n\n## Other\n\nReturn only with terminal outcomes:\n";
        insta::assert_snapshot!(check(CONTRACT, &[("o.md", text)]), @r#"
        contract/section-text o.md:3:1 section `Return Contract` does not say "Return only with terminal outcomes:"
        contract/section-text o.md:3:1 section `Return Contract` does not say "`blocked` with an owner."
        "#);
        assert_eq!(
            check(CONTRACT, &[("o.md", "# O\n")]),
            "contract/section-text o.md:1:1 missing section `Return Contract`"
        );
    }
}
