//! `contract/template-slots`: every field an output contract says the archetype returns
//! has a place in the report template.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, Position, Related, RuleMeta};

use crate::config::{Check, Param};
use crate::interface::read::{File, return_sections};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::name_key;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/template-slots",
        "every field the output contract returns has a slot in the template",
        "The agent fills in the template, not the output contract: a returned field with no slot \
         in the template (`open_issues[]`, `blocker_class`) is never written, and the caller \
         reads a report without it.",
    )
    .fix("Add a slot to the template for the returned field the message names.")
    .example(
        "<!-- output-contract.md returns `commits[]` -->\n## Summary\n- Outcome: <complete | blocked>",
        "<!-- output-contract.md returns `commits[]` -->\n## Summary\n- Outcome: <complete | blocked>\n- Commits: <commits[]>",
    ),
    required: &[Param::File, Param::Source],
    optional: &[Param::Sections],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let Some(template_file) = check.source.as_ref().map(|source| source.value.as_str()) else {
        return reporter.diagnostics;
    };
    let Some(template) = subject.document(template_file) else {
        reporter.missing(
            format!("`{template_file}` is missing; the output contract's fields have no slots"),
            None,
        );
        return reporter.diagnostics;
    };
    let sections = check.sections.as_deref().unwrap_or(return_sections());
    let returned = File::new(&subject.dir, super::file_of(check), document).fields_of_sections(sections);
    let slots: std::collections::HashSet<String> = subject
        .fields(template_file)
        .iter()
        .map(|field| field.name.as_str())
        .chain(template.outline.headings.iter().map(|h| h.text.as_str()))
        .chain(
            template
                .tables
                .iter()
                .flat_map(|table| table.rows.iter().filter(|row| row.header))
                .flat_map(|row| row.cells.iter().map(|cell| cell.text.as_str())),
        )
        .flat_map(slot_keys)
        // A field named in backticks anywhere in the template has its place there:
        // `| Implementation commits per phase (`implementation_commit_hashes`) | |`.
        .chain(
            template
                .outline
                .code_spans
                .iter()
                .map(|span| slot_key(template.source[span.clone()].trim_matches('`'))),
        )
        .collect();
    let template_path = subject.path(template_file);
    for field in returned {
        if slots.contains(&slot_key(&field.name)) {
            continue;
        }
        reporter.at(
            field.place.range.clone(),
            format!("`{}` has no slot in `{template_file}`", field.name),
            Some(format!(
                "add a `{}:` field to the template, where the agent reports it",
                readable(&field.name)
            )),
        );
        if let Some(diagnostic) = reporter.diagnostics.last_mut() {
            diagnostic.related.push(Related {
                path: template_path.clone(),
                start: Position { line: 1, column: 1 },
                end: Position { line: 1, column: 1 },
                message: "the template the agent fills in".to_string(),
            });
        }
    }
    reporter.diagnostics
}

/// The keys a slot answers to: its own name, and each name it gives in parentheses
/// (`Commit (`phase_commits`)`, `Tests (test_files, baseline test_commit_hashes)`), the way
/// authors tie a slot to the field it reports.
fn slot_keys(text: &str) -> Vec<String> {
    let mut keys = vec![slot_key(text)];
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let inner = &rest[open + 1..];
        let close = inner.find(')').unwrap_or(inner.len());
        keys.extend(
            inner[..close]
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '`'))
                .filter(|word| word.contains('_'))
                .map(slot_key),
        );
        rest = &inner[close..];
    }
    keys
}

