//! The session: what every command (and an editor) works with, opened once. It owns the
//! doctrine root and the [`FileSource`] everything is read through, the project
//! configuration, the lint's rule set, the default contract and each archetype's
//! (`contract_for`), the templates (loaded when something first renders), the render
//! deadline, and the framework index. A command opens a session, calls it, and prints
//! what it returns through [`crate::output`].

use renkei_contract::plan::Gates;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use renkei_assemble::{
    AssembleError, Env, PushOptions, Siblings, Skill, SkillLayout, Status, Target, Templates,
};
use renkei_contract::Contract;
use renkei_contract::interface::Interface;
use renkei_contract::report::ReportContract;
use renkei_lint::{FixMode, LintedFile, RuleSet};
use renkei_model::diagnostic::Related;
use renkei_model::walk::ARCHETYPE_FILE;
use renkei_model::{
    Archetype, Diagnostic, Disk, Document, FileSource, Framework, ModelError, RuleMeta, Severity,
    Walk,
};

use crate::config::{CheckSettings, LoadedConfig, SharedConfig, load_config, rule_set};
use crate::{CliError, LocatedError};
use renkei_model::exclude::Excludes;

/// What to open.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The doctrine root; found from the current folder upward when `None`.
    pub root: Option<PathBuf>,
    /// The configuration file; `renkei.yaml` at the root when `None`, if there is one.
    pub config: Option<PathBuf>,
    /// Whether the command works without a doctrine root (a lint of the paths it is given).
    pub root_optional: bool,
}

/// An open session.
pub struct Session {
    root: Option<PathBuf>,
    source: Arc<dyn FileSource>,
    config_path: Option<PathBuf>,
    config: OnceLock<Result<Config, LocatedError>>,
    /// `exclude:` and `archetypes:` of `renkei.yaml`, read by every command that walks
    /// archetypes.
    layout: OnceLock<Result<(Arc<Excludes>, String), LocatedError>>,
    /// The built-in contract, parsed when a command first needs it (the lint never does).
    contract: OnceLock<Result<Contract, LocatedError>>,
    /// Dropped when a render is cancelled, whose flag would fail every later render.
    templates: Mutex<Option<Arc<Templates>>>,
    index: OnceLock<Index>,
    render_timeout: Duration,
    cwd: Option<PathBuf>,
}

/// The project configuration: `renkei.yaml`'s `check:` section and the rule set built from
/// its `lint:` section.
pub struct Config {
    /// What `check` includes beyond lint and contracts.
    pub settings: CheckSettings,
    /// The vocabulary rules.
    pub rules: RuleSet,
    /// Which of the paths `lint` is given it lints, when the root has archetypes.
    pub selection: renkei_lint::Selection,
}

/// How long rendering may take before renkei gives up, in seconds, unless
/// `RENKEI_RENDER_TIMEOUT_SECS` says otherwise. Templates can loop (two nested `range` loops
/// run for hours), so rendering runs on its own thread under this deadline.
pub(crate) const DEFAULT_RENDER_TIMEOUT_SECS: u64 = 120;

/// How long a cancelled render has to notice and end its thread.
pub(crate) const CANCEL_GRACE: Duration = Duration::from_secs(5);

/// `RENKEI_RENDER_TIMEOUT_SECS` when it is set to a number of seconds, else `default`.
pub(crate) fn render_timeout(default: Duration) -> Duration {
    std::env::var("RENKEI_RENDER_TIMEOUT_SECS")
        .ok()
        .and_then(|value| value.parse().ok())
        .map_or(default, Duration::from_secs)
}

impl Session {
    /// Opens a session over the file system.
    pub fn open(options: &Options) -> Result<Self, CliError> {
        Self::open_over(Arc::new(Disk), options)
    }

    /// Opens a session over the file system and reads the project configuration, for the
    /// commands that lint: a configuration they cannot use is their first error.
    pub fn open_configured(options: &Options) -> Result<Self, CliError> {
        let session = Self::open(options)?;
        session.config()?;
        Ok(session)
    }

