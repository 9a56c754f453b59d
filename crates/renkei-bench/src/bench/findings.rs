//! What the linters answered: renkei's JSON report, ripgrep's `path:line:` output and the
//! corpus's `vocabulary-expected.tsv`, reduced to comparable sets of lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use super::corpus_relative;
use crate::measure::output_of;

/// A line of a file: corpus-relative path and 1-based line number.
pub(super) type Spot = (String, usize);

/// One finding of a renkei report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finding {
    /// Corpus-relative path.
    pub(super) path: String,
    pub(super) line: usize,
    pub(super) rule: String,
}

/// What renkei printed with `--format json`.
#[derive(Debug, Default)]
pub(super) struct RenkeiOutput {
    pub(super) findings: Vec<Finding>,
    /// `summary.files`: how many files renkei linted.
    pub(super) files: Option<usize>,
}

impl RenkeiOutput {
    /// The lines with a finding of a rule whose id starts with `prefix`.
    pub(super) fn lines(&self, prefix: &str) -> BTreeSet<Spot> {
        self.findings
            .iter()
            .filter(|finding| finding.rule.starts_with(prefix))
            .map(|finding| (finding.path.clone(), finding.line))
            .collect()
    }

    /// Findings per rule id.
    pub(super) fn by_rule(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for finding in &self.findings {
            *counts.entry(finding.rule.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

/// Reads renkei's pretty-printed JSON report (`serde_json::to_writer_pretty`: one key per
/// line). A string value cannot hold a raw newline, so a line that starts with `"path":`
/// is always a key. The bench keeps its dependencies small, so this is not a general parser.
pub(super) fn parse_renkei_json(text: &str) -> Result<RenkeiOutput, String> {
    let mut report = RenkeiOutput::default();
    let mut path = None;
    let mut line = None;
    let mut rule = None;
    for raw in text.lines() {
        let entry = raw.trim().trim_end_matches(',');
        if let Some(value) = entry.strip_prefix("\"path\": ") {
            path = Some(corpus_relative(&json_string(value)?));
        } else if let Some(value) = entry.strip_prefix("\"line\": ") {
            line = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("renkei printed a line number {value:?}"))?,
            );
        } else if let Some(value) = entry.strip_prefix("\"rule\": ") {
            rule = Some(json_string(value)?);
        } else if let Some(value) = entry.strip_prefix("\"files\": ") {
            report.files = value.parse().ok();
        } else if entry == "}"
            // Taken whether or not all three were there: the next object starts afresh.
            && let (Some(path), Some(line), Some(rule)) = (path.take(), line.take(), rule.take())
        {
            report.findings.push(Finding { path, line, rule });
        }
    }
    if !text.contains("\"summary\"") {
        return Err("renkei printed no JSON report".to_string());
    }
    Ok(report)
}

/// The value of a JSON string literal (with its quotes).
fn json_string(literal: &str) -> Result<String, String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or_else(|| format!("expected a JSON string, found {literal:?}"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{fffd}');
                out.push(code);
            }
            Some(other) => out.push(other),
            None => return Err(format!("unterminated escape in {literal:?}")),
        }
    }
    Ok(out)
}

/// The lines of ripgrep's `--line-number --with-filename --no-heading` output.
pub(super) fn parse_rg_lines(text: &str) -> BTreeSet<Spot> {
    text.lines()
        .filter_map(|line| {
            // Corpus paths hold no `:`; the matched text after the line number may.
            let (path, rest) = line.split_once(':')?;
            let (number, _) = rest.split_once(':')?;
            Some((corpus_relative(path), number.parse().ok()?))
        })
        .collect()
}

/// The planted lines of `vocabulary-expected.tsv`.
#[derive(Debug, Default)]
pub(super) struct Expected {
    pub(super) banned: BTreeSet<Spot>,
    pub(super) allowed: BTreeSet<Spot>,
}

/// Reads `vocabulary-expected.tsv` from the corpus folder.
pub(super) fn read_expected(corpus_dir: &Path) -> Result<Expected, String> {
    let path = corpus_dir.join("vocabulary-expected.tsv");
    let text = fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let mut expected = Expected::default();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [file, number, _phrase, kind] = fields[..] else {
            return Err(format!("{}: unexpected line {line:?}", path.display()));
        };
        let number = number
            .parse()
            .map_err(|_| format!("{}: bad line number in {line:?}", path.display()))?;
        let spot = (file.to_string(), number);
        match kind {
            "banned" => expected.banned.insert(spot),
            "allowed" => expected.allowed.insert(spot),
            _ => return Err(format!("{}: unknown kind in {line:?}", path.display())),
        };
    }
    Ok(expected)
}

