//! A Markdown document model that keeps the parser's byte offsets.
//!
//! Every later stage (lint, contract checks, assembly) reads this model instead of looking
//! at the text by hand, so that positions in diagnostics are the parser's, and so that
//! "the third list item of the Outcome section" means the same thing everywhere.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag};

use crate::lines::{LineIndex, Position};

/// A parsed Markdown file: its text, a line index, the [`Outline`] of where everything is,
/// and the text of the blocks contract checks read.
#[derive(Debug, Clone)]
pub struct Document {
    /// The exact text that was parsed.
    pub source: String,
    /// Line starts of `source`, computed on first use: assembly never needs them.
    lines: OnceLock<LineIndex>,
    /// Where every structure is.
    pub outline: Outline,
    /// Paragraphs in document order, wherever they are (quotes and list items included).
    pub paragraphs: Vec<TextBlock>,
    /// Lists in document order (a nested list comes after its parent).
    pub lists: Vec<List>,
    /// Block quotes in document order.
    pub block_quotes: Vec<BlockQuote>,
}

/// Where the structures of a Markdown text are, by byte range, each kind in document order.
///
/// [`Outline::parse`] builds one without copying any text (heading and link texts stay
/// empty): the lint needs only to know what kind of place a match is in, and a file of
/// megabytes should cost it little more than its own size.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// The YAML front matter block (`---` ... `---`) at the top, if any.
    pub front_matter: Option<FrontMatter>,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Inline code spans.
    pub code_spans: Vec<Range<usize>>,
    /// Fenced and indented code blocks.
    pub code_blocks: Vec<CodeBlock>,
    /// Links in every form (inline, reference, autolink, definition, HTML attribute) and
    /// images, ordered by where they start.
    pub links: Vec<Link>,
    /// Raw HTML: HTML blocks and inline tags, comments included.
    pub html: Vec<Range<usize>>,
    /// HTML comments (`<!-- ... -->`), in blocks or inline.
    pub html_comments: Vec<Range<usize>>,
    /// Runs of text the parser reads as text (not markup, not code, not a destination, not
    /// raw HTML): the only places an edit of words is certain to stay words. Adjacent runs
    /// are merged.
    pub text: Vec<Range<usize>>,
}

/// The YAML front matter of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// The YAML between the fences.
    pub content: Range<usize>,
}

/// A heading and the section it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 6 for `######`.
    pub level: u8,
    /// The heading line(s), markers included.
    pub range: Range<usize>,
    /// The heading's plain text (inline markup removed).
    pub text: String,
    /// From the heading to the next heading of the same or a higher level.
    pub section: Range<usize>,
    /// Whether the heading is written with `#` markers (ATX) rather than underlined (setext).
    pub atx: bool,
}

/// A run of text: a paragraph or a list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    /// Where it is.
    pub range: Range<usize>,
    /// Its plain text; soft line breaks become spaces.
    pub text: String,
}

/// An ordered or bulleted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// The whole list.
    pub range: Range<usize>,
    /// The first number of an ordered list; `None` for a bulleted list.
    pub start: Option<u64>,
    /// The items, each with the text directly inside it (nested lists excluded).
    pub items: Vec<TextBlock>,
}

/// A block quote and the paragraphs directly or indirectly inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockQuote {
    /// The whole quote.
    pub range: Range<usize>,
    /// Its paragraphs, in order.
    pub paragraphs: Vec<TextBlock>,
}

/// A fenced or indented code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// The info string of a fenced block (`rust` in ```` ```rust ````); empty otherwise.
    pub info: String,
}

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](destination)` or `![alt](destination)`.
    Inline,
    /// `[text][label]`, `[text][]` or `[text]`: the destination is in a definition.
    Reference,
    /// `<https://...>`.
    Autolink,
    /// `<name@example.com>`; the destination adds `mailto:`.
    Email,
    /// A reference definition, `[label]: destination "title"`. Its range is the whole
    /// definition.
    Definition,
    /// An `href` or `src` attribute of a raw HTML tag. Its range is the attribute.
    Html,
}

/// A link or an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// How it is written.
    pub kind: LinkKind,
    /// The whole link (`[text](dest)`, `<dest>`, a definition, an HTML attribute).
    pub range: Range<usize>,
    /// The destination as a reader gets it: backslash escapes and character references
    /// decoded (percent-encoding is left as written; [`crate::links::relative_path`]
    /// decodes it for paths).
    pub destination: String,
    /// Where the destination is written, as written (escapes, references and all; angle
    /// brackets excluded). For an email autolink, the address. `None` for a reference link,
    /// whose destination is written in its definition.
    pub destination_range: Option<Range<usize>>,
    /// The link text (or image alt text); empty in an [`Outline`].
    pub text: String,
    /// Whether this is an image (`![alt](src)` or `<img src>`).
    pub image: bool,
}

