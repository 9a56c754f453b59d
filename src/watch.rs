//! `--watch`: run a command again whenever the doctrine, the templates or the
//! configuration change, until Ctrl-C.
//!
//! Changes are debounced (an editor's save is several events; a `git checkout` is
//! hundreds), and each run is told which archetypes changed, so it renders or checks only
//! those unless a template or the configuration changed. Ctrl-C and SIGTERM are taken by
//! a handler that only asks the loop to stop: a run under way finishes, its atomic writes
//! and its lock on the target with it, so nothing half-written or held is left behind.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use renkei_model::walk::ARCHETYPE_FILE;

use crate::{CliError, Outcome};

/// How long the files must be still before a run starts.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// What changed since the last run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Something every archetype depends on (a template, `renkei.yaml`, an archetype
    /// folder come or gone): everything runs again.
    Everything,
    /// Files inside these archetype folders only.
    Archetypes(BTreeSet<PathBuf>),
}

enum Event {
    Paths(Vec<PathBuf>),
    Stop,
    Failed(String),
}

/// What a watch looks at: the doctrine root, its archetypes folder, and a configuration
/// file given with `--config`, all absolute (the watcher reports absolute paths).
pub struct Watched {
    /// The doctrine root, whose `renkei.yaml` and `templates/` are watched.
    pub root: PathBuf,
    /// The archetypes folder, watched whole.
    pub archetypes: PathBuf,
    /// A configuration file outside the usual place.
    pub config: Option<PathBuf>,
}

impl Watched {
    /// The places of a walk (and `--config`), made absolute.
    pub fn of(walk: &renkei_model::Walk, config: Option<&Path>) -> Result<Self, CliError> {
        let absolute = |path: &Path| {
            std::path::absolute(path)
                .map(|full| renkei_model::path::lexical(&full))
                .map_err(|error| {
                    CliError::Failed(vec![format!("--watch {}: {error}", path.display())])
                })
        };
        Ok(Self {
            root: absolute(walk.root())?,
            archetypes: absolute(&walk.archetypes_dir())?,
            config: config.map(absolute).transpose()?,
        })
    }
}

/// Runs `run` once over everything, then again with what changed each time the
/// doctrine, the templates or the configuration change, until Ctrl-C. `run` returns
/// `None` when a change concerns nothing it does (an archetype `--only` leaves out).
/// Returns the outcome of the last run. A run that fails is reported and the watch goes
/// on: the next save may fix it.
pub fn watch(
    watched: &Watched,
    out: &mut dyn Write,
    mut run: impl FnMut(&Changed, &mut dyn Write) -> Result<Option<Outcome>, CliError>,
) -> Result<Outcome, CliError> {
    let (sender, events) = mpsc::channel();
    let stop = sender.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Event::Stop);
    })
    .map_err(|error| CliError::Failed(vec![format!("--watch: cannot take Ctrl-C: {error}")]))?;
    let mut watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        let event = match result {
            Ok(event) if changes_content(&event.kind) => Event::Paths(event.paths),
            // Reads (renkei's own, an editor's) and metadata are no change to run for.
            Ok(_) => return,
            Err(error) => Event::Failed(error.to_string()),
        };
        let _ = sender.send(event);
    })
    .map_err(|error| CliError::Failed(vec![format!("--watch: {error}")]))?;
    // Only what a run reads: a build folder, `.git` or installed skills under the root
    // would cost watches and events for nothing.
    let templates = watched.root.join("templates");
    let mut places = vec![
        (watched.archetypes.as_path(), RecursiveMode::Recursive),
        (watched.root.as_path(), RecursiveMode::NonRecursive),
    ];
    if templates.is_dir() {
        places.push((templates.as_path(), RecursiveMode::Recursive));
    }
    if let Some(folder) = watched.config.as_deref().and_then(Path::parent) {
        places.push((folder, RecursiveMode::NonRecursive));
    }
    for (place, mode) in places {
        watcher.watch(place, mode).map_err(|error| {
            CliError::Failed(vec![format!("--watch {}: {error}", place.display())])
        })?;
    }
    let mut outcome = run_reported(&Changed::Everything, out, &mut run)?.unwrap_or(Outcome::Clean);
    let mut runs = 1;
    crate::output::print_note(&format!(
        "watching {} for changes; Ctrl-C stops",
        watched.root.display()
    ));
    loop {
        let mut paths = match events.recv() {
            Ok(Event::Paths(paths)) => paths,
            Ok(Event::Failed(error)) => {
                print_failure(&error);
                continue;
            }
            Ok(Event::Stop) | Err(mpsc::RecvError) => return Ok(outcome),
        };
        // The burst goes on until the files are still for `DEBOUNCE`.
        loop {
            match events.recv_timeout(DEBOUNCE) {
                Ok(Event::Paths(more)) => paths.extend(more),
                Ok(Event::Failed(error)) => print_failure(&error),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Ok(Event::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(outcome),
            }
        }
        // A templates folder made (or made again, by a checkout) after the watch began is
        // watched from now on; the root's own watch sees only the folder itself.
        if paths.contains(&templates)
            && templates.is_dir()
            && let Err(error) = watcher.watch(&templates, RecursiveMode::Recursive)
        {
            print_failure(&format!("{}: {error}", templates.display()));
        }
        let Some(changed) = classify(watched, &paths) else {
            continue;
        };
        let Some(ran) = run_reported(&changed, out, &mut run)? else {
            continue;
        };
        outcome = ran;
        runs += 1;
        crate::output::print_note(&match &changed {
            Changed::Everything => format!("run {runs}: files changed, ran everything again"),
            Changed::Archetypes(dirs) => format!(
                "run {runs}: files of {} archetype(s) changed, ran them again",
                dirs.len()
            ),
        });
    }
}

