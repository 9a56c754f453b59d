//! Reading an archetype's interface out of the doctrine its agent reads: the field lists
//! of its handoff and output contracts, the steps that delegate, and its pipeline edges.
//!
//! Field names are the code spans an entry starts with (`` `plan_path`: the plan ``); an
//! archetype is delegated to where a code span follows `delegate` or `invoke`
//! (`` Delegate `test-implementer` with ``). Nothing here is a second copy of the doctrine.

use std::ops::Range;
use std::path::Path;

use renkei_model::Document;
use renkei_model::markdown::Heading;

use super::{
    Call, Declared, Edge, Interface, Mention, MentionKind, Name, Pipeline, Place, Written,
};
use crate::config::Term;
use crate::text::name_key;

/// Where a callee lists the fields it requires.
const INPUT_SECTIONS: &[&str] = &[
    "Required Input Fields",
    "Required Inputs",
    "Required Input",
    "Input Fields",
    "Inputs",
];

/// Where a callee lists what it returns, in its output contract (and, for the failed
/// validation shape, the handoff contract's `Return Contract`).
pub(crate) const RETURN_SECTIONS: &[&str] = &[
    "Return Fields",
    "Returned Fields",
    "Return Value",
    "Return Values",
    "Stage Completion Fields",
    "Completion Fields",
    "Required Fields",
    "Output Fields",
    "Stage Outcome",
    "Outcome",
    "Required Report Contents",
];

/// The label a delegating step puts before the list of fields its gate reads.
const READ_LABELS: &[&str] = &[
    "Required return fields",
    "Required returns",
    "Required return",
    "Expected return fields",
    "Return fields",
    "Reads",
];

/// Sections that list the archetypes a leader delegates to.
const DELEGATION_SETS: &[&str] = &[
    "Member Delegation Set",
    "Specialist Delegation Set",
    "Delegation Set",
    "Members",
    "Specialists",
    "Delegates",
];

/// The files a caller states its delegations in.
const CALLER_FILES: &[&str] = &[
    "doctrine/process.md",
    "doctrine/orchestration.md",
    "doctrine/handoff-contract.md",
];

/// Every file an interface is read from.
pub(crate) const INTERFACE_FILES: &[&str] = &[
    "doctrine/process.md",
    "doctrine/orchestration.md",
    "doctrine/handoff-contract.md",
    "doctrine/output-contract.md",
    "doctrine/pipeline.md",
];

const HANDOFF: &str = "doctrine/handoff-contract.md";
const OUTPUT: &str = "doctrine/output-contract.md";
const PIPELINE: &str = "doctrine/pipeline.md";

/// The section names and labels above as terms, built once: every archetype's every
/// heading is compared with them.
struct Vocabulary {
    inputs: Vec<Term>,
    returns: Vec<Term>,
    return_shapes: Vec<Term>,
    reads: Vec<Term>,
    delegation_sets: Vec<Term>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    let terms = |names: &[&str]| names.iter().map(|name| Term::new(*name)).collect();
    VOCABULARY.get_or_init(|| Vocabulary {
        inputs: terms(INPUT_SECTIONS),
        returns: terms(RETURN_SECTIONS),
        return_shapes: terms(&["Return Contract", "Return Shapes", "Returns"]),
        reads: terms(READ_LABELS),
        delegation_sets: terms(DELEGATION_SETS),
    })
}

/// The terms of [`RETURN_SECTIONS`].
pub(crate) fn return_sections() -> &'static [Term] {
    &vocabulary().returns
}

