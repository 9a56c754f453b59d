//! `contract/required-fields`: a section holds each named `Name:` field.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::find_heading;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/required-fields",
        "a section holds every named field",
        "Provenance lines (`Input source`, `Handoff issuer`) are how a caller traces a report \
         back to the invocation; a template without them produces reports without them.",
    )
    .fix("Add the missing field to the section the message names.")
    .example(
        "## Metadata\n- Input source: <who sent the input>",
        "## Metadata\n- Input source: <who sent the input>\n- Handoff issuer: <the leader that invoked this stage>",
    ),
    required: &[Param::File, Param::Section, Param::Fields],
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
            format!("missing section `{section}` that must hold the required fields"),
            None,
        );
        return reporter.diagnostics;
    };
    let present = subject.fields(super::file_of(check));
    for name in check.fields.iter().flatten() {
        let found = present.iter().any(|field| {
            heading.section.contains(&field.range.start) && name.matches_key(&field.key)
        });
        if !found {
            reporter.at(
                heading.range.clone(),
                format!("section `{}` has no `{name}:` field", heading.text),
                Some(format!("add the field `{name}:` to this section")),
            );
        }
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: required-fields\n    file: t.md\n    section: Metadata\n    fields: [Input source, Handoff issuer]\n";

    #[test]
    fn passes_when_every_field_is_in_the_section() {
        let text =
            "# T\n\n## Metadata\n\n- Date:\n- Input source: `tech-lead`\n- Handoff issuer:\n";
        assert_eq!(check(CONTRACT, &[("t.md", text)]), "");
    }

    #[test]
    fn reports_fields_missing_from_the_section() {
        let text =
            "# T\n\n## Metadata\n\n- Input source: `tech-lead`\n\n## Other\n\n- Handoff issuer:\n";
        assert_eq!(
            check(CONTRACT, &[("t.md", text)]),
            "contract/required-fields t.md:3:1 section `Metadata` has no `Handoff issuer:` field"
        );
    }
}
