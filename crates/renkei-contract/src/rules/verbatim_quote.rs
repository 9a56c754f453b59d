//! `contract/verbatim-quote`: a section's block quote repeats the tenets of another file
//! word for word and in order.
//!
//! The tenets may be written as list items, as paragraphs (one per tenet, on one line or
//! several), as headings, or inside a block quote of their own; the quote may hold them as
//! paragraphs or as a list. A quoted tenet is found in the source as one block, as a run of
//! consecutive blocks (two tenets on one quote paragraph), or as the first sentences of one
//! (a tenet in bold before its explanation). When the tenets are a list, every item must be
//! quoted; in the other forms a tenet the quote leaves out cannot be told from the prose
//! around it, so only what is quoted is checked.
//!
//! Why it exists is [`RULE`]'s `why`.

use std::ops::Range;

use renkei_model::{Diagnostic, Document, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::{comparable, find_heading, written};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/verbatim-quote",
        "a section's block quote repeats another file's tenets word for word, in order",
        "Members receive the tenets through this quote. If it drifts from `ethos/tenets.md`, \
         every delegate is taught the old wording; a retired tenet keeps propagating.",
    )
    .fix(
        "Copy the tenets into the block quote word for word and in their order, as the other file states them.",
    )
    .example(
        "## Verbatim Propagation\n\nPass these to every member word for word:\n\n> Second tenet.\n>\n> First tenet, reworded.",
        "## Verbatim Propagation\n\nPass these to every member word for word:\n\n> First tenet.\n>\n> Second tenet.",
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
    let Some(section) = &check.section else {
        return reporter.diagnostics;
    };
    let tenets = blocks(source);
    let heading = find_heading(document, section);
    let in_section = |range: &Range<usize>| {
        heading.is_some_and(|heading| heading.section.contains(&range.start))
    };
    // The quote of the named section; without that section, a quote anywhere in the file
    // that repeats a tenet (the author named the section otherwise).
    let quote = document
        .block_quotes
        .iter()
        .find(|quote| in_section(&quote.range))
        .or_else(|| {
            heading.is_none().then(|| {
                document.block_quotes.iter().find(|quote| {
                    quoted_units(document, &quote.range)
                        .iter()
                        .any(|unit| tenets.iter().any(|tenet| tenet.text == unit.text))
                })
            })?
        });
    let Some(quote) = quote else {
        match heading {
            Some(heading) => reporter.at(
                heading.range.clone(),
                format!("section `{}` has no block quote", heading.text),
                Some(format!("quote the tenets of {source_name} in it")),
            ),
            None => reporter.missing(
                format!("missing section `{section}` quoting `{source_name}`"),
                Some(format!(
                    "add `{section}` with a block quote of the tenets of {source_name}"
                )),
            ),
        }
        return reporter.diagnostics;
    };
    let units = quoted_units(document, &quote.range);
    let matched = align(&units, &tenets);

    // When the tenets are a list (the one the quote repeats from, or else the file's
    // first), each of its items is quoted.
    let list = matched
        .iter()
        .flatten()
        .find_map(|found| tenets[found.start].list())
        .or_else(|| tenets.iter().find_map(Unit::list));
    let listed: Vec<usize> = list.map_or_else(Vec::new, |list| {
        (0..tenets.len())
            .filter(|&index| tenets[index].list() == Some(list))
            .collect()
    });
    let quoted: Vec<usize> = matched.iter().flatten().flat_map(Clone::clone).collect();
    let mut unquoted: Vec<usize> = listed
        .iter()
        .copied()
        .filter(|index| !quoted.contains(index))
        .collect();

    let mut last = None;
    for (position, (unit, found)) in units.iter().zip(&matched).enumerate() {
        match found {
            Some(found) if last.is_some_and(|last| found.start < last) => reporter.at(
                unit.range.clone(),
                format!(
                    "quoted tenet {} is out of order: {source_name} gives it earlier",
                    position + 1
                ),
                Some(format!("quote the tenets in the order of {source_name}")),
            ),
            Some(found) => last = Some(found.end),
            None => {
                // The tenet this one replaced: the first unquoted tenet between its
                // matched neighbours, paired in order.
                let after = last.unwrap_or(0);
                let before = matched[position + 1..]
                    .iter()
                    .flatten()
                    .map(|found| found.start)
                    .next()
                    .unwrap_or(usize::MAX);
                let replaced = unquoted
                    .iter()
                    .position(|&index| after <= index && index < before)
                    .map(|at| unquoted.remove(at));
                let help = match replaced {
                    Some(replaced) => Some(format!(
                        "write it as {source_name} does: \"{}\"",
                        written(source, &tenets[replaced].range)
                    )),
                    None => closest(&unit.text, &tenets).map(|index| {
                        format!(
                            "the closest tenet of {source_name} reads: \"{}\"",
                            written(source, &tenets[index].range)
                        )
                    }),
                };
                reporter.at(
                    unit.range.clone(),
                    format!(
                        "quoted tenet {} is not in {source_name} word for word",
                        position + 1
                    ),
                    help,
                );
            }
        }
    }
    for index in unquoted {
        let number = listed.iter().position(|&i| i == index).unwrap_or(0) + 1;
        reporter.at(
            quote.range.clone(),
            format!("the quote leaves out tenet {number} of {source_name}"),
            Some(format!("add \"> {}\"", written(source, &tenets[index].range))),
        );
    }
    reporter.diagnostics
}