/// The Markdown extensions renkei reads: front matter, tables, strikethrough and task lists
/// (GitHub's, which doctrine uses), and nothing that changes what a link is.
pub const PARSER_OPTIONS: Options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
    .union(Options::ENABLE_TABLES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Deepest container nesting (block quotes and list items on one line) renkei parses.
/// Doctrine nests a few levels; the parser's cost grows with the square of the depth, so a
/// hostile file nested thousands of levels deep is refused instead of parsed for minutes.
pub const MAX_NESTING: usize = 64;

/// A document renkei will not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: Markdown nested {depth} levels deep, past the limit of {MAX_NESTING}")]
pub struct TooDeep {
    /// 1-based line where the limit is passed.
    pub line: usize,
    /// Nesting depth counted on that line.
    pub depth: usize,
}

/// A Markdown file's text, parsed into a [`Document`] the first time a caller asks for one.
///
/// Most checks read only a few files of an archetype in full; the rest need the text or a
/// byte scan of it. Parsing on demand keeps `renkei check` from parsing every file of every
/// archetype. The nesting limit is checked up front, so a file that loads also parses.
#[derive(Debug, Clone)]
pub struct Markdown {
    text: String,
    document: OnceLock<Document>,
}

impl Markdown {
    /// Takes `text`, refusing one nested deeper than [`MAX_NESTING`].
    pub fn new(text: String) -> Result<Self, TooDeep> {
        check_nesting(&text)?;
        Ok(Self {
            text,
            document: OnceLock::new(),
        })
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed document.
    pub fn document(&self) -> &Document {
        self.document
            .get_or_init(|| Document::parse_within_limit(self.text.clone()))
    }
}

impl From<Document> for Markdown {
    fn from(document: Document) -> Self {
        Self {
            text: document.source.clone(),
            document: OnceLock::from(document),
        }
    }
}

impl Document {
    /// Parses `source`; any text is some Markdown document, but one nested deeper than
    /// [`MAX_NESTING`] is refused before the parser sees it.
    pub fn parse(source: String) -> Result<Self, TooDeep> {
        check_nesting(&source)?;
        Ok(Self::parse_within_limit(source))
    }

    /// Parses `source`, which [`check_nesting`] accepted.
    fn parse_within_limit(source: String) -> Self {
        let mut builder = Builder {
            collect_text: true,
            ..Builder::default()
        };
        builder.run(&source);
        Self {
            outline: builder.outline,
            paragraphs: builder.paragraphs,
            lists: builder.lists,
            block_quotes: builder.block_quotes,
            lines: OnceLock::new(),
            source,
        }
    }

    /// The line index of the source.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.source))
    }

    /// 1-based position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        self.lines().position(&self.source, offset)
    }

    /// Number of lines in the document.
    pub fn line_count(&self) -> usize {
        self.lines().line_count(&self.source)
    }

    /// The first heading whose text is `text` (case-sensitive), if any.
    pub fn heading(&self, text: &str) -> Option<&Heading> {
        self.outline
            .headings
            .iter()
            .find(|heading| heading.text == text)
    }
}

impl Outline {
    /// The outline of `source`, refusing a text nested deeper than [`MAX_NESTING`].
    pub fn parse(source: &str) -> Result<Self, TooDeep> {
        check_nesting(source)?;
        let mut builder = Builder::default();
        builder.run(source);
        Ok(builder.outline)
    }
}

