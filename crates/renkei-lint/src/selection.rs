//! Which of the files `renkei lint PATHS` is given it lints. The banned vocabulary governs
//! operational doctrine: the `truth/`, `ethos/`, `doctrine/` and `references/` folders of
//! each archetype (002 §5, criterion 1), not a repository's changelog or research notes,
//! where "bank transfer" or "intake form" may be exactly right. So by default a given path
//! is linted when `renkei lint` without paths would lint it: `archetype.yaml` or a file of
//! an operational folder of an archetype under the root's archetypes folder, or of any
//! other folder that holds an `archetype.yaml` (another framework, fixtures). A root
//! without an archetypes folder, or no root at all, has nothing to scope by, and every
//! Markdown file given is linted. `lint: include:` globs widen the selection, `lint:
//! exclude:` globs narrow it, and `--all-markdown` lints whatever is given.

use std::path::{Path, PathBuf};

use renkei_model::exclude::Excludes;
use renkei_model::load::OPERATIONAL_DIRS;
use renkei_model::walk::ARCHETYPE_FILE;

/// What `lint PATHS` keeps of the paths it is given.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// The root the globs are relative to, absolute.
    root: Option<PathBuf>,
    /// The root's archetypes folder, absolute, when there is one.
    archetypes: Option<PathBuf>,
    /// Files kept even outside the operational folders (`lint: include:`).
    include: Excludes,
    /// Files never kept (`lint: exclude:`).
    exclude: Excludes,
    /// Whether every Markdown file given is kept (`--all-markdown`), but for `exclude`.
    everything: bool,
}

impl Selection {
    /// The selection under `root` (absolute), whose archetypes are in `archetypes` when it
    /// has them.
    pub fn new(
        root: Option<PathBuf>,
        archetypes: Option<PathBuf>,
        include: Excludes,
        exclude: Excludes,
    ) -> Self {
        Self {
            root,
            archetypes,
            include,
            exclude,
            everything: false,
        }
    }

    /// The same selection, keeping every Markdown file given.
    pub fn everything(mut self) -> Self {
        self.everything = true;
        self
    }

    /// Whether `path` (absolute) is linted.
    pub fn keeps(&self, path: &Path) -> bool {
        let relative = self
            .root
            .as_deref()
            .and_then(|root| path.strip_prefix(root).ok())
            .map(slashed);
        if let Some(relative) = &relative {
            if self.exclude.covers(relative) {
                return false;
            }
            if self.include.covers(relative) {
                return true;
            }
        }
        let Some(archetypes) = &self.archetypes else {
            return true;
        };
        if self.everything {
            return true;
        }
        let Ok(inside) = path.strip_prefix(archetypes) else {
            return in_an_archetype_elsewhere(path);
        };
        let parts: Vec<_> = inside.components().collect();
        match parts.as_slice() {
            [_stage, _archetype, file] => file.as_os_str() == ARCHETYPE_FILE,
            [_stage, _archetype, folder, _, ..] => folder
                .as_os_str()
                .to_str()
                .is_some_and(|folder| OPERATIONAL_DIRS.contains(&folder)),
            _ => false,
        }
    }
}

/// Whether `path`, outside the root's archetypes folder, is an archetype's own: an
/// `archetype.yaml`, or a file of an operational folder whose parent holds one (another
/// framework kept in the repository, test fixtures of doctrine).
fn in_an_archetype_elsewhere(path: &Path) -> bool {
    if path.file_name().is_some_and(|name| name == ARCHETYPE_FILE) {
        return true;
    }
    path.ancestors().skip(1).any(|folder| {
        let operational = folder
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| OPERATIONAL_DIRS.contains(&name));
        operational
            && folder
                .parent()
                .is_some_and(|archetype| archetype.join(ARCHETYPE_FILE).is_file())
    })
}

fn slashed(relative: &Path) -> String {
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(include: &[&str], exclude: &[&str]) -> Selection {
        let patterns = |globs: &[&str]| {
            let yaml: String = globs.iter().map(|glob| format!("- '{glob}'\n")).collect();
            let patterns: Vec<serde_saphyr::Spanned<String>> =
                serde_saphyr::from_str(if yaml.is_empty() { "[]" } else { &yaml }).unwrap();
            Excludes::for_field("lint.include", &patterns, Path::new("renkei.yaml")).unwrap()
        };
        Selection::new(
            Some(PathBuf::from("/repo")),
            Some(PathBuf::from("/repo/framework/archetypes")),
            patterns(include),
            patterns(exclude),
        )
    }

    #[test]
    fn keeps_the_operational_files_of_archetypes_and_nothing_else_by_default() {
        let selection = selection(&[], &[]);
        for kept in [
            "/repo/framework/archetypes/execution/lead/doctrine/process.md",
            "/repo/framework/archetypes/execution/lead/truth/deep/facts.md",
            "/repo/framework/archetypes/execution/lead/archetype.yaml",
        ] {
            assert!(selection.keeps(Path::new(kept)), "{kept}");
        }
        for left in [
            "/repo/CHANGELOG.md",
            "/repo/notes/research.md",
            "/repo/framework/archetypes/execution/lead/README.md",
            "/repo/framework/archetypes/execution/lead/scripts/notes.md",
            "/repo/framework/archetypes/execution/lead/doctrine",
            "/elsewhere/doctrine/process.md",
        ] {
            assert!(!selection.keeps(Path::new(left)), "{left}");
        }
    }

    #[test]
    fn include_widens_exclude_narrows_and_everything_keeps_all_but_excluded() {
        let widened = selection(&["notes/"], &["**/drafts/"]);
        assert!(widened.keeps(Path::new("/repo/notes/research.md")));
        assert!(!widened.keeps(Path::new("/repo/CHANGELOG.md")));
        assert!(!widened.keeps(Path::new(
            "/repo/framework/archetypes/execution/lead/doctrine/drafts/old.md"
        )));
        let everything = selection(&[], &["CHANGELOG.md"]).everything();
        assert!(everything.keeps(Path::new("/repo/notes/research.md")));
        assert!(!everything.keeps(Path::new("/repo/CHANGELOG.md")));
    }

    #[test]
    fn an_archetype_outside_the_archetypes_folder_is_known_by_its_archetype_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let lead = dir.path().join("fixtures/lead");
        std::fs::create_dir_all(lead.join("doctrine")).unwrap();
        std::fs::write(lead.join("archetype.yaml"), "name: lead\n").unwrap();
        let selection = Selection::new(
            Some(dir.path().to_path_buf()),
            Some(dir.path().join("framework/archetypes")),
            Excludes::default(),
            Excludes::default(),
        );
        assert!(selection.keeps(&lead.join("doctrine/process.md")));
        assert!(selection.keeps(&lead.join("archetype.yaml")));
        assert!(!selection.keeps(&lead.join("notes/ideas.md")));
        assert!(!selection.keeps(&dir.path().join("fixtures/doctrine/loose.md")));
    }

    #[test]
    fn without_an_archetypes_folder_every_file_given_is_kept() {
        let selection = Selection::new(
            Some(PathBuf::from("/repo")),
            None,
            Excludes::default(),
            Excludes::default(),
        );
        assert!(selection.keeps(Path::new("/repo/CHANGELOG.md")));
    }
}
