//! The contract rules: one module each, listed once in [`RULES`].
//!
//! A rule reads one archetype through the document model and reports, at the line that
//! must change (or line 1 for what is missing), what to change. Rule ids are
//! `contract/<name>` and are stable.

use renkei_model::{Diagnostic, Document};

use crate::config::CheckConfig;
use crate::subject::{Reporter, Subject};

mod forbidden_fields;
mod forbidden_headings;
mod links_resolve;
mod links_to;
mod no_conditional_branches;
pub(crate) mod numbered_steps;
mod outcome_field;
mod required_fields;
mod section_text;
pub(crate) mod sections;
mod text_before_first_step;
mod verbatim_quote;

/// A rule in the registry.
pub struct RuleEntry {
    /// Name used in contract files; the rule id is `contract/<name>`.
    pub name: &'static str,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// Parameters it needs.
    pub required: &'static [&'static str],
    /// Parameters it accepts.
    pub optional: &'static [&'static str],
    /// Runs the check.
    pub run: fn(&CheckConfig, &Subject) -> Vec<Diagnostic>,
}

/// Every contract rule, sorted by name.
pub const RULES: &[RuleEntry] = &[
    RuleEntry {
        name: "forbidden-fields",
        summary: "no field with any of these names",
        required: &["file", "fields"],
        optional: &[],
        run: forbidden_fields::run,
    },
    RuleEntry {
        name: "forbidden-headings",
        summary: "no heading with any of these texts",
        required: &["file", "headings"],
        optional: &[],
        run: forbidden_headings::run,
    },
    RuleEntry {
        name: "links-resolve",
        summary: "every relative link in the archetype's files points at an existing file",
        required: &[],
        optional: &[],
        run: links_resolve::run,
    },
    RuleEntry {
        name: "links-to",
        summary: "the file links to the target file with a Markdown link that resolves",
        required: &["file", "target"],
        optional: &[],
        run: links_to::run,
    },
    RuleEntry {
        name: "no-conditional-branches",
        summary: "no `If ...:` branch: one shape whatever the outcome",
        required: &["file"],
        optional: &[],
        run: no_conditional_branches::run,
    },
    RuleEntry {
        name: "numbered-steps",
        summary: "steps numbered from 1 without gaps; named preambles before, named sections after, all unnumbered",
        required: &["file"],
        optional: &["before", "after"],
        run: numbered_steps::run,
    },
    RuleEntry {
        name: "outcome-field",
        summary: "exactly one outcome field, listing exactly the allowed values, with a blocker owner field",
        required: &["file", "field", "values"],
        optional: &["owner-field"],
        run: outcome_field::run,
    },
    RuleEntry {
        name: "required-fields",
        summary: "a section holds every named field",
        required: &["file", "section", "fields"],
        optional: &[],
        run: required_fields::run,
    },
    RuleEntry {
        name: "section-text",
        summary: "a section says each given passage",
        required: &["file", "section", "text"],
        optional: &[],
        run: section_text::run,
    },
    RuleEntry {
        name: "sections",
        summary: "exactly these sections at this heading level, in this order",
        required: &["file", "sections"],
        optional: &["level"],
        run: sections::run,
    },
    RuleEntry {
        name: "text-before-first-step",
        summary: "a passage stands before the first numbered step",
        required: &["file", "text"],
        optional: &[],
        run: text_before_first_step::run,
    },
    RuleEntry {
        name: "verbatim-quote",
        summary: "a section's block quote repeats another file's list word for word, in order",
        required: &["file", "section", "source"],
        optional: &[],
        run: verbatim_quote::run,
    },
];

/// The reporter and document for the check's `file`, or the finding that the file is
/// missing.
pub(crate) fn checked_file<'a>(
    name: &str,
    check: &CheckConfig,
    subject: &'a Subject,
) -> Result<(Reporter<'a>, &'a Document), Vec<Diagnostic>> {
    let relative = check
        .file
        .as_ref()
        .map(|file| file.value.as_str())
        .unwrap_or_default();
    let path = subject.path(relative);
    match subject.document(relative) {
        Some(document) => Ok((
            Reporter::new(format!("contract/{name}"), path, Some(document)),
            document,
        )),
        None => {
            let mut reporter = Reporter::new(format!("contract/{name}"), path, None);
            reporter.missing(
                format!("`{relative}` is missing; the contract's `{name}` check reads it"),
                Some(format!(
                    "create {relative}, or remove the check from the archetype's contract.yaml"
                )),
            );
            Err(reporter.diagnostics)
        }
    }
}

/// The path a link destination names, when it names a file by a relative path.
pub(crate) fn relative_target(destination: &str) -> Option<std::borrow::Cow<'_, str>> {
    renkei_model::links::relative_path(destination).map(|(path, _)| path)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use renkei_model::Document;

    use crate::config::parse_contract;
    use crate::subject::Subject;

    /// Runs the checks of `contract_yaml` against in-memory `files`, and renders each finding
    /// as `rule file:line:column message`.
    pub(crate) fn check(contract_yaml: &str, files: &[(&str, &str)]) -> String {
        let contract = parse_contract(Path::new("contract.yaml"), contract_yaml).unwrap();
        let subject = Subject::from_documents(
            "execution",
            Path::new("arch"),
            files
                .iter()
                .map(|(path, text)| (path.to_string(), Document::parse(text.to_string()).unwrap())),
        );
        let mut lines = Vec::new();
        for check in &contract.checks {
            let rule = super::RULES
                .iter()
                .find(|rule| rule.name == check.rule.value)
                .unwrap();
            for d in (rule.run)(check, &subject) {
                let file = d
                    .path
                    .strip_prefix("arch")
                    .unwrap_or(&d.path)
                    .display()
                    .to_string();
                lines.push(format!(
                    "{} {file}:{}:{} {}",
                    d.rule, d.start.line, d.start.column, d.message
                ));
            }
        }
        lines.join("\n")
    }
}