/// Refuses text whose lines open more than [`MAX_NESTING`] containers: quote markers and
/// list markers before a line's content.
fn check_nesting(source: &str) -> Result<(), TooDeep> {
    let bytes = source.as_bytes();
    let mut start = 0;
    let line_ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (index, end) in line_ends.enumerate() {
        let line = &source[start..end];
        start = end + 1;
        // Most lines start with a letter: no container marker, nothing to count. A line
        // holding more than MAX_NESTING markers is longer than MAX_NESTING bytes.
        if line.len() <= MAX_NESTING {
            continue;
        }
        let first = line.bytes().find(|byte| !matches!(byte, b' ' | b'\t'));
        if !first.is_some_and(|byte| matches!(byte, b'>' | b'-' | b'*' | b'+' | b'0'..=b'9')) {
            continue;
        }
        let mut depth = 0;
        let mut rest = line.trim_start();
        loop {
            if let Some(after) = rest.strip_prefix('>') {
                rest = after.trim_start();
            } else if let Some(after) = rest
                .strip_prefix(['-', '*', '+'])
                .filter(|after| after.starts_with([' ', '\t']))
            {
                rest = after.trim_start();
            } else {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let marker = rest[digits..]
                    .strip_prefix(['.', ')'])
                    .filter(|after| digits > 0 && after.starts_with([' ', '\t']));
                match marker {
                    Some(after) => rest = after.trim_start(),
                    None => break,
                }
            }
            depth += 1;
            if depth > MAX_NESTING {
                return Err(TooDeep {
                    line: index + 1,
                    depth: line_depth(line),
                });
            }
        }
    }
    Ok(())
}

/// The full marker count of a line, for the message (counting stops at the limit above).
fn line_depth(line: &str) -> usize {
    line.split_whitespace()
        .take_while(|token| {
            token.chars().all(|c| c == '>')
                || matches!(*token, "-" | "*" | "+")
                || token.trim_end_matches(['.', ')']).parse::<u64>().is_ok()
        })
        .map(|token| {
            if token.starts_with('>') {
                token.len()
            } else {
                1
            }
        })
        .sum()
}

/// What text currently being parsed belongs to.
#[derive(Debug)]
enum Open {
    Heading(usize),
    Paragraph(usize),
    List(usize),
    Item {
        list: usize,
        item: usize,
    },
    BlockQuote(usize),
    Link {
        index: usize,
        children_end: usize,
        label: bool,
    },
    CodeBlock,
    FrontMatter,
    Other,
}

#[derive(Default)]
struct Builder {
    /// Whether to keep the text of blocks, headings and links (for a [`Document`]) or only
    /// where things are (for an [`Outline`]).
    collect_text: bool,
    stack: Vec<Open>,
    /// How many links are open on the stack: most events are outside any link, and need
    /// not search the stack for one.
    open_links: usize,
    /// How many of them are shortcut or collapsed references (`[label]`, `[label][]`),
    /// whose text is the label a definition is found by.
    open_labels: usize,
    outline: Outline,
    paragraphs: Vec<TextBlock>,
    lists: Vec<List>,
    block_quotes: Vec<BlockQuote>,
}

impl Builder {
    fn run(&mut self, source: &str) {
        let mut events = Parser::new_ext(source, PARSER_OPTIONS).into_offset_iter();
        for (event, range) in &mut events {
            self.event(source, event, range);
        }
        // Definitions produce no event; the parser keeps them (the first of each label).
        for (label, definition) in events.reference_definitions().iter() {
            let text = if self.collect_text {
                label.to_string()
            } else {
                String::new()
            };
            self.outline.links.push(definition_link(
                source,
                definition.span.clone(),
                &definition.dest,
                text,
            ));
        }
        self.outline
            .links
            .sort_by_key(|link| (link.range.start, std::cmp::Reverse(link.range.end)));
        let end = source.len();
        let headings = &mut self.outline.headings;
        for index in 0..headings.len() {
            let level = headings[index].level;
            let section_end = headings[index + 1..]
                .iter()
                .find(|next| next.level <= level)
                .map_or(end, |next| next.range.start);
            headings[index].section.end = section_end;
        }
    }

    fn event(&mut self, source: &str, event: Event<'_>, range: Range<usize>) {
        let closes_link =
            matches!(event, Event::End(_)) && matches!(self.stack.last(), Some(Open::Link { .. }));
        if !closes_link {
            self.note_link_child_end(&range);
        }
        match event {
            Event::Start(tag) => self.start(source, tag, range),
            Event::End(_) => self.end(source),
            Event::Text(text) => match self.stack.last() {
                Some(Open::FrontMatter) => {
                    if let Some(front_matter) = &mut self.outline.front_matter {
                        front_matter.content = range;
                    }
                }
                Some(Open::CodeBlock) => {}
                _ => {
                    self.note_text(range);
                    self.push_text(&text);
                }
            },
            Event::Code(text) => {
                self.outline.code_spans.push(range);
                self.push_text(&text);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.note_text(range);
                self.push_text(" ");
            }
            Event::InlineHtml(_) => self.note_html(source, range),
            Event::Html(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::Rule
            | Event::TaskListMarker(_) => {}
        }
    }

    /// Records a run of text, merged with the run it continues. The text of a shortcut or
    /// collapsed reference is its label, not text: renaming a word there breaks the link.
    fn note_text(&mut self, range: Range<usize>) {
        if self.open_labels > 0 {
            return;
        }
        match self.outline.text.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => self.outline.text.push(range),
        }
    }

