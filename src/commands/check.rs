//! `renkei check`: the CI doctrine check. The vocabulary lint, every contract over every
//! archetype, and (with `--assembled`) the freshness of installed skills, in one report.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use renkei_lint::{FixMode, Rule};
use renkei_model::RuleMeta;

use crate::output::{Emitter, Format, Paths, Tally, failure};
use crate::session::{
    CheckedPart, LOAD_FAILED_RULE, Options, RENDER_FAILED_RULE, STALE_RULE, Session,
    sort_by_position,
};
use crate::watch::{Changed, Watched};
use crate::{CONFIG_INVALID_RULE, CliError, Outcome};

/// Options of `renkei check`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei check                                  lint, contracts, interfaces, rendering
  renkei check --format github                  annotations in GitHub Actions
  renkei check --assembled --target project     also fail when installed skills are stale")]
pub struct CheckArgs {
    /// Configuration file; default: renkei.yaml at the root, if present
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also fail (exit 1) when there are more than N warnings
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,
    /// Also fail when installed skills are missing or stale (as `assemble --check`)
    #[arg(long)]
    pub assembled: bool,
    /// Targets `--assembled` compares with; default: the config's, else `project`
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Check again whenever the doctrine, templates or renkei.yaml change (only the
    /// archetypes whose files changed, and not the seams between them), until Ctrl-C
    #[arg(long)]
    pub watch: bool,
}

/// Runs `renkei check`.
pub fn run(
    root: Option<&Path>,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    if !args.watch {
        return check(root, args, None, out);
    }
    let walk = Session::open(&Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: false,
    })?
    .walk()?;
    // Absolute, as the watcher's paths are, so that the archetypes it names are the
    // walk's.
    let watched = Watched::of(&walk, args.config.as_deref())?;
    crate::watch::watch(&watched, out, |changed, out| {
        let only = match changed {
            Changed::Everything => None,
            Changed::Archetypes(dirs) => Some(dirs),
        };
        check(Some(&watched.root), args, only, out).map(Some)
    })
}

/// One check of every archetype, or of those in `only` without the seams between them.
fn check(
    root: Option<&Path>,
    args: &CheckArgs,
    only: Option<&BTreeSet<PathBuf>>,
    out: &mut dyn Write,
) -> Result<Outcome, CliError> {
    let options = Options {
        root: root.map(Path::to_path_buf),
        config: args.config.clone(),
        root_optional: false,
    };
    let session = match Session::open_configured(&options) {
        Ok(session) => session,
        Err(error) => return failure(out, args.format, error),
    };
    let checker = session.checker()?;
    let config = session.config()?;

    let mut metas: Vec<RuleMeta> = config.rules.rules.iter().map(Rule::meta).collect();
    metas.extend(renkei_lint::BUILTIN_METAS.iter().cloned());
    metas.extend(renkei_contract::rules::metas().cloned());
    metas.extend(renkei_contract::interface::INTERFACE_RULES.iter().cloned());
    metas.extend([
        CONFIG_INVALID_RULE,
        LOAD_FAILED_RULE,
        RENDER_FAILED_RULE,
        STALE_RULE,
    ]);
    if let Some(unknown) = config
        .settings
        .disable
        .iter()
        .find(|id| !metas.iter().any(|meta| meta.id == id.as_str()))
    {
        let hint =
            renkei_model::name::did_you_mean(unknown, metas.iter().map(|meta| meta.id.as_ref()));
        return Err(CliError::Failed(vec![format!(
            "renkei.yaml: `check: disable:` names `{unknown}`, which is no rule of check{hint}"
        )]));
    }
    let paths = Paths::relative_to(session.cwd());
    let mut emitter = Emitter::start(out, args.format, &metas, paths)?;
    let mut tally = Tally::default();
    // A check of a few archetypes (`--watch`) compares their sides of the seams with the
    // others', read for the purpose, so that it reports the seams a whole check would.
    let mut sides = BTreeMap::new();
    let whole = checker.check_all(only, |part| match part {
        CheckedPart::Archetype(checked, findings) => {
            if let (Some(_), Some(dir), Some(side)) = (only, &checked.dir, &checked.interface) {
                sides.insert(dir.clone(), side.clone());
            }
            for linted in &checked.lint {
                tally.record(&mut emitter, linted, FixMode::Off)?;
            }
            for file in findings.chunk_by(|a, b| a.path == b.path) {
                emitter.emit(file, |path| checked.source(path))?;
            }
            Ok::<(), CliError>(())
        }
        CheckedPart::Elsewhere(findings, source) => {
            for file in findings.chunk_by(|a, b| a.path == b.path) {
                let text = source(&file[0].path);
                emitter.emit(file, |_| text.as_deref())?;
            }
            Ok(())
        }
    })?;
    if let Some(only) = only {
        let mut all = checker.read_sides(only);
        all.extend(sides.into_iter().filter(|(_, side)| !side.is_empty()));
        let seams = checker.seams(&all.into_values().collect::<Vec<_>>())?;
        for file in seams.chunk_by(|a, b| a.path == b.path) {
            let text = checker.text(&file[0].path);
            emitter.emit(file, |_| text.as_deref())?;
        }
    }
    let (not_checked, not_loaded) = (whole.not_checked, whole.not_loaded);
    let settings = &config.settings;
    let mut errors = Vec::new();
    if (args.assembled || settings.assembled) && not_loaded {
        // Each archetype that did not load is a finding above; rendering would meet it again.
        errors.push(
            "installed skills not compared with the doctrine: an archetype above did not load"
                .to_string(),
        );
    } else if args.assembled || settings.assembled {
        let targets = match (&args.targets, &settings.targets) {
            (given, _) if !given.is_empty() => given.clone(),
            // A folder renkei.yaml names is where it says from the root, wherever check runs.
            (_, configured) if !configured.is_empty() => configured
                .iter()
                .map(|target| match session.root() {
                    Some(root) if target.starts_with("./") || target.starts_with("../") => {
                        root.join(target).display().to_string()
                    }
                    _ => target.clone(),
                })
                .collect(),
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
    let fails = emitter.fails(args.max_warnings);
    let over_warnings = emitter.over_warnings(args.max_warnings);
    emitter.finish(tally.files, 0)?;
    if let Some(note) = over_warnings.filter(|_| args.format == Format::Human) {
        crate::output::print_note(&note);
    }
    if !errors.is_empty() {
        return Err(CliError::Failed(errors));
    }
    Ok(if not_checked {
        Outcome::Failed
    } else {
        tally.outcome(fails)
    })
}
