//! `renkei check`: the CI doctrine check. The vocabulary lint, every contract over every
//! archetype, and (with `--assembled`) the freshness of installed skills, in one report.

use std::io::Write;
use std::path::Path;

use clap::Args;
use renkei_contract::Contract;
use renkei_model::{Archetype, Diagnostic, Severity};

use crate::commands::lint::rule_set;
use crate::config::load_config;
use crate::output::{Format, Report, RuleDoc, write_report};
use crate::{CliError, Outcome};

/// Options of `renkei check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Configuration file; default: renkei.yaml at the root, if present
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also fail when installed skills are missing or stale (as `assemble --check`)
    #[arg(long)]
    pub assembled: bool,
    /// Targets `--assembled` compares with; default: the config's, else `project`
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
}

/// Runs `renkei check`.
pub fn run(
    root: Option<&Path>,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let root = match root {
        Some(root) => root.to_path_buf(),
        None => crate::commands::find_root()?,
    };
    let config = load_config(args.config.as_deref(), Some(&root))?
        .config
        .check;
    let rules = rule_set(args.config.as_deref(), Some(&root))?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let lint = renkei_lint::lint_files(
        &rules,
        renkei_lint::default_files(&root),
        threads,
        renkei_lint::FixMode::Off,
    );

    let mut diagnostics = lint.diagnostics;
    let default_contract = Contract::builtin()?;
    // One archetype at a time per core, dropped once checked, so memory does not grow with
    // the tree.
    let dirs = renkei_model::load::archetype_dirs(&root)?;
    let checked = renkei_model::parallel::parallel_map(&dirs, |dir| {
        let archetype =
            renkei_model::load::load_archetype(&root, dir).map_err(|error| error.to_string())?;
        let contract = contract_for(&archetype, &default_contract)?;
        Ok::<_, String>(renkei_contract::check_archetype(&archetype, &contract))
    });
    let mut errors = Vec::new();
    for result in checked {
        match result {
            Ok(found) => diagnostics.extend(found),
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Failed(errors));
    }
    if args.assembled || config.assembled {
        let targets = if args.targets.is_empty() {
            config.targets.clone()
        } else {
            args.targets.clone()
        };
        let targets = if targets.is_empty() {
            vec!["project".to_string()]
        } else {
            targets
        };
        diagnostics.extend(crate::commands::assemble::stale_files(&root, &targets)?);
    }
    diagnostics.sort_by(|a, b| (&a.path, a.start, &a.rule).cmp(&(&b.path, b.start, &b.rule)));

    let mut rule_docs: Vec<RuleDoc> = rules.rules.iter().map(RuleDoc::from).collect();
    rule_docs.extend(renkei_contract::rules::RULES.iter().map(|rule| RuleDoc {
        id: format!("contract/{}", rule.name),
        summary: rule.summary.to_string(),
        why: None,
        help: None,
        severity: Severity::Error,
    }));
    write_report(
        out,
        args.format,
        &Report {
            diagnostics: &diagnostics,
            rules: &rule_docs,
            files: lint.files,
            fixed: 0,
        },
    )?;
    Ok(if lint.unreadable > 0 {
        Outcome::Failed
    } else if diagnostics
        .iter()
        .any(|d: &Diagnostic| d.severity == Severity::Error)
    {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The contract of `archetype`: the default, extended or replaced by its `contract.yaml`.
pub(crate) fn contract_for(archetype: &Archetype, default: &Contract) -> Result<Contract, String> {
    let path = archetype.dir.join("contract.yaml");
    let text = if path.is_file() {
        Some(
            renkei_model::load::read_text(&archetype.dir, &path)
                .map_err(|error| error.to_string())?,
        )
    } else {
        None
    };
    Contract::for_archetype(default, &archetype.dir, text.as_deref())
        .map_err(|error| error.to_string())
}
