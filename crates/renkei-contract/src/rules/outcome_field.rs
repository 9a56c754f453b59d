//! `contract/outcome-field`: exactly one outcome field, listing exactly the allowed values,
//! beside a blocker owner field.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/outcome-field",
        "exactly one outcome field, listing exactly the allowed values, with a blocker owner field",
        "A function returns one of a fixed set of outcomes. A second outcome field, or a fourth \
         value such as `running-with-evidence`, makes the return type polymorphic, and a missing \
         owner field leaves `blocked` returns without anyone to act on them.",
    )
    .fix(
        "Keep one outcome field that lists exactly the allowed values, and a blocker owner field next to it.",
    )
    .example(
        "## Summary\n- Outcome: <done | blocked>\n- Status: <complete | blocked>",
        "## Summary\n- Outcome: <complete | blocked | escalated>\n- Blocker owner: <who acts, or none>",
    ),
    required: &[Param::File, Param::Field, Param::Values],
    optional: &[Param::OwnerField, Param::OptionalValues],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let (Some(term), Some(allowed)) = (&check.field, &check.values) else {
        return reporter.diagnostics;
    };
    let all_fields = subject.fields(super::file_of(check));
    let outcome_fields: Vec<_> = all_fields
        .iter()
        .filter(|field| term.matches_key(&field.key))
        .collect();
    let Some(first) = outcome_fields.first() else {
        reporter.missing(
            format!("no `{term}:` field"),
            Some(format!(
                "add one field `{term}: {}`",
                allowed
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )),
        );
        return reporter.diagnostics;
    };
    for extra in &outcome_fields[1..] {
        reporter.at(
            extra.range.clone(),
            format!("a second `{term}:` field; a report has exactly one"),
            None,
        );
    }
    let listed = crate::text::listed_values(document, first);
    let optional = check.optional_values.as_deref().unwrap_or_default();
    let is_allowed = |value: &String| {
        allowed
            .iter()
            .chain(optional)
            .any(|a| a.eq_ignore_ascii_case(value))
    };
    let unknown: Vec<&String> = listed.iter().filter(|value| !is_allowed(value)).collect();
    let missing: Vec<&String> = allowed
        .iter()
        .filter(|value| !listed.iter().any(|l| l.eq_ignore_ascii_case(value)))
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut problems = Vec::new();
        if !unknown.is_empty() {
            problems.push(format!(
                "lists {} that the contract does not allow",
                quoted(&unknown)
            ));
        }
        if !missing.is_empty() {
            problems.push(format!("lacks {}", quoted(&missing)));
        }
        reporter.at(
            first.range.clone(),
            format!("`{term}:` {}", problems.join(" and ")),
            Some(match optional {
                [] => format!("the values are exactly {}", allowed.join(", ")),
                _ => format!(
                    "the values are {}, and may include {}",
                    allowed.join(", "),
                    optional.join(", ")
                ),
            }),
        );
    }
    if let Some(owner) = &check.owner_field
        && !all_fields.iter().any(|field| owner.matches_key(&field.key))
    {
        reporter.at(
            first.range.clone(),
            format!("no `{owner}:` field beside `{term}:`"),
            Some(format!(
                "add `{owner}:` so blocked and escalated outcomes name who acts next"
            )),
        );
    }
    reporter.diagnostics
}

fn quoted(values: &[&String]) -> String {
    values
        .iter()
        .map(|value| format!("`{value}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: outcome-field\n    file: t.md\n    field: Outcome\n    values: [complete, blocked, escalated]\n    owner-field: Blocker owner\n";

    #[test]
    fn passes_with_one_field_and_the_three_values() {
        let text = "## Outcome\n\n- Outcome: `complete` | `blocked` | `escalated`\n- Blocker owner:\n\n## Scope\n\n- Must-have outcome:\n";
        assert_eq!(check(CONTRACT, &[("t.md", text)]), "");
    }

    #[test]
    fn reports_a_fourth_value_a_second_field_and_no_owner() {
        let text = "## Outcome\n\n- Outcome: `complete` | `blocked` | `running-with-evidence`\n- Outcome: complete\n";
        insta::assert_snapshot!(check(CONTRACT, &[("t.md", text)]), @r"
        contract/outcome-field t.md:4:1 a second `Outcome:` field; a report has exactly one
        contract/outcome-field t.md:3:1 `Outcome:` lists `running-with-evidence` that the contract does not allow and lacks `escalated`
        contract/outcome-field t.md:3:1 no `Blocker owner:` field beside `Outcome:`
        ");
    }

    #[test]
    fn an_optional_value_may_be_listed_or_left_out_but_nothing_else() {
        let contract = "checks:\n  - rule: outcome-field\n    file: t.md\n    field: Outcome\n    values: [complete, blocked]\n    optional-values: [escalated]\n";
        assert_eq!(check(contract, &[("t.md", "- Outcome: complete | blocked\n")]), "");
        assert_eq!(
            check(contract, &[("t.md", "- Outcome: complete | blocked | escalated\n")]),
            ""
        );
        assert_eq!(
            check(contract, &[("t.md", "- Outcome: complete | done\n")]),
            "contract/outcome-field t.md:1:1 `Outcome:` lists `done` that the contract does not allow and lacks `blocked`"
        );
    }

    #[test]
    fn reports_a_missing_field_on_line_one() {
        assert_eq!(
            check(CONTRACT, &[("t.md", "# T\n")]),
            "contract/outcome-field t.md:1:1 no `Outcome:` field"
        );
    }
}