/// Reads one archetype's interface from its doctrine documents, each given by its path
/// relative to the archetype folder.
pub(crate) fn read(name: &str, stage: &str, dir: &Path, files: &[(&str, &Document)]) -> Interface {
    let opened: Vec<File> = files
        .iter()
        .map(|(relative, doc)| File::new(dir, relative, doc))
        .collect();
    let file = |relative: &str| opened.iter().find(|file| file.relative == relative);
    let inputs = file(HANDOFF).and_then(|handoff| {
        let heading = handoff.section(&vocabulary().inputs)?;
        // `## Inputs` with `### Required` and `### Optional` under it: only the optional
        // fields are not required.
        let optional: Vec<Range<usize>> = handoff
            .doc
            .outline
            .headings
            .iter()
            .filter(|sub| {
                sub.level > heading.level
                    && heading.section.contains(&sub.range.start)
                    && sub.text.to_ascii_lowercase().contains("optional")
            })
            .map(|sub| sub.section.clone())
            .collect();
        let names = handoff
            .fields_in(handoff.whole(heading))
            .into_iter()
            .filter(|name| {
                !optional
                    .iter()
                    .any(|range| range.contains(&name.place.range.start))
            })
            .collect();
        Some(Declared {
            place: handoff.place(heading.range.clone()),
            names,
        })
    });
    let returns = file(OUTPUT).map(|output| {
        // Whatever the output contract names in backticks it returns, in a list, a table
        // or a sentence (`... returns `plan_path`, `test_commit_hashes[]` and ...`): reading
        // more than the field lists only ever spares a finding.
        let failed_shape = file(HANDOFF).and_then(|handoff| {
            let heading = handoff.section(&vocabulary().return_shapes)?;
            Some(handoff.fields_in(handoff.whole(heading)))
        });
        let named = output
            .identifiers(0..output.doc.source.len())
            .map(|(text, _)| text.to_string());
        let mut seen = std::collections::BTreeSet::new();
        let written = named
            .chain(failed_shape.into_iter().flatten().map(|name| name.name))
            .map(|name| Written {
                key: name_key(&name),
                name,
            })
            .filter(|written| seen.insert(written.key.clone()))
            .collect();
        (output.place(0..0), written)
    });
    let mut calls = Vec::new();
    let mut mentions = Vec::new();
    for caller in CALLER_FILES.iter().filter_map(|relative| file(relative)) {
        let delegated = caller.verb_led();
        caller.calls(name, &delegated, &mut calls);
        caller.mentions(delegated, &mut mentions);
    }
    let pipeline = file(PIPELINE).map(File::pipeline);
    Interface {
        name: name.to_string(),
        stage: stage.to_string(),
        inputs,
        returns,
        calls,
        mentions,
        pipeline,
    }
}

/// One document and where it lives, for places.
pub(crate) struct File<'d> {
    relative: &'d str,
    path: std::sync::Arc<Path>,
    doc: &'d Document,
    /// Each heading's [`crate::text::name_key`], computed once.
    heading_keys: Vec<String>,
}

impl<'d> File<'d> {
    pub(crate) fn new(dir: &Path, relative: &'d str, doc: &'d Document) -> Self {
        Self {
            relative,
            path: dir.join(relative).into(),
            doc,
            heading_keys: doc
                .outline
                .headings
                .iter()
                .map(|heading| name_key(&heading.text))
                .collect(),
        }
    }

    pub(crate) fn place(&self, range: Range<usize>) -> Place {
        let lines = self.doc.lines();
        Place {
            path: self.path.clone(),
            start: lines.position(&self.doc.source, range.start),
            end: lines.position(&self.doc.source, range.end),
            range,
        }
    }

