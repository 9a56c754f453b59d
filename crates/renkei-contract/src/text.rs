//! Reading structure out of the document model: fields, sections, comparable text.

use std::ops::Range;

use renkei_model::Document;
use renkei_model::markdown::Heading;

/// A `Name: value` list item, the unit templates and reports are made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name before the colon.
    pub name: String,
    /// The value after it, trimmed (code spans without their backticks).
    pub value: String,
    /// The list item.
    pub range: Range<usize>,
    /// The nearest heading above the item, if any.
    pub heading: Option<String>,
}

/// Longest text before a colon that still reads as a field name rather than a sentence.
const MAX_FIELD_NAME_CHARS: usize = 48;

/// Every field in `document`, in order.
pub fn fields(document: &Document) -> Vec<Field> {
    let mut fields: Vec<Field> = document
        .lists
        .iter()
        .flat_map(|list| &list.items)
        .filter_map(|item| {
            let (name, value) = item.text.split_once(':')?;
            let name = name.trim();
            let is_name = !name.is_empty()
                && name.chars().count() <= MAX_FIELD_NAME_CHARS
                && !name.contains(['.', '!', '?', ';']);
            is_name.then(|| Field {
                name: name.to_string(),
                value: value.trim().to_string(),
                range: item.range.clone(),
                heading: heading_before(document, item.range.start)
                    .map(|heading| heading.text.clone()),
            })
        })
        .collect();
    fields.sort_by_key(|field| field.range.start);
    fields
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

/// The first heading whose text equals `text`, ignoring case and surrounding space.
pub fn find_heading<'a>(document: &'a Document, text: &str) -> Option<&'a Heading> {
    let wanted = comparable(text);
    document
        .outline
        .headings
        .iter()
        .find(|heading| comparable(&heading.text) == wanted)
}

/// Whether two texts are the same words, ignoring case, spacing and Markdown code and
/// emphasis markers.
pub fn same_words(a: &str, b: &str) -> bool {
    comparable(a) == comparable(b)
}

/// Text reduced for comparison: no backticks or emphasis markers, single spaces, lowercase.
/// Built in one pass, as whole sections go through it.
pub fn comparable(text: &str) -> String {
    let mut reduced = String::with_capacity(text.len());
    for word in text.split_whitespace() {
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
    comparable(&paragraphs.chain(items).collect::<Vec<_>>().join(" "))
}

/// The alternatives listed in a field value: `complete | blocked | escalated`.
pub fn alternatives(value: &str) -> Vec<String> {
    value
        .split(['|', ',', '/'])
        .flat_map(|part| part.split(" or "))
        .map(|part| part.trim().trim_matches('`').trim().to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{comparable, same_words};

    #[test]
    fn comparison_ignores_case_spacing_code_and_emphasis() {
        assert_eq!(
            comparable("  **Work**   `Performed`\n now "),
            "work performed now"
        );
        assert_eq!(comparable("a * b `` c"), "a b c");
        assert!(same_words("Evidence  *Bundle*", "evidence bundle"));
        assert!(!same_words("Evidence Bundle", "Evidence Bundles"));
        assert!(!same_words("Evidence Bundle", "EvidenceBundle"));
        assert!(same_words("", "  ** "));
        assert!(same_words("ΟΔΟΣ", "οδος"));
    }
}