    /// [`Session::open_configured`], with the text on stdin held as the file at `path`
    /// (`renkei lint -`): an editor or a pipe lints a buffer under the name it will have.
    pub fn open_configured_with_stdin(options: &Options, path: &Path) -> Result<Self, CliError> {
        let mut text = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::io::stdin().lock(),
                renkei_model::read::MAX_SOURCE_FILE_BYTES + 1,
            ),
            &mut text,
        )?;
        let mut overlay = renkei_model::Overlay::over(Arc::new(Disk));
        // Held as the walk asks for it: the over-long text is refused by the reader.
        overlay.insert(path, text.clone());
        // And under its full name, which the lint's scope asks about.
        if let Ok(absolute) = std::path::absolute(path) {
            overlay.insert(renkei_model::path::lexical(&absolute), text);
        }
        let session = Self::open_over(Arc::new(overlay), options)?;
        session.config()?;
        Ok(session)
    }

    /// Opens a session that reads every doctrine and configuration file through `source`,
    /// such as an [`renkei_model::Overlay`] of an editor's unsaved buffers.
    pub fn open_over(source: Arc<dyn FileSource>, options: &Options) -> Result<Self, CliError> {
        let cwd = std::env::current_dir().ok();
        let root = match (&options.root, &cwd) {
            // A root that is not a folder is a mistake in the command, not a finding.
            (Some(root), _) if source.kind(root) != Some(renkei_model::source::Kind::Dir) => {
                let what = match source.kind(root) {
                    Some(_) => "not a folder",
                    None => "no such folder",
                };
                return Err(CliError::Failed(vec![format!(
                    "--root {}: {what}",
                    root.display()
                )]));
            }
            (Some(root), _) => Some(root.clone()),
            (None, Some(cwd)) if options.root_optional => renkei_model::find_root(cwd).ok(),
            (None, Some(cwd)) => Some(renkei_model::find_root(cwd)?),
            (None, None) if options.root_optional => None,
            (None, None) => return Err(std::io::Error::other("no current folder").into()),
        };
        crate::output::print_verbose(|| match (&root, &options.root) {
            (Some(root), Some(_)) => format!("root {} (--root)", root.display()),
            (Some(root), None) => {
                format!("root {} (found from the current folder)", root.display())
            }
            (None, _) => "no root: no framework/archetypes or renkei.yaml here or above".into(),
        });
        Ok(Self {
            root,
            source,
            config_path: options.config.clone(),
            config: OnceLock::new(),
            layout: OnceLock::new(),
            contract: OnceLock::new(),
            templates: Mutex::new(None),
            index: OnceLock::new(),
            render_timeout: render_timeout(Duration::from_secs(DEFAULT_RENDER_TIMEOUT_SECS)),
            cwd,
        })
    }

    /// The session with renders given `deadline` instead of the command line's, unless
    /// `RENKEI_RENDER_TIMEOUT_SECS` says otherwise: an editor cannot wait two minutes.
    pub fn with_render_deadline(mut self, deadline: Duration) -> Self {
        self.render_timeout = render_timeout(deadline);
        self
    }

    /// Every rule renkei can report, with the commands that report it: the vocabulary
    /// rules as `renkei.yaml` leaves them, then the rules of contracts, interfaces,
    /// assembly, reports and skill folders.
    pub fn catalog(&self) -> Result<Vec<CatalogEntry<'_>>, CliError> {
        let rules = &self.config()?.rules;
        let mut entries: Vec<CatalogEntry<'_>> = rules
            .rules
            .iter()
            .map(|rule| CatalogEntry {
                meta: rule.meta(),
                commands: vec!["lint", "check"],
                lint: Some(rule),
            })
            .collect();
        // A rule two commands report (assembly's length warnings, in `skills check` too)
        // is one entry.
        let mut group = |metas: &mut dyn Iterator<Item = &RuleMeta>, commands: &[&'static str]| {
            for meta in metas {
                match entries.iter_mut().find(|entry| entry.meta.id == meta.id) {
                    Some(entry) => entry.commands.extend(commands),
                    None => entries.push(CatalogEntry {
                        meta: meta.clone(),
                        commands: commands.to_vec(),
                        lint: None,
                    }),
                }
            }
        };
        group(&mut renkei_lint::BUILTIN_METAS.iter(), &["lint", "check"]);
        group(&mut renkei_contract::rules::metas(), &["check"]);
        group(&mut renkei_contract::plan::plan_metas(), &["plan"]);
        group(
            &mut renkei_contract::interface::INTERFACE_RULES.iter(),
            &["check"],
        );
        group(&mut renkei_assemble::RULES.iter(), &["assemble", "check"]);
        group(&mut [RENDER_FAILED_RULE, STALE_RULE].iter(), &["check"]);
        group(
            &mut [LOAD_FAILED_RULE].iter(),
            &["check", "report", "graph"],
        );
        group(
            &mut [crate::CONFIG_INVALID_RULE].iter(),
            &["lint", "check", "report"],
        );
        group(
            &mut renkei_contract::report::REPORT_RULES.iter(),
            &["report"],
        );
        group(
            &mut renkei_assemble::skills::SKILL_RULES.iter(),
            &["skills"],
        );
        Ok(entries)
    }

    /// The built-in contract every archetype's starts from.
    fn default_contract(&self) -> Result<&Contract, LocatedError> {
        self.contract
            .get_or_init(|| {
                Contract::builtin().map_err(|error| {
                    LocatedError::config(error.to_string(), error.path(), error.position())
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The doctrine root, when there is one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The current folder, which output paths are shown relative to.
    pub fn cwd(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }

    /// The project configuration, read the first time a command asks for it: only the
    /// commands that lint read `renkei.yaml`.
    pub fn config(&self) -> Result<&Config, CliError> {
        self.config
            .get_or_init(|| {
                let loaded = load_config::<crate::config::ProjectConfig>(
                    self.source.as_ref(),
                    self.config_path.as_deref(),
                    self.root.as_deref(),
                )?;
                crate::output::print_verbose(|| match &loaded.path {
                    Some(path) => format!("configuration {}", path.display()),
                    None => "no renkei.yaml: built-in rules only".into(),
                });
                let settings = loaded.config.check.clone();
                let selection = self.selection(&loaded)?;
                Ok(Config {
                    settings,
                    rules: rule_set(loaded)?,
                    selection,
                })
            })
            .as_ref()
            .map_err(|error| error.clone().into())
    }

    /// What `lint` keeps of the paths it is given, from `renkei.yaml`'s `lint: include:`
    /// and `exclude:` and the root's archetypes folder.
    fn selection(
        &self,
        loaded: &LoadedConfig<crate::config::ProjectConfig>,
    ) -> Result<renkei_lint::Selection, LocatedError> {
        let path = loaded
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from("renkei.yaml"));
        let globs = |field: &str, patterns| {
            Excludes::for_field(field, patterns, &path)
                .map_err(|error| LocatedError::config(error.to_string(), &path, error.position()))
        };
        let include = globs("lint.include", &loaded.config.lint.include)?;
        let exclude = globs("lint.exclude", &loaded.config.lint.exclude)?;
        // Compared as the files given are, resolved: `../x.md` from a subfolder, or a root
        // reached through a link, is the same file.
        let resolved = |path: &Path| path.canonicalize().ok();
        let root = self.root.as_deref().and_then(resolved);
        // A root whose `archetypes:` cannot be used is an error here too: a scope that
        // quietly widened would lint every file pre-commit gives.
        let archetypes = match &self.root {
            Some(_) => match self.walk() {
                Ok(walk) => resolved(&walk.archetypes_dir()),
                Err(CliError::Located(mut errors)) if !errors.is_empty() => {
                    return Err(errors.remove(0));
                }
                Err(_) => None,
            },
            None => None,
        }
        .filter(|dir| dir.is_dir());
        Ok(renkei_lint::Selection::new(
            root, archetypes, include, exclude,
        ))
    }

    /// Fails, one line per path, when a path given is not there: a mistake in the command,
    /// not a finding about a file.
    pub fn paths_exist(&self, paths: &[PathBuf]) -> Result<(), CliError> {
        let missing: Vec<String> = paths
            .iter()
            .filter(|path| self.source.kind(path).is_none() && !self.source.is_symlink(path))
            .map(|path| format!("{}: no such file or folder", path.display()))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CliError::Failed(missing))
        }
    }

    /// Lints `paths` (files, and the Markdown inside folders) that the configured
    /// selection keeps (all of them with `everything`), or, when none is given, the
    /// doctrine files of every archetype under the root; every file is read through the
    /// session's source, and each linted file goes to `sink` in path order. Returns how
    /// many files given were left out by the selection.
    pub fn lint(
        &self,
        paths: &[PathBuf],
        everything: bool,
        fix: FixMode,
        sink: impl FnMut(LintedFile) -> Result<(), CliError>,
    ) -> Result<usize, CliError> {
        let config = self.config()?;
        let rules = &config.rules;
        let threads = renkei_model::parallel::available_threads();
        let source = self.source.as_ref();
        if paths.is_empty() {
            let files = renkei_lint::default_files(&self.archetypes()?);
            renkei_lint::lint_files(source, rules, files, threads, fix, sink)?;
            return Ok(0);
        }
        self.paths_exist(paths)?;
        let mut selection = config.selection.clone();
        if everything {
            selection = selection.everything();
        }
        let left_out = std::sync::atomic::AtomicUsize::new(0);
        let archetypes = self.archetypes().ok();
        let files =
            renkei_lint::expand_paths(paths.to_vec(), archetypes.as_ref()).filter(|candidate| {
                // A path that cannot be resolved (a link to nothing) is linted, which reports why
                // it cannot be read: a broken link is not a file left out.
                let path = candidate.path();
                let full = std::path::absolute(path)
                    .map(|absolute| renkei_model::path::lexical(&absolute))
                    .unwrap_or_else(|_| path.to_path_buf());
                let there = source.kind(&full).is_some() || source.is_symlink(&full);
                let kept = !there
                    || resolved_folder(path).is_none_or(|resolved| selection.keeps(&resolved));
                if kept {
                    crate::output::print_verbose(|| format!("linting {}", path.display()));
                } else {
                    crate::output::print_verbose(|| {
                        format!(
                            "left out {}: not an archetype's operational file",
                            path.display()
                        )
                    });
                    left_out.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                kept
            });
        renkei_lint::lint_files(source, rules, files, threads, fix, sink)?;
        Ok(left_out.into_inner())
    }

    /// What checks archetypes one at a time: the walk and the rule set, which `check` and
    /// an editor share.
    pub fn checker(&self) -> Result<Checker<'_>, CliError> {
        let walk = self.archetypes()?;
        // The checker's own templates: cancelling a render past the deadline stops only
        // this check.
        let templates = Templates::load(&walk)
            .map(Arc::new)
            .map_err(|error| Box::new(render_failed(&error, &walk.root().join("templates"))));
        let (watchdog, stopped) = std::sync::mpsc::channel::<()>();
        if let Ok(templates) = &templates {
            let canceller = templates.canceller();
            let deadline = self.render_timeout;
            std::thread::spawn(move || {
                // Ends when the checker is dropped; cancels renders still running at the
                // deadline, so that a template that loops cannot hang the check.
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(deadline)
                {
                    canceller.cancel();
                }
            });
        }
        Ok(Checker {
            rules: &self.config()?.rules,
            walk,
            session: self,
            layouts: Mutex::new(BTreeMap::new()),
            templates,
            _watchdog: watchdog,
        })
    }

    /// The walk of the archetypes, once it is known that their folder is there: a command
    /// that reads archetypes says in one line where it looked, instead of reporting the
    /// folder as an unreadable file or checking nothing.
    pub fn archetypes(&self) -> Result<Walk, CliError> {
        let walk = self.walk()?;
        let dir = walk.archetypes_dir();
        match self.source.kind(&dir) {
            // An empty folder passing the gate would hide a wrong `archetypes:` or a
            // checkout that lost its doctrine.
            Some(renkei_model::source::Kind::Dir) if walk.archetype_dirs().next().is_none() => {
                Err(CliError::Failed(vec![format!(
                    "{}: holds no archetypes; renkei reads its <stage>/<archetype>/ folders, each with an archetype.yaml",
                    dir.display()
                )]))
            }
            Some(renkei_model::source::Kind::Dir) => Ok(walk),
            found => Err(CliError::Failed(vec![format!(
                "{}: {}; renkei reads archetypes from its <stage>/<archetype>/ folders (set `archetypes:` in renkei.yaml for another folder; `renkei lint PATHS` lints files anywhere)",
                dir.display(),
                if found.is_some() {
                    "not a folder"
                } else {
                    "no such folder"
                }
            )])),
        }
    }

    /// The walk of the doctrine tree under the root.
    pub fn walk(&self) -> Result<Walk, CliError> {
        let root = self
            .root
            .as_deref()
            .ok_or_else(|| CliError::Failed(vec![NO_ROOT.to_string()]))?;
        let (excludes, archetypes) = self
            .layout
            .get_or_init(|| {
                let loaded = load_config::<SharedConfig>(
                    self.source.as_ref(),
                    self.config_path.as_deref(),
                    Some(root),
                )?;
                let path = loaded.path.unwrap_or_else(|| root.join("renkei.yaml"));
                let excludes = Excludes::new(&loaded.config.exclude, &path)
                    .map(Arc::new)
                    .map_err(|error| {
                        LocatedError::config(error.to_string(), &path, error.position())
                    })?;
                let archetypes = match &loaded.config.archetypes {
                    Some(written) => archetypes_folder(written, &path)?,
                    None => renkei_model::load::ARCHETYPES_DIR.to_string(),
                };
                crate::output::print_verbose(|| {
                    format!("archetypes {}", root.join(&archetypes).display())
                });
                Ok((excludes, archetypes))
            })
            .clone()
            .map_err(|error| CliError::Located(vec![error]))?;
        Ok(Walk::new(Arc::clone(&self.source), root)
            .with_excludes(excludes)
            .with_archetypes(&archetypes))
    }

    /// The cheap facts of every archetype, from one pass over the tree.
    pub fn index(&self) -> Result<&Index, CliError> {
        let walk = self.archetypes()?;
        Ok(self.index.get_or_init(|| Index::build(&walk)))
    }

    /// Loads every archetype, failing with every archetype problem at once, each at its
    /// place.
    pub fn load(&self) -> Result<Framework, CliError> {
        let framework = renkei_model::load::load_framework_from(&self.archetypes()?)?;
        if framework.problems.is_empty() {
            Ok(framework)
        } else {
            Err(CliError::Located(
                framework.problems.iter().map(not_loaded).collect(),
            ))
        }
    }

    /// The framework's invocation graph, from every archetype's interface.
    pub fn graph(&self) -> Result<renkei_contract::interface::graph::Graph, CliError> {
        // One archetype at a time, as check reads them: only its interface is kept.
        let walk = self.archetypes()?;
        let mut interfaces = Vec::new();
        let mut problems = Vec::new();
        renkei_model::parallel::for_each_ordered(
            walk.archetype_dirs(),
            renkei_model::parallel::available_threads(),
            |dir| {
                dir.and_then(|dir| renkei_model::load::load_archetype(&walk, &dir))
                    .map(|archetype| Interface::of(&archetype))
            },
            |read| {
                match read {
                    Ok(interface) => interfaces.push(interface),
                    Err(problem) => problems.push(not_loaded(&problem)),
                }
                Ok::<(), std::convert::Infallible>(())
            },
        )
        .unwrap_or_else(|never| match never {});
        if !problems.is_empty() {
            return Err(CliError::Located(problems));
        }
        Ok(renkei_contract::interface::graph::Graph::of(&interfaces))
    }

    /// The contract of `archetype`: the default, extended or replaced by its
    /// `contract.yaml`. A `contract.yaml` that cannot be read or used is a located error.
    pub fn contract_for(&self, archetype: &Archetype) -> Result<Cow<'_, Contract>, LocatedError> {
        let path = archetype.dir.join(renkei_model::load::CONTRACT_FILE);
        let walk = self
            .walk()
            .map_err(|_| LocatedError::config(NO_ROOT.to_string(), &path, None))?;
        let text = match walk.read_text(&path) {
            Ok(text) => Some(text),
            Err(ModelError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                None
            }
            Err(error) => {
                return Err(LocatedError::config(
                    error.to_string(),
                    &path,
                    error.position(),
                ));
            }
        };
        Contract::for_archetype(self.default_contract()?, &archetype.dir, text.as_deref()).map_err(
            |error| LocatedError::config(error.to_string(), error.path(), error.position()),
        )
    }

    /// Loads and renders every archetype (or those named in `only`) within the render
    /// deadline. Past it, the render is cancelled: the thread stops at the template's next
    /// write or `range` call and ends, and nothing is written.
    pub fn render(&self, only_names: &[String]) -> Result<Vec<Skill>, CliError> {
        let walk = self.archetypes()?;
        let templates = self.templates(&walk)?;
        let canceller = templates.canceller();
        let (sender, receiver) = std::sync::mpsc::channel();
        let only = only_names.to_vec();
        let worker = std::thread::spawn(move || {
            let _ = sender.send(render_all(&walk, &templates, &only));
        });
        match receiver.recv_timeout(self.render_timeout) {
            Ok(Ok(skills)) if !only_names.is_empty() => {
                match unknown_names(only_names, &self.index()?.names()) {
                    Some(unknown) => Err(CliError::Failed(unknown)),
                    None => Ok(skills),
                }
            }
            Ok(rendered) => rendered,
            Err(_) => {
                canceller.cancel();
                if let Ok(mut cached) = self.templates.lock() {
                    cached.take();
                }
                // A loop that neither writes nor calls `range` (over a list it saved before)
                // never sees the flag; the thread is then left to the process's exit.
                if receiver.recv_timeout(CANCEL_GRACE).is_ok() {
                    let _ = worker.join();
                }
                let templates_dir = self
                    .root
                    .as_deref()
                    .unwrap_or(Path::new("."))
                    .join("templates");
                Err(CliError::Failed(vec![format!(
                    "rendering did not finish within {} s; a template in {} may loop without end (nothing was written)",
                    self.render_timeout.as_secs(),
                    templates_dir.display()
                )]))
            }
        }
    }

    /// The templates, loaded the first time something renders.
    fn templates(&self, walk: &Walk) -> Result<Arc<Templates>, CliError> {
        let mut cached = self
            .templates
            .lock()
            .map_err(|_| CliError::Failed(vec!["a render failed before this one".to_string()]))?;
        if let Some(templates) = cached.as_ref() {
            return Ok(Arc::clone(templates));
        }
        let templates = Arc::new(Templates::load(walk)?);
        *cached = Some(Arc::clone(&templates));
        Ok(templates)
    }

    /// Checks the filled-in report at `report_path` against the template contract of the
    /// archetype it follows: `archetype` when named, else the only one that defines a
    /// report, else the one whose template has the report's title.
    pub fn check_report(
        &self,
        report_path: &Path,
        archetype: Option<&str>,
    ) -> Result<CheckedReport, CliError> {
        let walk = self.archetypes()?;
        let framework = self.load()?;
        let mut candidates = Vec::new();
        for found in &framework.archetypes {
            if archetype.is_some_and(|name| name != found.name()) {
                continue;
            }
            let contract = self.contract_for(found)?;
            if let Some(report_contract) = ReportContract::from_contract(&contract, &found.stage) {
                candidates.push((found, report_contract));
            }
        }
        // The report is an agent's output, outside the doctrine tree: its own folder is the
        // root its links may not leave.
        let report_dir = report_path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let report_walk = Walk::new(Arc::clone(&self.source), report_dir);
        let report = parse(report_path, report_walk.read_text(report_path)?)?;
        let read_template = |found: &Archetype, contract: &ReportContract| {
            let path = found.dir.join(&contract.template);
            let template = parse(&path, walk.read_text(&path)?)?;
            Ok::<_, CliError>((path, template))
        };
        let (contract, (template_path, template)) = match (candidates.len(), archetype) {
            (1, _) => {
                let (found, contract) = candidates.remove(0);
                let template = read_template(found, &contract)?;
                (contract, template)
            }
            (0, Some(name)) => {
                return Err(CliError::Failed(vec![format!(
                    "--archetype {name}: no such archetype, or its contract has no `outcome-field` check to define a report"
                )]));
            }
            (0, None) => {
                return Err(CliError::Failed(vec![
                    "no archetype has a report contract (an `outcome-field` check)".to_string(),
                ]));
            }
            _ => {
                // A report keeps its template's title: `# Validation Report` follows
                // validate-plan's template, whichever archetypes define reports.
                let title = |document: &Document| {
                    document
                        .outline
                        .headings
                        .first()
                        .map(|heading| renkei_contract::text::name_key(&heading.text))
                };
                let wanted = title(&report);
                let mut matching = Vec::new();
                for (found, contract) in candidates.iter() {
                    let template = read_template(found, contract)?;
                    if wanted.is_some() && title(&template.1) == wanted {
                        matching.push((contract.clone(), template));
                    }
                }
                if matching.len() == 1 {
                    matching.remove(0)
                } else {
                    let names: Vec<&str> =
                        candidates.iter().map(|(found, _)| found.name()).collect();
                    let why = if matching.is_empty() {
                        "and none has a template with the report's title"
                    } else {
                        "and several have templates with the report's title"
                    };
                    return Err(CliError::Failed(vec![format!(
                        "several archetypes define reports ({}), {why}; pass --archetype NAME",
                        names.join(", ")
                    )]));
                }
            }
        };
        let findings = renkei_contract::check_report(&contract, &template, report_path, &report);
        Ok(CheckedReport {
            report_path: report_path.to_path_buf(),
            report,
            template_path,
            template,
            findings,
        })
    }

    /// The template at `template_path` (an installed skill's `references/template.md`)
    /// and the report contract it states, read once for every report checked against it.
    pub fn report_template(&self, template_path: &Path) -> Result<ReportTemplate, CliError> {
        let template = read_plain(self.source.as_ref(), template_path)?;
        let name = template_path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let contract = ReportContract::from_template(&template, &name, self.default_contract()?)
            .ok_or_else(|| {
                CliError::Failed(vec![format!(
                    "{}: the template has no outcome field offering its values (`Outcome: `complete` | `blocked``), so it defines no report",
                    template_path.display()
                )])
            })?;
        Ok(ReportTemplate {
            path: template_path.to_path_buf(),
            template,
            contract,
        })
    }

    /// Checks the filled-in report at `report_path` against `template` alone, by the
    /// contract the template states: no doctrine root is needed.
    pub fn check_report_with_template(
        &self,
        report_path: &Path,
        template: &ReportTemplate,
    ) -> Result<CheckedReport, CliError> {
        let report = read_plain(self.source.as_ref(), report_path)?;
        let findings = renkei_contract::check_report(
            &template.contract,
            &template.template,
            report_path,
            &report,
        );
        Ok(CheckedReport {
            report_path: report_path.to_path_buf(),
            report,
            template_path: template.path.clone(),
            template: template.template.clone(),
            findings,
        })
    }

    /// The gates plans wait on, read from `from` (a process document, or an installed
    /// skill folder whose SKILL.md inlines it), else from the one archetype under the root
    /// whose `doctrine/process.md` has a `Gates` section.
    pub fn plan_gates(&self, from: Option<&Path>) -> Result<Gates, CliError> {
        const HOW: &str = "a `Gates` section with one bold or code term, or one heading, per gate";
        if let Some(from) = from {
            let path = match self.source.kind(from) {
                Some(renkei_model::source::Kind::Dir) => from.join("SKILL.md"),
                _ => from.to_path_buf(),
            };
            let gates =
                renkei_contract::plan::read_gates(&path, &read_plain(self.source.as_ref(), &path)?);
            if gates.gates.is_empty() {
                return Err(CliError::Failed(vec![format!(
                    "{}: defines no gates; plan check reads them from {HOW}",
                    path.display()
                )]));
            }
            return Ok(gates);
        }
        let mut defining = Vec::new();
        for entry in &self.index()?.entries {
            let path = entry.dir.join("doctrine/process.md");
            if self.source.kind(&path).is_none() {
                continue;
            }
            let gates =
                renkei_contract::plan::read_gates(&path, &read_plain(self.source.as_ref(), &path)?);
            if !gates.gates.is_empty() {
                defining.push(gates);
            }
        }
        match defining.len() {
            1 => Ok(defining.remove(0)),
            0 => Err(CliError::Failed(vec![format!(
                "no archetype's doctrine/process.md defines gates ({HOW}); give the process with --gates FILE, or an installed skill with --skill DIR"
            )])),
            _ => Err(CliError::Failed(vec![format!(
                "the gates are defined in more than one process ({}); name one with --gates FILE",
                defining
                    .iter()
                    .map(|gates| gates.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )])),
        }
    }

    /// Checks the plan at `path` by the plan contract and `gates`; with `fix`, first
    /// writes every fix that is the one replacement of its finding (a misspelt value or
    /// gate) and checks the fixed text.
    pub fn check_plan(
        &self,
        path: &Path,
        gates: &Gates,
        fix: bool,
    ) -> Result<CheckedPlan, CliError> {
        let mut document = read_plain(self.source.as_ref(), path)?;
        let mut checked = renkei_contract::plan::check_plan(path, &document, gates);
        let edits: Vec<renkei_model::Edit> = checked
            .findings
            .iter()
            .filter(|finding| finding.replacements.len() == 1)
            .map(|finding| renkei_model::Edit {
                range: finding.range.clone(),
                replacement: finding.replacements[0].clone(),
            })
            .collect();
        let mut fixed = 0;
        if fix && !edits.is_empty() {
            let planned = edits.len();
            let after = renkei_model::apply_edits(&document.source, edits);
            renkei_model::write::write_atomic(path, after.as_bytes()).map_err(|error| {
                CliError::Failed(vec![format!(
                    "{}: cannot write fixes: {error}",
                    path.display()
                )])
            })?;
            document = parse(path, after)?;
            checked = renkei_contract::plan::check_plan(path, &document, gates);
            let left = checked
                .findings
                .iter()
                .filter(|finding| finding.replacements.len() == 1)
                .count();
            fixed = planned.saturating_sub(left);
        }
        Ok(CheckedPlan {
            path: path.to_path_buf(),
            document,
            plan: checked.plan.zip(checked.order),
            findings: checked.findings,
            fixed,
        })
    }

    /// Checks skill folders renkei did not write (`dirs`: skills, or folders of skills),
    /// read through the session's source, with `client`'s own keys allowed.
    pub fn check_skills(
        &self,
        dirs: &[PathBuf],
        client: Option<renkei_model::archetype::Client>,
    ) -> Result<renkei_assemble::skills::CheckedSkills, CliError> {
        Ok(renkei_assemble::skills::check_skills(
            self.source.as_ref(),
            dirs,
            client,
        )?)
    }

    /// A finding for every file of `targets` that `assemble --check` would call stale.
    pub fn stale_files(&self, targets: &[String]) -> Result<Vec<Diagnostic>, CliError> {
        let skills = self.render(&[])?;
        let walk = self.walk()?;
        let env = Env::from_process();
        let mut diagnostics = Vec::new();
        for spec in targets {
            let target = Target::resolve(spec, &env, walk.root(), &walk.archetypes_dir())?;
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
                    Diagnostic::whole_file(
                        STALE,
                        Severity::Error,
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
}

/// `path` with its folder resolved (`..`, links, as much of it as exists) and its own name
/// kept: a file is judged by where it is, and a link to a device stays a link the reader
/// refuses for what it is.
fn resolved_folder(path: &Path) -> Option<PathBuf> {
    let absolute = renkei_model::path::lexical(&std::path::absolute(path).ok()?);
    match (absolute.parent(), absolute.file_name()) {
        (Some(folder), Some(name)) => Some(renkei_model::path::resolved(folder)?.join(name)),
        _ => renkei_model::path::resolved(&absolute),
    }
}

/// A rule renkei can report: what it says, the commands that report it, and, for a
/// vocabulary rule, the rule itself (its scopes, fix and examples).
pub struct CatalogEntry<'s> {
    /// Its id, summary, why, help and severity.
    pub meta: RuleMeta,
    /// The commands whose findings it can be among.
    pub commands: Vec<&'static str>,
    /// The vocabulary rule, for a `vocabulary/*` (or project) rule.
    pub lint: Option<&'s renkei_lint::Rule>,
}

/// A template read for `report check --template`, and the report contract it states.
pub struct ReportTemplate {
    path: PathBuf,
    template: Document,
    contract: ReportContract,
}

/// A Markdown file outside the doctrine tree (a report, an installed skill's template),
/// read as it is: the doctrine walk's rules for links do not apply to it.
fn read_plain(source: &dyn FileSource, path: &Path) -> Result<Document, CliError> {
    let text = source
        .read(path)
        .and_then(|bytes| renkei_model::read::utf8(path, bytes))?;
    parse(path, text)
}

/// A plan checked by the plan contract, with its text for the source lines of its findings.
pub struct CheckedPlan {
    path: PathBuf,
    document: Document,
    plan: Option<(renkei_contract::plan::Plan, renkei_contract::plan::Order)>,
    /// The findings.
    pub findings: Vec<Diagnostic>,
    /// How many fixes `--fix` wrote.
    pub fixed: usize,
}

impl CheckedPlan {
    /// The plan's text, by path.
    pub fn source(&self, path: &Path) -> Option<&str> {
        (path == self.path).then_some(self.document.source.as_str())
    }

    /// Whether a finding fails the plan.
    pub fn fails(&self) -> bool {
        self.findings
            .iter()
            .any(|finding| finding.severity == renkei_model::Severity::Error)
    }

    /// The waves of a plan that passed, at most `max_concurrency` phases each: each wave's
    /// gate and phase ids.
    pub fn waves(&self, gates: &Gates, max_concurrency: usize) -> Vec<(String, Vec<String>)> {
        let Some((plan, order)) = &self.plan else {
            return Vec::new();
        };
        renkei_contract::plan::waves::waves(plan, gates, order, max_concurrency)
            .into_iter()
            .map(|wave| {
                let ids = wave
                    .phases
                    .iter()
                    .map(|&index| plan.phases[index].id().to_string())
                    .collect();
                (wave.gate, ids)
            })
            .collect()
    }
}

/// A filled-in report checked against its template's contract, with both texts, for the
/// source lines of its findings.
pub struct CheckedReport {
    report_path: PathBuf,
    report: Document,
    template_path: PathBuf,
    template: Document,
    /// The findings, in the report and in the template.
    pub findings: Vec<Diagnostic>,
}

impl CheckedReport {
    /// The text of the report or of its template, by path.
    pub fn source(&self, path: &Path) -> Option<&str> {
        if path == self.report_path {
            Some(&self.report.source)
        } else if path == self.template_path {
            Some(&self.template.source)
        } else {
            None
        }
    }
}

fn parse(path: &Path, text: String) -> Result<Document, CliError> {
    Document::parse(text).map_err(|source| {
        ModelError::TooDeep {
            path: path.to_path_buf(),
            source,
        }
        .into()
    })
}

/// Checks archetypes one at a time: each is loaded, linted from memory and checked against
/// its contract, and dropped when its findings are printed.
pub struct Checker<'s> {
    session: &'s Session,
    walk: Walk,
    rules: &'s RuleSet,
    /// The layouts of the archetypes other archetypes' links reach, loaded once each
    /// (`None` for one that does not load, which its own check reports).
    layouts: Mutex<BTreeMap<String, Option<SkillLayout>>>,
    /// The templates every archetype is rendered through (writing nothing), or the one
    /// finding that says why they do not load.
    templates: Result<Arc<Templates>, Box<Diagnostic>>,
    /// Dropped with the checker, which stops the render deadline's watchdog.
    _watchdog: std::sync::mpsc::Sender<()>,
}

impl Checker<'_> {
    /// The archetype folders, streamed from the walk.
    pub fn dirs(&self) -> impl Iterator<Item = Result<PathBuf, ModelError>> + Send + use<> {
        self.walk.archetype_dirs()
    }

    /// Why the templates do not load, when they do not: reported once, before the
    /// archetypes, none of which is then rendered.
    pub fn template_problem(&self) -> Option<&Diagnostic> {
        self.templates.as_ref().err().map(|problem| &**problem)
    }

    /// The whole doctrine check, as `renkei check` reports it and an editor shows it: the
    /// templates' problem (once), then each archetype (checked one per core at a time, in
    /// walk order, and dropped once `sink` is done with it), then the seams between them.
    /// Rules `check: disable:` switches off are left out, and a template error shared by
    /// every archetype is handed on once. The first error `sink` returns stops the run.
    ///
    /// With `only`, archetype folders, just those archetypes are checked and the seams are
    /// not: an editor, or `check --watch`, checks again the archetypes whose files changed.
    pub fn check_all<E: From<CliError>>(
        &self,
        only: Option<&BTreeSet<PathBuf>>,
        mut sink: impl FnMut(CheckedPart<'_>) -> Result<(), E>,
    ) -> Result<WholeCheck, E> {
        let settings = &self.session.config()?.settings;
        // A rule a project switches off is one rule, not the whole gate.
        let disabled = |rule: &str| settings.disable.iter().any(|id| id == rule);
        let walk = &self.walk;
        let text_of = |path: &Path| walk.read_text(path).ok();
        if let Some(problem) = self.template_problem() {
            sink(CheckedPart::Elsewhere(vec![problem.clone()], &|_| None))?;
        }
        let mut whole = WholeCheck::default();
        let mut reported = BTreeSet::new();
        let mut interfaces = Vec::new();
        let only_owned = only.cloned();
        let dirs = self.dirs().filter(move |dir| match (&only_owned, dir) {
            (None, _) => true,
            (Some(only), Ok(dir)) => only.contains(dir),
            (Some(_), Err(_)) => false,
        });
        renkei_model::parallel::for_each_ordered(
            dirs,
            renkei_model::parallel::available_threads(),
            |dir| match dir {
                Ok(dir) => self.check(&dir),
                Err(error) => self.refused(&error),
            },
            |mut checked: Checked| {
                let mut findings = std::mem::take(&mut checked.findings);
                // A template error is the same for every archetype rendered through it.
                findings.retain(|finding| {
                    !disabled(&finding.rule)
                        && (finding.rule != RENDER_FAILED_RULE.id
                            || reported.insert((
                                finding.path.clone(),
                                finding.start,
                                finding.message.clone(),
                            )))
                });
                whole.not_checked |= !checked.contract_checked;
                whole.not_loaded |= !checked.loaded;
                let sunk = sink(CheckedPart::Archetype(&checked, findings));
                interfaces.extend(checked.interface.take().filter(|found| !found.is_empty()));
                sunk
            },
        )?;
        if only.is_some() {
            return Ok(whole);
        }
        // The seams between archetypes, once every side is read.
        let seams = self.seams(&interfaces)?;
        drop(interfaces);
        if !seams.is_empty() {
            sink(CheckedPart::Elsewhere(seams, &text_of))?;
        }
        Ok(whole)
    }

    /// The sides of the seams of every archetype but those in `except`, each read from
    /// its files alone (no lint, contract or render), by folder: what a check of a few
    /// archetypes compares their new sides with. An archetype that does not load has
    /// none.
    pub fn read_sides(&self, except: &BTreeSet<PathBuf>) -> BTreeMap<PathBuf, Interface> {
        let walk = &self.walk;
        let mut sides = BTreeMap::new();
        let others = self
            .dirs()
            .filter_map(Result::ok)
            .filter(|dir| !except.contains(dir));
        let _ = renkei_model::parallel::for_each_ordered(
            others,
            renkei_model::parallel::available_threads(),
            |dir| {
                let side = renkei_model::load::load_archetype(walk, &dir)
                    .ok()
                    .map(|archetype| Interface::of(&archetype));
                (dir, side)
            },
            |(dir, side)| {
                if let Some(side) = side.filter(|side| !side.is_empty()) {
                    sides.insert(dir, side);
                }
                Ok::<(), std::convert::Infallible>(())
            },
        );
        sides
    }

    /// The text of the file at `path`, read through the session's source.
    pub fn text(&self, path: &Path) -> Option<String> {
        self.walk.read_text(path).ok()
    }

    /// The findings at the seams between the archetypes whose sides are `interfaces`
    /// (every archetype's, for a whole check), but those `check: disable:` switches off.
    /// An editor that checked one archetype again compares its new side with the others'
    /// as last read.
    pub fn seams(&self, interfaces: &[Interface]) -> Result<Vec<Diagnostic>, CliError> {
        let settings = &self.session.config()?.settings;
        let index = self.session.index()?;
        let elsewhere: Vec<&str> = index
            .names()
            .into_iter()
            .chain(settings.external.iter().map(String::as_str))
            .collect();
        let mut seams = renkei_contract::interface::check_interfaces(interfaces, &elsewhere);
        seams.retain(|finding| !settings.disable.iter().any(|id| *id == finding.rule));
        Ok(seams)
    }

    /// Lints and checks the contract of the archetype in `dir`, from one load of its files,
    /// and renders it through its template, writing nothing.
    pub fn check(&self, dir: &Path) -> Checked {
        let walk = &self.walk;
        let archetype = renkei_model::load::load_archetype(walk, dir);
        let lint = match &archetype {
            Ok(archetype) => {
                renkei_lint::lint_archetype(walk.source().as_ref(), self.rules, archetype)
            }
            Err(_) => self.lint_unloaded(dir),
        };
        let contract = match &archetype {
            Ok(archetype) => self
                .session
                .contract_for(archetype)
                .map(|contract| {
                    let mut findings = renkei_contract::check_contract(walk, archetype, &contract);
                    findings.extend(self.stray_links(archetype, &contract));
                    findings.extend(self.render_problem(archetype));
                    findings
                })
                .map_err(|error| error.finding),
            Err(error) => Err(Box::new(load_failed(error))),
        };
        let interface = archetype.as_ref().ok().map(Interface::of);
        Checked::new(Some(dir), archetype.ok(), lint, contract, interface)
    }

    /// What stops `archetype` from rendering through its template (an `assemble/render`
    /// finding), if anything does; its links are `stray_links`' and `links-resolve`'s.
    fn render_problem(&self, archetype: &Archetype) -> Option<Diagnostic> {
        let templates = self.templates.as_ref().ok()?;
        let error = renkei_assemble::check_skill_render(archetype, templates).err()?;
        let config = archetype.dir.join(ARCHETYPE_FILE);
        let mut finding = render_failed(&error, &config);
        if let (AssembleError::TemplateNotFound { .. }, Some(template)) =
            (&error, &archetype.config.template)
        {
            finding.start = renkei_model::Position {
                line: template.referenced.line() as usize,
                column: template.referenced.column() as usize,
            };
            finding.end = finding.start;
        }
        Some(finding)
    }

    /// The links of `archetype` that would break once installed, as assembly places them
    /// (`assemble/stray-link`), but for a link to a file that is not there at all when the
    /// contract's `links-resolve` reports that already.
    fn stray_links(&self, archetype: &Archetype, contract: &Contract) -> Vec<Diagnostic> {
        let mut linking = renkei_assemble::layout::place_links(archetype, &Siblings::unknown());
        if !linking.needed.is_empty() {
            linking =
                renkei_assemble::layout::place_links(archetype, &self.siblings(&linking.needed));
        }
        let resolves = contract.checks.iter().any(|(check, _)| {
            check.rule.value == "links-resolve"
                && check
                    .stages
                    .as_ref()
                    .is_none_or(|stages| stages.contains(&archetype.stage))
        });
        let source = self.walk.source();
        linking
            .strays
            .into_iter()
            .filter(|stray| {
                !resolves
                    || stray
                        .named
                        .as_ref()
                        .is_none_or(|named| source.kind(named).is_some())
            })
            .map(|stray| stray.diagnostic)
            .collect()
    }

    /// The siblings named `names`, from the layouts loaded so far and those loaded now.
    fn siblings(&self, names: &BTreeSet<String>) -> Siblings {
        let Ok(mut layouts) = self.layouts.lock() else {
            return Siblings::unknown();
        };
        let missing: BTreeSet<String> = names
            .iter()
            .filter(|name| !layouts.contains_key(*name))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let dirs: Vec<PathBuf> = self
                .session
                .index()
                .map(|index| {
                    index
                        .entries
                        .iter()
                        .map(|entry| entry.dir.clone())
                        .collect()
                })
                .unwrap_or_default();
            // A check asks only whether a link leads somewhere, not at which anchor.
            for (name, layout) in
                sibling_layouts(&self.walk, &dirs, &missing, SkillLayout::paths_of)
            {
                layouts.insert(name, layout.ok());
            }
        }
        let known = names.iter().filter_map(|name| layouts.get(name)?.clone());
        let unloaded = names
            .iter()
            .filter(|name| layouts.get(*name).is_some_and(Option::is_none))
            .cloned();
        Siblings::complete(known).and_unknown(unloaded)
    }

    /// What `check` reports for an archetype folder the walk refused: its lint when it is
    /// the second of two archetypes with one name (as `lint` lints it), and why it was not
    /// loaded.
    pub fn refused(&self, error: &ModelError) -> Checked {
        let (dir, lint) = match error {
            ModelError::DuplicateName { second, .. } => {
                (Some(second.as_path()), self.lint_unloaded(second))
            }
            _ => (None, Vec::new()),
        };
        Checked::new(dir, None, lint, Err(Box::new(load_failed(error))), None)
    }

    /// The lint of an archetype folder that did not load, walked and read as `lint` does.
    fn lint_unloaded(&self, dir: &Path) -> Vec<LintedFile> {
        let walk = &self.walk;
        renkei_lint::archetype_files(walk, dir)
            .into_iter()
            .map(|candidate| {
                renkei_lint::lint_candidate(
                    walk.source().as_ref(),
                    self.rules,
                    candidate,
                    FixMode::Off,
                )
            })
            .collect()
    }
}

/// What a command that needs a doctrine root says when there is none.
const NO_ROOT: &str =
    "no renkei root: pass --root, or run inside a folder with framework/archetypes/ or renkei.yaml";

/// Rule id of the finding for an installed file that differs from what renkei assembles.
pub const STALE: &str = "assemble/stale";

/// `assemble/stale`.
pub const STALE_RULE: RuleMeta = RuleMeta::error(
    STALE,
    "installed skill files are what the doctrine assembles to",
    "an installed skill that lags its sources gives agents doctrine nobody reviewed: the \
     fix merged, the agent still reads the old text",
)
.fix("Run `renkei assemble` and commit the installed skill files it rewrites.")
.example("# framework/archetypes/technical-preparation/tech-lead/doctrine/process.md was edited;\n# .claude/skills/tech-lead/SKILL.md still holds the old text", "# `renkei assemble --push --target project` was run after the edit;\n# .claude/skills/tech-lead/SKILL.md matches the doctrine");

/// Rule id of the finding for an archetype that does not render through its template.
pub const RENDER_FAILED: &str = "assemble/render";

/// `assemble/render`.
pub const RENDER_FAILED_RULE: RuleMeta = RuleMeta::error(
    RENDER_FAILED,
    "the archetype renders into SKILL.md through its template",
    "a template error, a missing template or a front matter value that does not survive \
     YAML breaks `assemble`; found by `check`, it fails the CI gate before a push does",
)
.fix("Fix the template or the front matter value the message names, so the archetype renders.")
.example(
    "{# templates/skill.md.tera #}\n# {{ title }\n{% for part in parts %}\n{{ part.content }}\n{% endfor %}",
    "{# templates/skill.md.tera #}\n# {{ title }}\n{% for part in parts %}\n{{ part.content }}\n{% endfor %}",
);

/// The `assemble/render` finding for `error`, at the place it names, else at `fallback`
/// (the archetype's `archetype.yaml`, or the templates folder).
fn render_failed(error: &AssembleError, fallback: &Path) -> Diagnostic {
    let (path, position) = match error {
        AssembleError::Template {
            path, line, column, ..
        } => (path.as_path(), Some((*line, *column))),
        AssembleError::SkillMdInSource { path } | AssembleError::Io { path, .. } => {
            (path.as_path(), None)
        }
        _ => (fallback, None),
    };
    Diagnostic::from_error(
        RENDER_FAILED,
        Severity::Error,
        path,
        position,
        &error.to_string(),
    )
}

/// Rule id of the finding for an archetype that could not be loaded, so its contract was
/// not checked.
pub const LOAD_FAILED: &str = "load/failed";

/// `load/failed`.
pub const LOAD_FAILED_RULE: RuleMeta = RuleMeta::error(
    LOAD_FAILED,
    "the archetype loads, so its contract can be checked",
    "an archetype that does not load cannot be checked or assembled; reporting it in place \
     keeps it from passing a gate in silence",
)
.fix("Fix the archetype file the message names, so the archetype loads.")
.example(
    "# framework/archetypes/technical-preparation/tech-lead/archetype.yaml\nname: tech-lead\ndescription: [Leads a change from plan to merge.\n",
    "# framework/archetypes/technical-preparation/tech-lead/archetype.yaml\nname: tech-lead\ndescription: Leads a change from plan to merge. Use when a task needs a plan.\n",
);

/// `--only` names no archetype has, each as an error naming the ones that exist.
fn unknown_names(only: &[String], known: &BTreeSet<&str>) -> Option<Vec<String>> {
    let listed = known.iter().copied().collect::<Vec<_>>().join(", ");
    let unknown: Vec<String> = only
        .iter()
        .filter(|name| !known.contains(name.as_str()))
        .map(|name| format!("--only {name}: no archetype has that name; known: {listed}"))
        .collect();
    (!unknown.is_empty()).then_some(unknown)
}

/// Loads and renders the archetypes `walk` finds (those named in `only`, or all), one per
/// core: each archetype's sources are dropped as soon as its skill is rendered, so memory
/// holds the output, not the whole tree twice. An archetype that links into others is
/// rendered again once their layouts are known: those archetypes are loaded for it (under
/// `--only` too) and dropped again.
fn render_all(walk: &Walk, templates: &Templates, only: &[String]) -> Result<Vec<Skill>, CliError> {
    let dirs = walk.archetype_dirs().collect::<Result<Vec<_>, _>>()?;
    let folder = |dir: &Path| {
        dir.file_name()
            .and_then(|name| name.to_str())
            .map(str::to_string)
    };
    let render = |dir: &PathBuf, siblings: &Siblings| {
        if templates.canceller().is_cancelled() {
            return Err(format!("{}: rendering was cancelled", dir.display()));
        }
        let archetype =
            renkei_model::load::load_archetype(walk, dir).map_err(|error| error.to_string())?;
        match renkei_assemble::render_skill(&archetype, templates, siblings) {
            Ok(skill) => Ok(Rendered::Skill(skill)),
            Err(AssembleError::NeedsSiblings { names, .. }) => Ok(Rendered::Waiting(names)),
            Err(error) => Err(error.to_string()),
        }
    };
    let first = renkei_model::parallel::parallel_map(&dirs, |dir| {
        // An archetype's name is its folder's, so one not asked for is not even loaded: a
        // broken archetype elsewhere does not stop `--only`.
        if !only.is_empty() && !only.iter().any(|name| Some(name) == folder(dir).as_ref()) {
            return Ok(Rendered::Skipped);
        }
        render(dir, &Siblings::unknown())
    });
    let mut rendered: Vec<Option<Skill>> = Vec::with_capacity(first.len());
    // The archetypes to render again, by place in `rendered`.
    let mut waiting: Vec<(usize, PathBuf)> = Vec::new();
    let mut errors = Vec::new();
    let mut needed = BTreeSet::new();
    for (dir, result) in dirs.iter().zip(first) {
        match result {
            Ok(Rendered::Waiting(names)) => {
                needed.extend(names);
                waiting.push((rendered.len(), dir.clone()));
                rendered.push(None);
            }
            Ok(Rendered::Skill(skill)) => rendered.push(Some(skill)),
            Ok(Rendered::Skipped) => rendered.push(None),
            // One error a line, so that each says where it is.
            Err(error) => errors.extend(error.lines().map(str::to_string)),
        }
    }
    if !waiting.is_empty() && errors.is_empty() {
        let mut known = Vec::new();
        let mut unloaded = Vec::new();
        for (name, layout) in sibling_layouts(walk, &dirs, &needed, SkillLayout::of) {
            match layout {
                Ok(layout) => known.push(layout),
                // Reported as it is; links into it are not placed, so not called strays.
                Err(error) => {
                    errors.extend(error.to_string().lines().map(str::to_string));
                    unloaded.push(name);
                }
            }
        }
        let siblings = Siblings::complete(known).and_unknown(unloaded);
        let again =
            renkei_model::parallel::parallel_map(&waiting, |(_, dir)| render(dir, &siblings));
        for ((at, dir), result) in waiting.iter().zip(again) {
            match result {
                Ok(Rendered::Skill(skill)) => rendered[*at] = Some(skill),
                // Given the layout of every archetype a link names, a render does not wait
                // again; if one did, its skill must not go missing without a word.
                Ok(Rendered::Waiting(_) | Rendered::Skipped) => errors.push(format!(
                    "{}: its links into other archetypes could not be placed",
                    dir.display()
                )),
                Err(error) => errors.extend(error.lines().map(str::to_string)),
            }
        }
    }
    if errors.is_empty() {
        Ok(rendered.into_iter().flatten().collect())
    } else {
        Err(CliError::Failed(errors))
    }
}

/// The layouts (`layout_of`) of the archetypes named `names` among `dirs` (by folder name),
/// loaded in parallel; one that does not load gives why.
fn sibling_layouts(
    walk: &Walk,
    dirs: &[PathBuf],
    names: &BTreeSet<String>,
    layout_of: fn(&Archetype) -> SkillLayout,
) -> Vec<(String, Result<SkillLayout, ModelError>)> {
    let reached: Vec<(String, &PathBuf)> = dirs
        .iter()
        .filter_map(|dir| {
            let name = dir.file_name()?.to_str()?;
            names.contains(name).then(|| (name.to_string(), dir))
        })
        .collect();
    renkei_model::parallel::parallel_map(&reached, |(name, dir)| {
        let layout =
            renkei_model::load::load_archetype(walk, dir).map(|archetype| layout_of(&archetype));
        (name.clone(), layout)
    })
}

/// What rendering one archetype gave.
enum Rendered {
    Skill(Skill),
    /// It links into these archetypes, whose layouts it needs.
    Waiting(Vec<String>),
    /// Not asked for.
    Skipped,
}

/// The cheap facts of every archetype, from the walk of the archetype folders alone (no
/// file is read, no archetype folder listed): what `--only` looks names up in, and what
/// rules that compare archetypes will start from.
#[derive(Debug, Default)]
pub struct Index {
    /// The archetypes the walk accepts, in walk order (a second archetype of a name taken
    /// is not one of them).
    pub entries: Vec<IndexEntry>,
}

/// One archetype in the [`Index`].
#[derive(Debug)]
pub struct IndexEntry {
    /// Its name: the folder name, which `archetype.yaml` must repeat.
    pub name: String,
    /// Its stage folder.
    pub stage: String,
    /// Its folder.
    pub dir: PathBuf,
}

impl Index {
    fn build(walk: &Walk) -> Self {
        let name_of = |path: &Path| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let entries = walk
            .archetype_dirs()
            .filter_map(Result::ok)
            .map(|dir| IndexEntry {
                name: name_of(&dir),
                stage: dir.parent().map(name_of).unwrap_or_default(),
                dir,
            })
            .collect();
        Self { entries }
    }

    /// The names of the archetypes.
    pub fn names(&self) -> BTreeSet<&str> {
        self.entries
            .iter()
            .map(|entry| entry.name.as_str())
            .collect()
    }
}

/// A part of a whole check, as [`Checker::check_all`] hands it on.
pub enum CheckedPart<'a> {
    /// One archetype: its files as linted, and its findings (lint, contract, render) in
    /// path and position order.
    Archetype(&'a Checked, Vec<Diagnostic>),
    /// Findings that belong to no one archetype's check (the templates' problem, the seams
    /// between archetypes), and how to read the text of a file they point into.
    Elsewhere(Vec<Diagnostic>, &'a dyn Fn(&Path) -> Option<String>),
}

/// What a whole check learned besides its findings.
#[derive(Debug, Default, Clone, Copy)]
pub struct WholeCheck {
    /// An archetype whose contract could not be checked (the run cannot pass).
    pub not_checked: bool,
    /// An archetype that did not load.
    pub not_loaded: bool,
}

/// One archetype's findings, made ready in the worker that checked it: each linted file,
/// the lint and contract findings in path and position order (so that they print file by
/// file), and the texts of the files they point into. The archetype itself is dropped in
/// the worker: freeing its parsed documents is work too, and the printing thread is one.
pub struct Checked {
    /// The archetype folder checked, when the walk named one.
    pub dir: Option<PathBuf>,
    /// Whether the archetype loaded.
    pub loaded: bool,
    /// Each of its files, linted (their findings are in `findings`).
    pub lint: Vec<LintedFile>,
    /// The findings, lint and contract together.
    pub findings: Vec<Diagnostic>,
    /// Whether the contract could be checked: `false` when `findings` holds the one
    /// finding that says why not.
    pub contract_checked: bool,
    /// Its side of the seams with other archetypes, compared once every archetype is read.
    pub interface: Option<Interface>,
    /// The loaded texts of the files the findings point into, so that source lines are
    /// quoted from the text that was checked.
    texts: Vec<(PathBuf, String)>,
}

impl Checked {
    fn new(
        dir: Option<&Path>,
        archetype: Option<Archetype>,
        mut lint: Vec<LintedFile>,
        contract: Result<Vec<Diagnostic>, Box<Diagnostic>>,
        interface: Option<Interface>,
    ) -> Self {
        let mut findings: Vec<Diagnostic> = lint
            .iter_mut()
            .flat_map(|linted| std::mem::take(&mut linted.diagnostics))
            .collect();
        let contract_checked = match contract {
            Ok(found) => {
                findings.extend(found);
                true
            }
            Err(problem) => {
                findings.push(*problem);
                false
            }
        };
        sort_by_position(&mut findings);
        let loaded = archetype.is_some();
        let mut texts = Vec::new();
        if let Some(archetype) = archetype {
            let pointed = |path: &Path| findings.iter().any(|finding| finding.path == path);
            if pointed(&archetype.config_path) {
                texts.push((archetype.config_path, archetype.config_text));
            }
            for file in archetype.parts.into_iter().chain(archetype.shipped) {
                if pointed(&file.path)
                    && let Some(text) = file.content.into_text()
                {
                    texts.push((file.path, text));
                }
            }
        }
        Self {
            dir: dir.map(Path::to_path_buf),
            loaded,
            lint,
            findings,
            contract_checked,
            interface,
            texts,
        }
    }

    /// The text of the file at `path`, as loaded or as the lint read it.
    pub fn source(&self, path: &Path) -> Option<&str> {
        let loaded = self
            .texts
            .iter()
            .find(|(loaded, _)| loaded == path)
            .map(|(_, text)| text.as_str());
        loaded.or_else(|| {
            self.lint
                .iter()
                .find(|linted| linted.path == path)
                .and_then(|linted| linted.source.as_deref())
        })
    }
}

/// The archetypes folder `archetypes:` names, relative to the root with `/` separators; a
/// path that leaves the root, or names the root itself, is an error at its place.
fn archetypes_folder(
    written: &serde_saphyr::Spanned<String>,
    config: &Path,
) -> Result<String, LocatedError> {
    let text = written.value.trim().trim_end_matches('/');
    let parts: Vec<&str> = text
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if text.starts_with('/') || parts.is_empty() || parts.contains(&"..") {
        let (line, column) = (
            written.referenced.line().max(1) as usize,
            written.referenced.column().max(1) as usize,
        );
        return Err(LocatedError::config(
            format!(
                "{}:{line}:{column}: field `archetypes`: `{}` must be a folder inside the root, relative to it (`framework/archetypes`)",
                config.display(),
                written.value
            ),
            config,
            Some((line, column)),
        ));
    }
    Ok(parts.join("/"))
}

/// The error of an archetype that did not load, as a command that needs all of them
/// reports it: a `load/failed` finding where the problem is.
fn not_loaded(problem: &ModelError) -> LocatedError {
    LocatedError {
        message: problem.to_string(),
        finding: Box::new(load_failed(problem)),
    }
}

/// Sorts findings by file, then place, then rule.
pub fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.start, &a.rule).cmp(&(&b.path, b.start, &b.rule)));
}

/// The finding for an archetype `error` stopped loading, at the place the error names; a
/// second archetype of a name also points at the first.
pub fn load_failed(error: &ModelError) -> Diagnostic {
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
    if let ModelError::DuplicateName { first, second, .. } = error {
        // Each archetype is its `archetype.yaml`, which is where its name is written.
        let start = renkei_model::Position { line: 1, column: 1 };
        finding.path = second.join(ARCHETYPE_FILE);
        finding = finding.with_related(Related {
            path: first.join(ARCHETYPE_FILE),
            start,
            end: start,
            message: "the first archetype of that name".to_string(),
        });
    }
    finding
}
