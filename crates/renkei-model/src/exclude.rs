//! `exclude:` in `archetype.yaml`: the files and folders an archetype keeps beside its
//! doctrine that are not part of its skill (drafts, build output, a tool's cache).
//!
//! Patterns read as `.gitignore` lines do, because that is the syntax their authors
//! already know: one without a `/` names a file or folder at any depth (`*.pyc`,
//! `__pycache__`), one with a `/` is anchored at the archetype folder (`scripts/*.log`), a
//! trailing `/` names folders only, `*` stays inside one folder and `**` crosses folders,
//! and a `!` line brings back what an earlier line left out.
//! A folder that matches is not walked at all, so what is inside it (links, special files)
//! cannot fail a load.

use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde_saphyr::Spanned;

use crate::error::ModelError;

/// The compiled `exclude:` patterns of one archetype.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    set: GlobSet,
    /// For each pattern, in order: whether it re-includes (`!`) and whether it names
    /// folders only (a trailing `/`).
    kinds: Vec<(bool, bool)>,
}

impl Excludes {
    /// Compiles `patterns`; an invalid one is an error at its place in `config_path`.
    pub fn new(patterns: &[Spanned<String>], config_path: &Path) -> Result<Self, ModelError> {
        Self::for_field("exclude", patterns, config_path)
    }

    /// [`Excludes::new`] for patterns of the configuration field `field`, which errors name.
    pub fn for_field(
        field: &str,
        patterns: &[Spanned<String>],
        config_path: &Path,
    ) -> Result<Self, ModelError> {
        let mut set = GlobSetBuilder::new();
        let mut kinds = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            let invalid = |message: String| ModelError::InvalidArchetype {
                path: config_path.to_path_buf(),
                line: pattern.referenced.line().max(1),
                column: pattern.referenced.column().max(1),
                message: format!("field `{field}`: the pattern `{}` {message}", pattern.value),
            };
            let text = pattern.value.trim();
            let (text, include) = match text.strip_prefix('!') {
                Some(rest) => (rest, true),
                None => (text, false),
            };
            let (text, folder_only) = match text.strip_suffix('/') {
                Some(folder) => (folder, true),
                None => (text, false),
            };
            let (text, rooted) = match text.strip_prefix('/') {
                Some(rest) => (rest, true),
                None => (text, false),
            };
            if text.is_empty() || text.split('/').any(|segment| segment == "..") {
                return Err(invalid(
                    "names nothing inside the folder it is relative to".to_string(),
                ));
            }
            let anchored = if rooted || text.contains('/') {
                text.to_string()
            } else {
                format!("**/{text}")
            };
            let glob =
                compile(&anchored).map_err(|error| invalid(format!("is not a glob: {error}")))?;
            set.add(glob);
            kinds.push((include, folder_only));
        }
        let set = set.build().map_err(|error| ModelError::InvalidArchetype {
            path: config_path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("field `{field}`: {error}"),
        })?;
        Ok(Self { set, kinds })
    }

    /// Whether the file or folder at `relative` (to the archetype folder, `/`-separated) is
    /// left out: the last pattern that matches it decides, as in `.gitignore`. The walk asks
    /// about a folder before it enters it, so, as in git, nothing inside a folder left out
    /// can be brought back.
    pub fn excludes(&self, relative: &str, is_dir: bool) -> bool {
        if self.kinds.is_empty() {
            return false;
        }
        self.set
            .matches(relative)
            .into_iter()
            .filter(|&index| is_dir || !self.kinds[index].1)
            .max()
            .is_some_and(|index| !self.kinds[index].0)
    }
}

impl Excludes {
    /// Whether the file at `relative` is left out, or a folder it is in: for a path given
    /// as it is, not found by a walk that would have stopped at the folder.
    pub fn covers(&self, relative: &str) -> bool {
        let folders = relative
            .match_indices('/')
            .map(|(at, _)| &relative[..at])
            .filter(|folder| !folder.is_empty());
        folders
            .into_iter()
            .any(|folder| self.excludes(folder, true))
            || self.excludes(relative, false)
    }
}

fn compile(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excludes(patterns: &[&str]) -> Excludes {
        let yaml = patterns
            .iter()
            .map(|pattern| format!("- {pattern:?}\n"))
            .collect::<String>();
        let patterns: Vec<Spanned<String>> = serde_saphyr::from_str(&yaml).unwrap();
        Excludes::new(&patterns, Path::new("archetype.yaml")).unwrap()
    }

    #[test]
    fn patterns_read_as_gitignore_lines() {
        let set = excludes(&["*.pyc", "scripts/*.log", "drafts/", "/notes.md"]);
        assert!(set.excludes("a.pyc", false));
        assert!(set.excludes("scripts/deep/b.pyc", false));
        assert!(set.excludes("scripts/run.log", false));
        assert!(
            !set.excludes("scripts/deep/run.log", false),
            "`*` stays in one folder"
        );
        assert!(!set.excludes("logs/run.log", false));
        assert!(set.excludes("drafts", true));
        assert!(set.excludes("doctrine/drafts", true));
        assert!(
            !set.excludes("drafts", false),
            "a trailing `/` names folders only"
        );
        assert!(set.excludes("notes.md", false));
        assert!(
            !set.excludes("doctrine/notes.md", false),
            "a leading `/` anchors"
        );
        assert!(!set.excludes("scripts/run.sh", false));
    }

    #[test]
    fn a_later_bang_pattern_brings_a_file_back_but_not_out_of_a_folder_left_out() {
        let set = excludes(&["*.log", "!scripts/keep.log", "drafts/", "!drafts/keep.md"]);
        assert!(set.excludes("scripts/run.log", false));
        assert!(!set.excludes("scripts/keep.log", false));
        assert!(
            set.excludes("drafts", true),
            "the folder stays out, as in git"
        );
        let set = excludes(&["!keep.log", "*.log"]);
        assert!(set.excludes("keep.log", false), "the last match decides");
    }

    #[test]
    fn a_pattern_that_leaves_the_folder_or_is_not_a_glob_is_an_error_at_its_line() {
        let yaml = "- ok\n- ../outside\n";
        let patterns: Vec<Spanned<String>> = serde_saphyr::from_str(yaml).unwrap();
        let error = Excludes::new(&patterns, Path::new("archetype.yaml")).unwrap_err();
        assert_eq!(error.position(), Some((2, 3)));
        assert!(error.to_string().contains("field `exclude`"), "{error}");
        let patterns: Vec<Spanned<String>> = serde_saphyr::from_str("- 'a[b'\n").unwrap();
        let error = Excludes::new(&patterns, Path::new("archetype.yaml")).unwrap_err();
        assert!(error.to_string().contains("is not a glob"), "{error}");
    }
}
