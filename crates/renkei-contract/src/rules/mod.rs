//! The contract rules: one module each, listed once in [`RULES`].
//!
//! A rule reads one archetype through the document model and reports, at the line that
//! must change (or line 1 for what is missing), what to change. Rule ids are
//! `contract/<name>` and are stable.

use renkei_model::{Diagnostic, Document, RuleMeta};

use crate::config::{Check, Param};
use crate::subject::{Reporter, Subject};

/// Declares the rule modules and lists their entries in [`RULES`], from one list: a new
/// rule is its module (which defines `RULE`) and its name here, in sorted order.
macro_rules! rules {
    ($($vis:vis $module:ident),* $(,)?) => {
        $($vis mod $module;)*

        /// Every contract rule, sorted by name.
        pub const RULES: &[RuleEntry] = &[$($module::RULE),*];
    };
}

rules![
    forbidden_fields,
    forbidden_headings,
    links_resolve,
    links_to,
    no_conditional_branches,
    pub(crate) numbered_steps,
    outcome_field,
    required_fields,
    section_text,
    pub(crate) sections,
    template_slots,
    text_before_first_step,
    verbatim_quote,
];

/// The prefix of every contract rule id; what follows is the name contract files use.
const ID_PREFIX: &str = "contract/";

/// A rule in the registry.
pub struct RuleEntry {
    /// Id (`contract/<name>`), summary and why: the one description of the rule.
    pub meta: RuleMeta,
    /// Parameters it needs.
    pub required: &'static [Param],
    /// Parameters it accepts.
    pub optional: &'static [Param],
    /// Runs the check.
    pub run: fn(&Check, &Subject) -> Vec<Diagnostic>,
}

impl RuleEntry {
    /// The name contract files use: the id without `contract/`, so the two cannot disagree.
    pub fn name(&self) -> &str {
        self.meta
            .id
            .strip_prefix(ID_PREFIX)
            .unwrap_or(&self.meta.id)
    }
}

/// The rule contract files call `name`.
pub fn find(name: &str) -> Option<&'static RuleEntry> {
    RULES.iter().find(|rule| rule.name() == name)
}

/// What every contract rule is, in registry order.
pub fn metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().map(|rule| &rule.meta)
}

/// The reporter and document for the check's `file`, or the finding that the file is
/// missing.
pub(crate) fn checked_file<'a>(
    rule: &RuleEntry,
    check: &Check,
    subject: &'a Subject,
) -> Result<(Reporter<'a>, &'a Document), Vec<Diagnostic>> {
    let relative = file_of(check);
    let path = subject.path(relative);
    match subject.document(relative) {
        Some(document) => Ok((Reporter::new(&rule.meta, path, Some(document)), document)),
        None => {
            let mut reporter = Reporter::new(&rule.meta, path, None);
            reporter.missing(
                format!(
                    "`{relative}` is missing; the contract's `{}` check reads it",
                    rule.name()
                ),
                Some(format!(
                    "create {relative}, or remove the check from the archetype's contract.yaml"
                )),
            );
            Err(reporter.diagnostics)
        }
    }
}

/// The file a check reads, relative to the archetype folder.
pub(crate) fn file_of(check: &Check) -> &str {
    check
        .file
        .as_ref()
        .map(|file| file.value.as_str())
        .unwrap_or_default()
}

/// The path a link destination names, when it names a file by a relative path.
pub(crate) fn relative_target(destination: &str) -> Option<std::borrow::Cow<'_, str>> {
    renkei_model::links::relative_path(destination).map(|(path, _)| path)
}

