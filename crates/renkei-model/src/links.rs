//! Link destinations: which ones name files, and where those files are.
//!
//! Assembly rewrites links between files it inlines, and contract checks verify links
//! resolve; both read destinations through these two functions so they agree.

use std::borrow::Cow;

/// The path and fragment of a destination that names a file by a relative path, the path
/// percent-decoded (`a%20b.md` names `a b.md`); `None` for a URL (any `scheme:`), a pure
/// `#fragment` and an absolute path. A query is dropped.
pub fn relative_path(destination: &str) -> Option<(Cow<'_, str>, Option<&str>)> {
    let (path, fragment) = match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let external = path.is_empty() || path.starts_with('/') || path.starts_with('\\') || scheme;
    (!external).then(|| (percent_decode(path), fragment))
}

/// `path` with each `%XX` escape replaced by the byte it encodes; as written when there is
/// none, or when the bytes do not make UTF-8.
pub fn percent_decode(path: &str) -> Cow<'_, str> {
    if !path.contains('%') {
        return Cow::Borrowed(path);
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .filter(|_| bytes[index] == b'%')
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match hex {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).map_or(Cow::Borrowed(path), Cow::Owned)
}

/// `path` written as a link destination: the bytes a destination cannot hold as they are
/// (blanks, parentheses, angle brackets, quotes, `%`, `#`, `?`, `\`) percent-encoded, so
/// the link names exactly that file.
pub fn percent_encode(path: &str) -> Cow<'_, str> {
    let needs = |byte: u8| {
        byte <= b' '
            || matches!(
                byte,
                b'(' | b')' | b'<' | b'>' | b'"' | b'\'' | b'%' | b'#' | b'?' | b'\\' | 0x7f
            )
    };
    if !path.bytes().any(needs) {
        return Cow::Borrowed(path);
    }
    let mut encoded = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if c.is_ascii() && needs(c as u8) {
            encoded.push_str(&format!("%{:02X}", c as u8));
        } else {
            encoded.push(c);
        }
    }
    Cow::Owned(encoded)
}

/// `path`, written in the file at `from`, as a `/`-separated path relative to the folder
/// both are relative to; `None` when it climbs above that folder.
pub fn resolve(from: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            segment => segments.push(segment),
        }
    }
    Some(segments.join("/"))
}

/// Every inline link destination `text` may hold, from a byte scan for `](`, without
/// parsing: a superset of the destinations of the links a Markdown parser finds (the scan
/// also reads `](` in code and other places that are not links). `None` when the text holds
/// something the scan cannot read the way the parser does: a link reference definition
/// (`]:`), a backslash escape or character reference in a destination, a destination on the
/// line after its `](`, or an unclosed `<...>` destination.
///
/// A caller that only needs to know whether every link resolves checks these first and
/// parses the file only when one of them does not, or when the scan gives up.
pub fn inline_destinations(text: &str) -> Option<Vec<&str>> {
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, b"]:").is_some() || has_html_link_attribute(bytes) {
        return None;
    }
    let mut destinations = Vec::new();
    for found in memchr::memmem::find_iter(bytes, b"](") {
        // The parser skips spaces, tabs, vertical tabs and form feeds before a destination,
        // and one line break; a destination on the next line is left to the parser.
        let after = &text[found + 2..];
        let rest = after.trim_start_matches([' ', '\t', '\x0b', '\x0c', '\n', '\r']);
        if after[..after.len() - rest.len()].contains(['\n', '\r']) {
            return None;
        }
        let destination = if let Some(inside) = rest.strip_prefix('<') {
            let end = inside.find(['>', '\n', '\r'])?;
            inside[end..].starts_with('>').then(|| &inside[..end])?
        } else {
            // As the parser reads it: up to a control character or a space, or the first
            // unbalanced `)`.
            let mut depth = 0_usize;
            let end = rest
                .bytes()
                .position(|byte| match byte {
                    0x00..=0x20 => true,
                    b'(' => {
                        depth += 1;
                        false
                    }
                    b')' if depth == 0 => true,
                    b')' => {
                        depth -= 1;
                        false
                    }
                    _ => false,
                })
                .unwrap_or(rest.len());
            &rest[..end]
        };
        if destination.contains(['\\', '&']) {
            return None;
        }
        destinations.push(destination);
    }
    Some(destinations)
}

