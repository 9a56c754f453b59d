//! Linting one text: prefilter, match, filter, position.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use renkei_model::markdown::{DefinitionLabels, Outline, split_points};
use renkei_model::{Diagnostic, LineIndex, RuleMeta};

use crate::rules::{Boundaries, Rule, RuleSet};
use crate::scope::{Places, Scope};
use crate::suppress::Suppressions;

/// Lints `text` (the contents of `path`). Most texts hold no banned word: the prefilter, one
/// scan of the bytes, settles them without building the document's outline. In the others
/// only the pieces of the document that hold a possible finding or a suppression comment
/// are parsed (see [`Outline::parse_parts`]): the parts that hold nothing to report cost
/// a line scan, not a parse.
pub fn lint_text(rules: &RuleSet, path: &Path, text: &str) -> Vec<Diagnostic> {
    if !rules.prefilter.is_match(text) {
        return Vec::new();
    }
    let mut candidates = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        for matcher in &rule.matchers {
            let Some(regex) = matcher.regex.get() else {
                continue;
            };
            for found in regex.find_iter(text) {
                let range = found.range();
                if !range.is_empty()
                    && (matcher.boundaries == Boundaries::AsWritten
                        || has_word_boundaries(text, &range))
                {
                    candidates.push((index, matcher, range));
                }
            }
        }
    }
    let mut wanted: Vec<usize> = candidates.iter().map(|(_, _, range)| range.start).collect();
    wanted.extend(memchr::memmem::find_iter(
        text.as_bytes(),
        SUPPRESSION_PREFIX,
    ));
    let points = split_points(text);
    let labels = DefinitionLabels::find(text, &points);
    let parts = parts_holding(&points, text.len(), wanted);
    let outline = match Outline::parse_parts(text, parts, &labels) {
        Ok(outline) => outline,
        Err(too_deep) => {
            let mut diagnostic = Diagnostic::whole_file(
                crate::driver::UNREADABLE_FILE,
                crate::driver::UNREADABLE_FILE_RULE.severity,
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
    let lines = LineIndex::new(text);
    let mut suppressions = Suppressions::parse(text, &lines, &outline.html_comments);
    let places = Places::new(outline);
    let mut diagnostics = Vec::new();
    // Two matchers of a rule may find the same words; they are one finding.
    let mut seen: HashSet<(usize, usize, usize)> = HashSet::new();
    for (index, matcher, range) in candidates {
        let rule = &rules.rules[index];
        let accepted = !seen.contains(&(index, range.start, range.end))
            && !suppressions.covers_comment(range.start)
            && !rule
                .exceptions
                .iter()
                .any(|exception| exception.applies(text, &range));
        if !accepted {
            continue;
        }
        let scope = match places.scope_at(range.start) {
            // GitHub makes a bare URL or address a link; the parser reads it as text.
            Scope::Prose | Scope::Heading | Scope::LinkText if in_bare_url(text, &range) => {
                Scope::LinkTarget
            }
            scope => scope,
        };
        if !rule.applies_in(scope)
            || suppressions.suppress(&rule.id, lines.position(text, range.start).line)
        {
            continue;
        }
        seen.insert((index, range.start, range.end));
        let fixable = FIXABLE_SCOPES.contains(&scope) && places.is_text(&range);
        if diagnostics.len() == MAX_FINDINGS_PER_FILE {
            let mut too_many = Diagnostic::whole_file(
                TOO_MANY_FINDINGS,
                TOO_MANY_FINDINGS_RULE.severity,
                path,
                format!(
                    "stopped after {MAX_FINDINGS_PER_FILE} findings in this file; fix these and run again"
                ),
            );
            too_many.help =
                Some("--fix applies the fixable ones; a second run continues".to_string());
            diagnostics.push(too_many);
            break;
        }
        let stem = matcher.stem.as_deref();
        diagnostics.push(finding(rule, stem, path, text, &lines, range, fixable));
    }
    diagnostics.extend(suppressions.unused(path, text, &lines, &|id| rules.get(id).is_some()));
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.range.end));
    diagnostics
}

