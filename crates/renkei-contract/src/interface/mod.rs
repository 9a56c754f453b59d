//! Interfaces between archetypes, read from the doctrine the agents read: what a callee
//! requires and returns, what a caller passes and what its gates read, who delegates to
//! whom, and the pipeline each leader draws. The `interface/*` rules compare the two sides
//! of every seam and report each finding at the line on both.
//!
//! An interface is small (names and places), so `check` keeps one per archetype while it
//! streams the archetypes, and compares them once all are read.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use renkei_model::{Archetype, Diagnostic, Document, Position, Related, RuleMeta};

pub mod graph;
mod missing_input;
mod missing_return;
mod pipeline_edge;
pub(crate) mod read;
mod unknown_archetype;

/// Every interface rule, in the order they run.
pub const INTERFACE_RULES: &[RuleMeta] = &[
    missing_input::RULE,
    missing_return::RULE,
    unknown_archetype::RULE,
    pipeline_edge::RULE,
];

/// A place in a doctrine file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, shared by every place in it.
    pub path: Arc<Path>,
    /// Its byte range.
    pub range: Range<usize>,
    /// 1-based start.
    pub start: Position,
    /// 1-based end.
    pub end: Position,
}

/// A field or archetype name as written, with the key names are compared by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// As written, without backticks (`test_spec_paths[]`).
    pub name: String,
    /// What it is compared by (case, `_`/`-` and a trailing `[]` do not count).
    pub key: String,
    /// Where it is written.
    pub place: Place,
}

/// A field name where only its other side is ever reported (a field a step passes, a
/// field a callee returns): the name as written and its key, no place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// As written (`design_refs[]`).
    pub name: String,
    /// What it is compared by.
    pub key: String,
}

/// A list of fields a contract declares, and where the list is.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The section heading (or the file) that holds the list.
    pub place: Place,
    /// The fields.
    pub names: Vec<Name>,
}

/// A step that delegates to another archetype.
#[derive(Debug, Clone)]
pub struct Call {
    /// The archetype delegated to.
    pub callee: String,
    /// Where the step names it.
    pub place: Place,
    /// Whether the step is found by its heading naming the callee (such a step counts only
    /// when the callee is an archetype of the framework: a heading's code span may name
    /// anything).
    pub by_heading: bool,
    /// Whether the step says *invoke* rather than *delegate*: `Invoke `pytest`` may name a
    /// tool, so such a call counts only when the callee is an archetype of the framework.
    pub invoked: bool,
    /// Which delegating step of the archetype this is, from 0 in file order (`process.md`,
    /// then `orchestration.md`, then `handoff-contract.md`); callees delegated in one step
    /// (`Delegate `a` and `b` in parallel`) share it.
    pub step: usize,
    /// The field names the step mentions, as [`crate::text::name_key`]s: what it passes. Only
    /// the other side of a passed field is ever reported, so no place is kept.
    pub passed: Vec<Written>,
    /// The fields its `Required return fields:` list reads back.
    pub reads: Vec<Name>,
}

/// How a name is said to be delegated to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// After `delegate`.
    Delegated,
    /// After `invoke`, which may name a tool as well as an archetype.
    Invoked,
    /// In a delegation set's list.
    Member,
    /// In a pipeline edge.
    Pipeline,
}

/// A name the doctrine gives as an archetype.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The name.
    pub name: String,
    /// Where.
    pub place: Place,
    /// How.
    pub kind: MentionKind,
}

/// `from -> to`, as a pipeline writes it.
#[derive(Debug, Clone)]
pub struct Edge {
    /// Where the edge starts.
    pub from: String,
    /// Where it leads.
    pub to: String,
    /// Where `from` is written.
    pub from_place: Place,
    /// Where `to` is written.
    pub to_place: Place,
}

/// An archetype's `doctrine/pipeline.md`: its edges.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The file.
    pub place: Place,
    /// Every edge, in order.
    pub edges: Vec<Edge>,
    /// The names of each line of edges, in order (`a -> b -> c` puts `a` before `c`).
    pub chains: Vec<Vec<String>>,
}

/// One archetype's side of every seam.
#[derive(Debug, Clone)]
pub struct Interface {
    /// The archetype's name.
    pub name: String,
    /// Its stage folder.
    pub stage: String,
    /// The fields its handoff contract requires.
    pub inputs: Option<Declared>,
    /// The fields its output contract (and the handoff contract's return shapes) return,
    /// and the file.
    pub returns: Option<(Place, Vec<Written>)>,
    /// The steps that delegate.
    pub calls: Vec<Call>,
    /// Every name given as an archetype that is delegated to (pipeline nodes are in
    /// `pipeline`).
    pub mentions: Vec<Mention>,
    /// Its pipeline, when it has one.
    pub pipeline: Option<Pipeline>,
}

impl Interface {
    /// The interface `archetype`'s doctrine states.
    pub fn of(archetype: &Archetype) -> Self {
        // Only the files an interface is stated in are parsed for it.
        let files: Vec<(&str, &Document)> = archetype
            .parts
            .iter()
            .chain(&archetype.shipped)
            .filter(|file| read::INTERFACE_FILES.contains(&file.relative.as_str()))
            .filter_map(|file| Some((file.relative.as_str(), file.document()?)))
            .collect();
        read::read(archetype.name(), &archetype.stage, &archetype.dir, &files)
    }

    /// Whether the doctrine states nothing of this side of any seam: such an interface
    /// changes no comparison, and need not be kept.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_none()
            && self.returns.is_none()
            && self.calls.is_empty()
            && self.mentions.is_empty()
            && self.pipeline.is_none()
    }
}

