//! Contract files: the built-in `default-contract.yaml` and an archetype's `contract.yaml`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::ContractError;
use crate::rules::{self, RULES};

/// The built-in contract, in the same YAML form archetypes write.
pub const DEFAULT_CONTRACT_YAML: &str = include_str!("default-contract.yaml");

/// Whether an archetype's contract adds to the default or replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Extends {
    /// The default checks run, then the archetype's.
    #[default]
    Default,
    /// Only the archetype's checks run.
    None,
}

/// A contract file.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "contract.yaml")]
pub struct ContractConfig {
    /// `default` (add to the built-in contract) or `none` (replace it).
    #[serde(default)]
    pub extends: Extends,
    /// The checks.
    #[serde(default)]
    pub checks: Vec<Check>,
}

/// One check: a rule and its parameters. Which parameters a rule takes is listed in the rule
/// registry; any other parameter is an error.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(transform = crate::rules::schema_by_rule)]
pub struct Check {
    /// The rule to run (`sections`, `links-to`, ...).
    #[schemars(with = "String")]
    pub rule: Spanned<String>,
    /// Stage folders this check applies to; every stage when absent.
    pub stages: Option<Vec<String>>,
    /// The file checked, relative to the archetype folder.
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// A heading that selects a section.
    pub section: Option<Term>,
    /// Heading level of the sections checked.
    #[schemars(range(min = 1, max = 6))]
    pub level: Option<u8>,
    /// Section headings, in order.
    pub sections: Option<Vec<Term>>,
    /// Field names (`Name: value` list items, lines or table rows).
    pub fields: Option<Vec<Term>>,
    /// One field name.
    pub field: Option<Term>,
    /// Allowed values of a field.
    pub values: Option<Vec<String>>,
    /// Values a field may also list, without having to.
    pub optional_values: Option<Vec<String>>,
    /// Field that names who owns a blocker, required when the outcome is not the first value.
    pub owner_field: Option<Term>,
    /// Heading texts.
    pub headings: Option<Vec<Term>>,
    /// Required text (one or several passages, each with the other wordings that say it).
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "Option<OneOrMany>")]
    pub text: Option<Vec<Term>>,
    /// Headings that must come before the numbered steps.
    pub before: Option<Vec<Term>>,
    /// Headings that must come after the numbered steps.
    pub after: Option<Vec<Term>>,
    /// A second file whose content the check compares with.
    #[schemars(with = "Option<String>")]
    pub source: Option<Spanned<String>>,
    /// A file the checked file must link to.
    #[schemars(with = "Option<String>")]
    pub target: Option<Spanned<String>>,
}

/// A parameter of a check, one per optional field of [`Check`]: rules list the ones they
/// need and take by this name, not by a string that could drift from the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// `file`
    File,
    /// `section`
    Section,
    /// `level`
    Level,
    /// `sections`
    Sections,
    /// `fields`
    Fields,
    /// `field`
    Field,
    /// `values`
    Values,
    /// `optional-values`
    OptionalValues,
    /// `owner-field`
    OwnerField,
    /// `headings`
    Headings,
    /// `text`
    Text,
    /// `before`
    Before,
    /// `after`
    After,
    /// `source`
    Source,
    /// `target`
    Target,
}

impl Param {
    /// The name contract files write.
    pub fn name(self) -> &'static str {
        match self {
            Param::File => "file",
            Param::Section => "section",
            Param::Level => "level",
            Param::Sections => "sections",
            Param::Fields => "fields",
            Param::Field => "field",
            Param::Values => "values",
            Param::OptionalValues => "optional-values",
            Param::OwnerField => "owner-field",
            Param::Headings => "headings",
            Param::Text => "text",
            Param::Before => "before",
            Param::After => "after",
            Param::Source => "source",
            Param::Target => "target",
        }
    }
}

