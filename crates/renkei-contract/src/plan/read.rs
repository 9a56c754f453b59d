//! Reading a plan: the Plan Contract table, or a fenced `yaml` block with the same fields,
//! into a [`Plan`] that keeps the place of every cell and of every value in a list cell.

use std::ops::Range;

use renkei_model::Document;
use renkei_model::markdown::Table;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{Column, Located, Phase, Plan};

/// Why a file holds no plan renkei can read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Where the problem is (`0..0` for the whole file).
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// The plan in `document`: the first table whose header names the Plan Contract's
/// columns, else the first fenced `yaml` block with a `phases:` list.
pub fn read_plan(document: &Document) -> Result<Plan, Unreadable> {
    if let Some((table, columns)) = document
        .tables
        .iter()
        .find_map(|table| plan_columns(table).map(|columns| (table, columns)))
    {
        return Ok(read_table(document, table, &columns));
    }
    for block in &document.outline.code_blocks {
        let info = block.info.split_whitespace().next().unwrap_or_default();
        if !matches!(info, "yaml" | "yml") {
            continue;
        }
        let Some(content) = fenced_content(&document.source, &block.range) else {
            continue;
        };
        if let Some(plan) = read_yaml(document, content, block.range.clone())? {
            return Ok(plan);
        }
    }
    Err(Unreadable {
        range: 0..0,
        message: "no plan: no table with the Plan Contract's columns (`Phase | phase_type | owner_role | ...`) and no fenced `yaml` block with a `phases:` list".into(),
    })
}

/// The column of each cell of `table`'s header, when the header is a Plan Contract's: it
/// names the phase id and at least two other required columns.
fn plan_columns(table: &Table) -> Option<Vec<Option<Column>>> {
    let header = table.rows.first().filter(|row| row.header)?;
    let columns: Vec<Option<Column>> = header
        .cells
        .iter()
        .map(|cell| Column::named(&cell.text))
        .collect();
    let named = |wanted: Column| columns.contains(&Some(wanted));
    let required = Column::REQUIRED[1..]
        .iter()
        .filter(|&&column| named(column))
        .count();
    (named(Column::Phase) && required >= 2).then_some(columns)
}

fn read_table(document: &Document, table: &Table, columns: &[Option<Column>]) -> Plan {
    let source = document.source.as_str();
    let header = table
        .rows
        .first()
        .map_or(table.range.clone(), |row| row.range.clone());
    let missing_columns = Column::REQUIRED
        .iter()
        .copied()
        .filter(|column| !columns.contains(&Some(*column)))
        .collect();
    let mut phases = Vec::new();
    for row in table.rows.iter().filter(|row| !row.header) {
        // The template's blank row, left in place, is not a phase.
        if row.cells.iter().all(|cell| cell.text.trim().is_empty()) {
            continue;
        }
        let mut phase = empty_phase(row.range.clone());
        for (cell, column) in row.cells.iter().zip(columns) {
            let Some(column) = *column else { continue };
            let raw = trimmed(source, &cell.range);
            // An empty cell is pointed at whole, padding included, so it can be seen.
            let place = if raw.is_empty() {
                cell.range.clone()
            } else {
                raw.clone()
            };
            phase.places[column.slot()] = Some(place);
            if column.is_list() {
                let values = list_values(source, raw);
                match column {
                    Column::DependsOn => phase.depends_on = values,
                    _ => phase.files = values,
                }
            } else if !cell.text.trim().is_empty() {
                phase.cells[column.slot()] = Some(Located {
                    text: cell.text.trim().to_string(),
                    range: raw,
                });
            }
        }
        phases.push(phase);
    }
    let flag_key = crate::text::name_key("plan_contract_has_phase_ownership");
    let ownership_flag = crate::text::fields(document)
        .into_iter()
        .find(|field| field.key == flag_key)
        .map(|field| Located {
            text: field.value,
            range: field.range,
        });
    Plan {
        header,
        missing_columns,
        phases,
        ownership_flag,
    }
}