/// How one tool's flagged lines compare with the planted ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Agreement {
    pub(super) tool: String,
    pub(super) flagged: usize,
    pub(super) banned_found: usize,
    pub(super) banned_missed: usize,
    pub(super) allowed_flagged: usize,
    pub(super) other: usize,
}

impl Agreement {
    pub(super) fn new(tool: &str, flagged: &BTreeSet<Spot>, expected: &Expected) -> Self {
        let banned_found = flagged.intersection(&expected.banned).count();
        let allowed_flagged = flagged.intersection(&expected.allowed).count();
        Self {
            tool: tool.to_string(),
            flagged: flagged.len(),
            banned_found,
            banned_missed: expected.banned.len() - banned_found,
            allowed_flagged,
            other: flagged.len() - banned_found - allowed_flagged,
        }
    }

    /// Flags exactly the planted banned lines.
    pub(super) fn exact(&self) -> bool {
        self.banned_missed == 0 && self.allowed_flagged == 0 && self.other == 0
    }
}

/// Runs `program args` in `cwd` and returns its stdout; fails unless it exits with a
/// status in `ok`.
pub(super) fn capture(
    program: &Path,
    args: &[String],
    cwd: Option<&Path>,
    ok: &[i32],
) -> Result<String, String> {
    let output = output_of(Command::new(program).args(args), cwd)?;
    if output.status.code().is_some_and(|code| ok.contains(&code)) {
        String::from_utf8(output.stdout)
            .map_err(|_| format!("{} printed something that is not UTF-8", program.display()))
    } else {
        Err(format!(
            "`{} {}` failed ({})",
            program.display(),
            args.join(" "),
            output.status
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_renkei_json() {
        let text = r#"{
  "diagnostics": [
    {
      "column": 3,
      "end_column": 9,
      "end_line": 4,
      "help": "write \"input\"",
      "line": 4,
      "message": "`intake` names a phase",
      "path": "/x/corpus-5/framework/archetypes/a/b/doctrine/process.md",
      "replacements": [
        "input"
      ],
      "rule": "vocabulary/intake",
      "severity": "error"
    },
    {
      "column": 1,
      "end_column": 1,
      "end_line": 1,
      "help": null,
      "line": 1,
      "message": "missing",
      "path": "framework/archetypes/execution/b/references/template.md",
      "replacements": [],
      "rule": "contract/sections",
      "severity": "error"
    }
  ],
  "summary": {
    "errors": 2,
    "files": 9,
    "fixed": 0,
    "warnings": 0
  }
}
"#;
        let report = parse_renkei_json(text).unwrap();
        assert_eq!(report.files, Some(9));
        assert_eq!(
            report.findings[0],
            Finding {
                path: "framework/archetypes/a/b/doctrine/process.md".to_string(),
                line: 4,
                rule: "vocabulary/intake".to_string(),
            }
        );
        assert_eq!(report.lines("vocabulary/").len(), 1);
        assert_eq!(report.by_rule().get("contract/sections"), Some(&1));
        assert!(parse_renkei_json("").is_err());
        assert_eq!(json_string(r#""a\"b\\c\u0041""#).unwrap(), "a\"b\\cA");
    }

    #[test]
    fn compares_flagged_lines_with_planted_ones() {
        let rg = "/c/framework/archetypes/a/b/ethos/tenets.md:12:Confirm intake: now\n\
                  /c/framework/archetypes/a/b/ethos/tenets.md:30:knowledge transfer\n";
        let flagged = parse_rg_lines(rg);
        let spot = |line| ("framework/archetypes/a/b/ethos/tenets.md".to_string(), line);
        assert_eq!(flagged, BTreeSet::from([spot(12), spot(30)]));
        let expected = Expected {
            banned: BTreeSet::from([spot(12), spot(40)]),
            allowed: BTreeSet::from([spot(30)]),
        };
        let agreement = Agreement::new("rg", &flagged, &expected);
        assert_eq!(
            (
                agreement.flagged,
                agreement.banned_found,
                agreement.banned_missed,
                agreement.allowed_flagged,
                agreement.other
            ),
            (2, 1, 1, 1, 0)
        );
        assert!(!agreement.exact());
    }
}