/// A name as a contract writes it, with the other names authors use for the same thing:
/// `Blocker owner`, or `{name: Blocker owner, aliases: [Blocker ownership]}`. Doctrine
/// written from the same specification by another author says `Blocker ownership`; the
/// check is about the meaning, so it accepts both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The name messages use.
    pub name: String,
    /// Other names that mean the same.
    pub aliases: Vec<String>,
    /// The [`crate::text::name_key`] of each name, computed once: terms are compared with
    /// every field and heading of every archetype.
    keys: Vec<String>,
}

impl Term {
    /// A term with no aliases.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_aliases(name.into(), Vec::new())
    }

    /// A term and the other names that mean the same.
    pub fn with_aliases(name: String, aliases: Vec<String>) -> Self {
        let keys = std::iter::once(&name)
            .chain(&aliases)
            .map(|name| crate::text::name_key(name))
            .collect();
        Self {
            name,
            aliases,
            keys,
        }
    }

    /// The name, then each alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether `text` (a heading or a field name) is this term, read as
    /// [`crate::text::name_key`] reads names.
    pub fn matches(&self, text: &str) -> bool {
        self.matches_key(&crate::text::name_key(text))
    }

    /// Whether a name whose [`crate::text::name_key`] is `key` is this term.
    pub fn matches_key(&self, key: &str) -> bool {
        self.keys.iter().any(|own| own == key)
    }
}

impl std::fmt::Display for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl schemars::JsonSchema for Term {
    fn schema_name() -> Cow<'static, str> {
        "Term".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A name, or a name with the other names that mean the same.",
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string"},
                        "aliases": {"type": "array", "items": {"type": "string"}}
                    },
                    "required": ["name"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for Term {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Written {
            name: String,
            #[serde(default)]
            aliases: Vec<String>,
        }
        #[derive(Deserialize)]
        #[serde(
            untagged,
            expecting = "expected text, or a mapping with `name` and optional `aliases`"
        )]
        enum Form {
            Name(String),
            WithAliases(Written),
        }
        Ok(match Form::deserialize(deserializer)? {
            Form::Name(name) => Term::new(name),
            Form::WithAliases(Written { name, aliases }) => Term::with_aliases(name, aliases),
        })
    }
}

/// One passage, or several.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged, expecting = "expected text, or a list of texts")]
enum OneOrMany {
    One(Term),
    Many(Vec<Term>),
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<Term>>, D::Error> {
    Ok(Some(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(text) => vec![text],
        OneOrMany::Many(texts) => texts,
    }))
}

impl Check {
    /// The parameters given. Destructured without `..`, so a field added to `Check` does
    /// not compile until it is a parameter here.
    pub(crate) fn given_params(&self) -> Vec<Param> {
        let Check {
            rule: _,
            stages: _,
            file,
            section,
            level,
            sections,
            fields,
            field,
            values,
            optional_values,
            owner_field,
            headings,
            text,
            before,
            after,
            source,
            target,
        } = self;
        [
            (Param::File, file.is_some()),
            (Param::Section, section.is_some()),
            (Param::Level, level.is_some()),
            (Param::Sections, sections.is_some()),
            (Param::Fields, fields.is_some()),
            (Param::Field, field.is_some()),
            (Param::Values, values.is_some()),
            (Param::OptionalValues, optional_values.is_some()),
            (Param::OwnerField, owner_field.is_some()),
            (Param::Headings, headings.is_some()),
            (Param::Text, text.is_some()),
            (Param::Before, before.is_some()),
            (Param::After, after.is_some()),
            (Param::Source, source.is_some()),
            (Param::Target, target.is_some()),
        ]
        .into_iter()
        .filter_map(|(param, given)| given.then_some(param))
        .collect()
    }

    /// Whether the check applies to an archetype in `stage`.
    pub fn applies_to(&self, stage: &str) -> bool {
        self.stages
            .as_ref()
            .is_none_or(|stages| stages.iter().any(|s| s == stage))
    }
}

