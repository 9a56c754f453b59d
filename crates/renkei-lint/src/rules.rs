//! Compiling rule configuration into matchers.

use std::path::Path;

use regex::Regex;
use renkei_model::Severity;

use crate::config::{CaseConfig, ExamplesConfig, LintConfig, RuleConfig, SeverityConfig};
use crate::error::LintError;
use crate::reader::reader_words;
use crate::scope::Scope;

/// What may stand between the words of a phrase: whitespace (a no-break space too, and its
/// character references) and line wraps, block-quote markers, list markers at the start of a
/// line, emphasis markers, quotes, and the end of a link (`[cross-stage](x.md) status`).
/// At most one line break: a blank line ends a paragraph, and a phrase does not run from
/// one paragraph into the next. Quote markers only count after a line break.
const GAP: &str = r#"(?:(?:[ \t\x{a0}"“”'‘’]|&nbsp;|&#160;|&#[xX][aA]0;|\*{1,3}|_{1,3}|\]\([^()\s]*\))+(?:\r?\n[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:[ \t\x{a0}"“”'‘’]|\*{1,3}|_{1,3})*)?|\r?\n[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?(?:[ \t\x{a0}"“”'‘’]|\*{1,3}|_{1,3})*)"#;

/// Endings a `words` entry may carry: plural, possessive, past and present participle
/// (with the doubled final consonant of "transferred").
const INFLECTIONS: &str = r"(?:'s|’s|s|es|ed|d|ing|red|ring)?";

/// Bytes an exception looks at on each side of a match.
const CONTEXT_WINDOW: usize = 160;

/// How a matcher decides where words begin and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Boundaries {
    /// Identifier-aware: kebab, snake and camel case split words; letters do not.
    Words,
    /// The pattern says for itself.
    AsWritten,
}

/// A regex checked when the rules load and compiled the first time a text asks for it: a
/// pre-commit run lints one file, in which the prefilter usually finds nothing, and
/// compiling every rule's automata would cost it more than the lint itself.
#[derive(Debug, Clone)]
pub(crate) struct LazyRegex {
    source: String,
    compiled: std::sync::OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// `source`, whose syntax is checked now: what [`Regex::new`] would refuse for its
    /// syntax is refused here, with the same message.
    fn checked(source: String) -> Result<Self, regex::Error> {
        regex_syntax::Parser::new()
            .parse(&source)
            .map_err(|error| regex::Error::Syntax(error.to_string()))?;
        Ok(Self {
            source,
            compiled: std::sync::OnceLock::new(),
        })
    }

    /// The source it compiles from.
    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }

    /// The regex. Only the escaped words and phrases of rules are compiled late, and
    /// what they compile to is far below the size limit, so it always compiles; a user's
    /// pattern is compiled when the rules load ([`LazyRegex::compiled`]), where a refusal
    /// is an error at its line.
    pub(crate) fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| Regex::new(&self.source).ok())
            .as_ref()
    }

    /// `source`, compiled now: a pattern a user wrote, refused (too large, say) at load.
    fn compiled(source: String) -> Result<Self, regex::Error> {
        let regex = Regex::new(&source)?;
        Ok(Self {
            source,
            compiled: std::sync::OnceLock::from(Some(regex)),
        })
    }
}

/// One compiled alternative of a rule.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    pub(crate) regex: LazyRegex,
    pub(crate) boundaries: Boundaries,
    /// The word a `words` matcher inflects, so replacements can keep the inflection.
    pub(crate) stem: Option<String>,
}

/// A compiled exception.
#[derive(Debug, Clone)]
pub(crate) struct Exception {
    before: Option<LazyRegex>,
    after: Option<LazyRegex>,
}