    /// Records raw HTML (a block or an inline tag), the comments in it and the links its
    /// `href` and `src` attributes make.
    fn note_html(&mut self, source: &str, range: Range<usize>) {
        self.outline
            .html_comments
            .extend(comments_in(source, range.clone()));
        self.outline.links.extend(html_links(source, range.clone()));
        self.outline.html.push(range);
    }

    fn start(&mut self, source: &str, tag: Tag<'_>, range: Range<usize>) {
        let collect = self.collect_text;
        let open = match tag {
            Tag::Heading { level, .. } => {
                self.outline.headings.push(Heading {
                    level: heading_level(level),
                    atx: source[range.clone()].trim_start().starts_with('#'),
                    section: range.start..range.end,
                    text: text_buffer(&range, collect),
                    range,
                });
                Open::Heading(self.outline.headings.len() - 1)
            }
            Tag::Paragraph if collect => {
                self.paragraphs.push(TextBlock {
                    text: text_buffer(&range, collect),
                    range,
                });
                Open::Paragraph(self.paragraphs.len() - 1)
            }
            Tag::List(start) if collect => {
                self.lists.push(List {
                    range,
                    start,
                    items: Vec::new(),
                });
                Open::List(self.lists.len() - 1)
            }
            Tag::Item if collect => match self.stack.last() {
                Some(Open::List(list)) => {
                    let list = *list;
                    self.lists[list].items.push(TextBlock {
                        text: text_buffer(&range, collect),
                        range,
                    });
                    Open::Item {
                        list,
                        item: self.lists[list].items.len() - 1,
                    }
                }
                _ => Open::Other,
            },
            Tag::BlockQuote(_) if collect => {
                self.block_quotes.push(BlockQuote {
                    range,
                    paragraphs: Vec::new(),
                });
                Open::BlockQuote(self.block_quotes.len() - 1)
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                self.outline.code_blocks.push(CodeBlock { range, info });
                Open::CodeBlock
            }
            Tag::HtmlBlock => {
                self.note_html(source, range);
                Open::Other
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                // An email autolink's destination is the bare address; it is a `mailto:` URL,
                // not a relative path.
                let destination = match link_type {
                    LinkType::Email => format!("mailto:{dest_url}"),
                    _ => dest_url.to_string(),
                };
                self.push_link(source, link_type, destination, range, false)
            }
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => self.push_link(source, link_type, dest_url.to_string(), range, true),
            Tag::MetadataBlock(_) => {
                self.outline.front_matter = Some(FrontMatter {
                    content: range.start..range.start,
                    range,
                });
                Open::FrontMatter
            }
            _ => Open::Other,
        };
        self.stack.push(open);
    }

    fn push_link(
        &mut self,
        source: &str,
        link_type: LinkType,
        destination: String,
        range: Range<usize>,
        image: bool,
    ) -> Open {
        let text_start = range.start + if image { 2 } else { 1 };
        let kind = match link_type {
            LinkType::Inline => LinkKind::Inline,
            LinkType::Autolink => LinkKind::Autolink,
            LinkType::Email => LinkKind::Email,
            _ => LinkKind::Reference,
        };
        let destination_range = match kind {
            LinkKind::Autolink | LinkKind::Email => {
                let start = range.start + 1;
                let written = destination
                    .strip_prefix("mailto:")
                    .filter(|_| kind == LinkKind::Email);
                let written = written.unwrap_or(&destination);
                source
                    .get(start..)
                    .filter(|rest| rest.starts_with(written))
                    .map(|_| start..start + written.len())
            }
            _ => None,
        };
        self.outline.links.push(Link {
            kind,
            range,
            destination,
            destination_range,
            text: String::new(),
            image,
        });
        let index = self.outline.links.len() - 1;
        self.open_links += 1;
        let label = matches!(
            link_type,
            LinkType::Shortcut
                | LinkType::ShortcutUnknown
                | LinkType::Collapsed
                | LinkType::CollapsedUnknown
        );
        self.open_labels += usize::from(label);
        Open::Link {
            index,
            children_end: if kind == LinkKind::Inline {
                text_start
            } else {
                usize::MAX
            },
            label,
        }
    }

