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
    /// Tables in document order.
    pub tables: Vec<Table>,
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

/// A run of text: a paragraph, a list item or a table cell.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextBlock {
    /// Where it is.
    pub range: Range<usize>,
    /// Its plain text; soft line breaks become spaces.
    pub text: String,
    /// Where each line break of a paragraph is: the offset of its space in `text`, and the
    /// break's range in the source.
    pub breaks: Vec<(usize, Range<usize>)>,
}

impl TextBlock {
    /// Each line of the block: its range in the source and its text. A block written on
    /// one line is one line.
    pub fn lines(&self) -> impl Iterator<Item = (Range<usize>, &str)> {
        let mut start = (0, self.range.start);
        let mut breaks = self.breaks.iter();
        std::iter::from_fn(move || {
            let (text_start, source_start) = start;
            if text_start > self.text.len() {
                return None;
            }
            let (text_end, source_end, next) = match breaks.next() {
                Some((at, range)) => (*at, range.start, (*at + 1, range.end)),
                None => (self.text.len(), self.range.end, (usize::MAX, 0)),
            };
            start = next;
            let text = self.text.get(text_start..text_end).unwrap_or_default();
            Some((source_start..source_end.max(source_start), text))
        })
    }
}

/// A table: its header row, then its body rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The whole table.
    pub range: Range<usize>,
    /// The rows, the header first.
    pub rows: Vec<TableRow>,
}

/// A row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The row's line.
    pub range: Range<usize>,
    /// Whether it is the header row.
    pub header: bool,
    /// Its cells, each with its plain text.
    pub cells: Vec<TextBlock>,
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

/// The Markdown extensions renkei reads: tables, strikethrough and task lists (GitHub's,
/// which doctrine uses), and nothing that changes what a link is. Front matter is read by
/// [`front_matter`], not by the parser: the parser would open a metadata block at any
/// unindented `---` that has another below it, and swallow the sections between two
/// thematic breaks.
pub const PARSER_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// The front matter at the top of `source` (after a byte order mark, if any): a `---`
/// line, at least one line that is neither blank nor a fence, and a closing `---` or `...`
/// line, as GitHub and static-site tools read YAML front matter; or the same between `+++`
/// lines, TOML front matter. Spaces may follow each fence.
pub fn front_matter(source: &str) -> Option<FrontMatter> {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = &source.as_bytes()[bom..];
    let mut lines = bytes
        .split_inclusive(|byte| *byte == b'\n')
        .scan(0, |start, line| {
            let at = *start;
            *start += line.len();
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            Some((
                at,
                line.len(),
                content.strip_suffix(b"\r").unwrap_or(content),
            ))
        });
    let (_, open_length, open) = lines.next()?;
    let closes: fn(&[u8]) -> bool = if is_metadata_fence(open, b'-') {
        closes_metadata
    } else if is_metadata_fence(open, b'+') {
        |line| is_metadata_fence(line, b'+')
    } else {
        return None;
    };
    let (_, _, first) = lines.clone().next()?;
    if is_blank(first) || closes(first) {
        return None;
    }
    let (close_at, close_length, _) = lines.find(|(_, _, line)| closes(line))?;
    Some(FrontMatter {
        range: 0..bom + close_at + close_length,
        content: bom + open_length..bom + close_at,
    })
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
    /// Where [`crate::links::inline_destinations`] finds destinations, once asked: several
    /// checks ask, and the scan is a pass over the whole text.
    destinations: OnceLock<Option<Vec<Range<usize>>>>,
}

impl Markdown {
    /// Takes `text`, refusing one nested deeper than [`MAX_NESTING`].
    pub fn new(text: String) -> Result<Self, TooDeep> {
        check_nesting(&text)?;
        Ok(Self {
            text,
            document: OnceLock::new(),
            destinations: OnceLock::new(),
        })
    }