/// A block of text: a list item, a paragraph or a heading, reduced for comparison.
struct Unit {
    range: Range<usize>,
    text: String,
    kind: Kind,
}

/// What kind of block a unit is: tenets are blocks of one kind, with prose of other kinds
/// between them (a heading per tenet, each followed by its explanation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An item of the document's n-th list.
    Item(usize),
    Paragraph,
    Heading(u8),
}

impl Unit {
    fn list(&self) -> Option<usize> {
        match self.kind {
            Kind::Item(list) => Some(list),
            _ => None,
        }
    }
}

/// Every block of the source that could be a tenet, in document order: list items,
/// paragraphs outside list items, and headings below the file's title.
fn blocks(document: &Document) -> Vec<Unit> {
    let items = document.lists.iter().enumerate().flat_map(|(list, found)| {
        found.items.iter().map(move |item| Unit {
            range: item.range.clone(),
            text: comparable(&item.text),
            kind: Kind::Item(list),
        })
    });
    let title = document.outline.headings.first().map(|heading| heading.range.clone());
    let headings = document
        .outline
        .headings
        .iter()
        .filter(|heading| Some(&heading.range) != title.as_ref())
        .map(|heading| Unit {
            range: heading.range.clone(),
            text: comparable(&heading.text),
            kind: Kind::Heading(heading.level),
        });
    let mut units: Vec<Unit> = items
        .chain(paragraphs_outside_items(document, &(0..document.source.len())))
        .chain(headings)
        .filter(|unit| !unit.text.is_empty())
        .collect();
    units.sort_by_key(|unit| unit.range.start);
    units
}

/// What a quote holds, in order: its list items and its paragraphs outside them.
fn quoted_units(document: &Document, quote: &Range<usize>) -> Vec<Unit> {
    let inside = |range: &Range<usize>| quote.start <= range.start && range.end <= quote.end;
    let items = document
        .lists
        .iter()
        .filter(|list| inside(&list.range))
        .flat_map(|list| &list.items)
        .map(|item| Unit {
            range: item.range.clone(),
            text: comparable(&item.text),
            kind: Kind::Paragraph,
        });
    let mut units: Vec<Unit> = items
        .chain(paragraphs_outside_items(document, quote))
        .filter(|unit| !unit.text.is_empty())
        .collect();
    units.sort_by_key(|unit| unit.range.start);
    units
}

fn paragraphs_outside_items<'a>(
    document: &'a Document,
    within: &'a Range<usize>,
) -> impl Iterator<Item = Unit> + 'a {
    document
        .paragraphs
        .iter()
        .filter(move |paragraph| {
            within.start <= paragraph.range.start
                && paragraph.range.end <= within.end
                && !document.lists.iter().flat_map(|list| &list.items).any(|item| {
                    item.range.start <= paragraph.range.start
                        && paragraph.range.end <= item.range.end
                })
        })
        .map(|paragraph| Unit {
            range: paragraph.range.clone(),
            text: comparable(&paragraph.text),
            kind: Kind::Paragraph,
        })
}

/// For each quoted unit, the tenets it repeats (a range of `tenets`), searched after the
/// previous match first, then anywhere (an out-of-order quote still repeats a tenet).
fn align(units: &[Unit], tenets: &[Unit]) -> Vec<Option<Range<usize>>> {
    let mut next = 0;
    units
        .iter()
        .map(|unit| {
            let found = (next..tenets.len())
                .chain(0..next.min(tenets.len()))
                .find_map(|start| repeats(&unit.text, tenets, start));
            if let Some(found) = &found
                && found.start >= next
            {
                next = found.end;
            }
            found
        })
        .collect()
}

