//! The words around a match as a reader sees them, for exceptions.
//!
//! An exception says "not after *knowledge*" about words, not bytes. In the source those
//! words may be written `data&nbsp;transfer`, with a no-break space, as `[data](x.md)
//! transfer`, `*data* transfer`, `data_transfer`, `data-transfer` or `dataTransfer`. Each
//! reads as "data transfer", so each is the same case for an exception.

/// `raw` (source text next to a match) as the words a reader sees, separated by single
/// spaces: character references and backslash escapes decoded, inline link destinations
/// dropped (the link text stays), markup, quotes and punctuation that joins identifiers
/// (`_`, `-`) read as spaces, camelCase split into words, and a Latin word next to a script
/// written without spaces read as a word of its own.
pub(crate) fn reader_words(raw: &str) -> String {
    let mut words = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut previous = ' ';
    let mut push = |c: char, words: &mut String| {
        let c = if is_separator(c) { ' ' } else { c };
        if c == ' ' {
            if !words.ends_with(' ') && !words.is_empty() {
                words.push(' ');
            }
        } else {
            let camel = c.is_uppercase() && (previous.is_lowercase() || previous.is_ascii_digit());
            let script_changes = previous != ' ' && unspaced_script(previous) != unspaced_script(c);
            if camel || script_changes {
                words.push(' ');
            }
            words.push(c);
        }
        previous = c;
    };
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("](") {
            push(' ', &mut words);
            rest = skip_destination(after);
            continue;
        }
        let reference = (c == '&')
            .then(|| renkei_model::markdown::character_reference(rest))
            .flatten();
        if let Some((decoded, length)) = reference {
            for decoded in decoded.chars() {
                push(decoded, &mut words);
            }
            rest = &rest[length..];
            continue;
        }
        let escaped = (c == '\\')
            .then(|| rest[1..].chars().next().filter(char::is_ascii_punctuation))
            .flatten();
        if let Some(escaped) = escaped {
            push(escaped, &mut words);
            rest = &rest[2..];
            continue;
        }
        push(c, &mut words);
        rest = &rest[c.len_utf8()..];
    }
    words.trim_end().to_string()
}

/// Whether `c` belongs to a script written without spaces between words (Chinese, Japanese
/// kana, Korean syllables in running text), where a Latin word next to it is still a word.
pub(crate) fn unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff00}'..='\u{ffef}')
}

/// What follows an inline link's destination and title, from just after its `](`.
fn skip_destination(after: &str) -> &str {
    let mut depth = 0_usize;
    for (index, c) in after.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return &after[index + 1..],
            ')' => depth -= 1,
            _ => {}
        }
    }
    ""
}

/// Characters that separate words for a reader, besides whitespace: markup (`*`, `_`,
/// `` ` ``, `~`, `[`, `]`, `>`, `#`, `|`), quotes, and the hyphen of a compound.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '*' | '_'
                | '`'
                | '~'
                | '['
                | ']'
                | '>'
                | '#'
                | '|'
                | '-'
                | '"'
                | '\''
                | '“'
                | '”'
                | '‘'
                | '’'
        )
}

#[cfg(test)]
mod tests {
    use super::reader_words;

    #[test]
    fn every_spelling_of_the_same_words_reads_the_same() {
        for raw in [
            "data transfer",
            "data&nbsp;transfer",
            "data\u{a0}transfer",
            "data&#160;transfer",
            "[data](x.md) transfer",
            "[data](<a b.md> \"t\") transfer",
            "*data* transfer",
            "**data** transfer",
            "data_transfer",
            "data-transfer",
            "dataTransfer",
            "DataTransfer",
            "\"data\" transfer",
            "“data” transfer",
            "> data\n> transfer",
            "data\\-transfer",
        ] {
            assert_eq!(reader_words(raw).to_lowercase(), "data transfer", "{raw:?}");
        }
    }
}
