//! `contract/verbatim-quote`: the first block quote of a section repeats the list of another
//! file word for word and in order (one quote paragraph per list item).
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::{comparable, find_heading};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/verbatim-quote",
        "a section's block quote repeats another file's list word for word, in order",
        "Members receive the tenets through this quote. If it drifts from `ethos/tenets.md`, \
         every delegate is taught the old wording; a retired tenet keeps propagating.",
    ),
    required: &[Param::File, Param::Section, Param::Source],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let source_name = check
        .source
        .as_ref()
        .map(|source| source.value.as_str())
        .unwrap_or_default();
    let Some(source) = subject.document(source_name) else {
        reporter.missing(
            format!("`{source_name}`, the source of the verbatim quote, is missing"),
            None,
        );
        return reporter.diagnostics;
    };
    let expected: Vec<&str> = source
        .lists
        .first()
        .map(|list| list.items.iter().map(|item| item.text.as_str()).collect())
        .unwrap_or_default();
    let section = check.section.as_deref().unwrap_or_default();
    let Some(heading) = find_heading(document, section) else {
        reporter.missing(
            format!("missing section `{section}` quoting `{source_name}`"),
            Some(format!(
                "add `{section}` with a block quote of the items of {source_name}"
            )),
        );
        return reporter.diagnostics;
    };
    let Some(quote) = document
        .block_quotes
        .iter()
        .find(|quote| heading.section.contains(&quote.range.start))
    else {
        reporter.at(
            heading.range.clone(),
            format!("section `{}` has no block quote", heading.text),
            None,
        );
        return reporter.diagnostics;
    };
    for (index, wanted) in expected.iter().enumerate() {
        match quote.paragraphs.get(index) {
            Some(paragraph) if comparable(&paragraph.text) == comparable(wanted) => {}
            Some(paragraph) => reporter.at(
                paragraph.range.clone(),
                format!(
                    "quote line {} differs from item {} of {source_name}",
                    index + 1,
                    index + 1
                ),
                Some(format!("write it verbatim: \"{wanted}\"")),
            ),
            None => reporter.at(
                quote.range.clone(),
                format!("quote lacks item {} of {source_name}", index + 1),
                Some(format!("add \"> {wanted}\"")),
            ),
        }
    }
    for extra in quote.paragraphs.iter().skip(expected.len()) {
        reporter.at(
            extra.range.clone(),
            format!("quote has a line that {source_name} does not"),
            None,
        );
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: verbatim-quote\n    file: o.md\n    section: Verbatim Propagation\n    source: t.md\n";
    const TENETS: &str = "# Tenets\n\n- First tenet.\n- Second tenet.\n";

    #[test]
    fn passes_when_the_quote_repeats_the_list() {
        let text = "# O\n\n## Verbatim Propagation\n\n> First tenet.\n>\n> Second tenet.\n";
        assert_eq!(check(CONTRACT, &[("o.md", text), ("t.md", TENETS)]), "");
    }

    #[test]
    fn reports_a_changed_line_and_a_missing_one() {
        let text = "# O\n\n## Verbatim Propagation\n\n> First tenet, reworded.\n";
        insta::assert_snapshot!(check(CONTRACT, &[("o.md", text), ("t.md", TENETS)]), @r"
        contract/verbatim-quote o.md:5:3 quote line 1 differs from item 1 of t.md
        contract/verbatim-quote o.md:5:1 quote lacks item 2 of t.md
        ");
    }
}