    /// Every inline link destination a byte scan finds in the text (a superset of the
    /// parser's), or `None` where the scan cannot be sure: [`crate::links::inline_destinations`],
    /// scanned once per file.
    pub fn scanned_destinations(&self) -> Option<impl Iterator<Item = &str>> {
        let ranges = self.destinations.get_or_init(|| {
            let start = self.text.as_ptr() as usize;
            // The scan hands back slices of the text: each one's place is its offset.
            crate::links::inline_destinations(&self.text).map(|found| {
                found
                    .into_iter()
                    .filter_map(|destination| {
                        let at = (destination.as_ptr() as usize).checked_sub(start)?;
                        Some(at..at + destination.len())
                    })
                    .collect()
            })
        });
        ranges.as_ref().map(|ranges| {
            ranges
                .iter()
                .filter_map(|range| self.text.get(range.clone()))
        })
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The file's text, taken out (the parse, if any, is dropped).
    pub fn into_text(self) -> String {
        self.text
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
            destinations: OnceLock::new(),
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
        builder.run(
            &source,
            true,
            None::<pulldown_cmark::DefaultBrokenLinkCallback>,
        );
        Self {
            outline: builder.outline,
            paragraphs: builder.paragraphs,
            lists: builder.lists,
            block_quotes: builder.block_quotes,
            tables: builder.tables,
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
        builder.run(
            source,
            true,
            None::<pulldown_cmark::DefaultBrokenLinkCallback>,
        );
        Ok(builder.outline)
    }

    /// The outline of the `parts` of `source` (each a range between two of its
    /// [`split_points`], in order), with offsets into `source`; the rest of `source` is not
    /// parsed. Parts parse alone as they parse in the whole text, but for references whose
    /// definition is in another part: a reference is a link here when its label is among
    /// `labels` (see [`definition_labels`]), wherever its definition is, and whether the
    /// whole text is one part or many.
    ///
    /// This is how the lint reads a file of megabytes: only the pieces around a possible
    /// finding, one at a time, so that neither its time nor its memory grows with the
    /// parts that hold nothing to report.
    pub fn parse_parts(
        source: &str,
        parts: impl IntoIterator<Item = Range<usize>>,
        labels: &DefinitionLabels,
    ) -> Result<Self, TooDeep> {
        check_nesting(source)?;
        let mut outline = Outline::default();
        let mut defined = std::collections::HashSet::new();
        for part in parts {
            let mut builder = Builder::default();
            let known = |link: pulldown_cmark::BrokenLink<'_>| {
                labels.contains(&link.reference).then(|| {
                    (
                        pulldown_cmark::CowStr::from(""),
                        pulldown_cmark::CowStr::from(""),
                    )
                })
            };
            builder.run(&source[part.clone()], part.start == 0, Some(known));
            // The first definition of a label counts; a later one, in a later piece, is
            // no definition (and not text either).
            builder.outline.links.retain(|link| {
                link.kind != LinkKind::Definition || defined.insert(normalize_label(&link.text))
            });
            outline.append(builder.outline, part.start);
        }
        Ok(outline)
    }

    /// Adds `later`, an outline of the text from `base` on, whose offsets start at 0.
    fn append(&mut self, later: Outline, base: usize) {
        let shift = |range: Range<usize>| range.start + base..range.end + base;
        if let Some(front) = later.front_matter {
            self.front_matter = Some(FrontMatter {
                range: shift(front.range),
                content: shift(front.content),
            });
        }
        self.headings
            .extend(later.headings.into_iter().map(|heading| Heading {
                range: shift(heading.range),
                section: shift(heading.section),
                ..heading
            }));
        self.code_spans
            .extend(later.code_spans.into_iter().map(shift));
        self.code_blocks
            .extend(later.code_blocks.into_iter().map(|block| CodeBlock {
                range: shift(block.range),
                ..block
            }));
        self.links.extend(later.links.into_iter().map(|link| Link {
            range: shift(link.range),
            destination_range: link.destination_range.map(shift),
            ..link
        }));
        self.html.extend(later.html.into_iter().map(shift));
        self.html_comments
            .extend(later.html_comments.into_iter().map(shift));
        self.text.extend(later.text.into_iter().map(shift));
    }
}

/// The labels the reference definitions of a text define, normalized as CommonMark matches
/// labels (case and runs of whitespace do not count): what each piece of the text between
/// `split_points` that holds a `]:` defines, as the parser reads it. A reference in one
/// piece to a definition in another is then a link in both, as in the whole text.
#[derive(Debug, Clone, Default)]
pub struct DefinitionLabels(std::collections::HashSet<String>);

impl DefinitionLabels {
    /// The labels defined in `text`, cut at `points` (its [`split_points`]).
    pub fn find(text: &str, points: &[usize]) -> Self {
        let mut labels = std::collections::HashSet::new();
        let mut start = front_matter(text).map_or(0, |front| front.range.end);
        let ends = points.iter().copied().chain(std::iter::once(text.len()));
        for end in ends {
            let piece = &text[start.min(end)..end];
            if memchr::memmem::find(piece.as_bytes(), b"]:").is_some() {
                let parser = Parser::new_ext(piece, PARSER_OPTIONS);
                labels.extend(
                    parser
                        .reference_definitions()
                        .iter()
                        .map(|(label, _)| normalize_label(label)),
                );
            }
            start = end;
        }
        Self(labels)
    }

