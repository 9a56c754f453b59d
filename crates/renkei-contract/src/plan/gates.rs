//! The gates a plan's phases wait on, read from execution-lead's process: the doctrine
//! defines them, so a gate renamed there is renamed for every plan check, and no list in
//! code can drift from it.
//!
//! The process holds a section headed `Gates` (or `... Gates`). Each gate in it is a
//! heading below that one, or a list item that opens with a bold or code term
//! (`- **test-gate**: after the test phases`), in the order the gates close.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use renkei_model::Document;

/// A gate the doctrine defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// Its name, lowercase (`test-gate`).
    pub name: String,
    /// Where the doctrine defines it.
    pub range: Range<usize>,
}

/// The gates of one process document, in the order they close.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gates {
    /// The file they were read from.
    pub path: PathBuf,
    /// The gates.
    pub gates: Vec<Gate>,
}

impl Gates {
    /// Where `name` closes among the gates (0 first), read case-insensitively.
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.gates
            .iter()
            .position(|gate| gate.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.gates.iter().map(|gate| gate.name.as_str())
    }
}

/// Whether `text` can be a gate's name: one word of letters, digits and hyphens.
fn gate_name(text: &str) -> Option<String> {
    let name = text
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
    valid.then_some(name)
}

/// The gates `document` (at `path`) defines; empty when it has no `Gates` section.
pub fn read_gates(path: &Path, document: &Document) -> Gates {
    let headings = &document.outline.headings;
    let Some(section) = headings.iter().find(|heading| {
        let key = crate::text::name_key(&heading.text);
        key == "gates" || key.ends_with(" gates")
    }) else {
        return Gates {
            path: path.to_path_buf(),
            gates: Vec::new(),
        };
    };
    let mut gates: Vec<Gate> = headings
        .iter()
        .filter(|heading| {
            heading.level > section.level
                && section.section.start < heading.range.start
                && heading.range.end <= section.section.end
        })
        .filter_map(|heading| {
            Some(Gate {
                name: gate_name(&heading.text)?,
                range: heading.range.clone(),
            })
        })
        .collect();
    gates.extend(list_terms(&document.source, &section.section));
    gates.sort_by_key(|gate| gate.range.start);
    gates.dedup_by(|later, earlier| later.name == earlier.name);
    Gates {
        path: path.to_path_buf(),
        gates,
    }
}

/// The list items in `section` of `source` that open with a bold or code term naming a
/// gate, read by the Markdown parser so that its offsets place each term.
fn list_terms(source: &str, section: &Range<usize>) -> Vec<Gate> {
    let Some(text) = source.get(section.clone()) else {
        return Vec::new();
    };
    let mut gates = Vec::new();
    // Some(true) right after an item opens, until its first inline content.
    let mut item_opening = false;
    let mut strong: Option<(String, Range<usize>)> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        let absolute = section.start + range.start..section.start + range.end;
        match event {
            Event::Start(Tag::Item) => item_opening = true,
            Event::Start(Tag::Paragraph) => {}
            Event::Start(Tag::Strong) if item_opening => {
                strong = Some((String::new(), absolute));
            }
            Event::Text(words) | Event::Code(words) if strong.is_some() => {
                if let Some((name, _)) = &mut strong {
                    name.push_str(&words);
                }
            }
            Event::End(TagEnd::Strong) => {
                if let Some((name, range)) = strong.take()
                    && let Some(name) = gate_name(&name)
                {
                    gates.push(Gate { name, range });
                }
                item_opening = false;
            }
            Event::Code(words) if item_opening => {
                if let Some(name) = gate_name(&words) {
                    gates.push(Gate {
                        name,
                        range: absolute,
                    });
                }
                item_opening = false;
            }
            _ => item_opening = false,
        }
    }
    gates
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use renkei_model::Markdown;

    fn names(text: &str) -> Vec<String> {
        let markdown = Markdown::new(text.to_string()).unwrap();
        super::read_gates(Path::new("process.md"), markdown.document())
            .gates
            .into_iter()
            .map(|gate| gate.name)
            .collect()
    }

    #[test]
    fn gates_are_bold_or_code_terms_or_headings_of_the_gates_section_in_order() {
        let bold = "# Process\n\n## Execution Gates\n\n- **preconditions**: first.\n- `Test-Gate`: then.\n- A plain item is not a gate.\n\n## Step 1\n\n- **not-a-gate**: outside.\n";
        assert_eq!(names(bold), ["preconditions", "test-gate"]);
        let headings = "## Gates\n\n### preconditions\n\nText.\n\n### test-gate\n\n### Two Words\n";
        assert_eq!(names(headings), ["preconditions", "test-gate"]);
    }

    #[test]
    fn a_process_without_a_gates_section_defines_none() {
        assert!(names("# Process\n\n- **preconditions**: hold.\n").is_empty());
    }
}
