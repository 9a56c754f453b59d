//! What the commands share: finding the root, loading, choosing each archetype's contract,
//! rendering under a deadline and the freshness findings. A command calls these, prints
//! through [`crate::output`], and imports no other command.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use renkei_assemble::{Env, PushOptions, Skill, Status, Target, Templates};
use renkei_contract::Contract;
use renkei_model::{Archetype, Framework, ModelError, Walk};

use crate::{CliError, ConfigError};

/// Loads the framework `walk` reads, failing with every archetype problem at once.
pub(crate) fn load(walk: &Walk) -> Result<Framework, CliError> {
    let framework = renkei_model::load::load_framework_from(walk)?;
    if framework.problems.is_empty() {
        Ok(framework)
    } else {
        Err(CliError::Failed(
            framework.problems.iter().map(ToString::to_string).collect(),
        ))
    }
}

/// The root found from the current folder upward.
pub(crate) fn find_root() -> Result<std::path::PathBuf, CliError> {
    Ok(renkei_model::find_root(&std::env::current_dir()?)?)
}

/// How long rendering may take before renkei gives up, in seconds. Templates can loop (two
/// nested `range` loops run for hours) and Tera cannot be interrupted, so rendering runs on
/// its own thread under this deadline; the process exits with the error and the thread
/// with it. `RENKEI_RENDER_TIMEOUT_SECS` overrides it.
const DEFAULT_RENDER_TIMEOUT_SECS: u64 = 120;

/// Loads and renders every archetype under `root` (or those named in `only`) within the
/// render deadline.
pub(crate) fn render_selected(root: &Path, only: &[String]) -> Result<Vec<Skill>, CliError> {
    let timeout = std::env::var("RENKEI_RENDER_TIMEOUT_SECS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_RENDER_TIMEOUT_SECS);
    let (sender, receiver) = std::sync::mpsc::channel();
    let (root_owned, only_owned) = (root.to_path_buf(), only.to_vec());
    std::thread::spawn(move || {
        let _ = sender.send(render_all(&root_owned, &only_owned));
    });
    receiver.recv_timeout(std::time::Duration::from_secs(timeout)).unwrap_or_else(|_| {
        Err(CliError::Failed(vec![format!(
            "rendering did not finish within {timeout} s; a template in {} may loop without end (nothing was written)",
            root.join("templates").display()
        )]))
    })
}

/// Loads and renders every archetype, one archetype at a time per core: each archetype's
/// sources are dropped as soon as its skill is rendered, so memory holds the output, not the
/// whole tree twice.
fn render_all(root: &Path, only: &[String]) -> Result<Vec<Skill>, CliError> {
    let walk = Walk::on_disk(root);
    let templates = Templates::load(&walk)?;
    let dirs = walk.archetype_dirs().collect::<Result<Vec<_>, _>>()?;
    let rendered = renkei_model::parallel::parallel_map(&dirs, |dir| {
        let archetype =
            renkei_model::load::load_archetype(&walk, dir).map_err(|error| error.to_string())?;
        let name = archetype.name().to_string();
        if !only.is_empty() && !only.contains(&name) {
            return Ok((name, None));
        }
        let skill = renkei_assemble::render_skill(&archetype, &templates)
            .map_err(|error| error.to_string())?;
        Ok((name, Some(skill)))
    });
    let mut names = BTreeSet::new();
    let mut skills = Vec::new();
    let mut errors = Vec::new();
    for result in rendered {
        match result {
            Ok((name, skill)) => {
                names.insert(name);
                skills.extend(skill);
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Failed(errors));
    }
    let known = names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let unknown: Vec<String> = only
        .iter()
        .filter(|name| !names.contains(*name))
        .map(|name| format!("--only {name}: no archetype has that name; known: {known}"))
        .collect();
    if unknown.is_empty() {
        Ok(skills)
    } else {
        Err(CliError::Failed(unknown))
    }
}

/// The contract of `archetype`: the default, extended or replaced by its `contract.yaml`.
/// A `contract.yaml` that cannot be read or used is a located configuration error.
pub(crate) fn contract_for<'a>(
    walk: &Walk,
    archetype: &Archetype,
    default: &'a Contract,
) -> Result<Cow<'a, Contract>, ConfigError> {
    let path = archetype.dir.join("contract.yaml");
    let text = match walk.read_text(&path) {
        Ok(text) => Some(text),
        Err(ModelError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(ConfigError::new(error.to_string(), &path, error.position())),
    };
    Contract::for_archetype(default, &archetype.dir, text.as_deref())
        .map_err(|error| ConfigError::new(error.to_string(), error.path(), error.position()))
}

/// A finding for every file of `targets` that `assemble --check` would call stale.
pub(crate) fn stale_files(
    root: &Path,
    targets: &[String],
) -> Result<Vec<renkei_model::Diagnostic>, CliError> {
    let skills = render_selected(root, &[])?;
    let env = Env::from_process();
    let mut diagnostics = Vec::new();
    for spec in targets {
        let target = Target::resolve(spec, &env, root)?;
        let plan = renkei_assemble::plan(&target, &skills, None, PushOptions::default())?;
        for action in plan
            .actions
            .iter()
            .filter(|action| action.status.is_stale())
        {
            let state = match action.status {
                Status::New => "missing",
                _ => "stale",
            };
            diagnostics.push(
                renkei_model::Diagnostic::whole_file(
                    "assemble/stale",
                    renkei_model::Severity::Error,
                    target.dir.join(&action.relative),
                    format!(
                        "assembled skill file is {state} in target `{}`",
                        target.label
                    ),
                )
                .with_help(format!(
                    "run `renkei assemble --push --target {}`",
                    target.label
                )),
            );
        }
    }
    Ok(diagnostics)
}
