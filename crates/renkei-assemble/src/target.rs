//! Where skills are installed.

use std::path::{Path, PathBuf};

use renkei_model::archetype::Client;

use crate::error::AssembleError;

/// The environment values target folders are derived from, passed in rather than read
/// here so tests can point every target at a scratch folder.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `$HOME`.
    pub home: Option<PathBuf>,
    /// `$CLAUDE_CONFIG_DIR`.
    pub claude_config_dir: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
}

impl Env {
    /// The current process's environment; empty values count as unset.
    pub fn from_process() -> Self {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        };
        Self {
            home: var("HOME").or_else(|| var("USERPROFILE")),
            claude_config_dir: var("CLAUDE_CONFIG_DIR"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
        }
    }
}

/// A resolved install target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The name it was asked for by (`claude`, or the folder as given).
    pub label: String,
    /// `Some("claude")` etc. for built-in targets, `None` for `--target DIR`.
    pub builtin: Option<&'static str>,
    /// The client that reads this folder, whose own front matter keys its skills get;
    /// `None` for a folder every client reads (and `--target DIR`): the specification's
    /// keys only.
    pub client: Option<Client>,
    /// The skills folder; each skill goes to `dir/<name>/`.
    pub dir: PathBuf,
}

/// Where a built-in target's folder is.
#[derive(Clone, Copy)]
enum Place {
    /// Under the home folder.
    Home(&'static str),
    /// `$CLAUDE_CONFIG_DIR/skills`, else under the home folder.
    ClaudeConfig,
    /// `$XDG_CONFIG_HOME/opencode/skills`, else under the home folder.
    XdgConfig,
    /// Under the doctrine root (a project's own folder, committed with it).
    Project(&'static str),
}

/// The built-in targets: name, client, folder. Each folder is one its client's own
/// documentation says it scans for skills.
const BUILTINS: &[(&str, Option<Client>, Place)] = &[
    ("claude", Some(Client::Claude), Place::ClaudeConfig),
    (
        "project",
        Some(Client::Claude),
        Place::Project(".claude/skills"),
    ),
    ("opencode", Some(Client::OpenCode), Place::XdgConfig),
    (
        "opencode-project",
        Some(Client::OpenCode),
        Place::Project(".opencode/skills"),
    ),
    (
        "gemini",
        Some(Client::Gemini),
        Place::Home(".gemini/skills"),
    ),
    (
        "gemini-project",
        Some(Client::Gemini),
        Place::Project(".gemini/skills"),
    ),
    ("agents", None, Place::Home(".agents/skills")),
    ("agents-project", None, Place::Project(".agents/skills")),
];

/// The folder a target that is not a built-in name gives. It must read as a path (`/` in
/// it, or a leading `.` or `~`), so that a mistyped name (`claud`) is not a new folder;
/// `~` is the home folder, and a relative path is taken from the current folder. A folder
/// inside the archetypes folder, or a file, is refused: skills written there would become
/// doctrine, or overwrite what is there.
fn folder_target(spec: &str, env: &Env, archetypes: &Path) -> Result<PathBuf, String> {
    if !(spec.contains('/') || spec.starts_with('.') || spec.starts_with('~')) {
        let names = BUILTINS.iter().map(|(name, ..)| *name);
        let near = renkei_model::name::nearest(spec, names.clone());
        let hint = match near {
            Some(name) => format!("did you mean `{name}`? "),
            None => String::new(),
        };
        return Err(format!(
            "not a target name; {hint}the names are {}, and a folder is written as a path \
             (`./{spec}`, `~/{spec}`, `/abs/{spec}`)",
            names.collect::<Vec<_>>().join(", ")
        ));
    }
    let written = match spec.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            let home = env
                .home
                .clone()
                .ok_or_else(|| "HOME is not set, so `~` means nothing".to_string())?;
            home.join(rest.trim_start_matches('/'))
        }
        // `~user` is the shell's to expand; renkei would make a folder named `~user`.
        Some(_) => {
            return Err(
                "only `~` and `~/...` are expanded; write the folder as a path".to_string(),
            );
        }
        None => PathBuf::from(spec),
    };
    usable_folder(&written, archetypes)
}

/// `dir` (relative to the current folder) as an absolute folder skills may be written to:
/// not a dangling link, no file on the way, not inside the archetypes folder. Built-in
/// targets are held to it too: `CLAUDE_CONFIG_DIR=rel`, run from inside the archetypes
/// folder, would otherwise write skills into the doctrine.
fn usable_folder(dir: &Path, archetypes: &Path) -> Result<PathBuf, String> {
    let dir =
        renkei_model::path::lexical(&std::path::absolute(dir).map_err(|error| error.to_string())?);
    if std::fs::symlink_metadata(&dir).is_ok_and(|found| found.is_symlink()) && !dir.exists() {
        return Err(format!("{} is a link to nothing", dir.display()));
    }
    // A file on the way makes the folder impossible.
    if let Some(file) = dir.ancestors().find(|part| part.is_file()) {
        return Err(if file == dir {
            format!("{} is a file, not a folder", dir.display())
        } else {
            format!(
                "{} is a file, so {} cannot be made",
                file.display(),
                dir.display()
            )
        });
    }
    let unresolved = || "the current folder is not there".to_string();
    let at = renkei_model::path::resolved(&dir).ok_or_else(unresolved)?;
    let archetypes_at = renkei_model::path::resolved(archetypes).ok_or_else(unresolved)?;
    if at.starts_with(&archetypes_at) {
        return Err(format!(
            "{} is inside the archetypes folder {}: skills written there would be read as \
             doctrine; give a folder outside it",
            dir.display(),
            archetypes_at.display()
        ));
    }
    Ok(dir)
}

