//! Linting one text: prefilter, match, filter, position.

use std::ops::Range;
use std::path::Path;

use renkei_model::{Diagnostic, Document};

use crate::rules::{Boundaries, Rule, RuleSet};
use crate::scope::scope_at;
use crate::suppress::Suppressions;

/// Lints `text` (the contents of `path`). Most texts hold no banned word: the prefilter, one
/// scan of the bytes, settles them without building the document model.
pub fn lint_text(rules: &RuleSet, path: &Path, text: &str) -> Vec<Diagnostic> {
    if !rules.prefilter.is_match(text) {
        return Vec::new();
    }
    let document = match Document::parse(text.to_string()) {
        Ok(document) => document,
        Err(too_deep) => {
            let mut diagnostic = Diagnostic::whole_file(
                crate::driver::UNREADABLE_FILE,
                renkei_model::Severity::Error,
                path,
                format!(
                    "Markdown nested {} levels deep, past the limit of {}; not linted",
                    too_deep.depth,
                    renkei_model::markdown::MAX_NESTING
                ),
            );
            diagnostic.start.line = too_deep.line;
            diagnostic.end.line = too_deep.line;
            return vec![diagnostic];
        }
    };
    let mut suppressions = Suppressions::parse(&document);
    let mut diagnostics = Vec::new();
    for rule in &rules.rules {
        let mut seen: Vec<Range<usize>> = Vec::new();
        for matcher in &rule.matchers {
            for found in matcher.regex.find_iter(text) {
                let range = found.range();
                let accepted = (matcher.boundaries == Boundaries::AsWritten
                    || has_word_boundaries(text, &range))
                    && !seen.contains(&range)
                    && !suppressions.covers_comment(range.start)
                    && !rule
                        .exceptions
                        .iter()
                        .any(|exception| exception.applies(text, &range))
                    && (!rule.is_scoped() || rule.applies_in(scope_at(&document, range.start)));
                if !accepted || suppressions.suppress(&rule.id, document.position(range.start).line)
                {
                    continue;
                }
                seen.push(range.clone());
                diagnostics.push(finding(rule, path, &document, range));
            }
        }
    }
    diagnostics.extend(suppressions.unused(path, &document, &|id| rules.get(id).is_some()));
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
    diagnostics
}

fn finding(rule: &Rule, path: &Path, document: &Document, range: Range<usize>) -> Diagnostic {
    let matched = &document.source[range.clone()];
    let shown = matched
        .split_whitespace()
        .filter(|token| !is_markup(token))
        .collect::<Vec<_>>()
        .join(" ");
    let mut diagnostic = Diagnostic::at(
        rule.id.clone(),
        rule.severity,
        path,
        &document.source,
        document.lines(),
        range,
        rule.message.replace("{match}", &shown),
    );
    diagnostic.help = rule.help.clone();
    // A match that spans lines crosses list items, quote markers or wraps; no single
    // replacement can keep that layout, so the fix is left to the author.
    if !matched.contains('\n') {
        diagnostic.replacements = rule
            .replacements
            .iter()
            .map(|replacement| adapt_replacement(rule, matched, replacement))
            .collect();
    }
    diagnostic
}

/// Block-quote, list and emphasis markers a phrase match may span.
fn is_markup(token: &str) -> bool {
    token
        .chars()
        .all(|c| matches!(c, '>' | '*' | '_' | '+' | '-' | '.' | ')') || c.is_ascii_digit())
}

/// A replacement shaped like what it replaces: the same case pattern (`Intake` becomes
/// `Input`, `INTAKE` becomes `INPUT`) and the same inflection (`intakes` becomes `inputs`).
fn adapt_replacement(rule: &Rule, matched: &str, replacement: &str) -> String {
    let suffix = rule
        .matchers
        .iter()
        .filter(|matcher| matcher.boundaries == Boundaries::Words)
        .filter_map(|matcher| matcher.stem.as_deref())
        .find_map(|stem| {
            let head = matched.get(..stem.len())?;
            head.eq_ignore_ascii_case(stem)
                .then(|| &matched[stem.len()..])
        })
        .unwrap_or_default();
    let letters: Vec<char> = matched.chars().filter(|c| c.is_alphabetic()).collect();
    let shaped = if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        replacement.to_uppercase()
    } else if letters.first().is_some_and(|c| c.is_uppercase()) {
        let mut chars = replacement.chars();
        chars.next().map_or(String::new(), |first| {
            first.to_uppercase().chain(chars).collect()
        })
    } else {
        replacement.to_string()
    };
    let suffix = if shaped.chars().any(char::is_lowercase) {
        suffix.to_string()
    } else {
        suffix.to_uppercase()
    };
    format!("{shaped}{suffix}")
}

/// Identifier-aware word boundaries: a match may not continue a word on either side, except
/// where camelCase starts a new word (`preIntake`, `intakeReady`). Hyphens, underscores and
/// punctuation always separate words.
fn has_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let starts_word = match before {
        Some(c) if c.is_alphanumeric() => c.is_lowercase() && first.is_some_and(char::is_uppercase),
        _ => true,
    };
    let ends_word = match after {
        Some(c) if c.is_alphanumeric() => c.is_uppercase() && last.is_some_and(char::is_lowercase),
        _ => true,
    };
    starts_word && ends_word
}
