//! Reading structure out of the document model: fields, sections, comparable text.

use std::ops::Range;

use renkei_model::Document;
use renkei_model::markdown::Heading;

use crate::config::Term;

/// A `Name: value` pair, the unit templates and reports are made of. Authors write them as
/// list items (`- Name: value`), as lines (`Name: value`, `**Name:** value`, from the first
/// line of a paragraph on) or as the rows of a two-column table (`| Name | value |`); all
/// three are fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name before the colon.
    pub name: String,
    /// The name's [`name_key`], what terms are compared with.
    pub key: String,
    /// The value after it, trimmed (code spans without their backticks).
    pub value: String,
    /// The list item, line or table row.
    pub range: Range<usize>,
    /// The nearest heading above the field, if any.
    pub heading: Option<String>,
    /// Whether what follows the field, up to the next field or heading, holds its value:
    /// a nested list, or a list, table or code block right after a `Name:` line.
    pub has_block_value: bool,
}

/// Longest text before a colon that still reads as a field name rather than a sentence.
const MAX_FIELD_NAME_CHARS: usize = 48;

/// Every field in `document`, in order.
pub fn fields(document: &Document) -> Vec<Field> {
    let in_item = |range: &Range<usize>| {
        document
            .lists
            .iter()
            .flat_map(|list| &list.items)
            .any(|item| item.range.start <= range.start && range.end <= item.range.end)
    };
    let items = document
        .lists
        .iter()
        .flat_map(|list| &list.items)
        .filter_map(|item| {
            let (name, value) = split_field(&item.text)?;
            let nested = document.lists.iter().any(|list| {
                item.range.start < list.range.start && list.range.end <= item.range.end
            });
            Some((item.range.clone(), name, value, nested))
        });
    let lines = document
        .paragraphs
        .iter()
        .filter(|paragraph| !in_item(&paragraph.range))
        .flat_map(|paragraph| {
            let last = paragraph.breaks.len();
            // Lines are fields from the paragraph's first line on: a wrapped line of prose
            // can look like one (`one shape for every run: keep all sections`).
            paragraph
                .lines()
                .enumerate()
                .map_while(move |(index, (range, text))| {
                    let (name, value) = split_field(text)?;
                    let follows = index == last
                        && value.is_empty()
                        && block_after(document, paragraph.range.end);
                    Some((range, name, value, follows))
                })
        });
    let rows = document
        .tables
        .iter()
        .filter(|table| table.rows.first().is_some_and(|row| row.cells.len() == 2))
        .flat_map(|table| table.rows.iter().filter(|row| !row.header))
        .filter_map(|row| {
            let [name, value] = row.cells.as_slice() else {
                return None;
            };
            let name = name.text.trim();
            is_field_name(name).then(|| {
                (
                    row.range.clone(),
                    name.to_string(),
                    value.text.trim().to_string(),
                    false,
                )
            })
        });
    let mut fields: Vec<Field> = items
        .chain(lines)
        .chain(rows)
        .map(|(range, name, value, has_block_value)| Field {
            heading: heading_before(document, range.start).map(|heading| heading.text.clone()),
            key: name_key(&name),
            name,
            value,
            range,
            has_block_value,
        })
        .collect();
    fields.sort_by_key(|field| field.range.start);
    fields
}

/// `("Name", "value")` for text that reads as a field.
fn split_field(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once(':')?;
    let name = name.trim();
    is_field_name(name).then(|| (name.to_string(), value.trim().to_string()))
}

/// Whether text before a colon names a field: short, no sentence punctuation, and not a
/// placeholder (`<phase>: <reason>` is an example row, not a field every report repeats).
fn is_field_name(name: &str) -> bool {
    let placeholder = (name.starts_with('<') && name.ends_with('>'))
        || (name.starts_with('[') && name.ends_with(']'));
    !name.is_empty()
        && !placeholder
        // A remark in parentheses does not make a name long: `Blockers (each with its
        // evidence, owner and unblock action)` is the field `Blockers`.
        && without_parentheses(name).chars().count() <= MAX_FIELD_NAME_CHARS
        && !name.contains(['.', '!', '?', ';'])
}

/// Whether a list, table or code block starts right after `offset`, before any other
/// paragraph or heading.
fn block_after(document: &Document, offset: usize) -> bool {
    fn first_from(mut starts: impl Iterator<Item = usize>, offset: usize) -> Option<usize> {
        starts.find(|&start| start >= offset)
    }
    let next_block = [
        first_from(document.lists.iter().map(|list| list.range.start), offset),
        first_from(
            document.tables.iter().map(|table| table.range.start),
            offset,
        ),
        first_from(
            document
                .outline
                .code_blocks
                .iter()
                .map(|block| block.range.start),
            offset,
        ),
    ]
    .into_iter()
    .flatten()
    .min();
    let next_other = [
        first_from(document.paragraphs.iter().map(|p| p.range.start), offset),
        first_from(
            document.outline.headings.iter().map(|h| h.range.start),
            offset,
        ),
    ]
    .into_iter()
    .flatten()
    .min();
    next_block.is_some_and(|block| next_other.is_none_or(|other| block < other))
}