fn print_failure(error: &str) {
    crate::output::print_error(&CliError::Failed(vec![format!("--watch: {error}")]));
}

/// Whether an event of `kind` may be a file made, written, renamed or removed.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Access(_) => false,
        // What a backend cannot tell apart (a rescan, say) may be a change.
        EventKind::Create(_)
        | EventKind::Remove(_)
        | EventKind::Modify(_)
        | EventKind::Any
        | EventKind::Other => true,
    }
}

/// One run, its failure reported instead of ending the watch, its output flushed so that
/// a pipe sees it now. Only an error writing the output ends the watch.
fn run_reported(
    changed: &Changed,
    out: &mut dyn Write,
    run: &mut impl FnMut(&Changed, &mut dyn Write) -> Result<Option<Outcome>, CliError>,
) -> Result<Option<Outcome>, CliError> {
    let outcome = match run(changed, out) {
        Ok(outcome) => outcome,
        Err(CliError::Output(error)) => return Err(CliError::Output(error)),
        Err(error) => {
            crate::output::print_error(&error);
            Some(Outcome::Failed)
        }
    };
    out.flush()?;
    Ok(outcome)
}

/// What the changed `paths` call for: `None` when none is a source, a template or the
/// configuration (an installed skill under the root, a build folder, `.git`).
pub fn classify(watched: &Watched, paths: &[PathBuf]) -> Option<Changed> {
    let (root, archetypes) = (watched.root.as_path(), watched.archetypes.as_path());
    let templates = root.join("templates");
    let mut dirs = BTreeSet::new();
    for path in paths {
        let is_config = watched.config.as_deref() == Some(path.as_path())
            || path.parent() == Some(root)
                && path
                    .file_name()
                    .is_some_and(|name| name == "renkei.yaml" || name == "renkei.yml");
        if is_config || path.starts_with(&templates) {
            return Some(Changed::Everything);
        }
        let Ok(inside) = path.strip_prefix(archetypes) else {
            continue;
        };
        // `<stage>/<archetype>/...`: an archetype's own file; anything shallower, or its
        // `archetype.yaml`, changes which archetypes there are.
        let mut parts = inside.components();
        let (Some(stage), Some(name), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            return Some(Changed::Everything);
        };
        let dir = archetypes.join(stage).join(name);
        // A new name, or an archetype come or gone, changes more than its own skill.
        if *path == dir.join(ARCHETYPE_FILE) {
            return Some(Changed::Everything);
        }
        dirs.insert(dir);
    }
    (!dirs.is_empty()).then_some(Changed::Archetypes(dirs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_sorted_into_what_they_affect() {
        let watched = Watched {
            root: PathBuf::from("/r"),
            archetypes: PathBuf::from("/r/framework/archetypes"),
            config: Some(PathBuf::from("/elsewhere/renkei.yaml")),
        };
        let classify = |paths: &[&str]| {
            let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
            classify(&watched, &paths)
        };
        assert_eq!(
            classify(&["/r/.claude/skills/a/SKILL.md", "/r/target/x"]),
            None
        );
        assert_eq!(classify(&["/r/renkei.yaml"]), Some(Changed::Everything));
        assert_eq!(
            classify(&["/elsewhere/renkei.yaml"]),
            Some(Changed::Everything)
        );
        assert_eq!(classify(&["/elsewhere/other.yaml"]), None);
        assert_eq!(
            classify(&["/r/templates/skill.md.tera"]),
            Some(Changed::Everything)
        );
        assert_eq!(
            classify(&["/r/framework/archetypes/execution/lead/ethos/tenets.md"]),
            Some(Changed::Archetypes(BTreeSet::from([PathBuf::from(
                "/r/framework/archetypes/execution/lead"
            )])))
        );
        assert_eq!(
            classify(&["/r/framework/archetypes/execution"]),
            Some(Changed::Everything)
        );
    }
}
