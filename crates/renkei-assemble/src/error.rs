//! Errors that stop an assembly or an install.

use std::path::PathBuf;

/// Why a skill could not be rendered or installed. Nothing has been written when one of
/// these is returned, except where the variant says otherwise.
#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A template has a syntax error or failed to render.
    #[error("{path}:{line}:{column}: template error: {message}")]
    Template {
        /// The template file (or the embedded default's name).
        path: PathBuf,
        /// 1-based line in the template.
        line: usize,
        /// 1-based column in the template.
        column: usize,
        /// What went wrong.
        message: String,
    },
    /// Links that would break once the skill is installed: each leads out of the skill
    /// folder or names a file that is not installed.
    #[error("{}", links.join("\n"))]
    StrayLinks {
        /// Each link, as `path:line:column: message`.
        links: Vec<String>,
    },
    /// An archetype links into other archetypes whose layouts the render was not given;
    /// render it again with them.
    #[error("{archetype}: links into {} need their layouts", names.join(", "))]
    NeedsSiblings {
        /// The archetype being rendered.
        archetype: String,
        /// The archetypes its links lead into.
        names: Vec<String>,
    },
    /// A file to install needs a folder where a file is, or will be.
    #[error("{}: nothing written: these paths are files where a folder must go:\n  {}", target.display(), paths.join("\n  "))]
    PathClash {
        /// The target folder.
        target: PathBuf,
        /// Each clash, with why.
        paths: Vec<String>,
    },
    /// An archetype folder holds a `SKILL.md` of its own, where the rendered one goes.
    #[error("{}: renkei writes SKILL.md from the archetype's parts, and this file would ship in its place; rename it, or leave it out with `exclude: [/SKILL.md]`", path.display())]
    SkillMdInSource {
        /// The file.
        path: PathBuf,
    },
    /// A folder given to `skills check` is not a skill or a folder of skills.
    #[error("{}: {reason}; expected a skill folder (with SKILL.md) or a folder of them", dir.display())]
    NotSkills {
        /// The folder as given.
        dir: PathBuf,
        /// What it is instead.
        reason: &'static str,
    },
    /// The render was cancelled (it ran past its deadline).
    #[error("{archetype}: rendering was cancelled")]
    Cancelled {
        /// The archetype being rendered.
        archetype: String,
    },
    /// An archetype names a template that does not exist.
    #[error("{archetype}: template `{template}` not found in {dir}")]
    TemplateNotFound {
        /// The archetype.
        archetype: String,
        /// The missing template.
        template: String,
        /// Where it was looked for.
        dir: PathBuf,
    },
    /// The rendered front matter would not read back as the archetype's values.
    #[error(
        "{archetype}: field `{field}` does not survive YAML front matter rendering; simplify its value"
    )]
    FrontMatter {
        /// The archetype.
        archetype: String,
        /// The field.
        field: &'static str,
    },
    /// A skill name or output path would leave the target folder.
    #[error("refusing unsafe path `{path}`: {reason}")]
    UnsafePath {
        /// The path, relative to the target.
        path: String,
        /// Why it is unsafe.
        reason: String,
    },
    /// The install manifest cannot be trusted.
    #[error("{path}:{line}: corrupt renkei manifest: {message}; fix or remove it by hand")]
    CorruptManifest {
        /// The manifest file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A target name could not be resolved to a folder.
    #[error("target `{target}`: {reason}")]
    Target {
        /// The target as given.
        target: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// Reading or writing a file failed (the model's reader and writer say which file).
    #[error(transparent)]
    File(#[from] renkei_model::ModelError),
    /// A push would overwrite files renkei does not own; nothing was written.
    #[error("push refused: {} file(s) in {target} were not written by renkei or were edited since; nothing was written (use --force to overwrite)", .conflicts.len())]
    Refused {
        /// The target folder.
        target: PathBuf,
        /// The files, relative to the target, each with why renkei does not own it.
        conflicts: Vec<(String, crate::install::Ownership)>,
    },
}

impl AssembleError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
