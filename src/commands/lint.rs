//! `renkei lint`: the vocabulary lint, for the editor loop, pre-commit and CI.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use renkei_lint::{FixMode, LintConfig, RuleSet};

use crate::config::load_config;
use crate::output::{Format, Report, RuleDoc, write_report};
use crate::{CliError, Outcome};

/// Options of `renkei lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to lint (folders are searched for Markdown); default: the
    /// operational folders of every archetype under the root
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Configuration file; default: renkei.yaml at the root, if present
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Rewrite files to apply every fix that has exactly one replacement
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff instead of writing them
    #[arg(long)]
    pub diff: bool,
}

/// Runs `renkei lint`.
pub fn run(root: Option<&Path>, args: &LintArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let root = match root {
        Some(root) => Some(root.to_path_buf()),
        None if args.paths.is_empty() => Some(crate::commands::find_root()?),
        None => renkei_model::find_root(&std::env::current_dir()?).ok(),
    };
    let rules = rule_set(args.config.as_deref(), root.as_deref())?;
    let fix = match (args.fix, args.diff) {
        (true, _) => FixMode::Write,
        (_, true) => FixMode::Preview,
        _ => FixMode::Off,
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let report = match (&root, args.paths.is_empty()) {
        (Some(root), true) => {
            renkei_lint::lint_files(&rules, renkei_lint::default_files(root), threads, fix)
        }
        _ => renkei_lint::lint_files(
            &rules,
            renkei_lint::expand_paths(args.paths.clone()),
            threads,
            fix,
        ),
    };
    if fix == FixMode::Preview {
        for fixed in &report.fixed {
            let path = crate::output::display_path(&fixed.path);
            let diff = similar::TextDiff::from_lines(&fixed.before, &fixed.after);
            let header = (format!("{path} (before)"), format!("{path} (after)"));
            write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(2)
                    .header(&header.0, &header.1)
            )?;
        }
    }
    let rule_docs: Vec<RuleDoc> = rules.rules.iter().map(RuleDoc::from).collect();
    let fixed: usize = if fix == FixMode::Write {
        report.fixed.iter().map(|file| file.fixes).sum()
    } else {
        0
    };
    write_report(
        out,
        args.format,
        &Report {
            diagnostics: &report.diagnostics,
            rules: &rule_docs,
            files: report.files,
            fixed,
        },
    )?;
    Ok(if report.unreadable > 0 {
        Outcome::Failed
    } else if report
        .diagnostics
        .iter()
        .any(|d| d.severity == renkei_model::Severity::Error)
    {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The built-in rules merged with the project's `lint:` section.
pub(crate) fn rule_set(config: Option<&Path>, root: Option<&Path>) -> Result<RuleSet, CliError> {
    let loaded = load_config(config, root)?;
    let merged = LintConfig::builtin()?.merged_with(loaded.config.lint);
    let path = loaded
        .path
        .unwrap_or_else(|| PathBuf::from("<built-in rules>"));
    Ok(RuleSet::compile(&merged, &path)?)
}