impl Exception {
    /// Whether the match at `range` of `text` sits in this exception's context: the words
    /// next to it, as a reader sees them ([`reader_words`]).
    pub(crate) fn applies(&self, text: &str, range: &std::ops::Range<usize>) -> bool {
        let before_ok = self.before.as_ref().is_none_or(|regex| {
            let start = floor_char_boundary(text, range.start.saturating_sub(CONTEXT_WINDOW));
            regex
                .get()
                .is_some_and(|regex| regex.is_match(&reader_words(&text[start..range.start])))
        });
        let after_ok = self.after.as_ref().is_none_or(|regex| {
            let end = ceil_char_boundary(text, (range.end + CONTEXT_WINDOW).min(text.len()));
            regex
                .get()
                .is_some_and(|regex| regex.is_match(&reader_words(&text[range.end..end])))
        });
        before_ok && after_ok
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// Error or warning.
    pub severity: Severity,
    /// Message template (`{match}` is the matched text).
    pub message: String,
    /// What to write instead.
    pub help: Option<String>,
    /// Why the rule exists.
    pub why: Option<String>,
    /// Suggested replacements.
    pub replacements: Vec<String>,
    /// Examples from the configuration.
    pub examples: Option<ExamplesConfig>,
    pub(crate) matchers: Vec<Matcher>,
    pub(crate) exceptions: Vec<Exception>,
    pub(crate) scopes: Vec<Scope>,
    /// Text that every match of this rule contains (lowercased when the rule is case
    /// insensitive), for the prefilter; `None` when a pattern gives no such guarantee.
    pub(crate) literals: Option<Vec<String>>,
    pub(crate) case_insensitive: bool,
}

impl Rule {
    /// The rule's description, as SARIF and listings of rules show it: its message with the
    /// match left out stands as the summary.
    pub fn meta(&self) -> renkei_model::RuleMeta {
        renkei_model::RuleMeta {
            id: self.id.clone().into(),
            summary: self
                .message
                .replace("`{match}`", "this")
                .replace("{match}", "this")
                .into(),
            why: self.why.clone().map(Into::into),
            help: self.help.clone().map(Into::into),
            severity: self.severity,
            example: None,
        }
    }

    /// Whether the rule applies in `scope`.
    pub fn applies_in(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The active rules, compiled, plus the prefilter that lets most files skip the rest.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Rules in configuration order.
    pub rules: Vec<Rule>,
    /// Matches every text in which any rule, or a suppression comment, could match.
    pub(crate) prefilter: Regex,
}

impl RuleSet {
    /// Compiles `config` (read from `path`, which messages name).
    pub fn compile(config: &LintConfig, path: &Path) -> Result<Self, LintError> {
        for disabled in &config.disable {
            if !config
                .rules
                .iter()
                .any(|rule| rule.id.value == disabled.value)
            {
                return Err(LintError::InvalidRule {
                    path: path.to_path_buf(),
                    line: disabled.referenced.line(),
                    column: disabled.referenced.column(),
                    message: format!(
                        "cannot disable `{}`: no rule has that id{}",
                        disabled.value,
                        renkei_model::name::did_you_mean(
                            &disabled.value,
                            config.rules.iter().map(|rule| rule.id.value.as_str())
                        )
                    ),
                });
            }
        }
        let mut rules = Vec::new();
        for rule in &config.rules {
            let disabled = config.disable.iter().any(|id| id.value == rule.id.value);
            if disabled || rule.severity == Some(SeverityConfig::Off) {
                continue;
            }
            rules.push(compile_rule(rule, path)?);
        }
        let prefilter = build_prefilter(&rules).map_err(|reason| LintError::InvalidRule {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("rules do not combine into one prefilter: {reason}"),
        })?;
        Ok(Self { rules, prefilter })
    }

