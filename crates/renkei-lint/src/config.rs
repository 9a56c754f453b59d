//! Lint configuration: the built-in rules plus the `lint:` section of `renkei.yaml`.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::LintError;

/// The built-in rules, in the same YAML form users write.
pub const DEFAULT_RULES_YAML: &str = include_str!("default-rules.yaml");

/// The `lint:` section of `renkei.yaml`, and the form of the built-in rule file.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Rules to add, or to override field by field when the id already exists.
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
    /// Rule ids to turn off.
    #[schemars(with = "Vec<String>")]
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Globs (relative to the root, read as `.gitignore` lines) of files `lint PATHS` lints
    /// beyond the archetypes' operational files.
    // The scope is `crate::Selection`'s.
    #[schemars(with = "Vec<String>")]
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    /// Globs of files `lint PATHS` never lints.
    #[schemars(with = "Vec<String>")]
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

/// One rule as written in YAML. Every field but `id` may be left out when overriding.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Stable identifier, used in output and in suppression comments.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// What is wrong; `{match}` is replaced by the matched text.
    pub message: Option<String>,
    /// What to write instead.
    pub help: Option<String>,
    /// Why the rule exists (documentation).
    pub why: Option<String>,
    /// `error` (default), `warning` or `off`.
    pub severity: Option<SeverityConfig>,
    /// Words matched in any inflection (`s`, `es`, `ed`, `ing`, `'s`) and inside identifiers
    /// (kebab-case, snake_case, camelCase), never inside another word.
    pub words: Option<Vec<String>>,
    /// Phrases whose words may be separated by line wraps, block-quote markers, list
    /// markers or emphasis.
    pub phrases: Option<Vec<String>>,
    /// Regular expressions (Rust `regex` syntax), matched as written.
    #[schemars(with = "Option<Vec<String>>")]
    pub patterns: Option<Vec<Spanned<String>>>,
    /// `insensitive` (default) or `sensitive`.
    pub case: Option<CaseConfig>,
    /// Contexts that make a match acceptable.
    pub exceptions: Option<Vec<ExceptionConfig>>,
    /// Suggested replacements; `--fix` applies one when there is exactly one.
    pub replacements: Option<Vec<String>>,
    /// Where in a document the rule applies.
    pub scopes: Option<ScopesConfig>,
    /// Examples a test checks: each `fail` must be flagged, each `pass` must not.
    pub examples: Option<ExamplesConfig>,
}

/// Rule severity as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityConfig {
    /// Fails the run.
    Error,
    /// Reported only.
    Warning,
    /// Disabled.
    Off,
}

/// Case handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CaseConfig {
    /// `Intake`, `INTAKE` and `intake` all match.
    Insensitive,
    /// Only the exact case matches.
    Sensitive,
}

/// A context in which a match is allowed: a regular expression that must match the words
/// right before or right after it (line wraps and quote markers in between are skipped).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionConfig {
    /// Must match the text ending just before the match.
    #[schemars(with = "Option<String>")]
    pub before: Option<Spanned<String>>,
    /// Must match the text starting just after the match.
    #[schemars(with = "Option<String>")]
    pub after: Option<Spanned<String>>,
}

/// Scopes a rule includes or excludes.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopesConfig {
    /// Only these scopes (all when empty).
    #[serde(default)]
    pub include: Vec<crate::scope::Scope>,
    /// Never these scopes.
    #[serde(default)]
    pub exclude: Vec<crate::scope::Scope>,
}

/// Examples checked by the test suite.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplesConfig {
    /// Texts the rule must flag.
    #[serde(default)]
    pub fail: Vec<String>,
    /// Texts the rule must not flag.
    #[serde(default)]
    pub pass: Vec<String>,
}

impl LintConfig {
    /// The built-in rules.
    pub fn builtin() -> Result<Self, LintError> {
        // Parsed once per run: the merge with renkei.yaml and the rule compiler's list of
        // built-in patterns both ask, and a one-file lint pays for every parse.
        static PARSED: std::sync::OnceLock<LintConfig> = std::sync::OnceLock::new();
        if let Some(parsed) = PARSED.get() {
            return Ok(parsed.clone());
        }
        let parsed = Self::parse(Path::new("<built-in rules>"), DEFAULT_RULES_YAML)?;
        Ok(PARSED.get_or_init(|| parsed).clone())
    }

    /// Parses a lint section written as its own YAML document.
    pub fn parse(path: &Path, text: &str) -> Result<Self, LintError> {
        Ok(renkei_model::yaml::parse_yaml(path, text)?)
    }

    /// `self` with `overlay` applied: new ids are appended, known ids are overridden field by
    /// field, and `disable` lists are joined.
    pub fn merged_with(mut self, overlay: LintConfig) -> Self {
        for rule in overlay.rules {
            match self
                .rules
                .iter_mut()
                .find(|existing| existing.id.value == rule.id.value)
            {
                Some(existing) => existing.override_with(rule),
                None => self.rules.push(rule),
            }
        }
        self.disable.extend(overlay.disable);
        self
    }
}

impl RuleConfig {
    fn override_with(&mut self, overlay: RuleConfig) {
        macro_rules! take {
            ($($field:ident),*) => { $( if overlay.$field.is_some() { self.$field = overlay.$field; } )* };
        }
        take!(
            message,
            help,
            why,
            severity,
            words,
            phrases,
            patterns,
            case,
            exceptions,
            replacements,
            scopes,
            examples
        );
        self.id = overlay.id;
    }
}