impl Target {
    /// Resolves `spec`: one of the built-in names
    /// ([`TARGET_NAMES`](renkei_model::archetype::TARGET_NAMES)), or any other value as
    /// a folder.
    ///
    /// - `claude`: `$CLAUDE_CONFIG_DIR/skills`, else `~/.claude/skills`
    /// - `project`: `.claude/skills` under the doctrine root
    /// - `opencode`: `$XDG_CONFIG_HOME/opencode/skills`, else `~/.config/opencode/skills`
    /// - `opencode-project`: `.opencode/skills` under the doctrine root
    /// - `gemini`: `~/.gemini/skills`; `gemini-project`: `.gemini/skills` under the root
    /// - `agents`: `~/.agents/skills`; `agents-project`: `.agents/skills` under the root
    pub fn resolve(
        spec: &str,
        env: &Env,
        root: &Path,
        archetypes: &Path,
    ) -> Result<Self, AssembleError> {
        let home = || {
            env.home.clone().ok_or_else(|| AssembleError::Target {
                target: spec.to_string(),
                reason: "HOME is not set; pass --target DIR".to_string(),
            })
        };
        if spec.is_empty() {
            return Err(AssembleError::Target {
                target: spec.to_string(),
                reason: "empty target".to_string(),
            });
        }
        let refuse = |reason: String| AssembleError::Target {
            target: spec.to_string(),
            reason,
        };
        let Some(&(name, client, place)) = BUILTINS.iter().find(|(name, ..)| *name == spec) else {
            let dir = folder_target(spec, env, archetypes).map_err(refuse)?;
            return Ok(Self {
                label: spec.to_string(),
                builtin: None,
                client: None,
                dir,
            });
        };
        let dir = match place {
            Place::Home(folder) => home()?.join(folder),
            Place::ClaudeConfig => match &env.claude_config_dir {
                Some(dir) => dir.join("skills"),
                None => home()?.join(".claude/skills"),
            },
            Place::XdgConfig => match &env.xdg_config_home {
                Some(dir) => dir.join("opencode/skills"),
                None => home()?.join(".config/opencode/skills"),
            },
            Place::Project(folder) => root.join(folder),
        };
        let dir = usable_folder(&dir, archetypes).map_err(refuse)?;
        Ok(Self {
            label: spec.to_string(),
            builtin: Some(name),
            client,
            dir,
        })
    }

    /// Whether a skill limited to `targets` goes to this target. Folders given with
    /// `--target DIR` receive every skill.
    pub fn accepts(&self, targets: Option<&[String]>) -> bool {
        match (self.builtin, targets) {
            (Some(builtin), Some(targets)) => targets.iter().any(|target| target == builtin),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renkei_model::archetype::TARGET_NAMES;

    #[test]
    fn every_target_name_an_archetype_may_give_is_a_builtin_and_back() {
        let builtins: Vec<&str> = BUILTINS.iter().map(|(name, ..)| *name).collect();
        let mut names = TARGET_NAMES.to_vec();
        names.sort_unstable();
        let mut sorted = builtins.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, names);
    }

    #[test]
    fn project_targets_sit_under_the_root_and_others_under_home() {
        let env = Env {
            home: Some(PathBuf::from("/home/u")),
            ..Env::default()
        };
        let root = Path::new("/repo");
        let archetypes = root.join("framework/archetypes");
        let dir = |spec: &str| Target::resolve(spec, &env, root, &archetypes).unwrap().dir;
        assert_eq!(dir("opencode-project"), Path::new("/repo/.opencode/skills"));
        assert_eq!(dir("gemini-project"), Path::new("/repo/.gemini/skills"));
        assert_eq!(dir("agents-project"), Path::new("/repo/.agents/skills"));
        assert_eq!(dir("gemini"), Path::new("/home/u/.gemini/skills"));
        // A folder is taken from the current folder, `~` from the home folder.
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(dir("./out"), cwd.join("out"));
        assert_eq!(dir("~/skills"), Path::new("/home/u/skills"));
        let typo = Target::resolve("gemni", &env, root, &archetypes)
            .unwrap_err()
            .to_string();
        assert!(typo.contains("did you mean `gemini`?"), "{typo}");
        let gemini = Target::resolve("gemini", &env, root, &archetypes).unwrap();
        assert_eq!(gemini.client, Some(Client::Gemini));
        assert_eq!(
            Target::resolve("agents", &env, root, &archetypes)
                .unwrap()
                .client,
            None
        );
        assert_eq!(
            Target::resolve("./out", &env, root, &archetypes)
                .unwrap()
                .client,
            None
        );
    }
}