/// Whether `range` lies in a bare URL (`https://...`, `www....`) or email address, which
/// GitHub renders as a link: the token around it, up to blanks, brackets and quotes.
fn in_bare_url(text: &str, range: &Range<usize>) -> bool {
    let ends = |c: char| c.is_whitespace() || "<>()[]\"'`".contains(c);
    let start = text[..range.start]
        .char_indices()
        .rev()
        .find(|(_, c)| ends(*c))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let end = text[range.end..]
        .find(ends)
        .map_or(text.len(), |at| range.end + at);
    let token = &text[start..end];
    let before = &text[start..range.start];
    let scheme = before.find("://").is_some_and(|at| {
        at > 0
            && before[..at]
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '+')
    });
    scheme
        || token
            .get(..4)
            .is_some_and(|head| head.eq_ignore_ascii_case("www."))
        || (token.contains('@') && token.contains('.'))
}

/// What every suppression comment holds (`renkei-disable`, `renkei-enable`, ...): the
/// pieces holding one are parsed too, since a region they open may hold findings elsewhere.
const SUPPRESSION_PREFIX: &[u8] = b"renkei-";

/// The ranges between consecutive `points` (and the text's ends) that hold one of the
/// `offsets`, in order, each once.
fn parts_holding(points: &[usize], len: usize, mut offsets: Vec<usize>) -> Vec<Range<usize>> {
    offsets.sort_unstable();
    let mut parts: Vec<Range<usize>> = Vec::new();
    for offset in offsets {
        if parts.last().is_some_and(|part| part.contains(&offset)) {
            continue;
        }
        let after = points.partition_point(|point| *point <= offset);
        let start = after.checked_sub(1).map_or(0, |before| points[before]);
        let end = points.get(after).copied().unwrap_or(len);
        parts.push(start..end);
    }
    parts
}

/// Rule id of the warning that a file has more findings than are reported.
pub const TOO_MANY_FINDINGS: &str = "lint/too-many-findings";

/// The rule [`TOO_MANY_FINDINGS`] names.
pub const TOO_MANY_FINDINGS_RULE: RuleMeta = RuleMeta::warning(
    TOO_MANY_FINDINGS,
    "a file has no more findings than are reported per file",
    "A file with thousands of findings is not doctrine anyone wrote by hand; the cap keeps \
     time, memory and output bounded, and this warning says the list was cut short.",
)
.fix("Fix the findings reported so far, or exclude the generated file from the lint, and run it again.")
.example("<!-- generated.md: 1,001 lines, each a finding -->\nintake\nintake\n...", "<!-- generated.md excluded from the lint, or its findings fixed -->");

/// Findings reported per file, whatever the input; [`TOO_MANY_FINDINGS_RULE`] says why.
pub const MAX_FINDINGS_PER_FILE: usize = 1_000;

/// Scopes where a replacement is certain to be right. A word inside code, a link target,
/// raw HTML, front matter or a comment may be an identifier or a path that something else
/// refers to, so renaming it is left to the author.
const FIXABLE_SCOPES: [Scope; 3] = [Scope::Prose, Scope::Heading, Scope::LinkText];

/// A finding of `rule` at `range`; `fixable` says whether an edit there is certain to change
/// only words (see [`Places::is_text`]).
fn finding(
    rule: &Rule,
    stem: Option<&str>,
    path: &Path,
    text: &str,
    lines: &LineIndex,
    range: Range<usize>,
    fixable: bool,
) -> Diagnostic {
    let matched = &text[range.clone()];
    let shown = matched
        .split_whitespace()
        .filter(|token| !is_markup(token))
        .collect::<Vec<_>>()
        .join(" ");
    let mut diagnostic = Diagnostic::at(
        rule.id.clone(),
        rule.severity,
        path,
        text,
        lines,
        range,
        rule.message.replace("{match}", &shown),
    );
    diagnostic.help = rule.help.clone();
    // A match that spans lines crosses list items, quote markers or wraps, and one that
    // takes in quotes or markup between words would lose them; no single replacement keeps
    // that layout, so the fix is left to the author.
    let plain = matched.char_indices().all(|(at, c)| {
        c.is_alphanumeric() || matches!(c, ' ' | '-') || is_possessive_mark(matched, at)
    });
    if fixable && plain {
        // Every replacement must be certain, or none is offered as a fix.
        diagnostic.replacements = rule
            .replacements
            .iter()
            .map(|replacement| adapt_replacement(stem, matched, replacement))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
    }
    diagnostic
}