    /// The first heading that is one of `names`, trying the names in order.
    pub(crate) fn section(&self, names: &[Term]) -> Option<&'d Heading> {
        names.iter().find_map(|term| {
            let index = self
                .heading_keys
                .iter()
                .position(|key| term.matches_key(key))?;
            self.doc.outline.headings.get(index)
        })
    }

    /// A heading's section, subsections included.
    pub(crate) fn whole(&self, heading: &Heading) -> Range<usize> {
        heading.range.end..heading.section.end
    }

    /// A heading's own text, up to the next heading of any level.
    fn own(&self, heading: &Heading) -> Range<usize> {
        let end = self
            .doc
            .outline
            .headings
            .iter()
            .map(|next| next.range.start)
            .find(|&start| start >= heading.range.end)
            .unwrap_or(self.doc.source.len());
        heading.range.end..end
    }

    /// Every field of the sections `names` select, each once.
    pub(crate) fn fields_of_sections(&self, names: &[Term]) -> Vec<Name> {
        let mut found: Vec<Name> = Vec::new();
        for (heading, key) in self.doc.outline.headings.iter().zip(&self.heading_keys) {
            if names.iter().any(|term| term.matches_key(key)) {
                for field in self.fields_in(self.whole(heading)) {
                    if !found.iter().any(|seen| seen.key == field.key) {
                        found.push(field);
                    }
                }
            }
        }
        found
    }

    /// The fields listed inside `range`: list items, table rows and paragraph lines that
    /// start with a field name in backticks followed by a colon, a remark or nothing.
    pub(crate) fn fields_in(&self, range: Range<usize>) -> Vec<Name> {
        let inside = |block: &Range<usize>| range.start <= block.start && block.end <= range.end;
        let mut entries: Vec<Range<usize>> = Vec::new();
        entries.extend(
            self.doc
                .lists
                .iter()
                .flat_map(|list| &list.items)
                .map(|item| item.range.clone())
                .filter(inside),
        );
        entries.extend(
            self.doc
                .tables
                .iter()
                .flat_map(|table| &table.rows)
                .filter(|row| !row.header)
                .filter_map(|row| row.cells.first())
                .map(|cell| cell.range.clone())
                .filter(inside),
        );
        entries.extend(
            self.doc
                .paragraphs
                .iter()
                .filter(|paragraph| inside(&paragraph.range))
                .flat_map(|paragraph| paragraph.lines().map(|(line, _)| line)),
        );
        entries.sort_by_key(|entry| entry.start);
        // An entry inside another (`base` and `head` nested under `commit_range`) details
        // that field; it is not a field of the list.
        let mut outer_end = 0;
        entries.retain(|entry| {
            let nested = entry.start < outer_end && entry.end <= outer_end;
            if !nested {
                outer_end = entry.end;
            }
            !nested
        });
        let mut names: Vec<Name> = Vec::new();
        for entry in entries {
            for name in self.lead(&entry) {
                if !names
                    .iter()
                    .any(|seen| seen.place.start == name.place.start)
                {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The field names an entry starts with: `` `a`, `b[]` and `c`: ... `` gives three.
    fn lead(&self, entry: &Range<usize>) -> Vec<Name> {
        let source = &self.doc.source;
        let mut names = Vec::new();
        let mut at = entry.start;
        for span in self.code_spans(entry.clone()) {
            let gap = &source[at..span.start];
            let separator = if names.is_empty() {
                is_marker(gap)
            } else {
                is_separator(gap)
            };
            if !separator {
                break;
            }
            let Some(text) = identifier(&source[span.clone()]) else {
                break;
            };
            names.push(self.name(text, span.clone()));
            at = span.end;
        }
        let rest = source[at..entry.end].trim_start();
        let ends_lead = rest.is_empty()
            || rest.starts_with([':', '(', '—', '–'])
            || rest.starts_with("- ")
            || rest.starts_with("**:")
            || rest.starts_with("*:");
        if ends_lead { names } else { Vec::new() }
    }

    fn name(&self, text: &str, range: Range<usize>) -> Name {
        Name {
            key: name_key(text),
            name: text.to_string(),
            place: self.place(range),
        }
    }

    fn code_spans(&self, range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        let spans = &self.doc.outline.code_spans;
        // Spans are in document order: the ones inside `range` are a run of them.
        let first = spans.partition_point(|span| span.start < range.start);
        spans[first..]
            .iter()
            .take_while(move |span| span.start < range.end)
            .filter(move |span| span.end <= range.end)
            .cloned()
    }

    /// The code spans inside `range` that are field or archetype names, with the name.
    fn identifiers(&self, range: Range<usize>) -> impl Iterator<Item = (&str, Range<usize>)> + '_ {
        self.code_spans(range)
            .filter_map(|span| Some((identifier(&self.doc.source[span.clone()])?, span)))
    }

    /// The steps of this file that delegate, each with what it passes and what its gate
    /// reads. A step delegates to the archetype its text first names after `delegate` or
    /// `invoke`, or to the one its heading names in backticks (`## Payload for
    /// `execution-lead``).
    fn calls(&self, own_name: &str, groups: &[(MentionKind, Vec<Name>)], calls: &mut Vec<Call>) {
        for heading in &self.doc.outline.headings {
            let body = self.own(heading);
            let by_text = groups.iter().find(|(_, group)| {
                group
                    .first()
                    .is_some_and(|name| body.contains(&name.place.range.start))
            });
            let (callees, kind, by_heading) = match by_text {
                Some((kind, group)) => (group.clone(), *kind, false),
                // A heading that names an archetype (`## Payload for `execution-lead``) is
                // a delegation only when its section lists fields: `## Return to `x`` is not.
                None => match self.identifiers(heading.range.clone()).next() {
                    Some((text, span)) if !self.fields_in(body.clone()).is_empty() => {
                        (vec![self.name(text, span)], MentionKind::Delegated, true)
                    }
                    _ => continue,
                },
            };
            // What the step passes and reads may sit in its subsections (`### Inputs`).
            let body = self.whole(heading);
            let callees: Vec<Name> = callees
                .into_iter()
                .filter(|callee| callee.name != own_name)
                .collect();
            if callees.is_empty() {
                continue;
            }
            let step = calls.last().map_or(0, |call: &Call| call.step + 1);
            let reads = self.reads(body.clone());
            let mut seen = std::collections::BTreeSet::new();
            let passed: Vec<Written> = self
                .identifiers(body)
                .filter(|(_, span)| !reads.iter().any(|read| read.place.range == *span))
                .filter_map(|(name, _)| {
                    let key = name_key(name);
                    let callee = callees.iter().any(|callee| callee.key == key);
                    (!callee && seen.insert(key.clone())).then(|| Written {
                        name: name.to_string(),
                        key,
                    })
                })
                .collect();
            for callee in callees {
                calls.push(Call {
                    callee: callee.name,
                    place: callee.place,
                    by_heading,
                    invoked: kind == MentionKind::Invoked,
                    step,
                    passed: passed.clone(),
                    reads: reads.clone(),
                });
            }
        }
    }

    /// The fields of the list that follows a `Required return fields:` label in `range`,
    /// or that the label's own line lists.
    fn reads(&self, range: Range<usize>) -> Vec<Name> {
        let labels = &vocabulary().reads;
        let mut reads = Vec::new();
        for paragraph in &self.doc.paragraphs {
            if !(range.start <= paragraph.range.start && paragraph.range.end <= range.end) {
                continue;
            }
            for (line, text) in paragraph.lines() {
                let Some((label, _)) = text.split_once(':') else {
                    continue;
                };
                if !labels.iter().any(|term| term.matches(label)) {
                    continue;
                }
                reads.extend(
                    self.identifiers(line)
                        .map(|(text, span)| self.name(text, span)),
                );
                let next_list = self
                    .doc
                    .lists
                    .iter()
                    .find(|list| list.range.start >= paragraph.range.end)
                    .filter(|list| list.range.end <= range.end);
                let between = next_list.map(|list| paragraph.range.end..list.range.start);
                let adjacent =
                    between.is_some_and(|gap| {
                        !self.doc.paragraphs.iter().any(|other| {
                            gap.start <= other.range.start && other.range.end <= gap.end
                        })
                    });
                if let (Some(list), true) = (next_list, adjacent) {
                    for item in &list.items {
                        reads.extend(self.lead(&item.range));
                    }
                }
            }
        }
        reads
    }

    /// The names that follow `delegate` or `invoke` in the file's paragraphs and list
    /// items, in order, each group with its verb: one pass, shared by the delegating
    /// steps and the mentions.
    fn verb_led(&self) -> Vec<(MentionKind, Vec<Name>)> {
        let source = &self.doc.source;
        let mut blocks: Vec<Range<usize>> = self
            .doc
            .paragraphs
            .iter()
            .map(|paragraph| paragraph.range.clone())
            .chain(
                self.doc
                    .lists
                    .iter()
                    .flat_map(|list| &list.items)
                    .map(|item| item.range.clone()),
            )
            .collect();
        blocks.sort_by_key(|block| block.start);
        let mut groups: Vec<(MentionKind, Vec<Name>)> = Vec::new();
        let mut previous_end = 0;
        // `Delegate `a` and `b`` delegates to both: a name joined to a delegated one by
        // `and` or a comma is delegated too.
        let mut chained = false;
        for span in &self.doc.outline.code_spans {
            // The innermost paragraph or item the span is in: the last to start before it
            // that holds it.
            let candidates = blocks.partition_point(|block| block.start <= span.start);
            let Some(block) = blocks[..candidates]
                .iter()
                .rev()
                .find(|block| span.end <= block.end)
            else {
                chained = false;
                continue;
            };
            let from = previous_end.max(block.start);
            if previous_end < block.start {
                chained = false;
            }
            let gap = &source[from..span.start];
            let led = follows_verb(gap);
            let joined = chained && is_separator(gap);
            previous_end = span.end;
            chained = false;
            if !(led.is_some() || joined) {
                continue;
            }
            let Some(text) = identifier(&source[span.clone()]) else {
                continue;
            };
            let name = self.name(text, span.clone());
            match (led, groups.last_mut()) {
                (Some(kind), _) => groups.push((kind, vec![name])),
                (None, Some((_, group))) => group.push(name),
                (None, None) => continue,
            }
            chained = true;
        }
        groups
    }

    /// The archetypes this file names as delegated to: after `delegate` or `invoke`, and
    /// in a delegation set's list.
    fn mentions(&self, delegated: Vec<(MentionKind, Vec<Name>)>, mentions: &mut Vec<Mention>) {
        for (kind, names) in delegated {
            for name in names {
                mentions.push(Mention {
                    name: name.name,
                    place: name.place,
                    kind,
                });
            }
        }
        for name in self.fields_of_sections(&vocabulary().delegation_sets) {
            mentions.push(Mention {
                name: name.name,
                place: name.place,
                kind: MentionKind::Member,
            });
        }
    }

    /// The pipeline this file draws: its edges, lines of a code block or of a paragraph
    /// made only of archetype names and arrows, `a -> b -> c` (`→`, `─►`, `=>` too), with
    /// `a -> b + c` for a fork (a line with anything else on it is prose or a flow of
    /// steps, not edges); and the names of each such line, in order, since `a -> b -> c`
    /// says that `a` comes before `c` too.
    fn pipeline(&self) -> Pipeline {
        let mut edges = Vec::new();
        let mut chains = Vec::new();
        for groups in self.edge_lines().filter_map(|line| self.edge_line(line)) {
            for pair in groups.windows(2) {
                for (from, from_place) in &pair[0] {
                    for (to, to_place) in &pair[1] {
                        edges.push(Edge {
                            from: from.clone(),
                            to: to.clone(),
                            from_place: from_place.clone(),
                            to_place: to_place.clone(),
                        });
                    }
                }
            }
            chains.push(groups.into_iter().flatten().map(|(name, _)| name).collect());
        }
        Pipeline {
            place: self.place(0..0),
            edges,
            chains,
        }
    }

    /// The lines that may hold edges: those of code blocks and of paragraphs.
    fn edge_lines(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let source = &self.doc.source;
        let in_blocks = self.doc.outline.code_blocks.iter().flat_map(move |block| {
            let mut offset = block.range.start;
            source[block.range.clone()]
                .split_inclusive('\n')
                .map(move |line| {
                    let start = offset;
                    offset += line.len();
                    start..start + line.trim_end_matches(['\n', '\r']).len()
                })
        });
        let in_paragraphs = self
            .doc
            .paragraphs
            .iter()
            .flat_map(|paragraph| paragraph.lines().map(|(line, _)| line));
        in_blocks.chain(in_paragraphs)
    }

    /// The groups of names a line of edges joins by arrows, or `None` for any other line.
    fn edge_line(&self, line: Range<usize>) -> Option<Vec<Vec<(String, Place)>>> {
        let text = &self.doc.source[line.clone()];
        // Every arrow ends in one of these: most lines of prose are left at once.
        if !text.contains(['>', '►', '▶', '→', '⟶']) {
            return None;
        }
        // A remark after the last name (`a -> b (invocation)`) is not part of the edge.
        let text = match text.trim_end().strip_suffix(')').and_then(|t| t.rfind('(')) {
            Some(open) => &text[..open],
            None => text,
        };
        let mut parts: Vec<Range<usize>> = Vec::new();
        let mut start = 0;
        let mut at = 0;
        while at < text.len() {
            match arrow_at(&text[at..]) {
                Some(length) => {
                    parts.push(start..at);
                    at += length;
                    start = at;
                }
                None => at += text[at..].chars().next().map_or(1, char::len_utf8),
            }
        }
        parts.push(start..text.len());
        if parts.len() < 2 {
            return None;
        }
        let mut groups = Vec::new();
        for part in parts {
            let mut group = Vec::new();
            let mut node_start = part.start;
            for node in text[part.clone()].split('+') {
                let lead = node.len() - node.trim_start().len();
                let written = node.trim();
                let name = written.trim_matches('`');
                let name = name.strip_prefix('/').unwrap_or(name);
                if !(identifier_text(name) && renkei_model::name::validate_skill_name(name).is_ok())
                {
                    return None;
                }
                let offset = line.start
                    + node_start
                    + lead
                    + (written.len() - written.trim_start_matches(['`', '/']).len());
                group.push((name.to_string(), self.place(offset..offset + name.len())));
                node_start += node.len() + 1;
            }
            groups.push(group);
        }
        Some(groups)
    }
}

/// The length of the arrow `text` starts with, if it starts with one: a run of `-`, `─`,
/// `=` or `—` ending in `>`, `►` or `▶` (`->`, `-->`, `──►`, `=>`), or `→`, `⟶`.
fn arrow_at(text: &str) -> Option<usize> {
    if let Some(arrow) = ["→", "⟶"].iter().find(|arrow| text.starts_with(**arrow)) {
        return Some(arrow.len());
    }
    let shaft: usize = text
        .chars()
        .take_while(|c| matches!(c, '-' | '─' | '=' | '—' | '–'))
        .map(char::len_utf8)
        .sum();
    let head = text[shaft..].chars().next()?;
    (shaft > 0 && matches!(head, '>' | '►' | '▶')).then(|| shaft + head.len_utf8())
}

/// The text of a code span (backticks and the spaces inside them removed) when it is a
/// field or archetype name: `plan_path`, `test_spec_paths[]`, `test-implementer`.
fn identifier(span: &str) -> Option<&str> {
    let text = span.trim_matches('`').trim();
    // `/test-implementer` is how a skill is invoked by name.
    let text = text.strip_prefix('/').unwrap_or(text);
    identifier_text(text).then_some(text)
}

fn identifier_text(text: &str) -> bool {
    let base = text.strip_suffix("[]").unwrap_or(text);
    let mut chars = base.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && base.len() <= 64
}

/// Whether the text before an entry's first code span is only its list marker or number.
fn is_marker(gap: &str) -> bool {
    gap.trim()
        .trim_start_matches(['-', '*', '+'])
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['.', ')'])
        .trim()
        .trim_matches(['*', '_', '|'])
        .trim()
        .is_empty()
}

/// Whether the text between two code spans of a lead only joins them (`, `, ` and `).
fn is_separator(gap: &str) -> bool {
    let words = gap.trim().trim_matches([',', '/', '+', '&']).trim();
    words.is_empty() || matches!(words, "and" | "or" | ", and" | ", or")
}

/// The verb `before` ends with when it delegates (`Delegate `, `invokes `, `delegated to `),
/// unless a negation comes right before it (`never invoke `, `do not delegate to `).
fn follows_verb(before: &str) -> Option<MentionKind> {
    let text = before.trim_end().to_ascii_lowercase();
    let text = text.strip_suffix(" to").unwrap_or(&text);
    let mut words = text
        .rsplit(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '\''))
        .filter(|word| !word.is_empty());
    let word = words.next().unwrap_or("");
    let word = word.strip_prefix("re-").unwrap_or(word);
    let word = word
        .strip_prefix("re")
        .filter(|w| w.starts_with("delegat"))
        .unwrap_or(word);
    // `Before invoking `x`` is about the delegation, not one: the -ing forms do not count.
    let kind = match word {
        "delegate" | "delegates" | "delegated" => MentionKind::Delegated,
        "invoke" | "invokes" | "invoked" => MentionKind::Invoked,
        _ => return None,
    };
    let negated = words.take(2).any(|word| {
        matches!(
            word,
            "never" | "not" | "don't" | "cannot" | "can't" | "won't" | "no" | "nor"
        )
    });
    (!negated).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verb_leads_a_delegation_and_other_words_do_not() {
        assert_eq!(follows_verb("Delegate "), Some(MentionKind::Delegated));
        assert_eq!(
            follows_verb("then re-delegate "),
            Some(MentionKind::Delegated)
        );
        assert_eq!(
            follows_verb("is delegated to "),
            Some(MentionKind::Delegated)
        );
        assert_eq!(follows_verb("Invoke "), Some(MentionKind::Invoked));
        assert_eq!(follows_verb("Before invoking "), None);
        assert_eq!(follows_verb("goes back to "), None);
        assert_eq!(follows_verb("Delegate every specialist, and "), None);
        assert_eq!(follows_verb("Never invoke "), None);
        assert_eq!(follows_verb("Members are not delegated to "), None);
        assert_eq!(follows_verb("Do not delegate "), None);
    }

    #[test]
    fn names_are_identifiers_in_backticks() {
        assert_eq!(identifier("`test_spec_paths[]`"), Some("test_spec_paths[]"));
        assert_eq!(identifier("`test-implementer`"), Some("test-implementer"));
        assert_eq!(identifier("`/test-implementer`"), Some("test-implementer"));
        assert_eq!(identifier("`Task(subagent_type=\"general\")`"), None);
        assert_eq!(identifier("`cargo test`"), None);
    }
}