    /// Whether `label` (as written in a reference) is one of them.
    pub fn contains(&self, label: &str) -> bool {
        !self.0.is_empty() && self.0.contains(&normalize_label(label))
    }
}

/// A reference label as CommonMark matches it: whitespace runs collapsed, case folded.
pub fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Offsets (line starts, sorted) where `text` can be cut so that each piece parses on its
/// own into the blocks the whole text has there.
///
/// A cut goes before a line that follows a blank line and starts with neither a space nor
/// a tab, where every container has closed (a block quote or a list item does not survive
/// a blank line followed by an unindented line) and no inline span is open (none crosses a
/// blank line), but only where no block that runs past blank lines can be open: a fenced
/// code block, front matter or an HTML block that ends at a marker rather than a blank line (`<pre>`,
/// `<script>`, `<style>`, `<textarea>`, comments, processing instructions, declarations,
/// CDATA). A scan of lines cannot always tell whether a line opens such a block (a fence
/// inside an HTML block is text), so it follows every reading the line allows and cuts only
/// where all of them agree. Where it is unsure it does not cut: a piece too large costs
/// time, a wrong cut would cost correctness.
pub fn split_points(text: &str) -> Vec<usize> {
    // A carriage return alone ends a line for the parser; the scan reads lines by `\n`, so
    // such a text is not cut at all.
    let bytes = text.as_bytes();
    if memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n')) {
        return Vec::new();
    }
    /// What the parser may be inside of when a line starts.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Inside {
        Blocks,
        Fence { marker: u8, length: usize },
        Html(&'static [&'static [u8]]),
    }
    /// More readings than this at once: the scan stops cutting.
    const MAX_READINGS: usize = 8;
    let mut points = Vec::new();
    let mut readings = vec![Inside::Blocks];
    // The readings of the next line, built in a buffer kept across lines: this loop runs
    // once per line of every file the lint reads, and should not allocate there.
    let mut next_readings: Vec<Inside> = Vec::with_capacity(MAX_READINGS + 1);
    // Front matter is one piece with what follows it.
    let mut start = front_matter(text).map_or(0, |front| front.range.end);
    let mut lost = false;
    let mut after_blank = true;
    // Since the last blank line, a line started with `<`: an HTML block that a blank line
    // ends may be open, in which an opener is only text.
    let mut html_run = false;
    // The content indentation of a list item certainly open at the top level: a fence or
    // HTML block indented that far is inside it, and ends with it.
    let mut list_indent: Option<usize> = None;
    let first = start;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let blank = is_blank(line);
        let unindented = !blank && !matches!(line[0], b' ' | b'\t');
        let certain_blocks = readings == [Inside::Blocks];
        if certain_blocks && after_blank && unindented && start > first && !lost {
            points.push(start);
        }
        if unindented {
            list_indent = certain_blocks
                .then(|| list_item_indent(line, after_blank))
                .flatten();
        }
        let indent = line.iter().take_while(|byte| **byte == b' ').count();
        let nested = list_indent.is_some_and(|content| indent >= content);
        next_readings.clear();
        for reading in &readings {
            let follows: &[Inside] = &match *reading {
                Inside::Blocks => {
                    // An opener is certainly one unless an HTML block that a blank line
                    // ends can hold it as text.
                    let mut certain = !html_run;
                    let opened = if nested {
                        None
                    } else if let Some((marker, length)) = opens_fence(line) {
                        Some(Inside::Fence { marker, length })
                    } else if let Some((ends, stays_open)) = opens_long_html_block(line) {
                        certain &= stays_open;
                        Some(Inside::Html(ends))
                    } else {
                        None
                    };
                    match opened {
                        Some(inside) if certain => [inside, inside],
                        Some(inside) => [inside, Inside::Blocks],
                        None => [Inside::Blocks, Inside::Blocks],
                    }
                }
                Inside::Fence { marker, length } if closes_fence(line, marker, length) => {
                    [Inside::Blocks, Inside::Blocks]
                }
                Inside::Html(ends) if contains_any_ignore_case(line, ends) => {
                    [Inside::Blocks, Inside::Blocks]
                }
                other => [other, other],
            };
            for follow in follows {
                if !next_readings.contains(follow) {
                    next_readings.push(*follow);
                }
            }
        }
        if next_readings.len() > MAX_READINGS {
            lost = true;
            next_readings.truncate(MAX_READINGS);
        }
        std::mem::swap(&mut readings, &mut next_readings);
        if blank {
            html_run = false;
        } else if line[indent..].starts_with(b"<") && indent <= 3 {
            html_run = true;
        }
        after_blank = blank;
        start = end + 1;
    }
    points
}

