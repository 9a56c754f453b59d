//! `--format sarif`: one SARIF 2.1.0 log with one run, its rule descriptors (with each
//! rule's `why` as the full description), and one result per finding, with fixes and
//! related locations. SARIF's levels include renkei's severities by the same names.

use std::collections::BTreeMap;
use std::io::{self, Write};

use renkei_model::{Diagnostic, Position, RuleMeta};
use serde_json::json;

use super::json::Pretty;
use super::{Finding, Paths, Printer, Summary};

/// Indentation of a result inside the log.
const ITEM_INDENT: &str = "        ";

#[derive(Default)]
pub(super) struct Sarif {
    writer: Pretty,
    /// Each rule's index in the run's rule list.
    rule_index: BTreeMap<String, usize>,
}

impl Printer for Sarif {
    fn start(&mut self, out: &mut dyn Write, rules: &[RuleMeta]) -> io::Result<()> {
        let mut descriptors = Vec::new();
        for rule in rules {
            self.rule_index
                .insert(rule.id.to_string(), descriptors.len());
            let mut descriptor = json!({
                "id": rule.id,
                "shortDescription": { "text": rule.summary },
                "defaultConfiguration": { "level": rule.severity.as_str() },
            });
            if let Some(why) = &rule.why {
                descriptor["fullDescription"] = json!({ "text": why });
            }
            if let Some(help) = &rule.help {
                descriptor["help"] = json!({ "text": help });
            }
            descriptors.push(descriptor);
        }
        let tool = json!({
            "driver": {
                "name": "renkei",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://agentskills.io",
                "rules": descriptors,
            }
        });
        write!(
            out,
            "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        self.writer.indented(out, &tool, "      ")?;
        write!(
            out,
            ",\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": ["
        )
    }

    fn finding(&mut self, out: &mut dyn Write, finding: &Finding<'_>) -> io::Result<()> {
        let result = self.result(finding.diagnostic, finding.paths);
        self.writer.item(out, &result, ITEM_INDENT, finding.index)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let close = if summary.written == 0 {
            "]"
        } else {
            "\n      ]"
        };
        writeln!(out, "{close}\n    }}\n  ]\n}}")
    }
}

impl Sarif {
    fn result(&self, d: &Diagnostic, paths: &Paths) -> serde_json::Value {
        let (uri, region) = (uri_of(paths, &d.path), region_of(d.start, d.end));
        let mut result = json!({
            "ruleId": d.rule,
            "level": d.severity.as_str(),
            "message": { "text": d.message },
            "locations": [{
                "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region }
            }],
        });
        if let Some(index) = self.rule_index.get(d.rule.as_ref()) {
            result["ruleIndex"] = json!(index);
        }
        if !d.related.is_empty() {
            result["relatedLocations"] = d
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    json!({
                        "id": id,
                        "message": { "text": related.message },
                        "physicalLocation": {
                            "artifactLocation": { "uri": uri_of(paths, &related.path) },
                            "region": region_of(related.start, related.end),
                        },
                    })
                })
                .collect();
        }
        if !d.replacements.is_empty() {
            result["fixes"] = d
                .replacements
                .iter()
                .map(|replacement| {
                    json!({
                        "description": { "text": format!("Replace with `{replacement}`") },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": uri },
                            "replacements": [{
                                "deletedRegion": region,
                                "insertedContent": { "text": replacement },
                            }],
                        }],
                    })
                })
                .collect();
        }
        result
    }
}

/// A URI reference to `path`: a space or `%` in a file name is percent-encoded.
fn uri_of(paths: &Paths, path: &std::path::Path) -> String {
    renkei_model::links::percent_encode(&paths.display(path)).into_owned()
}

fn region_of(start: Position, end: Position) -> serde_json::Value {
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}
