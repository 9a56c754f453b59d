//! Checking a filled-in stage report, the thing an agent returns, against its archetype's
//! template contract.
//!
//! The template contract is read from the archetype's contract: the file of its
//! `outcome-field` check is the template, and the `sections` check on that file gives the
//! section order (without one, the template's own sections do). A report must have every section in order, exactly one allowed outcome
//! value (not the template's list of alternatives), every template field filled (an empty
//! list says `none`), and a blocker owner whenever the outcome is not the first value.

use std::collections::BTreeSet;
use std::path::Path;

use renkei_model::{Diagnostic, Document, RuleMeta};

use crate::config::{Check, Contract, Term};
use crate::rules::sections::{check_sections, section_level};
use crate::subject::Reporter;
use crate::text::{alternatives, comparable, fields, name_key, text_in, without_parentheses};

const SECTIONS: RuleMeta = RuleMeta::error(
    "report/sections",
    "the report has the template's sections, in order",
    "A caller reads every report in the template's shape; a report that drops a section \
     (`Issues`, `Evidence Bundle`) or lays out its own returns a different type, and what it left \
     out goes unread.",
)
.fix("Give the report the template's sections, in the template's order.")
.example(
    "## Summary\n## Evidence Bundle",
    "## Summary\n## Issues\n## Evidence Bundle",
);

const EMPTY_SECTION: RuleMeta = RuleMeta::error(
    "report/empty-section",
    "no section is left empty; an empty one says `none`",
    "An empty section cannot be told from one the agent forgot to write: `none` says there was \
     nothing to report, silence says nothing.",
)
.fix("Write what the section reports, or `none` when there is nothing.")
.example(
    "## Issues\n\n## Evidence Bundle\n\n- Commits: none",
    "## Issues\n\nnone\n\n## Evidence Bundle\n\n- Commits: none",
);

const OUTCOME: RuleMeta = RuleMeta::error(
    "report/outcome",
    "exactly one outcome field with exactly one allowed value",
    "The outcome is the return value the caller acts on; no outcome, two of them, a value the \
     contract does not allow (`done`) or the template's alternatives left in place leave the \
     caller to guess how the work ended.",
)
.fix("Leave exactly one outcome field holding exactly one allowed value.")
.example(
    "- Outcome: <complete | blocked | escalated>",
    "- Outcome: complete",
);

const BLOCKER_OWNER: RuleMeta = RuleMeta::error(
    "report/blocker-owner",
    "a blocked or escalated outcome names who owns the blocker",
    "A `blocked` or `escalated` return without an owner hands the problem to nobody: the caller \
     cannot tell who must act, and the work stalls unseen.",
)
.fix("Name who must act on the blocker in the blocker owner field.")
.example(
    "- Outcome: blocked\n- Blocker owner: none",
    "- Outcome: blocked\n- Blocker owner: tech-lead",
);

const MISSING_FIELD: RuleMeta = RuleMeta::error(
    "report/missing-field",
    "every field of the template is present",
    "Each field of the template is something the caller relies on, such as where the input came \
     from or what was verified; a report without it leaves the caller to trust a claim without \
     its evidence.",
)
.fix("Add the template field the message names to the report.")
.example(
    "## Summary\n- Outcome: complete",
    "## Summary\n- Outcome: complete\n- Input source: plan.md",
);

const EMPTY_FIELD: RuleMeta = RuleMeta::error(
    "report/empty-field",
    "no field is left empty; an empty list says `none`",
    "A blank field looks filled in at a glance but answers nothing: the caller cannot tell an \
     agent that had nothing to list from one that skipped the question.",
)
.fix("Fill in the field, or write `none` for an empty list.")
.example(
    "- Outcome: complete\n- Commits:",
    "- Outcome: complete\n- Commits: none",
);

/// Every rule a report is checked against, in the order its checks run.
pub const REPORT_RULES: &[RuleMeta] = &[
    SECTIONS,
    EMPTY_SECTION,
    OUTCOME,
    BLOCKER_OWNER,
    MISSING_FIELD,
    EMPTY_FIELD,
];

