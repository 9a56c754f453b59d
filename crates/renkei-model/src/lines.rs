//! Byte offset to 1-based line and column conversion.

/// A 1-based position in a text file; `column` counts Unicode scalar values, not bytes,
/// so that editors and terminals agree with it on non-ASCII text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// Start offsets of every line of a text, so that a parser's byte offset becomes a
/// position in O(log lines) without rescanning the text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`. A line ends after `\n`; a lone `\r` does not end a line.
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|newline| newline + 1));
        Self { line_starts }
    }

    /// Number of lines; a text ending in a newline does not count an empty last line.
    pub fn line_count(&self, text: &str) -> usize {
        let lines = self.line_starts.len();
        if text.is_empty() || text.ends_with('\n') {
            lines - 1
        } else {
            lines
        }
    }

    /// Position of `offset` in `text`. Offsets past the end or inside a UTF-8 sequence are
    /// clamped to the nearest character boundary before them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line];
        let before = &text[line_start..offset];
        // ASCII is checked far faster than characters are counted, and most lines are ASCII.
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        } + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Byte range of 1-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let index = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(text.len(), |&next| next - 1);
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçé x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        let x = text.find('x').unwrap_or_default();
        assert_eq!(index.position(text, x), Position { line: 2, column: 4 });
        assert_eq!(index.line_count(text), 2);
        assert_eq!(&text[index.line_range(text, 2)], "çé x");
    }

    #[test]
    fn offsets_inside_a_character_clamp_backwards() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 99), Position { line: 1, column: 2 });
    }

    #[test]
    fn carriage_returns_stay_out_of_line_ranges() {
        let text = "one\r\ntwo";
        let index = LineIndex::new(text);
        assert_eq!(&text[index.line_range(text, 1)], "one");
        assert_eq!(&text[index.line_range(text, 2)], "two");
    }
}