/// Every interface in a framework, by name, and the names that exist without one.
pub(crate) struct Framework<'a> {
    pub(crate) interfaces: &'a [Interface],
    pub(crate) by_name: BTreeMap<&'a str, &'a Interface>,
    pub(crate) elsewhere: BTreeSet<&'a str>,
}

impl Framework<'_> {
    /// The archetype a call reaches, when it is one of the framework's.
    pub(crate) fn callee(&self, call: &Call) -> Option<&Interface> {
        self.by_name.get(call.callee.as_str()).copied()
    }

    /// Each callee of `caller` with the steps that delegate to it, in order of first call.
    pub(crate) fn calls_by_callee<'i>(
        &self,
        caller: &'i Interface,
    ) -> Vec<(&Interface, Vec<&'i Call>)> {
        let mut grouped: Vec<(&Interface, Vec<&Call>)> = Vec::new();
        for call in &caller.calls {
            let Some(callee) = self.callee(call) else {
                continue;
            };
            match grouped
                .iter_mut()
                .find(|(known, _)| known.name == callee.name)
            {
                Some((_, calls)) => calls.push(call),
                None => grouped.push((callee, vec![call])),
            }
        }
        grouped
    }
}

/// Every finding of the interface rules over `interfaces` (one per archetype of the
/// framework that loaded); `elsewhere` names archetypes that exist without an interface
/// here: those that did not load (their own findings say why) and those that live outside
/// the framework (`check.external` in `renkei.yaml`).
pub fn check_interfaces(interfaces: &[Interface], elsewhere: &[&str]) -> Vec<Diagnostic> {
    let framework = Framework {
        interfaces,
        by_name: interfaces
            .iter()
            .map(|interface| (interface.name.as_str(), interface))
            .collect(),
        elsewhere: elsewhere.iter().copied().collect(),
    };
    let mut findings = missing_input::check(&framework);
    findings.extend(missing_return::check(&framework));
    findings.extend(unknown_archetype::check(&framework));
    findings.extend(pipeline_edge::check(&framework));
    findings.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column, &a.rule).cmp(&(
            &b.path,
            b.start.line,
            b.start.column,
            &b.rule,
        ))
    });
    findings
}

/// A finding of `rule` at `place`.
pub(crate) fn finding(rule: &RuleMeta, place: &Place, message: String) -> Diagnostic {
    Diagnostic {
        rule: rule.id.clone(),
        severity: rule.severity,
        path: place.path.to_path_buf(),
        range: place.range.clone(),
        start: place.start,
        end: place.end,
        message,
        help: None,
        replacements: Vec::new(),
        related: Vec::new(),
    }
}

/// The other side of a finding.
pub(crate) fn related(place: &Place, message: String) -> Related {
    Related {
        path: place.path.to_path_buf(),
        start: place.start,
        end: place.end,
        message,
    }
}

/// The name among `candidates` that `wanted` most likely means, for a `did you mean`:
/// the same words in another form, or a few letters apart.
pub(crate) fn closest<'c>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let wanted_key = crate::text::name_key(wanted);
    let allowed = |length: usize| (wanted_key.len().max(length) / 3).max(1);
    candidates
        .into_iter()
        // Names whose lengths differ by more than the allowed distance cannot be near
        // (keys are the names less `[]`, so two more count).
        .filter(|candidate| candidate.len().abs_diff(wanted.len()) <= allowed(candidate.len()) + 2)
        .map(|candidate| {
            let key = crate::text::name_key(candidate);
            (
                renkei_model::name::edit_distance(&wanted_key, &key),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= allowed(candidate.len()))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::path::Path;

    use super::*;

    /// The interface findings over archetypes written as `(name, relative path, text)`
    /// files, each finding as `rule path:line:column message`, with its notes after `|`.
    pub(crate) fn check(files: &[(&str, &str, &str)], elsewhere: &[&str]) -> String {
        let mut names: Vec<&str> = Vec::new();
        for (name, _, _) in files {
            if !names.contains(name) {
                names.push(name);
            }
        }
        let interfaces: Vec<Interface> = names
            .iter()
            .map(|name| {
                let documents: Vec<(&str, Document)> = files
                    .iter()
                    .filter(|(owner, _, _)| owner == name)
                    .map(|(_, path, text)| (*path, Document::parse(text.to_string()).unwrap()))
                    .collect();
                let borrowed: Vec<(&str, &Document)> =
                    documents.iter().map(|(path, doc)| (*path, doc)).collect();
                read::read(name, "stage", Path::new(name), &borrowed)
            })
            .collect();
        let place =
            |path: &Path, line: usize, column: usize| format!("{}:{line}:{column}", path.display());
        check_interfaces(&interfaces, elsewhere)
            .iter()
            .map(|d| {
                let mut line = format!(
                    "{} {} {}",
                    d.rule,
                    place(&d.path, d.start.line, d.start.column),
                    d.message
                );
                for note in &d.related {
                    line.push_str(&format!(
                        " | {} {}",
                        place(&note.path, note.start.line, note.start.column),
                        note.message
                    ));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_closest_name_is_a_few_letters_away_or_none() {
        assert_eq!(
            closest("design_refs[]", ["design_references[]", "plan_path"]),
            Some("design_references[]")
        );
        assert_eq!(closest("commit_range", ["plan_path", "phase_ids[]"]), None);
        assert_eq!(
            closest("test_commit_hash[]", ["test_commit_hashes[]", "plan_path"]),
            Some("test_commit_hashes[]")
        );
        assert_eq!(
            closest("execution-leed", ["execution-lead", "tech-lead"]),
            Some("execution-lead")
        );
    }
}
