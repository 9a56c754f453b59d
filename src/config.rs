//! `renkei.yaml`: project configuration at the doctrine root.

use std::path::{Path, PathBuf};

use renkei_lint::LintConfig;
use renkei_model::FileSource;
use serde::Deserialize;

use crate::LocatedError;

/// The contents of `renkei.yaml`. Each section belongs to one stage of the pipeline.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "renkei.yaml")]
pub struct ProjectConfig {
    /// Globs every archetype leaves out of its skill, as its own `exclude:` does.
    // Read by `SharedConfig`, for every command that loads archetypes.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<serde_saphyr::Spanned<String>>,
    /// The archetypes folder, relative to the root; `framework/archetypes` by default.
    // Read by `SharedConfig`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub archetypes: Option<serde_saphyr::Spanned<String>>,
    /// Vocabulary rules to add, override or disable.
    #[serde(default)]
    pub lint: LintConfig,
    /// What `renkei check` includes beyond lint and contracts.
    #[serde(default)]
    pub check: CheckSettings,
}

/// The `check:` section of `renkei.yaml`.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSettings {
    /// Also check that installed skills are fresh, as `--assembled` does.
    #[serde(default)]
    pub assembled: bool,
    /// Targets the freshness check compares with.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Archetypes the doctrine delegates to that live outside this framework (shipped by
    /// another repository), which `interface/unknown-archetype` does not ask for.
    #[serde(default)]
    pub external: Vec<String>,
    /// Contract, interface and assembly rules whose findings `check` leaves out
    /// (`interface/missing-return`); the lint's own rules are disabled under `lint:`.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// The part of `renkei.yaml` that shapes what an archetype is, read by every command that
/// loads archetypes. The other sections are read only by the commands they configure, so
/// a mistake in `lint:` does not stop an assembly; a file that is not YAML at all does,
/// since it cannot be told what it leaves out.
#[derive(Debug, Default, Deserialize)]
pub struct SharedConfig {
    /// Globs every archetype leaves out of its skill.
    #[serde(default)]
    pub exclude: Vec<serde_saphyr::Spanned<String>>,
    /// The archetypes folder, relative to the root; `framework/archetypes` by default.
    #[serde(default)]
    pub archetypes: Option<serde_saphyr::Spanned<String>>,
}

/// The configuration and the file it came from (`None` when there is none).
pub struct LoadedConfig<T = ProjectConfig> {
    /// The parsed configuration.
    pub config: T,
    /// Where it was read from.
    pub path: Option<PathBuf>,
}

/// Reads `explicit` if given (it must exist), else `root/renkei.yaml` if present, through
/// `source`.
pub fn load_config<T: serde::de::DeserializeOwned + Default>(
    source: &dyn FileSource,
    explicit: Option<&Path>,
    root: Option<&Path>,
) -> Result<LoadedConfig<T>, LocatedError> {
    let path = match (explicit, root) {
        (Some(path), _) => Some(path.to_path_buf()),
        // Anything by that name is read, so that a FIFO or a dangling link is an error
        // rather than a configuration silently left out.
        (None, Some(root)) => Some(root.join("renkei.yaml"))
            .filter(|path| source.kind(path).is_some() || source.is_symlink(path)),
        (None, None) => None,
    };
    let Some(path) = path else {
        return Ok(LoadedConfig {
            config: T::default(),
            path: None,
        });
    };
    let text = source
        .read(&path)
        .and_then(|bytes| renkei_model::read::utf8(&path, bytes))
        .map_err(|error| {
            let reason = match error {
                renkei_model::ModelError::Io { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            LocatedError::config(
                format!("{}: cannot read configuration: {reason}", path.display()),
                &path,
                None,
            )
        })?;
    let config = if text.trim().is_empty() {
        T::default()
    } else {
        renkei_model::yaml::parse_yaml(&path, &text)
            .map_err(|error| LocatedError::config(error.to_string(), &path, error.position()))?
    };
    Ok(LoadedConfig {
        config,
        path: Some(path),
    })
}

/// The built-in rules merged with the `lint:` section of `loaded`.
pub fn rule_set(loaded: LoadedConfig) -> Result<renkei_lint::RuleSet, LocatedError> {
    let merged = LintConfig::builtin()?.merged_with(loaded.config.lint);
    let path = loaded
        .path
        .unwrap_or_else(|| PathBuf::from("<built-in rules>"));
    Ok(renkei_lint::RuleSet::compile(&merged, &path)?)
}
