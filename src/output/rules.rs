//! The rule catalog as `renkei rules` and `renkei explain` print it.

use std::io::{self, Write};

use renkei_lint::Scope;
use renkei_model::Severity;

use crate::session::CatalogEntry;

/// How `renkei rules` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// One line per rule.
    Human,
    /// A JSON array of rules.
    Json,
}

fn severity(entry: &CatalogEntry<'_>) -> &'static str {
    match entry.meta.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Whether `--fix` can fix the rule's findings: a vocabulary rule with one replacement.
fn fixable(entry: &CatalogEntry<'_>) -> bool {
    entry.lint.is_some_and(|rule| rule.replacements.len() == 1)
}

fn scopes(entry: &CatalogEntry<'_>) -> Vec<&'static str> {
    entry.lint.map_or_else(Vec::new, |rule| {
        Scope::ALL
            .into_iter()
            .filter(|scope| rule.applies_in(*scope))
            .map(Scope::name)
            .collect()
    })
}

/// Prints every rule of `catalog`.
pub(crate) fn print_rules(
    out: &mut dyn Write,
    catalog: &[CatalogEntry<'_>],
    format: RulesFormat,
) -> io::Result<()> {
    match format {
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = catalog
                .iter()
                .map(|entry| {
                    serde_json::json!({
                        "id": entry.meta.id,
                        "severity": severity(entry),
                        "commands": entry.commands,
                        "fixable": fixable(entry),
                        "scopes": scopes(entry),
                        "summary": entry.meta.summary,
                        "fix": entry.meta.help,
                        "example": entry.meta.example.as_ref().map(|example| {
                            serde_json::json!({
                                "fails": example.fails,
                                "passes": example.passes,
                            })
                        }),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rules)?;
            writeln!(out)
        }
        RulesFormat::Human => {
            let width = catalog
                .iter()
                .map(|entry| entry.meta.id.len())
                .max()
                .unwrap_or(0);
            for entry in catalog {
                let fix = if fixable(entry) { "  fixable" } else { "" };
                writeln!(
                    out,
                    "{:width$}  {:7}  {}{fix}",
                    entry.meta.id,
                    severity(entry),
                    entry.commands.join(", "),
                )?;
            }
            writeln!(
                out,
                "{} rules; `renkei explain RULE` tells what one catches and why",
                catalog.len()
            )
        }
    }
}

/// Prints what `entry` catches, why, how to fix a finding, and its examples.
pub(crate) fn print_explanation(out: &mut dyn Write, entry: &CatalogEntry<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{} ({}; reported by {})",
        entry.meta.id,
        severity(entry),
        entry.commands.join(", ")
    )?;
    writeln!(out, "\n{}", entry.meta.summary)?;
    if let Some(why) = &entry.meta.why {
        writeln!(out, "\nWhy: {why}")?;
    }
    let autofix = entry
        .lint
        .and_then(|rule| match rule.replacements.as_slice() {
            [only] => Some(format!("`renkei lint --fix` replaces it with `{only}`")),
            _ => None,
        });
    if entry.meta.help.is_some() || autofix.is_some() {
        writeln!(out, "\nFix:")?;
        for text in entry
            .meta
            .help
            .iter()
            .map(AsRef::as_ref)
            .chain(autofix.as_deref())
        {
            write_indented(out, text)?;
        }
    }
    if let Some(example) = &entry.meta.example {
        writeln!(out, "\nExample (fails):")?;
        write_indented(out, &example.fails)?;
        writeln!(out, "\nExample (passes):")?;
        write_indented(out, &example.passes)?;
    }
    if let Some(rule) = entry.lint {
        match rule.replacements.as_slice() {
            [] | [_] => {}
            several => writeln!(
                out,
                "\nReplacements offered: {}",
                several
                    .iter()
                    .map(|replacement| format!("`{replacement}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?,
        }
        writeln!(out, "\nApplies in: {}", scopes(entry).join(", "))?;
        if let Some(examples) = &rule.examples {
            if !examples.fail.is_empty() {
                writeln!(out, "\nFlagged:")?;
                for example in &examples.fail {
                    writeln!(out, "  {example}")?;
                }
            }
            if !examples.pass.is_empty() {
                writeln!(out, "\nNot flagged:")?;
                for example in &examples.pass {
                    writeln!(out, "  {example}")?;
                }
            }
        }
    }
    Ok(())
}

/// Writes `text` with every line indented by two spaces.
fn write_indented(out: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in text.trim_end_matches('\n').lines() {
        if line.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}
