//! What the server answers besides diagnostics: its capabilities, code actions, hover and
//! links. Each works from the open buffer and the findings last published for it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentLink,
    DocumentLinkParams, GotoDefinitionParams, Hover, HoverContents, HoverParams, Location,
    MarkupContent, MarkupKind, Position, Range, TextEdit, WorkspaceEdit,
};
use renkei_model::markdown::Outline;
use renkei_model::read::MAX_SOURCE_FILE_BYTES;
use serde_json::Value;

use super::diagnose::{Doc, Found};
use super::text::{Encoding, Lines};
use super::uri::{path_of, uri_of};
use crate::session::{Options, Session};

/// The code action kind of "fix all": under `source.fixAll`, where editors look for an
/// action to run on save.
const FIX_ALL: &str = "source.fixAll.renkei";

/// What the server offers, in the encoding it settled on.
pub(crate) fn capabilities(encoding: Encoding) -> lsp_types::ServerCapabilities {
    use lsp_types::{
        CodeActionOptions, CodeActionProviderCapability, DocumentLinkOptions,
        HoverProviderCapability, OneOf, SaveOptions, TextDocumentSyncCapability,
        TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    };
    lsp_types::ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        }),
        ..lsp_types::ServerCapabilities::default()
    }
}

/// The findings last published for `path`.
fn found_in<'f>(
    found: &'f BTreeMap<Option<PathBuf>, Vec<Found>>,
    path: &'f Path,
) -> impl Iterator<Item = &'f Found> {
    found
        .values()
        .flatten()
        .filter(move |found| found.path == path)
}

fn overlaps(a: Range, b: Range) -> bool {
    let key = |position: Position| (position.line, position.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

fn contains(range: Range, position: Position) -> bool {
    overlaps(range, Range::new(position, position))
}

fn edit(uri: &lsp_types::Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The quick fixes and suppressions of the findings in the requested range, and "fix all"
/// for the file, as far as the request's `only` kinds allow.
pub(crate) fn code_actions(
    params: &CodeActionParams,
    docs: &BTreeMap<PathBuf, Doc>,
    found: &BTreeMap<Option<PathBuf>, Vec<Found>>,
    encoding: Encoding,
) -> Value {
    let uri = &params.text_document.uri;
    let Some(path) = path_of(uri) else {
        return Value::Array(Vec::new());
    };
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str()
                    || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
            })
        })
    };
    let text = docs
        .get(&path)
        .map(|doc| doc.text.as_str())
        .filter(|text| text.len() as u64 <= MAX_SOURCE_FILE_BYTES);
    let mut actions = Vec::new();
    for found in
        found_in(found, &path).filter(|found| overlaps(found.diagnostic.range, params.range))
    {
        let rule = match &found.diagnostic.code {
            Some(lsp_types::NumberOrString::String(rule)) => rule.as_str(),
            _ => continue,
        };
        if let Some(fix) = &found.fix
            && wanted(&CodeActionKind::QUICKFIX)
        {
            let title = if fix.is_empty() {
                format!("Remove the text ({rule})")
            } else {
                format!("Replace with `{fix}` ({rule})")
            };
            actions.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![found.diagnostic.clone()]),
                edit: Some(edit(
                    uri,
                    vec![TextEdit::new(found.diagnostic.range, fix.clone())],
                )),
                is_preferred: Some(true),
                ..CodeAction::default()
            });
        }
        if found.suppressible
            && wanted(&CodeActionKind::QUICKFIX)
            && let Some(insert) = text.and_then(|text| {
                suppression(text, found.diagnostic.range.start.line, rule, encoding)
            })
        {
            actions.push(CodeAction {
                title: format!("Suppress {rule} on this line"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![found.diagnostic.clone()]),
                edit: Some(edit(uri, vec![insert])),
                ..CodeAction::default()
            });
        }
    }
    if wanted(&CodeActionKind::new(FIX_ALL)) {
        let mut fixes: Vec<&Found> = found_in(found, &path)
            .filter(|found| found.fix.is_some())
            .collect();
        fixes.sort_by_key(|found| {
            let start = found.diagnostic.range.start;
            (start.line, start.character)
        });
        let mut edits: Vec<TextEdit> = Vec::new();
        for found in fixes {
            let range = found.diagnostic.range;
            // Two fixes of one place cannot both apply; the first wins, and the run after
            // the edit reports what is left.
            if edits.last().is_some_and(|last| overlaps(last.range, range)) {
                continue;
            }
            edits.push(TextEdit::new(range, found.fix.clone().unwrap_or_default()));
        }
        if !edits.is_empty() {
            actions.push(CodeAction {
                title: "Fix all renkei findings in this file".to_string(),
                kind: Some(CodeActionKind::new(FIX_ALL)),
                edit: Some(edit(uri, edits)),
                ..CodeAction::default()
            });
        }
    }
    serde_json::to_value(
        actions
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect::<Vec<_>>(),
    )
    .unwrap_or(Value::Null)
}