fn empty_phase(row: Range<usize>) -> Phase {
    Phase {
        row,
        cells: Default::default(),
        places: Default::default(),
        depends_on: Vec::new(),
        files: Vec::new(),
    }
}

/// `range` without the whitespace around it.
fn trimmed(source: &str, range: &Range<usize>) -> Range<usize> {
    let text = source.get(range.clone()).unwrap_or_default();
    let start = range.start + (text.len() - text.trim_start().len());
    let end = range.end - (text.len() - text.trim_end().len());
    start..end.max(start)
}

/// The values of a list cell: comma-separated, each optionally in backticks, the whole
/// optionally in brackets; `none` alone, or nothing, is no value.
fn list_values(source: &str, cell: Range<usize>) -> Vec<Located> {
    let mut cell = cell;
    let text = source.get(cell.clone()).unwrap_or_default();
    if text.len() >= 2 && text.starts_with('[') && text.ends_with(']') {
        cell = trimmed(source, &(cell.start + 1..cell.end - 1));
    }
    let text = source.get(cell.clone()).unwrap_or_default();
    let mut values = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    for (at, byte) in text.bytes().enumerate().chain([(text.len(), b',')]) {
        match byte {
            b'`' => in_code = !in_code,
            b',' if !in_code || at == text.len() => {
                let piece = trimmed(source, &(cell.start + start..cell.start + at));
                let written = source.get(piece.clone()).unwrap_or_default();
                let ticks = written.len() - written.trim_start_matches('`').len();
                let inner = if written.len() >= 2 * ticks && written.ends_with(&"`".repeat(ticks)) {
                    trimmed(source, &(piece.start + ticks..piece.end - ticks))
                } else {
                    piece
                };
                let value = source.get(inner.clone()).unwrap_or_default();
                if !value.is_empty() {
                    values.push(Located {
                        text: value.to_string(),
                        range: inner,
                    });
                }
                start = at + 1;
                in_code = false;
            }
            _ => {}
        }
    }
    if values.len() == 1 && values[0].text.eq_ignore_ascii_case("none") {
        values.clear();
    }
    values
}

/// The lines between a fenced block's fences, when it is fenced.
fn fenced_content(source: &str, block: &Range<usize>) -> Option<Range<usize>> {
    let text = source.get(block.clone())?;
    let first = text.find('\n')? + 1;
    let body = text[first..].trim_end_matches(['\n', '\r']);
    let last = body.rfind('\n').map_or(0, |at| at + 1);
    let closing = body[last..].trim_start();
    let end = if closing.starts_with("```") || closing.starts_with("~~~") {
        last
    } else {
        body.len()
    };
    Some(block.start + first..block.start + first + end)
}