    fn end(&mut self, source: &str) {
        if let Some(Open::Link {
            index,
            children_end,
            label,
        }) = self.stack.pop()
        {
            self.open_links -= 1;
            self.open_labels -= usize::from(label);
            if children_end != usize::MAX {
                let link = &mut self.outline.links[index];
                link.destination_range = source
                    .get(children_end..link.range.end)
                    .and_then(|rest| rest.strip_prefix("]("))
                    .and_then(|_| written_destination(source, children_end + 2, &link.destination));
            }
        }
    }

    /// Inline link destinations are located from where the link text ends (`](` follows it),
    /// which the parser tells us.
    fn note_link_child_end(&mut self, range: &Range<usize>) {
        if self.open_links == 0 {
            return;
        }
        for open in self.stack.iter_mut().rev() {
            if let Open::Link { children_end, .. } = open {
                if *children_end != usize::MAX {
                    *children_end = (*children_end).max(range.end);
                }
                break;
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        if !self.collect_text {
            return;
        }
        let mut in_quote = false;
        let mut item_done = false;
        for open in self.stack.iter().rev() {
            match open {
                Open::Heading(index) => self.outline.headings[*index].text.push_str(text),
                Open::Paragraph(index) => self.paragraphs[*index].text.push_str(text),
                Open::Item { list, item } if !item_done => {
                    self.lists[*list].items[*item].text.push_str(text);
                    item_done = true;
                }
                Open::Link { index, .. } => self.outline.links[*index].text.push_str(text),
                Open::BlockQuote(_) => in_quote = true,
                _ => {}
            }
            if in_quote {
                break;
            }
        }
        if in_quote {
            self.push_quote_text(text);
        }
    }

    /// Quotes keep their own copy of each paragraph so a check can compare a quote with a
    /// list elsewhere without caring how deeply the quote nests.
    fn push_quote_text(&mut self, text: &str) {
        let Some(paragraph) = self.stack.iter().rev().find_map(|open| match open {
            Open::Paragraph(index) => Some(*index),
            _ => None,
        }) else {
            return;
        };
        for open in self.stack.iter().rev() {
            if let Open::BlockQuote(quote) = open {
                let range = self.paragraphs[paragraph].range.clone();
                let quote = &mut self.block_quotes[*quote];
                match quote.paragraphs.last_mut() {
                    Some(last) if last.range == range => last.text.push_str(text),
                    _ => quote.paragraphs.push(TextBlock {
                        range,
                        text: text.to_string(),
                    }),
                }
            }
        }
    }
}

/// The link a reference definition makes. The parser gives the whole definition and its
/// decoded destination; where the destination is written is read from the definition's
/// syntax, and kept only when it decodes to what the parser read.
fn definition_link(source: &str, span: Range<usize>, destination: &str, text: String) -> Link {
    let destination = destination.to_string();
    let destination_range = source
        .get(span.clone())
        .and_then(|written| label_end(written.as_bytes()))
        .and_then(|end| written_destination(source, span.start + end, &destination));
    Link {
        kind: LinkKind::Definition,
        range: span,
        destination,
        destination_range,
        text,
        image: false,
    }
}

/// Where the `:` after a definition's `[label]` ends, relative to the definition.
fn label_end(bytes: &[u8]) -> Option<usize> {
    let open = memchr::memchr(b'[', bytes)?;
    let mut index = open + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b']' => return (bytes.get(index + 1) == Some(&b':')).then_some(index + 2),
            _ => index += 1,
        }
    }
    None
}

/// The written form of a link destination that starts after the blanks at `start` (at
/// most one line break among them, and the container markers `>` after it): `<...>` or a
/// run up to a blank or an unbalanced `)`. Kept only if it decodes to `expected`, the
/// parser's destination, so a range is never a guess.
fn written_destination(source: &str, start: usize, expected: &str) -> Option<Range<usize>> {
    let bytes = source.as_bytes();
    let blank = |byte: u8| matches!(byte, b' ' | b'\t' | b'\x0b' | b'\x0c');
    let mut at = start;
    while at < bytes.len() && blank(bytes[at]) {
        at += 1;
    }
    let candidates = if matches!(bytes.get(at), Some(b'\n' | b'\r')) {
        at += if bytes[at..].starts_with(b"\r\n") {
            2
        } else {
            1
        };
        let plain = at + bytes[at..].iter().take_while(|byte| blank(**byte)).count();
        let quoted = at
            + bytes[at..]
                .iter()
                .take_while(|byte| blank(**byte) || **byte == b'>')
                .count();
        vec![plain, quoted]
    } else {
        vec![at]
    };
    candidates.into_iter().find_map(|at| {
        let range = destination_at(bytes, at)?;
        (decode_destination(&source[range.clone()]) == expected).then_some(range)
    })
}