/// Whether `line` holds only spaces and tabs.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|byte| matches!(byte, b' ' | b'\t'))
}

/// The content indentation of the list item the unindented `line` certainly opens: a
/// bullet, or an ordered marker after a blank line or starting at 1 (no other can interrupt
/// a paragraph), followed by spaces and text; not a thematic break (`* * *`), and nothing
/// with a tab, whose width the scan does not work out.
fn list_item_indent(line: &[u8], after_blank: bool) -> Option<usize> {
    // Most lines start with a letter: rule them out before looking further.
    if !matches!(line.first(), Some(b'-' | b'*' | b'+' | b'0'..=b'9'))
        || line.contains(&b'\t')
        || is_thematic_break(line)
    {
        return None;
    }
    let digits = line.iter().take_while(|byte| byte.is_ascii_digit()).count();
    let marker = match line.get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => {
            let starts_at_one = &line[..digits] == b"1";
            if !(after_blank || starts_at_one) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let spaces = line[marker..]
        .iter()
        .take_while(|byte| **byte == b' ')
        .count();
    let has_text = line.len() > marker + spaces;
    match spaces {
        1..=4 if has_text => Some(marker + spaces),
        5.. if has_text => Some(marker + 1),
        _ => None,
    }
}

/// Whether `line` is a thematic break: three or more of one of `-`, `*`, `_`, spaces
/// between.
fn is_thematic_break(line: &[u8]) -> bool {
    let mut marks = line.iter().filter(|byte| **byte != b' ');
    let Some(&mark @ (b'-' | b'*' | b'_')) = marks.clone().next() else {
        return false;
    };
    let mut count = 0;
    marks.all(|byte| {
        count += 1;
        *byte == mark
    }) && count >= 3
}

/// Whether `line` is three `marker`s and nothing but spaces after them, as the parser
/// reads the fences of a metadata block.
fn is_metadata_fence(line: &[u8], marker: u8) -> bool {
    line.len() >= 3
        && line[..3].iter().all(|byte| *byte == marker)
        && line[3..].iter().all(|byte| *byte == b' ')
}

/// Whether `line` closes a metadata block: `---` or `...`.
fn closes_metadata(line: &[u8]) -> bool {
    is_metadata_fence(line, b'-') || is_metadata_fence(line, b'.')
}

/// The marker and length of the code fence `line` opens, if it opens one.
fn opens_fence(line: &[u8]) -> Option<(u8, usize)> {
    let indent = line.iter().take_while(|byte| **byte == b' ').count();
    let rest = line.get(indent..).filter(|_| indent <= 3)?;
    let marker = *rest.first().filter(|byte| matches!(byte, b'`' | b'~'))?;
    let length = rest.iter().take_while(|byte| **byte == marker).count();
    let info = &rest[length..];
    (length >= 3 && !(marker == b'`' && info.contains(&b'`'))).then_some((marker, length))
}

/// Whether `line` closes a fence opened with `length` times `marker`.
fn closes_fence(line: &[u8], marker: u8, length: usize) -> bool {
    let indent = line.iter().take_while(|byte| **byte == b' ').count();
    let Some(rest) = line.get(indent..).filter(|_| indent <= 3) else {
        return false;
    };
    // Spaces only after it, as the parser reads a closing fence (a tab keeps it open).
    let run = rest.iter().take_while(|byte| **byte == marker).count();
    run >= length && rest[run..].iter().all(|byte| *byte == b' ')
}

/// The end markers of the HTML block `line` opens, for the kinds that blank lines do not
/// end, unless it ends on the same line after its opening; and whether it certainly stays
/// open: an end marker that overlaps the opening (`<?>`, `<!-->`) may or may not end it.
fn opens_long_html_block(line: &[u8]) -> Option<(&'static [&'static [u8]], bool)> {
    const TAGS: &[&[u8]] = &[b"</script>", b"</pre>", b"</style>", b"</textarea>"];
    let indent = line.iter().take_while(|byte| **byte == b' ').count();
    let rest = line.get(indent..).filter(|_| indent <= 3)?;
    let rest = rest.strip_prefix(b"<")?;
    let tag_opens = |name: &[u8]| {
        rest.len() >= name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && rest
                .get(name.len())
                .is_none_or(|byte| byte.is_ascii_whitespace() || *byte == b'>')
    };
    let tag = [&b"script"[..], b"pre", b"style", b"textarea"]
        .into_iter()
        .find(|name| tag_opens(name));
    let (ends, opening): (&'static [&'static [u8]], usize) = if let Some(tag) = tag {
        (TAGS, tag.len())
    } else if rest.starts_with(b"!--") {
        (&[b"-->"], 3)
    } else if rest.starts_with(b"?") {
        (&[b"?>"], 1)
    } else if rest.starts_with(b"![CDATA[") {
        (&[b"]]>"], 8)
    } else if rest.first() == Some(&b'!') && rest.get(1).is_some_and(u8::is_ascii_alphabetic) {
        (&[b">"], 1)
    } else {
        return None;
    };
    if contains_any_ignore_case(&rest[opening..], ends) {
        return None;
    }
    Some((ends, !contains_any_ignore_case(rest, ends)))
}