    /// The rule with `id`, if active.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }
}

fn compile_rule(config: &RuleConfig, path: &Path) -> Result<Rule, LintError> {
    let id = config.id.value.clone();
    let invalid = |message: String| LintError::InvalidRule {
        path: path.to_path_buf(),
        line: config.id.referenced.line(),
        column: config.id.referenced.column(),
        message: format!("rule `{id}`: {message}"),
    };
    let case_insensitive = config.case != Some(CaseConfig::Sensitive);
    let flags = if case_insensitive { "(?i)" } else { "" };
    let mut matchers = Vec::new();
    let mut literals = Some(Vec::new());
    for word in config.words.iter().flatten() {
        if word.trim().is_empty() {
            return Err(invalid("empty entry in `words`".to_string()));
        }
        let stem = word.trim();
        // A final e drops before -ing (acknowledge, acknowledging).
        let source = match stem.strip_suffix('e') {
            Some(root) if !root.is_empty() => {
                format!(
                    "{flags}(?:{}{INFLECTIONS}|{}ing)",
                    regex::escape(stem),
                    regex::escape(root)
                )
            }
            _ => format!("{flags}{}{INFLECTIONS}", regex::escape(stem)),
        };
        matchers.push(Matcher {
            regex: compile(&source, &id, path, &config.id)?,
            boundaries: Boundaries::Words,
            stem: Some(word.trim().to_string()),
        });
        push_literal(&mut literals, word.trim(), case_insensitive);
    }
    for phrase in config.phrases.iter().flatten() {
        let words: Vec<String> = phrase.split_whitespace().map(regex::escape).collect();
        let Some(first) = phrase.split_whitespace().next() else {
            return Err(invalid("empty entry in `phrases`".to_string()));
        };
        let source = format!("{flags}{}", words.join(GAP));
        matchers.push(Matcher {
            regex: compile(&source, &id, path, &config.id)?,
            boundaries: Boundaries::Words,
            stem: None,
        });
        push_literal(&mut literals, first, case_insensitive);
    }
    for pattern in config.patterns.iter().flatten() {
        let source = format!("{flags}{}", pattern.value);
        let regex = user_regex(&source, pattern, &id, path)?;
        if regex.get().is_some_and(|regex| regex.is_match("")) {
            // It would match between every two characters, and a fix would insert forever.
            return Err(pattern_error(
                pattern,
                &id,
                path,
                "it matches empty text; make it match at least one character".to_string(),
            ));
        }
        matchers.push(Matcher {
            regex,
            boundaries: Boundaries::AsWritten,
            stem: None,
        });
        literals = None;
    }
    if matchers.is_empty() {
        return Err(invalid(
            "give at least one of `words`, `phrases` or `patterns`".to_string(),
        ));
    }
    let mut exceptions = Vec::new();
    for exception in config.exceptions.iter().flatten() {
        let context = |side: &Option<serde_saphyr::Spanned<String>>,
                       before: bool|
         -> Result<Option<LazyRegex>, LintError> {
            side.as_ref()
                .map(|pattern| {
                    // Whole words of the reader's text, right next to the match.
                    let source = if before {
                        format!("{flags}\\b(?:{}) ?\\z", pattern.value)
                    } else {
                        format!("{flags}\\A ?(?:{})(?:\\W|\\z)", pattern.value)
                    };
                    user_regex(&source, pattern, &id, path)
                })
                .transpose()
        };
        exceptions.push(Exception {
            before: context(&exception.before, true)?,
            after: context(&exception.after, false)?,
        });
    }
    let scopes = match &config.scopes {
        Some(scopes) => Scope::ALL
            .into_iter()
            .filter(|scope| scopes.include.is_empty() || scopes.include.contains(scope))
            .filter(|scope| !scopes.exclude.contains(scope))
            .collect(),
        None => Scope::ALL.to_vec(),
    };
    Ok(Rule {
        message: config
            .message
            .clone()
            .unwrap_or_else(|| format!("`{{match}}` is banned by rule `{id}`")),
        severity: match config.severity {
            Some(SeverityConfig::Warning) => Severity::Warning,
            _ => Severity::Error,
        },
        help: config.help.clone(),
        why: config.why.clone(),
        replacements: config.replacements.clone().unwrap_or_default(),
        examples: config.examples.clone(),
        id,
        matchers,
        exceptions,
        scopes,
        literals,
        case_insensitive,
    })
}

fn compile(
    source: &str,
    id: &str,
    path: &Path,
    at: &serde_saphyr::Spanned<String>,
) -> Result<LazyRegex, LintError> {
    LazyRegex::checked(source.to_string()).map_err(|error| LintError::Pattern {
        path: path.to_path_buf(),
        line: at.referenced.line(),
        column: at.referenced.column(),
        rule: id.to_string(),
        reason: error.to_string(),
    })
}

/// Compiles `source`, made of the user's `pattern` (which messages point at) wrapped in
/// flags and boundaries. When it does not compile, the user's pattern alone is compiled to
/// say what is wrong in the words they wrote.
/// Every pattern (and exception context) the built-in rules write.
fn builtin_patterns() -> &'static std::collections::HashSet<String> {
    static PATTERNS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let Ok(builtin) = crate::LintConfig::builtin() else {
            return std::collections::HashSet::new();
        };
        builtin
            .rules
            .iter()
            .flat_map(|rule| {
                let patterns = rule.patterns.iter().flatten().map(|p| p.value.clone());
                let contexts = rule
                    .exceptions
                    .iter()
                    .flatten()
                    .flat_map(|exception| [&exception.before, &exception.after])
                    .flatten()
                    .map(|p| p.value.clone());
                patterns.chain(contexts).collect::<Vec<_>>()
            })
            .collect()
    })
}