/// The destination written at `at`: inside `<...>`, or a run of non-blank bytes with
/// balanced parentheses, as CommonMark defines a link destination.
fn destination_at(bytes: &[u8], at: usize) -> Option<Range<usize>> {
    if bytes.get(at) == Some(&b'<') {
        let mut index = at + 1;
        while index < bytes.len() {
            match bytes[index] {
                b'\\' => index += 2,
                b'>' => return Some(at + 1..index),
                b'<' | b'\n' | b'\r' => return None,
                _ => index += 1,
            }
        }
        return None;
    }
    let mut depth = 0_usize;
    let mut index = at;
    while index < bytes.len() {
        match bytes[index] {
            0x00..=0x20 => break,
            b'\\' if bytes.get(index + 1).is_some_and(u8::is_ascii_punctuation) => index += 2,
            b'(' => {
                depth += 1;
                index += 1;
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                index += 1;
            }
            _ => index += 1,
        }
    }
    Some(at..index.min(bytes.len()))
}

/// A link destination as written, decoded as CommonMark reads it: a backslash before ASCII
/// punctuation stands for that character, and a character reference (`&amp;`, `&#38;`,
/// `&#x26;`) for the character it names.
pub fn decode_destination(written: &str) -> String {
    let mut decoded = String::with_capacity(written.len());
    let mut rest = written;
    while let Some(found) = rest.find(['\\', '&']) {
        decoded.push_str(&rest[..found]);
        rest = &rest[found..];
        if let Some(escaped) = rest
            .strip_prefix('\\')
            .and_then(|after| after.chars().next())
            .filter(char::is_ascii_punctuation)
        {
            decoded.push(escaped);
            rest = &rest[2..];
        } else if let Some((reference, length)) = character_reference(rest) {
            decoded.push_str(&reference);
            rest = &rest[length..];
        } else {
            decoded.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The character reference `text` starts with, decoded, and its length: `&name;` for an
/// HTML5 entity name, `&#digits;` (1 to 7) or `&#xhex;` (1 to 6). A number that names no
/// character (zero, a surrogate, past U+10FFFF) stands for U+FFFD, as CommonMark says.
pub fn character_reference(text: &str) -> Option<(String, usize)> {
    let body = text.strip_prefix('&')?;
    let end = body.find(';')?;
    let name = &body[..end];
    let length = end + 2;
    let number = |digits: &str, radix: u32, most: usize| {
        (!digits.is_empty() && digits.len() <= most)
            .then(|| u32::from_str_radix(digits, radix).ok())
            .flatten()
            .map(|value| {
                let character = char::from_u32(value)
                    .filter(|c| *c != '\0')
                    .unwrap_or('\u{FFFD}');
                (character.to_string(), length)
            })
    };
    if let Some(hex) = name
        .strip_prefix(['#'])
        .and_then(|n| n.strip_prefix(['x', 'X']))
    {
        return hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| number(hex, 16, 6))
            .flatten();
    }
    if let Some(digits) = name.strip_prefix('#') {
        return digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| number(digits, 10, 7))
            .flatten();
    }
    let valid_name = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if !valid_name {
        return None;
    }
    let reference = &text[..length];
    let decoded = html_escape::decode_html_entities(reference);
    (decoded != reference).then(|| (decoded.into_owned(), length))
}

/// The links that `href` and `src` attributes make in the raw HTML at `range`: each
/// attribute's value is its destination, with character references decoded.
fn html_links(source: &str, range: Range<usize>) -> Vec<Link> {
    let bytes = source.as_bytes();
    let mut links = Vec::new();
    let mut at = range.start;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..range.end]) {
        at += found + 1;
        if bytes[at..range.end].starts_with(b"!--") {
            at = source[at..range.end]
                .find("-->")
                .map_or(range.end, |end| at + end + 3);
            continue;
        }
        let name_length = bytes[at..range.end]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_length == 0 || !bytes[at].is_ascii_alphabetic() {
            continue;
        }
        let tag = &source[at..at + name_length];
        at += name_length;
        // Attributes, until the tag closes.
        loop {
            let blanks = bytes[at..range.end]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            at += blanks;
            let name_start = at;
            let name_length = bytes[at..range.end]
                .iter()
                .take_while(|b| {
                    !b.is_ascii_whitespace()
                        && !matches!(b, b'=' | b'>' | b'/' | b'"' | b'\'' | b'<')
                })
                .count();
            if name_length == 0 {
                match bytes.get(at) {
                    Some(b'/') if at < range.end => {
                        at += 1;
                        continue;
                    }
                    _ => break,
                }
            }
            let name = &source[name_start..name_start + name_length];
            at += name_length;
            let before_equals = bytes[at..range.end]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if bytes.get(at + before_equals) != Some(&b'=') || at + before_equals >= range.end {
                continue;
            }
            at += before_equals + 1;
            at += bytes[at..range.end]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let value = match bytes.get(at).filter(|_| at < range.end) {
                Some(quote @ (b'"' | b'\'')) => {
                    let Some(close) = memchr::memchr(*quote, &bytes[at + 1..range.end]) else {
                        break;
                    };
                    at + 1..at + 1 + close
                }
                Some(_) => {
                    let length = bytes[at..range.end]
                        .iter()
                        .take_while(|b| {
                            !b.is_ascii_whitespace()
                                && !matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                        })
                        .count();
                    at..at + length
                }
                None => break,
            };
            at = value.end
                + usize::from(
                    bytes
                        .get(value.end)
                        .is_some_and(|b| matches!(b, b'"' | b'\'')),
                );
            if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                let written = &source[value.clone()];
                links.push(Link {
                    kind: LinkKind::Html,
                    range: name_start..at,
                    destination: html_escape::decode_html_entities(written).into_owned(),
                    destination_range: Some(value),
                    text: String::new(),
                    image: tag.eq_ignore_ascii_case("img"),
                });
            }
        }
    }
    links
}

