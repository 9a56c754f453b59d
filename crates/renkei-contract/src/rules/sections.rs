//! `contract/sections`: the file has exactly the listed sections at one heading level, in
//! order. The level is the contract's `level`, or else the level of the highest heading
//! that names a listed section: `## Metadata` under a `# Report` title, or `### Metadata`
//! under a `#` title and no `##` at all, are both a template's sections.
//!
//! Why it exists is [`RULE`]'s `why`. The same check validates filled-in reports.

use renkei_model::{Diagnostic, Document, RuleMeta};

use crate::config::{Check, Param, Term};
use crate::rules::RuleEntry;
use crate::subject::{Reporter, Subject};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/sections",
        "exactly these sections at this heading level, in this order",
        "The report template is what enforces the return contract: if its sections drift (an \
         extra `Intake` section, a missing `Evidence Bundle`), agents return the drifted shape.",
    )
    .fix(
        "Give the file exactly the sections the contract lists, at that heading level and in that order.",
    )
    .example(
        "## Metadata\n## Intake\n## Work Performed\n## Issues\n## Evidence Bundle\n## Outcome",
        "## Metadata\n## Work Performed\n## Evidence Bundle\n## Issues\n## Scope\n## Outcome\n## Event Ledger",
    ),
    required: &[Param::File, Param::Sections],
    optional: &[Param::Level],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    match super::checked_file(&RULE, check, subject) {
        Ok((mut reporter, document)) => {
            let expected = check.sections.as_deref().unwrap_or_default();
            check_sections(&mut reporter, document, check.level, expected);
            reporter.diagnostics
        }
        Err(missing) => missing,
    }
}

/// Reports missing, unexpected, duplicated and out-of-order sections of `document`.
pub(crate) fn check_sections(
    reporter: &mut Reporter<'_>,
    document: &Document,
    level: Option<u8>,
    expected: &[Term],
) {
    let level = level.unwrap_or_else(|| section_level(document, expected));
    let marker = "#".repeat(usize::from(level));
    let found: Vec<_> = document
        .outline
        .headings
        .iter()
        .filter(|heading| heading.level == level)
        .collect();
    let mut seen: Vec<usize> = Vec::new();
    for heading in &found {
        match expected
            .iter()
            .position(|name| name.matches(&heading.text))
        {
            None => reporter.at(
                heading.range.clone(),
                format!("unexpected section `{marker} {}`", heading.text),
                Some(format!(
                    "the contract allows exactly: {}",
                    listed(expected)
                )),
            ),
            Some(index) if seen.contains(&index) => {
                reporter.at(
                    heading.range.clone(),
                    format!("section `{marker} {}` appears twice", heading.text),
                    None,
                );
            }
            Some(index) => {
                if let Some(&last) = seen.iter().max()
                    && index < last
                {
                    reporter.at(
                        heading.range.clone(),
                        format!(
                            "section `{marker} {}` is out of order; it comes before `{marker} {}`",
                            heading.text, expected[last]
                        ),
                        Some(format!("order the sections: {}", listed(expected))),
                    );
                }
                seen.push(index);
            }
        }
    }
    for (index, name) in expected.iter().enumerate() {
        if seen.contains(&index) {
            continue;
        }
        let message = format!("missing section `{marker} {name}`");
        let after = index
            .checked_sub(1)
            .map(|previous| format!(" after `{marker} {}`", expected[previous]));
        let help = Some(format!(
            "add `{marker} {name}`{}",
            after.unwrap_or_default()
        ));
        // Point where the section belongs: at the next expected section that is present.
        let next_present = expected[index + 1..].iter().find_map(|later| {
            found
                .iter()
                .find(|heading| later.matches(&heading.text))
        });
        match next_present {
            Some(heading) => reporter.at(heading.range.clone(), message, help),
            None => reporter.missing(message, help),
        }
    }
}

/// The level of the highest heading that is one of `expected`; `##` when none is.
pub(crate) fn section_level(document: &Document, expected: &[Term]) -> u8 {
    document
        .outline
        .headings
        .iter()
        .filter(|heading| expected.iter().any(|name| name.matches(&heading.text)))
        .map(|heading| heading.level)
        .min()
        .unwrap_or(2)
}

fn listed(expected: &[Term]) -> String {
    expected
        .iter()
        .map(|term| term.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: sections\n    file: t.md\n    sections: [Metadata, Outcome, Event Ledger]\n";

    #[test]
    fn passes_when_sections_match_in_order() {
        assert_eq!(
            check(
                CONTRACT,
                &[(
                    "t.md",
                    "# T\n\n## Metadata\n\n### Sub\n\n## Outcome\n\n## Event Ledger\n"
                )]
            ),
            ""
        );
    }

    #[test]
    fn reports_extra_missing_duplicate_and_misordered_sections() {
        let text = "# T\n\n## Intake\n\n## Outcome\n\n## Metadata\n\n## Outcome\n";
        insta::assert_snapshot!(check(CONTRACT, &[("t.md", text)]), @r"
        contract/sections t.md:3:1 unexpected section `## Intake`
        contract/sections t.md:7:1 section `## Metadata` is out of order; it comes before `## Outcome`
        contract/sections t.md:9:1 section `## Outcome` appears twice
        contract/sections t.md:1:1 missing section `## Event Ledger`
        ");
    }

    #[test]
    fn a_missing_file_is_reported_on_line_one() {
        assert_eq!(
            check(CONTRACT, &[]),
            "contract/sections t.md:1:1 `t.md` is missing; the contract's `sections` check reads it"
        );
    }
}
