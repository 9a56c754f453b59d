//! A Markdown document model that keeps the parser's byte offsets.
//!
//! Every later stage (lint, contract checks, assembly) reads this model instead of looking
//! at the text by hand, so that positions in diagnostics are the parser's, and so that
//! "the third list item of the Outcome section" means the same thing everywhere.

use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag};

use crate::lines::{LineIndex, Position};

/// A parsed Markdown file: its text, a line index, and the structures checks care about.
#[derive(Debug, Clone)]
pub struct Document {
    /// The exact text that was parsed.
    pub source: String,
    /// Line starts of `source`, computed on first use: assembly never needs them.
    lines: OnceLock<LineIndex>,
    /// The YAML front matter block (`---` ... `---`) at the top, if any.
    pub front_matter: Option<FrontMatter>,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Paragraphs in document order, wherever they are (quotes and list items included).
    pub paragraphs: Vec<TextBlock>,
    /// Lists in document order (a nested list comes after its parent).
    pub lists: Vec<List>,
    /// Block quotes in document order.
    pub block_quotes: Vec<BlockQuote>,
    /// Inline code spans.
    pub code_spans: Vec<Range<usize>>,
    /// Fenced and indented code blocks.
    pub code_blocks: Vec<CodeBlock>,
    /// Links and images.
    pub links: Vec<Link>,
    /// HTML comments (`<!-- ... -->`), in blocks or inline.
    pub html_comments: Vec<Range<usize>>,
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

/// A link or an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The whole link, `[text](dest)` or `<dest>`.
    pub range: Range<usize>,
    /// The destination as the parser resolved it.
    pub destination: String,
    /// Where the destination is written, for inline links and autolinks whose destination
    /// appears in the source exactly as resolved (no escapes); for an email autolink, the
    /// address (the destination adds `mailto:`). Reference-style links have their
    /// destination elsewhere and leave this empty.
    pub destination_range: Option<Range<usize>>,
    /// The link text (or image alt text).
    pub text: String,
    /// Whether this is an image (`![alt](src)`).
    pub image: bool,
}

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
        let mut builder = Builder::default();
        let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS;
        for (event, range) in Parser::new_ext(&source, options).into_offset_iter() {
            builder.event(&source, event, range);
        }
        let mut document = Self {
            front_matter: builder.front_matter,
            headings: builder.headings,
            paragraphs: builder.paragraphs,
            lists: builder.lists,
            block_quotes: builder.block_quotes,
            code_spans: builder.code_spans,
            code_blocks: builder.code_blocks,
            links: builder.links,
            html_comments: builder.html_comments,
            lines: OnceLock::new(),
            source,
        };
        document.close_sections();
        document
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
        self.headings.iter().find(|heading| heading.text == text)
    }

    fn close_sections(&mut self) {
        let end = self.source.len();
        for index in 0..self.headings.len() {
            let level = self.headings[index].level;
            let section_end = self.headings[index + 1..]
                .iter()
                .find(|next| next.level <= level)
                .map_or(end, |next| next.range.start);
            self.headings[index].section.end = section_end;
        }
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
    Item { list: usize, item: usize },
    BlockQuote(usize),
    Link { index: usize, children_end: usize },
    CodeBlock,
    FrontMatter,
    Other,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    /// How many links are open on the stack: most events are outside any link, and need
    /// not search the stack for one.
    open_links: usize,
    front_matter: Option<FrontMatter>,
    headings: Vec<Heading>,
    paragraphs: Vec<TextBlock>,
    lists: Vec<List>,
    block_quotes: Vec<BlockQuote>,
    code_spans: Vec<Range<usize>>,
    code_blocks: Vec<CodeBlock>,
    links: Vec<Link>,
    html_comments: Vec<Range<usize>>,
}