fn contains_any_ignore_case(line: &[u8], needles: &[&[u8]]) -> bool {
    needles.iter().any(|needle| {
        line.windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
    })
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
    Table(usize),
    Cell(usize),
    Link {
        index: usize,
        children_end: usize,
        label: bool,
    },
    CodeBlock,
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
    tables: Vec<Table>,
}

impl Builder {
    /// Parses `source`, the top of a document when `top` (only there can front matter be).
    fn run<'a>(
        &mut self,
        source: &'a str,
        top: bool,
        callback: Option<impl pulldown_cmark::BrokenLinkCallback<'a>>,
    ) {
        self.outline.front_matter = front_matter(source).filter(|_| top);
        // The parser reads what follows the front matter; its offsets are moved back.
        let base = self
            .outline
            .front_matter
            .as_ref()
            .map_or(0, |front| front.range.end);
        let mut events =
            Parser::new_with_broken_link_callback(&source[base..], PARSER_OPTIONS, callback)
                .into_offset_iter();
        for (event, range) in &mut events {
            self.event(source, event, range.start + base..range.end + base);
        }
        // Definitions produce no event; the parser keeps them (the first of each label).
        for (label, definition) in events.reference_definitions().iter() {
            // A definition's text is its label, in an outline too: pieces parsed apart need
            // it to keep only the first definition of a label, as the whole text does.
            let text = label.to_string();
            self.outline.links.push(definition_link(
                source,
                definition.span.start + base..definition.span.end + base,
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
                self.note_text(range.clone());
                self.note_break(range);
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
                    breaks: Vec::new(),
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
                        breaks: Vec::new(),
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
            Tag::Table(_) if collect => {
                self.tables.push(Table {
                    range,
                    rows: Vec::new(),
                });
                Open::Table(self.tables.len() - 1)
            }
            Tag::TableHead | Tag::TableRow if collect => match self.stack.last() {
                Some(Open::Table(table)) => {
                    let table = *table;
                    self.tables[table].rows.push(TableRow {
                        range,
                        header: matches!(tag, Tag::TableHead),
                        cells: Vec::new(),
                    });
                    Open::Table(table)
                }
                _ => Open::Other,
            },
            Tag::TableCell if collect => match self.stack.last() {
                Some(Open::Table(table)) => {
                    let table = *table;
                    if let Some(row) = self.tables[table].rows.last_mut() {
                        row.cells.push(TextBlock {
                            text: text_buffer(&range, collect),
                            range,
                            breaks: Vec::new(),
                        });
                    }
                    Open::Cell(table)
                }
                _ => Open::Other,
            },
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
                // The parser leaves out the indentation and quote markers of a continuation
                // line, so the last child can end before those, just before `](`.
                let close = source.get(children_end..link.range.end).and_then(|rest| {
                    let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '>']).len();
                    rest[blanks..]
                        .starts_with("](")
                        .then_some(children_end + blanks + 2)
                });
                link.destination_range =
                    close.and_then(|start| written_destination(source, start, &link.destination));
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
                Open::Cell(table) => {
                    let cell = self.tables[*table]
                        .rows
                        .last_mut()
                        .and_then(|row| row.cells.last_mut());
                    if let Some(cell) = cell {
                        cell.text.push_str(text);
                    }
                }
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

    /// Records a line break in the paragraph it is in, so that a paragraph's lines can be
    /// read one by one (`Name: value` lines written without list markers).
    fn note_break(&mut self, range: Range<usize>) {
        if !self.collect_text {
            return;
        }
        // Inline markup (emphasis, a link) may be open around the break; the paragraph is
        // the nearest block.
        let block = self.stack.iter().rev().find(|open| {
            matches!(
                open,
                Open::Paragraph(_) | Open::Item { .. } | Open::Heading(_) | Open::Cell(_)
            )
        });
        if let Some(Open::Paragraph(index)) = block {
            let paragraph = &mut self.paragraphs[*index];
            paragraph.breaks.push((paragraph.text.len(), range));
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
                        breaks: Vec::new(),
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
    let bytes = &source.as_bytes()[..range.end];
    // How many bytes from `from` on satisfy `keep`.
    let run =
        |from: usize, keep: fn(&u8) -> bool| bytes[from..].iter().take_while(|b| keep(b)).count();
    let blank: fn(&u8) -> bool = u8::is_ascii_whitespace;
    let mut links = Vec::new();
    let mut at = range.start;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        at += found + 1;
        if bytes[at..].starts_with(b"!--") {
            at = memchr::memmem::find(&bytes[at..], b"-->").map_or(range.end, |end| at + end + 3);
            continue;
        }
        let tag_length = run(at, |b| b.is_ascii_alphanumeric() || *b == b'-');
        if tag_length == 0 || !bytes[at].is_ascii_alphabetic() {
            continue;
        }
        let image = source[at..at + tag_length].eq_ignore_ascii_case("img");
        at += tag_length;
        // Attributes, until the tag closes: `name`, `name=value`, `name="value"`.
        loop {
            at += run(at, blank);
            let name_start = at;
            at += run(at, |b| {
                !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/' | b'"' | b'\'' | b'<')
            });
            if at == name_start {
                if bytes.get(at) == Some(&b'/') {
                    at += 1;
                    continue;
                }
                break;
            }
            let name = &source[name_start..at];
            let equals = at + run(at, blank);
            if bytes.get(equals) != Some(&b'=') {
                continue;
            }
            at = equals + 1;
            at += run(at, blank);
            let value = match bytes.get(at) {
                Some(quote @ (b'"' | b'\'')) => {
                    let Some(close) = memchr::memchr(*quote, &bytes[at + 1..]) else {
                        break;
                    };
                    at + 1..at + 1 + close
                }
                Some(_) => {
                    at..at
                        + run(at, |b| {
                            !b.is_ascii_whitespace()
                                && !matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                        })
                }
                None => break,
            };
            let quoted = bytes
                .get(value.end)
                .is_some_and(|b| matches!(b, b'"' | b'\''));
            at = value.end + usize::from(quoted);
            if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                links.push(Link {
                    kind: LinkKind::Html,
                    range: name_start..at,
                    destination: html_escape::decode_html_entities(&source[value.clone()])
                        .into_owned(),
                    destination_range: Some(value),
                    text: String::new(),
                    image,
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

    /// The text of each piece between split points, for reading a test at a glance.
    fn pieces(text: &str) -> Vec<&str> {
        let mut bounds = vec![0];
        bounds.extend(split_points(text));
        bounds.push(text.len());
        bounds
            .windows(2)
            .map(|pair| &text[pair[0]..pair[1]])
            .collect()
    }

    #[test]
    fn texts_are_cut_only_between_top_level_blocks() {
        assert_eq!(
            pieces("# A\n\nText\nwraps.\n\n- item\n\n  more\n\nNext\n"),
            [
                "# A\n\n",
                "Text\nwraps.\n\n",
                "- item\n\n  more\n\n",
                "Next\n"
            ]
        );
        // Blocks that run past blank lines are never cut.
        for text in [
            "```\ncode\n\nstill code\n```\n",
            "~~~~\n\n```\n\nx\n~~~~\n",
            "<!-- a\n\nb -->\n",
            "<pre>\n\nx\n</pre>\n",
            "---\ntitle: x\n\nmore: y\n---\n",
        ] {
            assert_eq!(pieces(text), [text], "{text:?}");
        }
        // A closing fence followed by a tab does not close it, for the parser either.
        assert_eq!(pieces("```\n```\t\n\nx\n").len(), 1);
        // Where a fence may be text in an HTML block, both readings are kept.
        assert_eq!(pieces("<div>\n```\n\nx\n").len(), 1);
        // An indented fence inside a list item ends with the item.
        assert_eq!(
            pieces("1. Run\n\n   ```\n   x\n\nNext\n"),
            ["1. Run\n\n   ```\n   x\n\n", "Next\n"]
        );
        // A thematic break is no list item: the fence after it is at the top level, and
        // stays open to the end.
        for text in [
            "* * *\n\n   ```\n   x\n\nNext\n",
            "-  - -\n\n  ```\n\nNext\n",
        ] {
            assert_eq!(pieces(text), [text], "{text:?}");
        }
        // Two marks are no thematic break, and `-- -` is one.
        assert_eq!(pieces("* *\n\n  ```\n\nNext\n").len(), 2);
        assert_eq!(pieces("-- -\n\n  ```\n\nNext\n").len(), 1);
    }

    #[test]
    fn front_matter_may_follow_a_byte_order_mark_and_be_toml() {
        let bom = front_matter("\u{feff}---\ntitle: x\n---\nbody\n").map(|f| f.range);
        assert_eq!(bom, Some(0..20));
        let toml = front_matter("+++\ntitle = \"x\"\n+++\n").map(|f| f.content);
        assert_eq!(toml, Some(4..16));
        assert!(front_matter("+++\ntitle\n---\n").is_none());
    }

    #[test]
    fn front_matter_is_only_at_the_top() {
        let document = parse("---\nname: x\n---\n# T\n\nText\n\n---\nNot metadata\n---\n");
        assert_eq!(document.outline.front_matter.map(|f| f.range), Some(0..16));
        // Between two thematic breaks is text, not a second metadata block.
        let headings: Vec<_> = document.outline.headings.iter().map(|h| &h.text).collect();
        assert_eq!(headings, ["T", "Not metadata"]);
        assert!(front_matter("---\n\nx\n---\n").is_none());
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
