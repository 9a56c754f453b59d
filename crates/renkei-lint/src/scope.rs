//! Where in a Markdown document a match is: the unit rules include or exclude.

use serde::Deserialize;

use renkei_model::Document;

/// A kind of place in a document. Every byte belongs to exactly one, the innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
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
    /// The destination of a link.
    LinkTarget,
    /// YAML front matter.
    FrontMatter,
    /// An HTML comment.
    HtmlComment,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 8] = [
        Scope::Prose,
        Scope::Heading,
        Scope::CodeSpan,
        Scope::CodeBlock,
        Scope::LinkText,
        Scope::LinkTarget,
        Scope::FrontMatter,
        Scope::HtmlComment,
    ];
}

/// The scope of byte `offset` in `document`, innermost first: a code span inside a heading
/// is code, a link inside a heading is link text.
pub fn scope_at(document: &Document, offset: usize) -> Scope {
    let inside = |range: &std::ops::Range<usize>| range.start <= offset && offset < range.end;
    if document
        .front_matter
        .as_ref()
        .is_some_and(|front| inside(&front.range))
    {
        return Scope::FrontMatter;
    }
    if document.html_comments.iter().any(inside) {
        return Scope::HtmlComment;
    }
    if document
        .code_blocks
        .iter()
        .any(|block| inside(&block.range))
    {
        return Scope::CodeBlock;
    }
    if document.code_spans.iter().any(inside) {
        return Scope::CodeSpan;
    }
    for link in &document.links {
        if link.destination_range.as_ref().is_some_and(inside) {
            return Scope::LinkTarget;
        }
        if inside(&link.range) {
            return Scope::LinkText;
        }
    }
    if document
        .headings
        .iter()
        .any(|heading| inside(&heading.range))
    {
        return Scope::Heading;
    }
    Scope::Prose
}