/// A YAML plan, as a tech-lead writes one beside (or instead of) the table.
#[derive(Deserialize)]
struct YamlPlan {
    phases: Option<Vec<YamlPhase>>,
    plan_contract_has_phase_ownership: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct YamlPhase {
    #[serde(alias = "id", alias = "phase_id")]
    phase: Option<Spanned<String>>,
    phase_type: Option<Spanned<String>>,
    owner_role: Option<Spanned<String>>,
    depends_on: Option<Spanned<Listed>>,
    parallel_safe: Option<Spanned<String>>,
    blocking_gate: Option<Spanned<String>>,
    commit_intent: Option<Spanned<String>>,
    proof_artifact: Option<Spanned<String>>,
    files: Option<Spanned<Listed>>,
    test_not_applicable: Option<Spanned<String>>,
}

/// A list field: a YAML list, or one string of comma-separated values.
enum Listed {
    Items(Vec<Spanned<String>>),
    Written,
}

impl<'de> Deserialize<'de> for Listed {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Listed;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a list, or comma-separated values")
            }

            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Listed, E> {
                // The values are read from the source, where each one's place is.
                Ok(Listed::Written)
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Listed, E> {
                Ok(Listed::Items(Vec::new()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<Listed, A::Error> {
                let mut listed = Vec::new();
                while let Some(item) = items.next_element::<Spanned<String>>()? {
                    listed.push(item);
                }
                Ok(Listed::Items(listed))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The plan in the YAML block whose content is `content`; `None` when the block is YAML
/// of another kind (no `phases:`).
fn read_yaml(
    document: &Document,
    content: Range<usize>,
    block: Range<usize>,
) -> Result<Option<Plan>, Unreadable> {
    let text = document.source.get(content.clone()).unwrap_or_default();
    let parsed: YamlPlan = renkei_model::yaml::parse_yaml(std::path::Path::new("plan"), text)
        .map_err(|error| {
            let (range, message) = match error {
                renkei_model::ModelError::Yaml {
                    line,
                    column,
                    message,
                    ..
                } => (at_line(text, &content, line, column), message),
                other => (block.clone(), other.to_string()),
            };
            Unreadable {
                range,
                message: format!("the plan's YAML block: {message}"),
            }
        })?;
    let Some(written) = parsed.phases else {
        return Ok(None);
    };
    let at = |spanned: &Spanned<String>| located(&content, &block, spanned);
    let mut phases = Vec::with_capacity(written.len());
    for phase in written {
        let scalars = [
            (Column::Phase, &phase.phase),
            (Column::PhaseType, &phase.phase_type),
            (Column::OwnerRole, &phase.owner_role),
            (Column::ParallelSafe, &phase.parallel_safe),
            (Column::BlockingGate, &phase.blocking_gate),
            (Column::CommitIntent, &phase.commit_intent),
            (Column::ProofArtifact, &phase.proof_artifact),
            (Column::TestNotApplicable, &phase.test_not_applicable),
        ];
        let row = phase
            .phase
            .as_ref()
            .map_or(block.clone(), |id| at(id).range);
        let mut read = empty_phase(row);
        for (column, value) in scalars {
            if let Some(value) = value
                .as_ref()
                .filter(|value| !value.value.trim().is_empty())
            {
                read.cells[column.slot()] = Some(at(value));
            }
        }
        for (column, listed) in [
            (Column::DependsOn, &phase.depends_on),
            (Column::Files, &phase.files),
        ] {
            let Some(listed) = listed else { continue };
            let place = span(&content, &block, &listed.referenced);
            read.places[column.slot()] = Some(place.clone());
            let values = match &listed.value {
                Listed::Items(items) => items
                    .iter()
                    .filter(|item| !item.value.trim().is_empty())
                    .map(at)
                    .collect(),
                Listed::Written => list_values(&document.source, place),
            };
            match column {
                Column::DependsOn => read.depends_on = values,
                _ => read.files = values,
            }
        }
        phases.push(read);
    }
    Ok(Some(Plan {
        header: block.clone(),
        missing_columns: Vec::new(),
        phases,
        ownership_flag: parsed.plan_contract_has_phase_ownership.as_ref().map(at),
    }))
}

fn located(content: &Range<usize>, block: &Range<usize>, spanned: &Spanned<String>) -> Located {
    Located {
        text: spanned.value.trim().to_string(),
        range: span(content, block, &spanned.referenced),
    }
}

/// Where a YAML value is in the plan file: the parser's byte span inside the block,
/// moved to the block's place; the block when the parser has no byte span.
fn span(
    content: &Range<usize>,
    block: &Range<usize>,
    location: &serde_saphyr::Location,
) -> Range<usize> {
    let span = location.span();
    match (span.byte_offset(), span.byte_len()) {
        (Some(offset), Some(len)) => {
            let start = (content.start + offset as usize).min(content.end);
            start..(start + len as usize).min(content.end)
        }
        _ => block.clone(),
    }
}

/// The offset of 1-based `line` and `column` of the block's `text`, which starts at
/// `content`: where the YAML parser says a problem is.
fn at_line(text: &str, content: &Range<usize>, line: u64, column: u64) -> Range<usize> {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or_default();
    let column: usize = rest
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    let start = content.start + line_start + column;
    start..start
}