/// An empty string with room for the plain text of the block at `range`, which is never
/// longer than its source, so most blocks fill it without reallocating. Capped, because
/// list items nest and each item's range holds the items inside it.
fn text_buffer(range: &Range<usize>, collect: bool) -> String {
    const MAX_RESERVED: usize = 512;
    String::with_capacity(if collect {
        range.len().min(MAX_RESERVED)
    } else {
        0
    })
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// HTML comments inside an HTML block; a block may hold several, or other tags around one.
fn comments_in(source: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let mut comments = Vec::new();
    let mut cursor = block.start;
    while let Some(found) = source[cursor..block.end].find("<!--") {
        let start = cursor + found;
        let end = source[start + 4..block.end]
            .find("-->")
            .map_or(block.end, |end| start + 4 + end + 3);
        comments.push(start..end);
        cursor = end;
    }
    comments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Document {
        Document::parse(text.to_string()).unwrap()
    }

    #[test]
    fn hostile_nesting_is_refused_before_parsing() {
        let quotes = format!("{} deep\n", ">".repeat(100_000));
        assert_eq!(
            Document::parse(quotes).unwrap_err(),
            TooDeep {
                line: 1,
                depth: 100_000
            }
        );
        let lists = format!("ok\n{}deep\n", "- ".repeat(100_000));
        assert_eq!(Document::parse(lists).unwrap_err().line, 2);
        let fine = format!("{} six levels\n", "> - ".repeat(3));
        assert!(Document::parse(fine).is_ok());
    }

    #[test]
    fn headings_open_sections_until_a_peer_heading() {
        let document = parse("# A\n\ntext\n\n## B\n\nmore\n\n### C\n\n## D\n");
        let texts: Vec<_> = document
            .outline
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(texts, [(1, "A"), (2, "B"), (3, "C"), (2, "D")]);
        let b = &document.outline.headings[1];
        assert_eq!(
            &document.source[b.section.clone()],
            "## B\n\nmore\n\n### C\n\n"
        );
        assert_eq!(
            document.outline.headings[0].section,
            0..document.source.len()
        );
    }

    #[test]
    fn front_matter_is_located() {
        let document = parse("---\nname: x\n---\n# T\n");
        let front_matter = document
            .outline
            .front_matter
            .clone()
            .unwrap_or_else(|| panic!("no front matter"));
        assert_eq!(&document.source[front_matter.content], "name: x\n");
        assert_eq!(
            document
                .position(document.outline.headings[0].range.start)
                .line,
            4
        );
    }

    #[test]
    fn lists_keep_start_numbers_and_item_text() {
        let document = parse("3. one `x`\n4. two\n   - nested\n");
        let list = &document.lists[0];
        assert_eq!(list.start, Some(3));
        assert_eq!(list.items[0].text, "one x");
        assert_eq!(list.items[1].text, "two");
        assert_eq!(document.lists[1].items[0].text, "nested");
    }

    #[test]
    fn block_quotes_collect_their_paragraphs() {
        let document = parse("> First line\n> wraps.\n>\n> Second.\n\nafter\n");
        let quote = &document.block_quotes[0];
        let texts: Vec<_> = quote.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["First line wraps.", "Second."]);
    }

    #[test]
    fn inline_link_destinations_are_located() {
        let document =
            parse("See [the *other* half](output-contract.md \"t\") and <https://x.y>.\n");
        let link = &document.outline.links[0];
        assert_eq!(link.text, "the other half");
        let range = link.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "output-contract.md");
        let autolink = &document.outline.links[1];
        let range = autolink.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "https://x.y");
    }

    /// `kind destination @ written` for each link, in order.
    fn links_of(text: &str) -> Vec<String> {
        let document = parse(text);
        document
            .outline
            .links
            .iter()
            .map(|link| {
                let written = link
                    .destination_range
                    .clone()
                    .map_or("-", |range| &document.source[range]);
                format!("{:?} {} @ {written}", link.kind, link.destination)
            })
            .collect()
    }

    #[test]
    fn every_link_form_has_its_written_range_and_decoded_destination() {
        let text = "[a](x\\_y.md) [b](<a b.md> \"t\") [c](q&amp;r.md) ![i](img/p.png)\n\
                    [use][def] <https://x.io/p> <m@x.io> <a href=\"h&amp;1.md\">h</a>\n\n\
                    [def]: d%20e.md 'title'\n\
                    [next]:\n  next/line.md\n\n\
                    <div>\n<img SRC=plain.png>\n</div>\n";
        assert_eq!(
            links_of(text),
            [
                "Inline x_y.md @ x\\_y.md",
                "Inline a b.md @ a b.md",
                "Inline q&r.md @ q&amp;r.md",
                "Inline img/p.png @ img/p.png",
                "Reference d%20e.md @ -",
                "Autolink https://x.io/p @ https://x.io/p",
                "Email mailto:m@x.io @ m@x.io",
                "Html h&1.md @ h&amp;1.md",
                "Definition d%20e.md @ d%20e.md",
                "Definition next/line.md @ next/line.md",
                "Html plain.png @ plain.png",
            ]
        );
        let document = parse(text);
        assert!(document.outline.links[10].image);
        assert_eq!(document.outline.html.len(), 3);
    }

    #[test]
    fn an_outline_copies_no_text() {
        let text = "# Title\n\nSome [link](a.md) text.\n";
        let outline = Outline::parse(text).unwrap();
        assert_eq!(outline.headings[0].text, "");
        assert_eq!(outline.links[0].text, "");
        assert_eq!(
            outline
                .text
                .iter()
                .map(|r| &text[r.clone()])
                .collect::<Vec<_>>(),
            ["Title", "Some ", "link", " text."]
        );
    }

    #[test]
    fn email_autolinks_are_mailto_urls() {
        let document = parse("Write to <lead@example.com>.\n");
        let link = &document.outline.links[0];
        assert_eq!(link.destination, "mailto:lead@example.com");
        let range = link.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "lead@example.com");
    }

    #[test]
    fn markdown_parses_on_demand_and_refuses_deep_nesting_up_front() {
        let markdown = Markdown::new("# A\n".to_string()).unwrap();
        assert_eq!(markdown.text(), "# A\n");
        assert_eq!(markdown.document().outline.headings[0].text, "A");
        assert!(Markdown::new(format!("{} deep\n", ">".repeat(100))).is_err());
    }

    #[test]
    fn comments_code_and_setext_headings_are_recorded() {
        let document = parse(
            "Title\n=====\n\n<!-- a -->\n<!-- b -->\n\ntext <!-- c --> `code`\n\n```sh\nrun\n```\n",
        );
        assert!(!document.outline.headings[0].atx);
        let comments: Vec<_> = document
            .outline
            .html_comments
            .iter()
            .map(|r| &document.source[r.clone()])
            .collect();
        assert_eq!(comments, ["<!-- a -->", "<!-- b -->", "<!-- c -->"]);
        assert_eq!(
            &document.source[document.outline.code_spans[0].clone()],
            "`code`"
        );
        assert_eq!(document.outline.code_blocks[0].info, "sh");
    }
}