impl Builder {
    fn event(&mut self, source: &str, event: Event<'_>, range: Range<usize>) {
        let closes_link =
            matches!(event, Event::End(_)) && matches!(self.stack.last(), Some(Open::Link { .. }));
        if !closes_link {
            self.note_link_child_end(&range);
        }
        match event {
            Event::Start(tag) => self.start(source, tag, range),
            Event::End(_) => self.end(source),
            Event::Text(text) => {
                if matches!(self.stack.last(), Some(Open::FrontMatter)) {
                    if let Some(front_matter) = &mut self.front_matter {
                        front_matter.content = range;
                    }
                } else if !matches!(self.stack.last(), Some(Open::CodeBlock)) {
                    self.push_text(&text);
                }
            }
            Event::Code(text) => {
                self.code_spans.push(range);
                self.push_text(&text);
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            Event::InlineHtml(html) => {
                if html.starts_with("<!--") {
                    self.html_comments.push(range);
                }
            }
            Event::Html(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::Rule
            | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, source: &str, tag: Tag<'_>, range: Range<usize>) {
        let open = match tag {
            Tag::Heading { level, .. } => {
                self.headings.push(Heading {
                    level: heading_level(level),
                    atx: source[range.clone()].trim_start().starts_with('#'),
                    section: range.start..range.end,
                    text: text_buffer(&range),
                    range,
                });
                Open::Heading(self.headings.len() - 1)
            }
            Tag::Paragraph => {
                self.paragraphs.push(TextBlock {
                    text: text_buffer(&range),
                    range,
                });
                Open::Paragraph(self.paragraphs.len() - 1)
            }
            Tag::List(start) => {
                self.lists.push(List {
                    range,
                    start,
                    items: Vec::new(),
                });
                Open::List(self.lists.len() - 1)
            }
            Tag::Item => match self.stack.last() {
                Some(Open::List(list)) => {
                    let list = *list;
                    self.lists[list].items.push(TextBlock {
                        text: text_buffer(&range),
                        range,
                    });
                    Open::Item {
                        list,
                        item: self.lists[list].items.len() - 1,
                    }
                }
                _ => Open::Other,
            },
            Tag::BlockQuote(_) => {
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
                self.code_blocks.push(CodeBlock { range, info });
                Open::CodeBlock
            }
            Tag::HtmlBlock => {
                self.html_comments.extend(comments_in(source, range));
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
                self.front_matter = Some(FrontMatter {
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
        let destination_range = match link_type {
            LinkType::Autolink | LinkType::Email => {
                let start = range.start + 1;
                let written = destination
                    .strip_prefix("mailto:")
                    .filter(|_| link_type == LinkType::Email);
                let written = written.unwrap_or(&destination);
                source
                    .get(start..)
                    .filter(|rest| rest.starts_with(written))
                    .map(|_| start..start + written.len())
            }
            _ => None,
        };
        self.links.push(Link {
            range,
            destination,
            destination_range,
            text: String::new(),
            image,
        });
        let index = self.links.len() - 1;
        self.open_links += 1;
        if matches!(link_type, LinkType::Inline) {
            Open::Link {
                index,
                children_end: text_start,
            }
        } else {
            Open::Link {
                index,
                children_end: usize::MAX,
            }
        }
    }

    fn end(&mut self, source: &str) {
        if let Some(Open::Link {
            index,
            children_end,
        }) = self.stack.pop()
        {
            self.open_links -= 1;
            if children_end != usize::MAX {
                self.links[index].destination_range =
                    inline_destination(source, children_end, &self.links[index].destination);
            }
        }
    }

    /// Inline link destinations are located from where the link text ends (`](` follows it),
    /// which the parser tells us; the destination itself is then taken at that offset only
    /// if it is written exactly as resolved.
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
        let mut in_quote = false;
        let mut item_done = false;
        for open in self.stack.iter().rev() {
            match open {
                Open::Heading(index) => self.headings[*index].text.push_str(text),
                Open::Paragraph(index) => self.paragraphs[*index].text.push_str(text),
                Open::Item { list, item } if !item_done => {
                    self.lists[*list].items[*item].text.push_str(text);
                    item_done = true;
                }
                Open::Link { index, .. } => self.links[*index].text.push_str(text),
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

/// An empty string with room for the plain text of the block at `range`, which is never
/// longer than its source, so most blocks fill it without reallocating. Capped, because
/// list items nest and each item's range holds the items inside it.
fn text_buffer(range: &Range<usize>) -> String {
    const MAX_RESERVED: usize = 512;
    String::with_capacity(range.len().min(MAX_RESERVED))
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

fn inline_destination(source: &str, text_end: usize, destination: &str) -> Option<Range<usize>> {
    let rest = source.get(text_end..)?.strip_prefix("](")?;
    let start_in_rest = rest.len() - rest.trim_start().len();
    let mut start = text_end + 2 + start_in_rest;
    if source[start..].starts_with('<') {
        start += 1;
    }
    source[start..]
        .starts_with(destination)
        .then(|| start..start + destination.len())
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
            .headings
            .iter()
            .map(|h| (h.level, h.text.as_str()))
            .collect();
        assert_eq!(texts, [(1, "A"), (2, "B"), (3, "C"), (2, "D")]);
        let b = &document.headings[1];
        assert_eq!(
            &document.source[b.section.clone()],
            "## B\n\nmore\n\n### C\n\n"
        );
        assert_eq!(document.headings[0].section, 0..document.source.len());
    }

    #[test]
    fn front_matter_is_located() {
        let document = parse("---\nname: x\n---\n# T\n");
        let front_matter = document
            .front_matter
            .clone()
            .unwrap_or_else(|| panic!("no front matter"));
        assert_eq!(&document.source[front_matter.content], "name: x\n");
        assert_eq!(document.position(document.headings[0].range.start).line, 4);
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
        let link = &document.links[0];
        assert_eq!(link.text, "the other half");
        let range = link.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "output-contract.md");
        let autolink = &document.links[1];
        let range = autolink.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "https://x.y");
    }

    #[test]
    fn email_autolinks_are_mailto_urls() {
        let document = parse("Write to <lead@example.com>.\n");
        let link = &document.links[0];
        assert_eq!(link.destination, "mailto:lead@example.com");
        let range = link.destination_range.clone().unwrap_or_default();
        assert_eq!(&document.source[range], "lead@example.com");
    }

    #[test]
    fn markdown_parses_on_demand_and_refuses_deep_nesting_up_front() {
        let markdown = Markdown::new("# A\n".to_string()).unwrap();
        assert_eq!(markdown.text(), "# A\n");
        assert_eq!(markdown.document().headings[0].text, "A");
        assert!(Markdown::new(format!("{} deep\n", ">".repeat(100))).is_err());
    }

    #[test]
    fn comments_code_and_setext_headings_are_recorded() {
        let document = parse(
            "Title\n=====\n\n<!-- a -->\n<!-- b -->\n\ntext <!-- c --> `code`\n\n```sh\nrun\n```\n",
        );
        assert!(!document.headings[0].atx);
        let comments: Vec<_> = document
            .html_comments
            .iter()
            .map(|r| &document.source[r.clone()])
            .collect();
        assert_eq!(comments, ["<!-- a -->", "<!-- b -->", "<!-- c -->"]);
        assert_eq!(&document.source[document.code_spans[0].clone()], "`code`");
        assert_eq!(document.code_blocks[0].info, "sh");
    }
}
