//! Where skills are installed.

use std::path::{Path, PathBuf};

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
    /// The skills folder; each skill goes to `dir/<name>/`.
    pub dir: PathBuf,
}

impl Target {
    /// Resolves `spec`: one of the built-in names, or any other value as a folder.
    ///
    /// - `claude`: `$CLAUDE_CONFIG_DIR/skills`, else `~/.claude/skills`
    /// - `opencode`: `$XDG_CONFIG_HOME/opencode/skills`, else `~/.config/opencode/skills`
    /// - `agents`: `~/.agents/skills`
    /// - `project`: `.claude/skills` under the doctrine root
    pub fn resolve(spec: &str, env: &Env, root: &Path) -> Result<Self, AssembleError> {
        let home = || {
            env.home.clone().ok_or_else(|| AssembleError::Target {
                target: spec.to_string(),
                reason: "HOME is not set; pass --target DIR".to_string(),
            })
        };
        let (builtin, dir) = match spec {
            "claude" => (
                Some("claude"),
                match &env.claude_config_dir {
                    Some(dir) => dir.join("skills"),
                    None => home()?.join(".claude/skills"),
                },
            ),
            "opencode" => (
                Some("opencode"),
                match &env.xdg_config_home {
                    Some(dir) => dir.join("opencode/skills"),
                    None => home()?.join(".config/opencode/skills"),
                },
            ),
            "agents" => (Some("agents"), home()?.join(".agents/skills")),
            "project" => (Some("project"), root.join(".claude/skills")),
            "" => {
                return Err(AssembleError::Target {
                    target: spec.to_string(),
                    reason: "empty target".to_string(),
                });
            }
            folder => (None, PathBuf::from(folder)),
        };
        Ok(Self {
            label: spec.to_string(),
            builtin,
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