/// The edit that puts `<!-- renkei-disable-next-line RULE -->` before 0-based `line`
/// without changing what the Markdown renders, by what the parser makes of the line
/// break before it: where the line runs on from the one before (a paragraph's soft break,
/// one tight list item after another), the comment goes at the end of that line, inline;
/// where the line before is blank or ends a block (a heading, a fence, a rule, a table),
/// on a line of its own. Anywhere else (after a hard break, inside a code span or block,
/// in front matter, on a table row) no place is safe, and there is no such action.
fn suppression(text: &str, line: u32, rule: &str, encoding: Encoding) -> Option<TextEdit> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let lines = Lines::new(text);
    let start = lines.offset(Position::new(line, 0), encoding);
    let end = lines.offset(Position::new(line, u32::MAX), encoding);
    let content = &text[start..end];
    if content.trim_start().starts_with('|')
        || renkei_model::markdown::front_matter(text).is_some_and(|front| front.range.end > start)
    {
        return None;
    }
    let comment = format!("<!-- renkei-disable-next-line {rule} -->");
    let indent = &content[..content.len() - content.trim_start().len()];
    let own_line = TextEdit::new(
        Range::new(Position::new(line, 0), Position::new(line, 0)),
        format!("{indent}{comment}\n"),
    );
    let previous = line.checked_sub(1);
    let previous_start = previous.map_or(0, |previous| {
        lines.offset(Position::new(previous, 0), encoding)
    });
    let previous_end = previous.map_or(0, |previous| {
        lines.offset(Position::new(previous, u32::MAX), encoding)
    });
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_ext(text, renkei_model::markdown::PARSER_OPTIONS)
            .into_offset_iter()
            .skip_while(|(_, range)| range.end < previous_start)
            .take_while(|(_, range)| range.start <= end)
            .collect();
    // In a code block or raw HTML a comment is text, not a suppression; an indented
    // block starts after its line's indent.
    let in_block = events.iter().any(|(event, range)| {
        range.start <= end
            && range.end > start
            && matches!(event, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock))
    });
    if in_block {
        return None;
    }
    let before = text[previous_start..previous_end].trim();
    let after_front_matter = renkei_model::markdown::front_matter(text)
        .is_some_and(|front| front.range.contains(&previous_start));
    if previous.is_none() || before.is_empty() || after_front_matter {
        return Some(own_line);
    }
    // A suppression of the line already there names one rule more, rather than being
    // pushed off its line by a second.
    if before.starts_with("<!-- renkei-disable-next-line") && before.ends_with("-->") {
        let close = previous_start + text[previous_start..previous_end].rfind("-->")?;
        let at = lines.position(close, encoding);
        let spaced = if text[..close].ends_with(' ') {
            ""
        } else {
            " "
        };
        return Some(TextEdit::new(
            Range::new(at, at),
            format!("{spaced}{rule} "),
        ));
    }
    let inline = TextEdit::new(
        Range::new(
            lines.position(previous_end, encoding),
            lines.position(previous_end, encoding),
        ),
        format!(" {comment}"),
    );
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::SoftBreak if range.end == start => return Some(inline),
            Event::Text(_) if range.end == previous_end => {
                let next = events.get(index + 1).map(|(event, _)| event);
                if matches!(next, Some(Event::End(TagEnd::Paragraph | TagEnd::Item))) {
                    return Some(inline);
                }
            }
            _ => {}
        }
    }
    let ends_a_block = events.iter().any(|(event, range)| {
        range.end >= previous_end
            && range.end <= start
            && matches!(
                event,
                Event::Rule
                    | Event::End(
                        TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Table | TagEnd::HtmlBlock
                    )
            )
    });
    ends_a_block.then_some(own_line)
}