/// Whether an `href` or `src` attribute (in any case) may stand before one of the `=` in
/// `bytes`: raw HTML links, which the scan does not read.
fn has_html_link_attribute(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'=', bytes).any(|equals| {
        let name = bytes[..equals].trim_ascii_end();
        let ends_with = |attribute: &[u8]| {
            name.len() >= attribute.len()
                && name[name.len() - attribute.len()..].eq_ignore_ascii_case(attribute)
        };
        ends_with(b"href") || ends_with(b"src")
    })
}

#[cfg(test)]
mod tests {
    use super::{inline_destinations, percent_decode, percent_encode, relative_path, resolve};

    #[test]
    fn urls_fragments_and_absolute_paths_are_not_files() {
        for destination in [
            "https://x.io/a.md",
            "mailto:a@b.c",
            "tel:+123",
            "urn:isbn:1",
            "#top",
            "/etc/passwd",
            "",
        ] {
            assert_eq!(relative_path(destination), None, "{destination}");
        }
        assert_eq!(
            relative_path("../b.md#part?"),
            Some(("../b.md".into(), Some("part?")))
        );
        assert_eq!(relative_path("c.md?raw=1"), Some(("c.md".into(), None)));
        assert_eq!(
            relative_path("my%20notes.md#x"),
            Some(("my notes.md".into(), Some("x")))
        );
    }

    #[test]
    fn percent_encoding_round_trips_and_leaves_bad_escapes_as_written() {
        for path in ["a b.md", "x(1).md", "100%.md", "ü/ß.md", "plain/path.md"] {
            assert_eq!(percent_decode(&percent_encode(path)), path, "{path}");
        }
        assert_eq!(percent_encode("a b(1).md"), "a%20b%281%29.md");
        assert_eq!(percent_decode("50%zz%"), "50%zz%");
        assert_eq!(percent_decode("%ff.md"), "%ff.md");
    }

    #[test]
    fn paths_resolve_against_the_linking_file() {
        assert_eq!(
            resolve("doctrine/a.md", "../references/t.md").as_deref(),
            Some("references/t.md")
        );
        assert_eq!(
            resolve("doctrine/a.md", "./b.md").as_deref(),
            Some("doctrine/b.md")
        );
        assert_eq!(resolve("a.md", "../../x.md"), None);
    }

    #[test]
    fn the_scan_finds_every_destination_the_parser_finds() {
        for text in [
            "See [a](a.md) and ![b](img/b.png \"title\").\n",
            "[nested (parens)](file(1).md) [spaced](  c.md  'x')\n",
            "[angle](<d e.md>) and `code [x](not-a-link.md)`\n",
            "> quoted [q](q.md#part)\n>\n> - [item](i.md?raw=1)\n",
            "| table | [t](t.md) |\n|---|---|\n",
            "[outer [inner](in.md)](out.md)\n",
            "[form feed](\x0cff.md) [vertical tab](\x0bvt.md) [delete](a\x7fb.md)\n",
            "<!-- [hidden](h.md) --> [empty]() [web](https://x.io)\n",
            "```\n[fenced](f.md)\n```\n",
        ] {
            let scanned =
                inline_destinations(text).unwrap_or_else(|| panic!("gave up on {text:?}"));
            let document = crate::Document::parse(text.to_string()).unwrap();
            for link in &document.outline.links {
                assert!(
                    scanned.contains(&link.destination.as_str()),
                    "{:?} not scanned in {text:?}: {scanned:?}",
                    link.destination
                );
            }
        }
    }

    #[test]
    fn the_scan_gives_up_where_it_would_read_differently_from_the_parser() {
        for text in [
            "[ref][r]\n\n[r]: target.md\n",
            "[escaped](a\\_b.md)\n",
            "[entity](a&amp;b.md)\n",
            "[next line](\ntarget.md)\n",
            "[hidden line break](\t\x0c\ntarget.md)\n",
            "[unclosed](<target.md\n",
            "<a href=\"x.md\">x</a> [a](a.md)\n",
            "<IMG SRC = 'x.png'>\n",
        ] {
            assert_eq!(inline_destinations(text), None, "{text:?}");
        }
        assert_eq!(inline_destinations("no links\n"), Some(vec![]));
    }
}
