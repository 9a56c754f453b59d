//! Byte-range edits: the one way renkei rewrites text it has parsed.

use std::ops::Range;

/// Replace `range` of a text with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Bytes to replace (empty to insert).
    pub range: Range<usize>,
    /// What to put there.
    pub replacement: String,
}

/// Applies `edits` to `source`, leaving every other byte as it was. Edits are applied in
/// order of position; an edit that overlaps an earlier one is skipped, so the result is
/// always well formed.
pub fn apply_edits(source: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut output = String::with_capacity(source.len());
    let mut cursor = 0;
    for edit in edits {
        let in_bounds = edit.range.end <= source.len()
            && source.is_char_boundary(edit.range.start)
            && source.is_char_boundary(edit.range.end);
        if edit.range.start < cursor || !in_bounds {
            continue;
        }
        output.push_str(&source[cursor..edit.range.start]);
        output.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    output.push_str(&source[cursor..]);
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_position_order_and_skip_overlaps() {
        let edits = vec![
            Edit {
                range: 6..11,
                replacement: "there".into(),
            },
            Edit {
                range: 0..0,
                replacement: "# ".into(),
            },
            Edit {
                range: 8..9,
                replacement: "X".into(),
            },
        ];
        assert_eq!(apply_edits("hello world\r\n", edits), "# hello there\r\n");
    }
}
