//! Positions as the client counts them. renkei's findings carry byte offsets; the protocol
//! counts a line's characters in UTF-16 code units unless client and server agree on
//! UTF-8, and ends a line at `\n`, `\r\n` or a lone `\r`.

use std::ops::Range;

use lsp_types::{Position, PositionEncodingKind, TextDocumentContentChangeEvent};

/// The unit a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// Bytes.
    Utf8,
    /// UTF-16 code units, the protocol's default.
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion at all), otherwise UTF-16, which
    /// every client must understand.
    pub(crate) fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Self::Utf8,
            _ => Self::Utf16,
        }
    }

    /// How the server states its choice in its capabilities.
    pub(crate) fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf8 => PositionEncodingKind::UTF8,
            Self::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn width(self, character: char) -> usize {
        match self {
            Self::Utf8 => character.len_utf8(),
            Self::Utf16 => character.len_utf16(),
        }
    }
}

/// Where each line of a text starts, by the protocol's line ends.
pub(crate) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (at, byte) in bytes.iter().enumerate() {
            match byte {
                b'\n' => starts.push(at + 1),
                b'\r' if bytes.get(at + 1) != Some(&b'\n') => starts.push(at + 1),
                _ => {}
            }
        }
        Self { text, starts }
    }

    /// The text of 0-based `line`, without its line end; empty past the last line.
    fn line(&self, line: usize) -> (usize, &'t str) {
        let Some(&start) = self.starts.get(line) else {
            return (self.text.len(), "");
        };
        let end = self.starts.get(line + 1).map_or(self.text.len(), |&next| {
            let content = &self.text[start..next];
            next - (content.len() - content.trim_end_matches(['\n', '\r']).len())
        });
        (start, &self.text[start..end])
    }

    /// The position of byte `offset`, clamped to a character boundary at or before it.
    pub(crate) fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let (start, content) = self.line(line);
        // An offset inside a `\r\n` counts as the end of its line's content.
        let before = &content[..(offset - start).min(content.len())];
        let character = match encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(saturate(line), saturate(character))
    }

    /// The byte offset of `position`. A character past the end of its line is the line's
    /// end and a line past the last is the end of the text, as the protocol asks; a
    /// position inside a character (half of a surrogate pair) is that character's start.
    pub(crate) fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let (start, content) = self.line(position.line as usize);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, character) in content.char_indices() {
            counted += encoding.width(character);
            if counted > wanted {
                return start + at;
            }
        }
        start + content.len()
    }

    /// The protocol range of the byte range `bytes`.
    pub(crate) fn range(&self, bytes: &Range<usize>, encoding: Encoding) -> lsp_types::Range {
        lsp_types::Range::new(
            self.position(bytes.start, encoding),
            self.position(bytes.end.max(bytes.start), encoding),
        )
    }

    /// The byte range of the protocol range `range`, start before end.
    pub(crate) fn byte_range(&self, range: lsp_types::Range, encoding: Encoding) -> Range<usize> {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding);
        start.min(end)..end.max(start)
    }
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Applies one change the client sent to `text`: a whole new text, or a range replaced.
pub(crate) fn apply_change(
    text: &mut String,
    change: TextDocumentContentChangeEvent,
    encoding: Encoding,
) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let bytes = Lines::new(text).byte_range(range, encoding);
            text.replace_range(bytes, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Emoji (two UTF-16 units, four bytes), CJK (one unit, three bytes) and a combining
    // mark (one unit, two bytes) on one line, after a line with a lone `\r`.
    const TEXT: &str = "a\rb\r\nx😀中e\u{301}z\n";

    #[test]
    fn positions_count_the_negotiated_unit() {
        let lines = Lines::new(TEXT);
        let z = TEXT.find('z').unwrap_or_default();
        assert_eq!(lines.position(z, Encoding::Utf16), Position::new(2, 6));
        assert_eq!(lines.position(z, Encoding::Utf8), Position::new(2, 11));
        assert_eq!(lines.offset(Position::new(2, 6), Encoding::Utf16), z);
        assert_eq!(lines.offset(Position::new(2, 11), Encoding::Utf8), z);
        // `b` is on a line of its own: the lone `\r` ended the first.
        assert_eq!(lines.position(2, Encoding::Utf16), Position::new(1, 0));
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let lines = Lines::new(TEXT);
        // Past the end of `b`'s line: before its `\r\n`.
        assert_eq!(lines.offset(Position::new(1, 99), Encoding::Utf16), 3);
        assert_eq!(
            lines.offset(Position::new(40, 0), Encoding::Utf8),
            TEXT.len()
        );
        // Half of the emoji's surrogate pair is the emoji.
        let emoji = TEXT.find('😀').unwrap_or_default();
        assert_eq!(lines.offset(Position::new(2, 2), Encoding::Utf16), emoji);
        assert_eq!(
            lines.position(emoji + 1, Encoding::Utf8),
            Position::new(2, 1)
        );
    }

    #[test]
    fn changes_apply_in_order() {
        let mut text = String::from("x😀中\n");
        let edit = |start: u32, end: u32, new: &str| TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                Position::new(0, start),
                Position::new(0, end),
            )),
            range_length: None,
            text: new.to_string(),
        };
        apply_change(&mut text, edit(3, 4, "文"), Encoding::Utf16);
        apply_change(&mut text, edit(0, 1, ""), Encoding::Utf16);
        assert_eq!(text, "😀文\n");
    }
}