/// What a report must satisfy, taken from a contract.
#[derive(Debug, Clone)]
pub struct ReportContract {
    /// The template file, relative to the archetype folder.
    pub template: String,
    /// Heading level (found in each document when the contract gives none) and names of
    /// the report's sections, in order.
    pub sections: Option<(Option<u8>, Vec<Term>)>,
    /// The outcome field's name.
    pub outcome_field: Term,
    /// Allowed outcome values; the first is the success value.
    pub outcome_values: Vec<String>,
    /// Field naming who owns a blocker.
    pub owner_field: Option<Term>,
}

impl ReportContract {
    /// The report contract of an archetype in `stage`, if its contract has an
    /// `outcome-field` check.
    pub fn from_contract(contract: &Contract, stage: &str) -> Option<Self> {
        let applicable = || {
            contract
                .checks
                .iter()
                .map(|(check, _)| check)
                .filter(|check| check.applies_to(stage))
        };
        let outcome: &Check = applicable().find(|check| check.rule.value == "outcome-field")?;
        let template = outcome.file.as_ref()?.value.clone();
        let sections = applicable()
            .find(|check| {
                check.rule.value == "sections"
                    && check
                        .file
                        .as_ref()
                        .is_some_and(|file| file.value == template)
            })
            .and_then(|check| Some((check.level, check.sections.clone()?)));
        Some(Self {
            template,
            sections,
            outcome_field: outcome.field.clone()?,
            outcome_values: outcome
                .values
                .iter()
                .chain(&outcome.optional_values)
                .flatten()
                .cloned()
                .collect(),
            owner_field: outcome.owner_field.clone(),
        })
    }
}

impl ReportContract {
    /// The report contract a template states by itself, for a report checked against an
    /// installed skill where no doctrine tree is at hand: its own sections, and the values
    /// its outcome field offers (`complete` is the success value, wherever it is listed). The names the outcome
    /// and blocker owner fields go by are the first of `defaults`' `outcome-field` checks
    /// whose field the template has. `None` when the template has no such field, or its
    /// field offers no value.
    pub fn from_template(template: &Document, name: &str, defaults: &Contract) -> Option<Self> {
        let fields = crate::text::fields(template);
        defaults
            .checks
            .iter()
            .map(|(check, _)| check)
            .filter(|check| check.rule.value == "outcome-field")
            .find_map(|check| {
                let term = check.field.clone()?;
                let field = fields.iter().find(|field| term.matches_key(&field.key))?;
                let mut values = crate::text::listed_values(template, field);
                // The success value leads, wherever the template lists it.
                if let Some(at) = values.iter().position(|value| value == "complete") {
                    let complete = values.remove(at);
                    values.insert(0, complete);
                }
                (!values.is_empty()).then(|| Self {
                    template: name.to_string(),
                    sections: None,
                    outcome_field: term,
                    outcome_values: values,
                    owner_field: check.owner_field.clone(),
                })
            })
    }
}

