//! `renkei check`: the CI doctrine check. The vocabulary lint, every contract over every
//! archetype, and (with `--assembled`) the freshness of installed skills, in one report.

use std::io::Write;
use std::path::Path;

use clap::Args;
use renkei_contract::Contract;
use renkei_lint::{FileReport, FixMode, RuleSet};
use renkei_model::{Archetype, Diagnostic, ModelError, Severity, Walk};

use crate::config::{load_config, rule_set};
use crate::output::{Emitter, Format, RuleDoc, Tally, config_failure};
use crate::workspace::contract_for;
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
        None => crate::workspace::find_root()?,
    };
    let configured = load_config(args.config.as_deref(), Some(&root)).and_then(|mut loaded| {
        let check = std::mem::take(&mut loaded.config.check);
        Ok((check, rule_set(loaded)?))
    });
    let (config, rules) = match configured {
        Ok(configured) => configured,
        Err(error) => return config_failure(out, args.format, error),
    };
    let default_contract = Contract::builtin()?;

    let mut rule_docs: Vec<RuleDoc> = rules.rules.iter().map(RuleDoc::from).collect();
    rule_docs.extend(renkei_contract::rules::metas().map(RuleDoc::from));
    rule_docs.push(RuleDoc::config_invalid());
    rule_docs.push(RuleDoc::error(
        LOAD_FAILED,
        "the archetype loads, so its contract can be checked",
    ));
    let mut emitter = Emitter::start(out, args.format, &rule_docs)?;
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    // An archetype that did not load, or whose contract cannot be used, was not checked.
    let mut not_checked = false;
    // One archetype per core at a time: load it, lint its files, check its contract, print
    // its findings (in path order) and drop it, so memory does not grow with the tree.
    let walk = Walk::on_disk(&root);
    renkei_model::parallel::for_each_ordered(
        walk.archetype_dirs(),
        renkei_model::parallel::available_threads(),
        |dir| match dir {
            Ok(dir) => check_archetype(&walk, &dir, &rules, &default_contract),
            // The second of two archetypes with one name is still linted, as `lint` does.
            Err(error) => Checked {
                archetype: None,
                lint: match &error {
                    ModelError::DuplicateName { second, .. } => {
                        lint_unloaded(&walk, second, &rules)
                    }
                    _ => Vec::new(),
                },
                contract: Err(Box::new(load_failed(&error))),
            },
        },
        |mut checked: Checked| {
            let mut diagnostics = Vec::new();
            for report in &mut checked.lint {
                tally.record(&mut emitter, report, FixMode::Off)?;
                diagnostics.append(&mut report.diagnostics);
            }
            match std::mem::replace(&mut checked.contract, Ok(Vec::new())) {
                Ok(found) => diagnostics.extend(found),
                Err(problem) => {
                    not_checked = true;
                    diagnostics.push(*problem);
                }
            }
            sort_by_position(&mut diagnostics);
            for file in diagnostics.chunk_by(|a, b| a.path == b.path) {
                emitter.emit(file, |path| checked.source(path))?;
            }
            Ok::<(), std::io::Error>(())
        },
    )?;
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
        // The report is open: a failure here is reported after it is closed, so JSON and
        // SARIF output stays a whole document.
        match crate::workspace::stale_files(&root, &targets) {
            Ok(mut stale) => {
                sort_by_position(&mut stale);
                emitter.emit(&stale, |_| None)?;
            }
            Err(CliError::Failed(messages)) => errors.extend(messages),
            Err(output) => return Err(output),
        }
    }
    let has_errors = emitter.has_errors();
    emitter.finish(tally.files, 0)?;
    if !errors.is_empty() {
        // The freshness check loads the archetypes again and meets the same errors.
        let mut seen = std::collections::HashSet::new();
        errors.retain(|error| seen.insert(error.clone()));
        return Err(CliError::Failed(errors));
    }
    Ok(if not_checked {
        Outcome::Failed
    } else {
        tally.outcome(has_errors)
    })
}

/// One archetype's findings: each linted file's report, and the contract's findings (or why
/// the archetype could not be loaded). The archetype is kept until its findings are
/// printed, so that source lines are quoted from the text that was checked.
struct Checked {
    archetype: Option<Archetype>,
    lint: Vec<FileReport>,
    contract: Result<Vec<Diagnostic>, Box<Diagnostic>>,
}

impl Checked {
    /// The text of the file at `path`, as loaded or as the lint read it.
    fn source(&self, path: &Path) -> Option<&str> {
        let loaded = self.archetype.as_ref().and_then(|archetype| {
            if archetype.config_path == path {
                return Some(archetype.config_text.as_str());
            }
            archetype
                .parts
                .iter()
                .chain(&archetype.references)
                .find(|file| file.path == path)
                .and_then(|file| Some(file.markdown()?.text()))
        });
        loaded.or_else(|| {
            self.lint
                .iter()
                .find(|report| report.path == path)
                .and_then(|report| report.source.as_deref())
        })
    }
}

fn check_archetype(
    walk: &Walk,
    dir: &Path,
    rules: &RuleSet,
    default_contract: &Contract,
) -> Checked {
    let archetype = renkei_model::load::load_archetype(walk, dir);
    let lint = match &archetype {
        Ok(archetype) => renkei_lint::lint_archetype(walk.source().as_ref(), rules, archetype),
        Err(_) => lint_unloaded(walk, dir, rules),
    };
    let contract = match &archetype {
        Ok(archetype) => contract_for(walk, archetype, default_contract)
            .map(|contract| renkei_contract::check_contract(walk, archetype, &contract))
            .map_err(|error| error.finding),
        Err(error) => Err(Box::new(load_failed(error))),
    };
    Checked {
        archetype: archetype.ok(),
        lint,
        contract,
    }
}

/// The lint of an archetype folder that did not load, walked and read as `lint` does.
fn lint_unloaded(walk: &Walk, dir: &Path, rules: &RuleSet) -> Vec<FileReport> {
    renkei_lint::archetype_files(walk, dir)
        .into_iter()
        .map(|candidate| {
            renkei_lint::lint_candidate(walk.source().as_ref(), rules, candidate, FixMode::Off)
        })
        .collect()
}

fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.start, &a.rule).cmp(&(&b.path, b.start, &b.rule)));
}

/// Rule id of the finding for an archetype that could not be loaded, so its contract was
/// not checked.
pub(crate) const LOAD_FAILED: &str = "load/failed";

/// The finding for an archetype `error` stopped loading: at the place the error names.
fn load_failed(error: &ModelError) -> Diagnostic {
    let mut finding = Diagnostic::from_error(
        LOAD_FAILED,
        Severity::Error,
        error.path(),
        error.position(),
        &error.to_string(),
    );
    finding.message = format!(
        "{}; the archetype is not loaded and its contract not checked",
        finding.message
    );
    finding
}