/// The tenets from `start` that `quoted` repeats: one, several in a row (of the same kind,
/// skipping the prose between them), or the leading sentences of one.
fn repeats(quoted: &str, tenets: &[Unit], start: usize) -> Option<Range<usize>> {
    let kind = tenets.get(start)?.kind;
    let mut joined = String::new();
    for (end, tenet) in tenets.iter().enumerate().skip(start) {
        if tenet.kind != kind {
            continue;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(&tenet.text);
        if joined == quoted {
            return Some(start..end + 1);
        }
        let leads = joined
            .strip_prefix(quoted)
            .is_some_and(|rest| rest.starts_with(' '))
            && quoted.ends_with(['.', '!', '?', ':', ';']);
        if leads {
            return Some(start..end + 1);
        }
        let continues = quoted
            .strip_prefix(joined.as_str())
            .is_some_and(|rest| rest.starts_with(' '));
        if !continues {
            return None;
        }
    }
    None
}

/// The tenet sharing the most words with `quoted`, if any shares one.
fn closest(quoted: &str, tenets: &[Unit]) -> Option<usize> {
    let words: std::collections::BTreeSet<&str> = quoted.split(' ').collect();
    tenets
        .iter()
        .enumerate()
        .map(|(index, tenet)| {
            let shared = tenet.text.split(' ').filter(|word| words.contains(word)).count();
            (shared, std::cmp::Reverse(index))
        })
        .max()
        .filter(|(shared, _)| *shared > 0)
        .map(|(_, std::cmp::Reverse(index))| index)
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
        contract/verbatim-quote o.md:5:3 quoted tenet 1 is not in t.md word for word
        contract/verbatim-quote o.md:5:1 the quote leaves out tenet 2 of t.md
        ");
    }

    #[test]
    fn tenets_may_be_paragraphs_headings_or_bold_leads_and_the_quote_a_list() {
        let forms = [
            "# Tenets\n\nWe hold these.\n\nFirst tenet.\n\nSecond tenet,\nwrapped.\n",
            "# Tenets\n\n## First tenet.\n\nWhy it holds.\n\n## Second tenet, wrapped.\n",
            "# Tenets\n\n> First tenet.\n>\n> Second tenet, wrapped.\n",
        ];
        let quotes = [
            "> First tenet.\n>\n> Second tenet,\n> wrapped.\n",
            "> 1. First tenet.\n> 2. Second tenet, wrapped.\n",
            "> First tenet. Second tenet, wrapped.\n",
        ];
        // A tenet in bold before its explanation is quoted one per quote paragraph.
        let bold = "# Tenets\n\n**First tenet.** Because.\n\n**Second tenet, wrapped.** Also.\n";
        let cases = forms
            .iter()
            .flat_map(|tenets| quotes.iter().map(move |quote| (*tenets, *quote)))
            .chain(quotes[..2].iter().map(|quote| (bold, *quote)));
        for (tenets, quote) in cases {
            let text = format!("# O\n\n## Verbatim Propagation\n\n{quote}");
            let found = check(CONTRACT, &[("o.md", &text), ("t.md", tenets)]);
            assert_eq!(found, "", "{tenets}\n{quote}");
        }
    }

    #[test]
    fn a_quote_outside_the_named_section_is_found_by_its_tenets() {
        let text = "# O\n\n## Tenet Propagation\n\n> First tenet.\n>\n> Second tenet.\n";
        assert_eq!(check(CONTRACT, &[("o.md", text), ("t.md", TENETS)]), "");
    }

    #[test]
    fn reports_drift_order_and_an_unquoted_item_with_the_tenet_as_written() {
        let tenets = "# Tenets\n\n- First `tenet`.\n- Second tenet.\n- Third tenet.\n";
        let text = "# O\n\n## Verbatim Propagation\n\n> Second tenet.\n>\n> First tenet.\n";
        insta::assert_snapshot!(check(CONTRACT, &[("o.md", text), ("t.md", tenets)]), @r"
        contract/verbatim-quote o.md:7:3 quoted tenet 2 is out of order: t.md gives it earlier
        contract/verbatim-quote o.md:5:1 the quote leaves out tenet 3 of t.md
        ");
        let drifted = "# O\n\n## Verbatim Propagation\n\n> First tenet.\n>\n> Second tenet, reworded.\n>\n> Third tenet.\n";
        let contract = crate::config::parse_contract(std::path::Path::new("c.yaml"), CONTRACT).unwrap();
        let subject = crate::subject::Subject::from_documents(
            "execution",
            std::path::Path::new("arch"),
            [("o.md", drifted), ("t.md", tenets)]
                .map(|(path, text)| (path.to_string(), renkei_model::Document::parse(text.to_string()).unwrap())),
        );
        let found = (super::RULE.run)(&contract.checks[0], &subject);
        let [finding] = found.as_slice() else { panic!("{found:?}") };
        assert_eq!(finding.message, "quoted tenet 2 is not in t.md word for word");
        assert_eq!(finding.help.as_deref(), Some("write it as t.md does: \"Second tenet.\""));
    }
}