/// The explanation of the rule of the finding under the cursor, as `renkei explain`
/// prints it.
pub(crate) fn hover(
    params: &HoverParams,
    docs: &BTreeMap<PathBuf, Doc>,
    found: &BTreeMap<Option<PathBuf>, Vec<Found>>,
) -> Value {
    let place = &params.text_document_position_params;
    let Some(path) = path_of(&place.text_document.uri) else {
        return Value::Null;
    };
    let Some(under) =
        found_in(found, &path).find(|found| contains(found.diagnostic.range, place.position))
    else {
        return Value::Null;
    };
    let Some(lsp_types::NumberOrString::String(rule)) = &under.diagnostic.code else {
        return Value::Null;
    };
    let options = Options {
        root: super::root_of(&path),
        config: None,
        root_optional: true,
    };
    // An unsaved `renkei.yaml` names the rules as the findings were found.
    let Ok(session) = Session::open_over(Arc::new(super::diagnose::overlay(docs)), &options) else {
        return Value::Null;
    };
    let Ok(catalog) = session.catalog() else {
        return Value::Null;
    };
    let Some(entry) = catalog.iter().find(|entry| entry.meta.id == rule.as_str()) else {
        return Value::Null;
    };
    let mut explained = Vec::new();
    if crate::output::rules::print_explanation(&mut explained, entry).is_err() {
        return Value::Null;
    }
    serde_json::to_value(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::PlainText,
            value: String::from_utf8_lossy(&explained).into_owned(),
        }),
        range: Some(under.diagnostic.range),
    })
    .unwrap_or(Value::Null)
}

/// A relative link to a file that is there: where the whole link is written, where its
/// destination is, the file, and the fragment.
struct FileLink {
    whole: Range,
    destination: Range,
    target: PathBuf,
    fragment: Option<String>,
}

/// The relative links of the buffer at `uri` to files that are there.
fn links_to_files(
    uri: &lsp_types::Uri,
    docs: &BTreeMap<PathBuf, Doc>,
    encoding: Encoding,
) -> Vec<FileLink> {
    let Some(path) = path_of(uri) else {
        return Vec::new();
    };
    // A buffer over the limit is one finding and nothing else, as it is for the CLI.
    let Some(doc) = docs
        .get(&path)
        .filter(|doc| doc.text.len() as u64 <= MAX_SOURCE_FILE_BYTES)
    else {
        return Vec::new();
    };
    let Ok(outline) = Outline::parse(&doc.text) else {
        return Vec::new();
    };
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let lines = Lines::new(&doc.text);
    outline
        .links
        .iter()
        .filter_map(|link| {
            let written = link.destination_range.clone()?;
            let (target, fragment) = renkei_model::links::relative_path(&link.destination)?;
            let target = renkei_model::path::lexical(&dir.join(target.as_ref()));
            let there = docs.contains_key(&target) || target.exists();
            there.then(|| FileLink {
                whole: lines.range(&link.range, encoding),
                destination: lines.range(&written, encoding),
                target,
                fragment: fragment.map(str::to_string),
            })
        })
        .collect()
}

/// Where the relative link under the cursor leads: the file, at the heading its fragment
/// names when there is one.
pub(crate) fn definition(
    params: &GotoDefinitionParams,
    docs: &BTreeMap<PathBuf, Doc>,
    encoding: Encoding,
) -> Value {
    let place = &params.text_document_position_params;
    let Some(FileLink {
        target, fragment, ..
    }) = links_to_files(&place.text_document.uri, docs, encoding)
        .into_iter()
        .find(|link| contains(link.whole, place.position))
    else {
        return Value::Null;
    };
    let Some(uri) = uri_of(&target) else {
        return Value::Null;
    };
    let text = match docs.get(&target) {
        Some(doc) => Some(doc.text.clone()),
        None => super::diagnose::disk_text(&target),
    };
    let at = fragment
        .zip(text)
        .and_then(|(fragment, text)| heading_position(&text, &fragment, encoding))
        .unwrap_or_default();
    serde_json::to_value(Location::new(uri, Range::new(at, at))).unwrap_or(Value::Null)
}

/// Where the heading whose anchor is `fragment` starts in the Markdown `text`.
fn heading_position(text: &str, fragment: &str, encoding: Encoding) -> Option<Position> {
    let document = renkei_model::Document::parse(text.to_string()).ok()?;
    let anchors = renkei_assemble::layout::anchors(&document);
    let index = anchors.iter().position(|anchor| anchor == fragment)?;
    let heading = document.outline.headings.get(index)?;
    Some(Lines::new(text).position(heading.range.start, encoding))
}

/// Every relative link of the buffer to a file that is there.
pub(crate) fn document_links(
    params: &DocumentLinkParams,
    docs: &BTreeMap<PathBuf, Doc>,
    encoding: Encoding,
) -> Value {
    let links: Vec<DocumentLink> = links_to_files(&params.text_document.uri, docs, encoding)
        .into_iter()
        .filter_map(|link| {
            Some(DocumentLink {
                range: link.destination,
                target: Some(uri_of(&link.target)?),
                tooltip: None,
                data: None,
            })
        })
        .collect();
    serde_json::to_value(links).unwrap_or(Value::Null)
}
