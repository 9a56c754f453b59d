//! Where in a Markdown document a match is: the unit rules include or exclude, and whether
//! an edit there is certain to change only words.

use std::ops::Range;

use serde::Deserialize;

use renkei_model::markdown::{LinkKind, Outline};

/// A kind of place in a document. Every byte belongs to exactly one, the innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Ordinary text.
    Prose,
    /// Heading text.
    Heading,
    /// Inline code.
    CodeSpan,
    /// Fenced or indented code.
    CodeBlock,
    /// The text of a link.
    LinkText,
    /// The destination of a link in any form: inline, autolink, a reference definition
    /// (label and title included), an `href` or `src` attribute.
    LinkTarget,
    /// YAML front matter.
    FrontMatter,
    /// An HTML comment.
    HtmlComment,
    /// Raw HTML: tags and HTML blocks (an `href` or `src` value in them is a link target).
    Html,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 9] = [
        Scope::Prose,
        Scope::Heading,
        Scope::CodeSpan,
        Scope::CodeBlock,
        Scope::LinkText,
        Scope::LinkTarget,
        Scope::FrontMatter,
        Scope::HtmlComment,
        Scope::Html,
    ];

    /// The name a configuration writes (`code-span`).
    pub fn name(self) -> &'static str {
        match self {
            Scope::Prose => "prose",
            Scope::Heading => "heading",
            Scope::CodeSpan => "code-span",
            Scope::CodeBlock => "code-block",
            Scope::LinkText => "link-text",
            Scope::LinkTarget => "link-target",
            Scope::FrontMatter => "front-matter",
            Scope::HtmlComment => "html-comment",
            Scope::Html => "html",
        }
    }
}

/// The places of one document, each kind as sorted ranges that do not overlap, so that
/// the scope of an offset costs a binary search per kind, however large the file.
#[derive(Debug, Default)]
pub(crate) struct Places {
    front_matter: Option<Range<usize>>,
    comments: Vec<Range<usize>>,
    code_blocks: Vec<Range<usize>>,
    code_spans: Vec<Range<usize>>,
    targets: Vec<Range<usize>>,
    html: Vec<Range<usize>>,
    links: Vec<Range<usize>>,
    headings: Vec<Range<usize>>,
    text: Vec<Range<usize>>,
}

impl Places {
    /// The places of the document `outline` describes.
    pub(crate) fn new(outline: Outline) -> Self {
        let mut targets = Vec::new();
        let mut links = Vec::new();
        for link in &outline.links {
            match link.kind {
                LinkKind::Definition => targets.push(link.range.clone()),
                LinkKind::Html => {}
                _ => links.push(link.range.clone()),
            }
            targets.extend(link.destination_range.clone());
        }
        Self {
            front_matter: outline.front_matter.map(|front| front.range),
            comments: disjoint(outline.html_comments),
            code_blocks: disjoint(outline.code_blocks.into_iter().map(|b| b.range).collect()),
            code_spans: disjoint(outline.code_spans),
            targets: disjoint(targets),
            html: disjoint(outline.html),
            links: disjoint(links),
            headings: disjoint(outline.headings.into_iter().map(|h| h.range).collect()),
            text: disjoint(outline.text),
        }
    }

    /// The scope of byte `offset`, innermost first: a code span inside a heading is code,
    /// a link inside a heading is link text, an `href` inside a tag is a link target.
    pub(crate) fn scope_at(&self, offset: usize) -> Scope {
        if self
            .front_matter
            .as_ref()
            .is_some_and(|front| front.contains(&offset))
        {
            return Scope::FrontMatter;
        }
        let kinds = [
            (&self.comments, Scope::HtmlComment),
            (&self.code_blocks, Scope::CodeBlock),
            (&self.code_spans, Scope::CodeSpan),
            (&self.targets, Scope::LinkTarget),
            (&self.html, Scope::Html),
            (&self.links, Scope::LinkText),
            (&self.headings, Scope::Heading),
        ];
        kinds
            .into_iter()
            .find(|(ranges, _)| covering(ranges, offset).is_some())
            .map_or(Scope::Prose, |(_, scope)| scope)
    }

    /// Whether `range` lies inside one run of text as the parser reads it: not markup, a
    /// destination, raw HTML or code. Only there does replacing a word keep the document's
    /// structure, whatever the scopes of a rule say.
    pub(crate) fn is_text(&self, range: &Range<usize>) -> bool {
        covering(&self.text, range.start).is_some_and(|run| range.end <= run.end)
    }
}

/// The range of `sorted` (sorted, disjoint) that holds `offset`.
fn covering(sorted: &[Range<usize>], offset: usize) -> Option<&Range<usize>> {
    let after = sorted.partition_point(|range| range.start <= offset);
    after
        .checked_sub(1)
        .map(|index| &sorted[index])
        .filter(|range| offset < range.end)
}

/// `ranges` sorted, with overlapping and nested ranges merged.
fn disjoint(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|range| range.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}