/// The checks for one archetype, each with the file it was declared in.
#[derive(Debug, Clone)]
pub struct Contract {
    /// Checks in order, with their source file.
    pub checks: Vec<(Check, PathBuf)>,
}

impl Contract {
    /// The built-in contract.
    pub fn builtin() -> Result<Self, ContractError> {
        let path = PathBuf::from("<built-in contract>");
        let config = parse_contract(&path, DEFAULT_CONTRACT_YAML)?;
        Ok(Self {
            checks: config
                .checks
                .into_iter()
                .map(|check| (check, path.clone()))
                .collect(),
        })
    }

    /// The contract for the archetype in `dir`: the default, extended or replaced by its
    /// `contract.yaml` when there is one.
    pub fn for_archetype<'a>(
        default: &'a Contract,
        dir: &Path,
        text: Option<&str>,
    ) -> Result<Cow<'a, Self>, ContractError> {
        // Most archetypes have no contract.yaml: they share the default, uncopied.
        let Some(text) = text else {
            return Ok(Cow::Borrowed(default));
        };
        let path = dir.join(renkei_model::load::CONTRACT_FILE);
        let config = parse_contract(&path, text)?;
        let mut checks = match config.extends {
            Extends::Default => default.checks.clone(),
            Extends::None => Vec::new(),
        };
        checks.extend(config.checks.into_iter().map(|check| (check, path.clone())));
        Ok(Cow::Owned(Self { checks }))
    }
}

/// Parses and validates a contract file: every rule exists and gets exactly the parameters
/// it takes.
pub fn parse_contract(path: &Path, text: &str) -> Result<ContractConfig, ContractError> {
    let config: ContractConfig = if text.trim().is_empty() {
        ContractConfig::default()
    } else {
        renkei_model::yaml::parse_yaml(path, text)?
    };
    for check in &config.checks {
        let invalid = |message: String| ContractError::InvalidCheck {
            path: path.to_path_buf(),
            line: check.rule.referenced.line(),
            column: check.rule.referenced.column(),
            message,
        };
        let Some(rule) = rules::find(&check.rule.value) else {
            let known = RULES.iter().map(rules::RuleEntry::name);
            let hint = renkei_model::name::did_you_mean(&check.rule.value, known.clone());
            return Err(invalid(format!(
                "unknown rule `{}`{hint}; known rules: {}",
                check.rule.value,
                known.collect::<Vec<_>>().join(", ")
            )));
        };
        let given = check.given_params();
        if let Some(missing) = rule.required.iter().find(|param| !given.contains(param)) {
            return Err(invalid(format!(
                "rule `{}` needs `{}`",
                rule.name(),
                missing.name()
            )));
        }
        if let Some(extra) = given
            .iter()
            .find(|param| !rule.required.contains(param) && !rule.optional.contains(param))
        {
            return Err(invalid(format!(
                "rule `{}` does not take `{}`; it takes {}",
                rule.name(),
                extra.name(),
                rule.required
                    .iter()
                    .chain(rule.optional)
                    .map(|param| format!("`{}`", param.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{Check, Param};

    /// `Param::name` and the field's YAML key are two spellings of one name: a check that
    /// gives every parameter parses (unknown keys are refused) and names each one back.
    #[test]
    fn every_param_is_named_as_its_yaml_key() {
        let yaml = "rule: sections\nfile: a.md\nsection: S\nlevel: 2\nsections: [S]\n\
                    fields: [F]\nfield: F\nvalues: [v]\nowner-field: O\nheadings: [H]\n\
                    text: t\nbefore: [B]\nafter: [A]\nsource: s.md\ntarget: t.md\n";
        let check: Check = renkei_model::yaml::parse_yaml(Path::new("c.yaml"), yaml).unwrap();
        let keys: Vec<&str> = yaml
            .lines()
            .skip(1)
            .filter_map(|line| Some(line.split_once(':')?.0))
            .collect();
        let names: Vec<&str> = check.given_params().into_iter().map(Param::name).collect();
        assert_eq!(names, keys);
    }
}