/// The last heading that starts before `offset`.
pub fn heading_before(document: &Document, offset: usize) -> Option<&Heading> {
    document
        .outline
        .headings
        .iter()
        .take_while(|heading| heading.range.start <= offset)
        .last()
}

/// The first heading that is `term`, at any level.
pub fn find_heading<'a>(document: &'a Document, term: &Term) -> Option<&'a Heading> {
    document
        .outline
        .headings
        .iter()
        .find(|heading| term.matches(&heading.text))
}

/// A heading or field name reduced to what it means: [`comparable`], with `_` and `-` read
/// as spaces, a leading section number (`1.`, `2.3`), a trailing `[]` or colon and any
/// parenthesized remark (`(if blocked)`, `(preamble)`) left out. `blocker_owner`,
/// `Blocker owner (if blocked):` and `**Blocker owner**` are one name.
pub fn name_key(text: &str) -> String {
    let mut key = reduce(&without_parentheses(text), |c| {
        c.is_whitespace() || matches!(c, '_' | '-')
    });
    let trimmed = key.trim_end_matches(':').trim_end_matches("[]").trim_end();
    let numbered = trimmed.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let kept = match numbered.strip_prefix(')').unwrap_or(numbered) {
        rest if rest.len() < trimmed.len() && rest.starts_with(' ') => rest.trim_start(),
        _ => trimmed,
    };
    // `kept` is a slice of `key`: cut `key` down to it instead of copying it out.
    let start = kept.as_ptr() as usize - key.as_ptr() as usize;
    let end = start + kept.len();
    key.truncate(end);
    key.drain(..start);
    key
}

/// `text` without what it says in parentheses (nested ones included): a remark, not the
/// name or value itself.
pub fn without_parentheses(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('(') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    std::borrow::Cow::Owned(kept)
}

/// Text reduced for comparison: no backticks or emphasis markers, single spaces, lowercase.
/// Built in one pass, as whole sections go through it.
pub fn comparable(text: &str) -> String {
    reduce(text, char::is_whitespace)
}

/// [`comparable`], with words split wherever `separates` says.
fn reduce(text: &str, separates: impl Fn(char) -> bool) -> String {
    let mut reduced = String::with_capacity(text.len());
    for word in text.split(separates).filter(|word| !word.is_empty()) {
        let before = reduced.len();
        if before > 0 {
            reduced.push(' ');
        }
        let word_start = reduced.len();
        let kept = word.chars().filter(|c| !matches!(c, '`' | '*'));
        if word.is_ascii() {
            reduced.extend(kept.map(|c| c.to_ascii_lowercase()));
        } else {
            // Whole-word lowercasing knows a Greek sigma at the end of a word is final.
            reduced.push_str(&kept.collect::<String>().to_lowercase());
        }
        // A word of markers only (`**`) is no word.
        if reduced.len() == word_start {
            reduced.truncate(before);
        }
    }
    reduced
}

/// Whether `said` (text made [`comparable`]) states `wording`: its words in order, with
/// the wording's closing punctuation free, so that a sentence the author continues
/// (`... and are valid: its report, its commits`) still states it.
pub fn states(said: &str, wording: &str) -> bool {
    let wanted = comparable(wording);
    let wanted = wanted.trim_end_matches(['.', ':', ';', ',']);
    if wanted.is_empty() {
        return true;
    }
    said.match_indices(wanted).any(|(at, found)| {
        said[at + found.len()..]
            .chars()
            .next()
            .is_none_or(|next| !next.is_alphanumeric())
    })
}

