//! `renkei check`: the CI doctrine check. The vocabulary lint, every contract over every
//! archetype, and (with `--assembled`) the freshness of installed skills, in one report.

use std::io::Write;
use std::path::Path;

use clap::Args;
use renkei_lint::{FixMode, Rule};
use renkei_model::{Diagnostic, RuleMeta};

use crate::output::{Emitter, Format, Paths, Tally, failure};
use crate::session::{Checked, LOAD_FAILED_RULE, Options, STALE_RULE, Session};
use crate::{CONFIG_INVALID_RULE, CliError, Outcome};

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
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: false,
    };
    let session = match Session::open(&options) {
        Ok(session) => session,
        Err(error) => return failure(out, args.format, error),
    };
    let walk = session.walk()?;

    let mut metas: Vec<RuleMeta> = session.rules().rules.iter().map(Rule::meta).collect();
    metas.extend(renkei_lint::BUILTIN_METAS.iter().cloned());
    metas.extend(renkei_contract::rules::metas().cloned());
    metas.extend([CONFIG_INVALID_RULE, LOAD_FAILED_RULE, STALE_RULE]);
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, &metas, paths)?;
    let mut tally = Tally::default();
    // An archetype that did not load, or whose contract cannot be used, was not checked.
    let mut not_checked = false;
    // One archetype per core at a time: load it, lint its files, check its contract, print
    // its findings (in path order) and drop it, so memory does not grow with the tree.
    renkei_model::parallel::for_each_ordered(
        walk.archetype_dirs(),
        renkei_model::parallel::available_threads(),
        |dir| match dir {
            Ok(dir) => session.check_archetype(&walk, &dir),
            Err(error) => session.check_refused(&walk, &error),
        },
        |mut checked: Checked| {
            let mut diagnostics = Vec::new();
            for linted in &mut checked.lint {
                tally.record(&mut emitter, linted, FixMode::Off)?;
                diagnostics.append(&mut linted.diagnostics);
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
    let mut errors = Vec::new();
    let settings = session.settings();
    if args.assembled || settings.assembled {
        let targets = match (&args.targets, &settings.targets) {
            (given, _) if !given.is_empty() => given.clone(),
            (_, configured) if !configured.is_empty() => configured.clone(),
            _ => vec!["project".to_string()],
        };
        // The report is open: a failure here is reported after it is closed, so JSON and
        // SARIF output stays a whole document.
        match session.stale_files(&targets) {
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

fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.start, &a.rule).cmp(&(&b.path, b.start, &b.rule)));
}