fn user_regex(
    source: &str,
    pattern: &serde_saphyr::Spanned<String>,
    id: &str,
    path: &Path,
) -> Result<LazyRegex, LintError> {
    // The built-in rules' patterns are tested (each against its examples): they compile,
    // and late. Any other is the user's, compiled now, so a pattern the regex engine
    // refuses (too large, say) is an error at its line, not a rule that never matches.
    let made = if builtin_patterns().contains(pattern.value.as_str()) {
        LazyRegex::checked(source.to_string())
    } else {
        LazyRegex::compiled(source.to_string())
    };
    made.map_err(|error| {
        // The pattern as written, if it is at fault, so the message quotes the user's text.
        let reason = LazyRegex::checked(pattern.value.clone())
            .err()
            .unwrap_or(error);
        pattern_error(pattern, id, path, reason.to_string())
    })
}

fn pattern_error(
    pattern: &serde_saphyr::Spanned<String>,
    id: &str,
    path: &Path,
    reason: String,
) -> LintError {
    LintError::Pattern {
        path: path.to_path_buf(),
        line: pattern.referenced.line(),
        column: pattern.referenced.column(),
        rule: id.to_string(),
        reason,
    }
}

fn push_literal(literals: &mut Option<Vec<String>>, literal: &str, case_insensitive: bool) {
    if let Some(literals) = literals {
        literals.push(if case_insensitive {
            literal.to_lowercase()
        } else {
            literal.to_string()
        });
    }
}

/// One regex that finds every place any rule could match: the literal each word or phrase
/// must contain, each pattern as written, and suppression comments (so that an unused one
/// is still found). Files it does not match are clean without further work.
fn build_prefilter(rules: &[Rule]) -> Result<Regex, regex::Error> {
    let mut alternatives = vec!["renkei-(?:disable|enable)".to_string()];
    for rule in rules {
        match &rule.literals {
            Some(literals) => {
                let flags = if rule.case_insensitive { "(?i)" } else { "" };
                alternatives.extend(
                    literals
                        .iter()
                        .map(|literal| format!("(?:{flags}{})", regex::escape(literal))),
                );
            }
            None => alternatives.extend(
                rule.matchers
                    .iter()
                    .map(|matcher| format!("(?:{})", matcher.regex.as_str())),
            ),
        }
    }
    Regex::new(&alternatives.join("|"))
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::LazyRegex;

    #[test]
    fn a_lazy_regex_refuses_bad_syntax_as_regex_does_and_compiles_when_asked() {
        // Put together at run time, as a user's pattern is (a literal one is linted).
        let unclosed = ["pre", "(flight"].concat();
        let refused = LazyRegex::checked(unclosed.clone()).unwrap_err();
        let by_regex = regex::Regex::new(&unclosed).unwrap_err();
        assert_eq!(refused.to_string(), by_regex.to_string());
        let lazy = LazyRegex::checked("(?i)pre-?flight".to_string()).unwrap();
        assert!(lazy.get().is_some_and(|regex| regex.is_match("Preflight")));
    }
}