/// Narrows the schema derived for a check to what each rule takes: the rule names are
/// the registry's, and a check of one rule must give its required parameters and no
/// parameter it does not accept. Editors then say what `renkei check` would say, from the
/// same registry.
pub(crate) fn schema_by_rule(schema: &mut schemars::Schema) {
    let names: Vec<&str> = RULES.iter().map(RuleEntry::name).collect();
    if let Some(rule) = schema
        .get_mut("properties")
        .and_then(|properties| properties.get_mut("rule"))
        .and_then(serde_json::Value::as_object_mut)
    {
        rule.insert("enum".into(), names.into());
    }
    let by_rule: Vec<serde_json::Value> = RULES
        .iter()
        .map(|rule| {
            let mut required = vec!["rule"];
            required.extend(rule.required.iter().map(|param| param.name()));
            let mut allowed = vec!["rule", "stages"];
            allowed.extend(
                rule.required
                    .iter()
                    .chain(rule.optional)
                    .map(|param| param.name()),
            );
            serde_json::json!({
                "if": {"properties": {"rule": {"const": rule.name()}}, "required": ["rule"]},
                "then": {"required": required, "propertyNames": {"enum": allowed}}
            })
        })
        .collect();
    schema.insert("allOf".into(), by_rule.into());
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
            let rule = super::find(&check.rule.value).unwrap();
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

    /// What an example needs beside itself: the file of the archetype it is written in,
    /// and the other files the check reads.
    fn example_setting(rule: &str) -> (&'static str, Vec<(&'static str, &'static str)>) {
        let output_contract = (
            "doctrine/output-contract.md",
            "# Output Contract\n\n## Return Fields\n\n1. `outcome`: `complete` | `blocked`\n2. `commits[]`\n\nSee [the handoff contract](handoff-contract.md).\n",
        );
        match rule {
            "links-resolve" | "links-to" => ("doctrine/handoff-contract.md", vec![output_contract]),
            "template-slots" => ("references/template.md", vec![output_contract]),
            "verbatim-quote" => (
                "doctrine/orchestration.md",
                vec![(
                    "ethos/tenets.md",
                    "# Tenets\n\n- First tenet.\n- Second tenet.\n",
                )],
            ),
            _ => ("", Vec::new()),
        }
    }

    /// Every rule's example, as `renkei explain` shows it, does what it says under the
    /// built-in contract's own check of that rule: the failing one is reported by the
    /// rule, the passing one by nothing.
    #[test]
    fn every_example_fails_and_passes_under_the_built_in_contract() {
        let contract = parse_contract(
            Path::new("default-contract.yaml"),
            include_str!("../default-contract.yaml"),
        )
        .unwrap();
        for rule in super::RULES {
            let example = rule
                .meta
                .example
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no example", rule.meta.id));
            let check = contract
                .checks
                .iter()
                .find(|check| check.rule.value == rule.name())
                .unwrap_or_else(|| panic!("the built-in contract has no {} check", rule.name()));
            let (own, context) = example_setting(rule.name());
            let file = match rule.name() {
                // The template is what a template-slots example shows.
                "template-slots" => own,
                _ => check.file.as_ref().map_or(own, |file| file.value.as_str()),
            };
            let run = |text: &str| {
                let mut files: Vec<(String, Document)> = context
                    .iter()
                    .filter(|(path, _)| *path != file)
                    .map(|(path, text)| {
                        (path.to_string(), Document::parse(text.to_string()).unwrap())
                    })
                    .collect();
                files.push((file.to_string(), Document::parse(text.to_string()).unwrap()));
                let subject = Subject::from_documents("execution", Path::new("arch"), files);
                (rule.run)(check, &subject)
            };
            let failing = run(&example.fails);
            assert!(
                failing.iter().any(|finding| finding.rule == rule.meta.id),
                "{}: the failing example is not reported:\n{}",
                rule.meta.id,
                example.fails
            );
            let passing = run(&example.passes);
            assert!(
                passing.is_empty(),
                "{}: the passing example is reported: {:?}\n{}",
                rule.meta.id,
                passing
                    .iter()
                    .map(|finding| &finding.message)
                    .collect::<Vec<_>>(),
                example.passes
            );
        }
    }

    #[test]
    fn every_id_is_the_prefix_and_a_name() {
        for meta in super::metas() {
            let name = meta.id.strip_prefix(super::ID_PREFIX);
            assert!(name.is_some_and(|name| !name.is_empty()), "{}", meta.id);
        }
    }
}