/// Whether the apostrophe at byte `at` of `matched` marks a possessive (`intake's`), which a
/// replacement carries over; any other is taken for a quote around words, which a
/// replacement of the words would leave unbalanced.
fn is_possessive_mark(matched: &str, at: usize) -> bool {
    let Some(mark) = matched[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '\'' | '’'))
    else {
        return false;
    };
    let before = matched[..at].chars().next_back();
    let mut after = matched[at + mark.len_utf8()..].chars();
    before.is_some_and(char::is_alphanumeric)
        && after.next() == Some('s')
        && after.next().is_none_or(|c| !c.is_alphanumeric())
}

/// Block-quote, list and emphasis markers a phrase match may span.
fn is_markup(token: &str) -> bool {
    token
        .chars()
        .all(|c| matches!(c, '>' | '*' | '_' | '+' | '-' | '.' | ')') || c.is_ascii_digit())
}

/// A replacement shaped like what it replaces: the same case pattern (`Intake` becomes
/// `Input`, `INTAKE` becomes `INPUT`, `Cross-Stage Status` becomes `Cross-Stage Outcome`)
/// and the same plural or possessive (`intakes` becomes
/// `inputs`). `None` when the match carries an ending that cannot be moved onto the
/// replacement with certainty (`-ed`, `-ing`: `confirmd` is not a word).
fn adapt_replacement(stem: Option<&str>, matched: &str, replacement: &str) -> Option<String> {
    // A `words` match carries the word's ending after its stem; a match in a form that does
    // not start with the word itself (acknowledging) carries none that can be moved.
    let suffix = match stem {
        Some(stem) => {
            let head = matched.get(..stem.len())?;
            if !head.eq_ignore_ascii_case(stem) {
                return None;
            }
            &matched[stem.len()..]
        }
        None => "",
    };
    if !matches!(
        suffix.to_lowercase().as_str(),
        "" | "s" | "es" | "'s" | "’s"
    ) {
        return None;
    }
    let letters: Vec<char> = matched.chars().filter(|c| c.is_alphabetic()).collect();
    let words = || matched.split([' ', '-']).filter(|word| !word.is_empty());
    let title = words().count() > 1
        && words().all(|word| word.chars().next().is_some_and(char::is_uppercase));
    let shaped = if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        replacement.to_uppercase()
    } else if title {
        // `Cross-Stage Status` becomes `Cross-Stage Outcome`.
        let mut starts_word = true;
        replacement
            .chars()
            .flat_map(|c| {
                let upper = starts_word;
                starts_word = matches!(c, ' ' | '-');
                if upper {
                    c.to_uppercase().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect()
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
    Some(format!("{shaped}{suffix}"))
}

/// Identifier-aware word boundaries: a match may not continue a word on either side, except
/// where camelCase starts a new word (`preIntake`, `intakeReady`), where letters meet digits
/// (`intake2`, `step1Intake`), after a percent-escape (`my%20intake.md`, `%2Ftransfer`) and
/// next to a script written without spaces between words (`日本語のtransfer`). Hyphens,
/// underscores and punctuation always separate words.
fn has_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let joins = |outside: char, inside: Option<char>, camel: bool| {
        let Some(inside) = inside else {
            return false;
        };
        outside.is_alphanumeric()
            && !camel
            && outside.is_ascii_digit() == inside.is_ascii_digit()
            && !crate::reader::unspaced_script(outside)
    };
    let escaped = text.as_bytes()[..range.start]
        .rchunks(3)
        .next()
        .is_some_and(|tail| {
            tail.len() == 3 && tail[0] == b'%' && tail[1..].iter().all(u8::is_ascii_hexdigit)
        });
    let starts_word = escaped
        || before.is_none_or(|c| {
            let camel = c.is_lowercase() && first.is_some_and(char::is_uppercase);
            !joins(c, first, camel)
        });
    let ends_word = after.is_none_or(|c| {
        let camel = c.is_uppercase() && last.is_some_and(char::is_lowercase);
        !joins(c, last, camel)
    });
    starts_word && ends_word
}