/// Every problem of the report at `path` against `contract` and its `template`.
pub fn check_report(
    contract: &ReportContract,
    template: &Document,
    path: &Path,
    report: &Document,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let reporter = |rule: &RuleMeta| Reporter::new(rule, path.to_path_buf(), Some(report));

    let derived;
    let sections = match &contract.sections {
        Some(sections) => Some(sections),
        None => {
            derived = template_sections(template);
            derived.as_ref()
        }
    };
    if let Some((level, names)) = sections {
        let mut sections = reporter(&SECTIONS);
        check_sections(&mut sections, report, *level, names);
        let mut empty = reporter(&EMPTY_SECTION);
        let level = level.unwrap_or_else(|| section_level(report, names));
        for heading in report
            .outline
            .headings
            .iter()
            .filter(|heading| heading.level == level)
        {
            let body = heading.range.end..heading.section.end;
            let has_content = !text_in(report, &body).is_empty()
                || report
                    .outline
                    .code_blocks
                    .iter()
                    .any(|block| body.contains(&block.range.start));
            if !has_content {
                empty.at(
                    heading.range.clone(),
                    format!("section `{}` is empty", heading.text),
                    Some("write `none` if there is nothing to report".to_string()),
                );
            }
        }
        diagnostics.extend(sections.diagnostics);
        diagnostics.extend(empty.diagnostics);
    }

    let report_fields = fields(report);
    let outcome = check_outcome(
        contract,
        &report_fields,
        &mut reporter(&OUTCOME),
        &mut diagnostics,
    );

    if let (Some(owner), Some(outcome)) = (&contract.owner_field, &outcome)
        && contract.outcome_values.first() != Some(outcome)
    {
        let mut ownership = reporter(&BLOCKER_OWNER);
        match report_fields
            .iter()
            .find(|field| owner.matches_key(&field.key))
        {
            Some(field) if !is_blank(&field.value) && comparable(&field.value) != "none" => {}
            Some(field) => ownership.at(
                field.range.clone(),
                format!(
                    "`{owner}:` must name who owns the blocker when the outcome is `{outcome}`"
                ),
                Some("name the owner (a role or a person) and what they must do".to_string()),
            ),
            None => ownership.missing(
                format!("no `{owner}:` field; the outcome `{outcome}` needs one"),
                None,
            ),
        }
        diagnostics.extend(ownership.diagnostics);
    }

    let mut missing = reporter(&MISSING_FIELD);
    let mut empty = reporter(&EMPTY_FIELD);
    let skip: Vec<&Term> = std::iter::once(&contract.outcome_field)
        .chain(contract.owner_field.as_ref())
        .collect();
    let mut used = BTreeSet::new();
    for wanted in fields(template)
        .iter()
        .filter(|field| !skip.iter().any(|term| term.matches_key(&field.key)))
    {
        let found = report_fields.iter().enumerate().find(|(index, field)| {
            !used.contains(index)
                && field.key == wanted.key
                && field.heading.as_deref().map(name_key) == wanted.heading.as_deref().map(name_key)
        });
        let section = wanted.heading.as_deref().unwrap_or("the report");
        match found {
            Some((index, field)) => {
                used.insert(index);
                report_if_empty(&mut empty, field);
            }
            None => {
                let heading = wanted.heading.as_deref().and_then(|text| {
                    report
                        .outline
                        .headings
                        .iter()
                        .find(|h| name_key(&h.text) == name_key(text))
                });
                if heading.is_none() && wanted.heading.is_some() && sections.is_some() {
                    // The whole section is missing; the sections check already says so.
                    continue;
                }
                let message = format!("missing field `{}:` in `{section}`", wanted.name);
                let help = Some(format!("add `{}:` with a value, or `none`", wanted.name));
                match heading {
                    Some(heading) => missing.at(heading.range.clone(), message, help),
                    None => missing.missing(message, help),
                }
            }
        }
    }
    // A block the template says to repeat (`### Phase`, once per phase) holds the same
    // fields again: each copy is held to the same rule as the first.
    let template_fields = fields(template);
    for (index, field) in report_fields.iter().enumerate() {
        let repeated = !used.contains(&index)
            && template_fields.iter().any(|wanted| {
                wanted.key == field.key
                    && wanted.heading.as_deref().map(name_key)
                        == field.heading.as_deref().map(name_key)
                    && !skip.iter().any(|term| term.matches_key(&wanted.key))
            });
        if repeated {
            report_if_empty(&mut empty, field);
        }
    }
    diagnostics.extend(missing.diagnostics);
    diagnostics.extend(empty.diagnostics);
    diagnostics.sort_by_key(|diagnostic| (diagnostic.start, diagnostic.rule.clone()));
    diagnostics
}

/// Checks the outcome field and returns its value when it is exactly one allowed value.
fn check_outcome(
    contract: &ReportContract,
    report_fields: &[crate::text::Field],
    reporter: &mut Reporter<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let name = &contract.outcome_field;
    let allowed = contract.outcome_values.join(", ");
    let outcomes: Vec<_> = report_fields
        .iter()
        .filter(|field| name.matches_key(&field.key))
        .collect();
    let result = match outcomes.as_slice() {
        [] => {
            reporter.missing(
                format!("no `{name}:` field"),
                Some(format!("add `{name}:` with one of {allowed}")),
            );
            None
        }
        [field, extra @ ..] => {
            for extra in extra {
                reporter.at(
                    extra.range.clone(),
                    format!("a second `{name}:` field; a report has exactly one"),
                    None,
                );
            }
            let values = alternatives(&without_remark(&field.value));
            match values.as_slice() {
                [] => {
                    reporter.at(
                        field.range.clone(),
                        format!("`{name}:` is empty"),
                        Some(format!("write one of {allowed}")),
                    );
                    None
                }
                [value] if contract.outcome_values.contains(value) => Some(value.clone()),
                [value] => {
                    reporter.at(
                        field.range.clone(),
                        format!("unknown outcome `{value}`"),
                        Some(format!("write one of {allowed}")),
                    );
                    None
                }
                _ => {
                    reporter.at(
                        field.range.clone(),
                        format!("`{name}:` still lists the template's alternatives"),
                        Some(format!("keep exactly one of {allowed}")),
                    );
                    None
                }
            }
        }
    };
    diagnostics.append(&mut reporter.diagnostics);
    result
}