/// A name as a template would write it: `open_issues[]` is `Open issues`.
fn readable(name: &str) -> String {
    let words = name.trim_end_matches("[]").replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What a slot and a field are matched by: their [`name_key`], each word without a plural
/// `s` or a `-ship` (the synthesis's template reports `blocker_owner` as "Blocker
/// ownership"), and without a last word that only says how the value is given (`validation_report_path`
/// fills `Validation report:`, `test_commit_hashes[]` fills `Test commits:`,
/// `verification_results[]` fills a `Verification` section).
fn slot_key(name: &str) -> String {
    let key = name_key(name);
    let mut words: Vec<&str> = key
        .split(' ')
        .map(|word| {
            // `hashes`, `boxes`, `patches` lose `es`; `files`, `names`, `phases` only `s`.
            let sibilant = ["shes", "ches", "xes", "zes", "sses"]
                .iter()
                .any(|ending| word.ends_with(ending));
            // `ownership`, `leadership`, `membership`: the role the field names.
            let role = word
                .strip_suffix("ship")
                .filter(|role| role.len() >= 4 && (role.ends_with("er") || role.ends_with("or")));
            if let Some(role) = role {
                role
            } else if word.len() > 4 && sibilant {
                word.strip_suffix("es").unwrap_or(word)
            } else if word.len() > 2 && word.ends_with('s') && !word.ends_with("ss") {
                word.strip_suffix('s').unwrap_or(word)
            } else {
                word
            }
        })
        .collect();
    if words.len() > 1
        && words
            .last()
            .is_some_and(|last| {
                matches!(
                    *last,
                    "path" | "hash" | "id" | "list" | "file" | "result" | "output" | "status"
                )
            })
    {
        words.pop();
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: template-slots\n    file: o.md\n    source: t.md\n";
    const OUTPUT: &str = "# Output\n\n## Return Fields\n\n1. `outcome`: `complete` | `blocked`\n2. `test_commit_hashes[]`\n3. `validation_report_path`\n4. `open_issues[]` (explicit `none` when empty)\n\n## Outcome Values\n\n- `complete`: done\n";

    #[test]
    fn passes_when_every_returned_field_has_a_slot() {
        let template = "# Report\n\n## Evidence\n\n- Test commits:\n- Validation report:\n\n## Open Issues\n\n- none\n\n## Outcome\n\n- Outcome:\n";
        assert_eq!(check(CONTRACT, &[("o.md", OUTPUT), ("t.md", template)]), "");
    }

    #[test]
    fn a_slot_may_name_its_field_in_parentheses_or_backticks() {
        let template = "# Report\n\n| Phase | Commit (test_commit_hashes[]) |\n|---|---|\n| | |\n\n- Report (validation_report_path):\n- Issues, each with its owner and its destination (`open_issues[]`):\n- Outcome:\n";
        assert_eq!(check(CONTRACT, &[("o.md", OUTPUT), ("t.md", template)]), "");
    }

    #[test]
    fn plurals_and_how_a_value_is_given_do_not_count() {
        for (field, slot) in [
            ("test_files[]", "Test file"),
            ("test_names[]", "Test names"),
            ("phase_results[]", "Phase Results"),
            ("test_commit_hashes[]", "Test commits"),
            ("validation_report_path", "Validation report"),
            ("blocker_owner", "Blocker ownership"),
            ("team_leader", "Team leadership"),
        ] {
            assert_eq!(super::slot_key(field), super::slot_key(slot), "{field}");
        }
        assert_ne!(super::slot_key("test_files[]"), super::slot_key("Test name"));
        // Only a role's `-ship` goes: `worship` is not `wor`.
        assert_eq!(super::slot_key("worship"), "worship");
    }

    #[test]
    fn the_synthesis_wording_of_a_slot_fills_its_field() {
        let output = "# Output\n\n## Return Fields\n\n1. `outcome`: `complete` | `blocked`\n2. `blocker_owner`\n";
        let template = "# Report\n\n## Outcome\n\n- Outcome:\n- Blocker ownership (if blocked/escalated):\n";
        assert_eq!(check(CONTRACT, &[("o.md", output), ("t.md", template)]), "");
        // A different word is still no slot for it.
        let template = "# Report\n\n## Outcome\n\n- Outcome:\n- Blocker:\n";
        assert_ne!(check(CONTRACT, &[("o.md", output), ("t.md", template)]), "");
    }

    #[test]
    fn reports_each_returned_field_the_template_has_no_place_for() {
        let template = "# Report\n\n## Evidence\n\n- Test commits:\n\n## Outcome\n\n- Outcome:\n";
        assert_eq!(
            check(CONTRACT, &[("o.md", OUTPUT), ("t.md", template)]),
            "contract/template-slots o.md:7:4 `validation_report_path` has no slot in `t.md`\n\
             contract/template-slots o.md:8:4 `open_issues[]` has no slot in `t.md`"
        );
    }
}