/// All paragraph and list item text inside `range`, joined, for "does this section say X".
pub fn text_in(document: &Document, range: &Range<usize>) -> String {
    let inside = |block: &Range<usize>| range.start <= block.start && block.end <= range.end;
    let paragraphs = document
        .paragraphs
        .iter()
        .filter(|p| inside(&p.range))
        .map(|p| p.text.as_str());
    let items = document
        .lists
        .iter()
        .flat_map(|list| &list.items)
        .filter(|i| inside(&i.range))
        .map(|i| i.text.as_str());
    let cells = document
        .tables
        .iter()
        .filter(|table| inside(&table.range))
        .flat_map(|table| &table.rows)
        .flat_map(|row| &row.cells)
        .map(|cell| cell.text.as_str());
    comparable(
        &paragraphs
            .chain(items)
            .chain(cells)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The values a template's field offers: inline (`Outcome: `complete` | `blocked``), or as
/// the items of a list under it (`- `complete`: every gate passed`).
pub fn listed_values(document: &Document, field: &Field) -> Vec<String> {
    let inline = alternatives(&field.value);
    if !inline.is_empty() {
        return inline;
    }
    document
        .lists
        .iter()
        .filter(|list| field.range.start < list.range.start && list.range.end <= field.range.end)
        .flat_map(|list| &list.items)
        .flat_map(|item| alternatives(item.text.split(':').next().unwrap_or_default()))
        .collect()
}

/// The alternatives listed in a field value, however they are written:
/// `complete | blocked | escalated`, `<complete | blocked | escalated>`,
/// `one of: complete, blocked or escalated`.
pub fn alternatives(value: &str) -> Vec<String> {
    let value = value.trim();
    let lowered = value.to_lowercase();
    let value = ["one of:", "one of", "either"]
        .iter()
        .find_map(|lead| lowered.starts_with(lead).then(|| &value[lead.len()..]))
        .unwrap_or(value);
    value
        .split(['|', ',', '/'])
        .flat_map(|part| part.split(" or "))
        .map(|part| {
            part.trim_matches(|c: char| {
                c.is_whitespace() || matches!(c, '`' | '<' | '>' | '[' | ']' | '"' | '\'' | '*')
            })
            .to_lowercase()
        })
        .filter(|part| !part.is_empty())
        .collect()
}

/// How a block is written in the source, for a message that quotes it: its lines without
/// list or quote markers, joined by spaces, code spans kept.
pub fn written(document: &Document, range: &Range<usize>) -> String {
    let text = document.source.get(range.clone()).unwrap_or_default();
    let lines = text.lines().map(|line| {
        let mut line = line.trim_start();
        loop {
            let unmarked = line
                .strip_prefix('>')
                .or_else(|| line.strip_prefix("- "))
                .or_else(|| line.strip_prefix("* "))
                .or_else(|| line.strip_prefix("+ "))
                .or_else(|| {
                    let digits =
                        line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                    (digits > 0).then(|| &line[digits..]).and_then(|rest| {
                        rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") "))
                    })
                });
            match unmarked {
                Some(rest) => line = rest.trim_start(),
                None => break line.trim_end(),
            }
        }
    });
    lines
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use renkei_model::Document;

    use super::{alternatives, comparable, fields, name_key, states, written};

    #[test]
    fn a_passage_is_stated_when_its_sentence_goes_on_but_not_when_its_word_does() {
        let said = comparable("Verify they exist and are valid: the report, the commits.");
        assert!(states(&said, "Verify they exist and are valid."));
        assert!(!states(&said, "Verify they exist and are val."));
        assert!(!states(&said, "Verify they exist and are invalid."));
    }

    #[test]
    fn comparison_ignores_case_spacing_code_and_emphasis() {
        assert_eq!(
            comparable("  **Work**   `Performed`\n now "),
            "work performed now"
        );
        assert_eq!(comparable("a * b `` c"), "a b c");
        assert_eq!(
            comparable("Evidence  *Bundle*"),
            comparable("evidence bundle")
        );
        assert_ne!(
            comparable("Evidence Bundle"),
            comparable("Evidence Bundles")
        );
        assert_ne!(comparable("Evidence Bundle"), comparable("EvidenceBundle"));
        assert_eq!(comparable(""), comparable("  ** "));
        assert_eq!(comparable("ΟΔΟΣ"), comparable("οδος"));
    }

    #[test]
    fn names_are_read_by_meaning() {
        for same in [
            "Blocker owner",
            "blocker_owner",
            "**Blocker owner** (if blocked):",
            "1. Blocker-owner",
            "`blocker_owner[]`",
        ] {
            assert_eq!(name_key(same), "blocker owner", "{same}");
        }
        assert_eq!(name_key("2.3 Template Sections"), "template sections");
        assert_eq!(name_key("3D Printing"), "3d printing");
    }

    #[test]
    fn fields_are_list_items_lines_and_two_column_table_rows() {
        let text = "# R\n\n- Date: today\n\n**Outcome:** blocked\n**Owner:** tech-lead\n\n\
                    Prose that wraps\nonto a line: not a field.\n\n\
                    | Field | Value |\n|---|---|\n| Item ID | 7 |\n\n\
                    | A | B | C |\n|---|---|---|\n| x | y | z |\n\n\
                    - `<phase>`: `<reason>`\n\nCommits:\n\n- abc\n";
        let document = Document::parse(text.to_string()).unwrap();
        let found: Vec<_> = fields(&document)
            .iter()
            .map(|field| {
                let line = document.position(field.range.start).line;
                format!(
                    "{line} {}={} {}",
                    field.name, field.value, field.has_block_value
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "3 Date=today false",
                "5 Outcome=blocked false",
                "6 Owner=tech-lead false",
                "13 Item ID=7 false",
                "21 Commits= true"
            ]
        );
    }

    #[test]
    fn alternatives_are_read_however_they_are_written() {
        for written in [
            "`complete` | `blocked` | `escalated`",
            "<complete | blocked | escalated>",
            "one of: complete, blocked or escalated",
            "Complete / Blocked / Escalated",
        ] {
            assert_eq!(
                alternatives(written),
                ["complete", "blocked", "escalated"],
                "{written}"
            );
        }
    }

    #[test]
    fn written_keeps_code_spans_and_drops_markers() {
        let document =
            Document::parse("> 1. Tenets `travel`\n>    verbatim.\n".to_string()).unwrap();
        assert_eq!(
            written(&document, &(0..document.source.len())),
            "Tenets `travel` verbatim."
        );
    }
}