/// The sections of a template whose contract lists none: its headings at the first level
/// that has more than one (a lone `#` heading is the report's title), in order.
fn template_sections(template: &Document) -> Option<(Option<u8>, Vec<Term>)> {
    let headings = &template.outline.headings;
    let level = (1..=6).find(|&level| headings.iter().filter(|h| h.level == level).count() > 1)?;
    let names = headings
        .iter()
        .filter(|heading| heading.level == level)
        .map(|heading| Term::new(heading.text.clone()))
        .collect();
    Some((None, names))
}

/// An `report/empty-field` finding for `field` when nothing fills it.
fn report_if_empty(empty: &mut Reporter<'_>, field: &crate::text::Field) {
    if is_blank(&field.value) && !field.has_block_value {
        empty.at(
            field.range.clone(),
            format!("`{}:` is empty", field.name),
            Some("fill it in; write `none` when there is nothing to list".to_string()),
        );
    }
}

fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// A report's outcome value without the remark an author may add after it:
/// `blocked (input validation failure)`, `escalated — decision needed`, `complete. All
/// gates passed`.
fn without_remark(value: &str) -> String {
    let kept = without_parentheses(value);
    let cut = [" — ", " – ", " - ", ": ", "; ", ". "]
        .iter()
        .filter_map(|mark| kept.find(mark))
        .min()
        .unwrap_or(kept.len());
    kept[..cut].trim().trim_end_matches('.').to_string()
}

#[cfg(test)]
mod example_tests {
    use std::path::Path;

    use renkei_model::Document;

    use super::*;

    /// The template each rule's example is a report of: the fields and sections the
    /// example names, no more, under the headings it has (a field is matched under its
    /// heading).
    fn template_for(rule: &str) -> &'static str {
        match rule {
            "report/sections" | "report/empty-section" => {
                "# Report\n\n## Summary\n\n- Outcome: <complete | blocked>\n\n## Issues\n\n<issues, or none>\n\n## Evidence Bundle\n\n- Commits: <commits[], or none>\n"
            }
            "report/blocker-owner" => {
                "- Outcome: <complete | blocked | escalated>\n- Blocker owner: <who acts, or none>\n"
            }
            "report/missing-field" => {
                "# Report\n\n## Summary\n\n- Outcome: <complete | blocked>\n- Input source: <where the input came from>\n"
            }
            "report/empty-field" => {
                "- Outcome: <complete | blocked>\n- Commits: <commits[], or none>\n"
            }
            _ => "- Outcome: <complete | blocked | escalated>\n",
        }
    }

    /// Every report rule's example, as `renkei explain` shows it, read as a report of a
    /// template with the fields and sections it names: the rule reports the failing one
    /// and not the passing one. (An example shows one rule at work, so other rules may
    /// still ask more of a fragment.)
    #[test]
    fn every_example_fails_and_passes_by_its_rule() {
        let defaults = Contract::builtin().unwrap();
        for rule in REPORT_RULES {
            let example = rule
                .example
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no example", rule.id));
            let template = Document::parse(template_for(&rule.id).to_string()).unwrap();
            let contract = ReportContract::from_template(&template, "template.md", &defaults)
                .unwrap_or_else(|| panic!("{}: the template states no report contract", rule.id));
            let by_rule = |text: &str| {
                let report = Document::parse(text.to_string()).unwrap();
                check_report(&contract, &template, Path::new("report.md"), &report)
                    .into_iter()
                    .filter(|finding| finding.rule == rule.id)
                    .map(|finding| finding.message)
                    .collect::<Vec<_>>()
            };
            assert!(
                !by_rule(&example.fails).is_empty(),
                "{}: the failing example is not reported:\n{}",
                rule.id,
                example.fails
            );
            let passing = by_rule(&example.passes);
            assert!(
                passing.is_empty(),
                "{}: {passing:?}\n{}",
                rule.id,
                example.passes
            );
        }
    }
}
