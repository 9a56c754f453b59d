//! `skill/broken-link`: every relative link in a skill's Markdown leads to a file or folder
//! that is there, inside the skill or inside a skill installed beside it, and a `#fragment`
//! into Markdown to one of its headings. What assembly guarantees for what it writes, held
//! to a folder someone else wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use renkei_model::source::{FileSource, Kind};
use renkei_model::{Diagnostic, Document, LineIndex, RuleMeta};

use crate::layout::anchors;

/// `skill/broken-link`.
pub const BROKEN_LINK: RuleMeta = RuleMeta::error(
    "skill/broken-link",
    "every relative link of a skill leads to a file, folder or heading that is there",
    "An agent follows a skill's links when it needs what they name; one that leads nowhere, or \
     out of the installed skill, is an instruction it cannot carry out.",
)
.fix("Point the link at a file, folder or heading that ships inside the skill.")
.example("See [the format](references/format.md) before writing.\n<!-- references/format.md does not exist -->", "See [the format](references/format.md) before writing.\n<!-- references/format.md ships with the skill -->");

/// Checks the links of every Markdown file of the skill folder `skill`; the texts read go
/// into `texts`.
pub(super) fn check(
    source: &dyn FileSource,
    skill: &Path,
    texts: &mut BTreeMap<PathBuf, String>,
) -> Vec<Diagnostic> {
    let mut markdown = Vec::new();
    markdown_files(source, skill, &mut markdown);
    let mut documents: BTreeMap<PathBuf, Option<Document>> = BTreeMap::new();
    let mut findings = Vec::new();
    for path in markdown {
        let Some(document) = read(source, &path) else {
            continue;
        };
        let index = LineIndex::new(&document.source);
        for link in &document.outline.links {
            let Some(problem) = problem(
                source,
                skill,
                &path,
                &document,
                &link.destination,
                &mut documents,
            ) else {
                continue;
            };
            let range = link
                .destination_range
                .clone()
                .unwrap_or_else(|| link.range.clone());
            findings.push(Diagnostic::at(
                BROKEN_LINK.id.clone(),
                BROKEN_LINK.severity,
                &path,
                &document.source,
                &index,
                range,
                problem,
            ));
        }
        texts.insert(path.clone(), document.source.clone());
        documents.insert(path, Some(document));
    }
    findings
}

/// What is wrong with a link to `destination` in `file` (parsed as `document`) of the skill
/// folder `skill`, if anything.
fn problem(
    source: &dyn FileSource,
    skill: &Path,
    file: &Path,
    document: &Document,
    destination: &str,
    documents: &mut BTreeMap<PathBuf, Option<Document>>,
) -> Option<String> {
    if let Some(fragment) = destination.strip_prefix('#') {
        let fragment = renkei_model::links::percent_decode(fragment);
        return (!fragment.is_empty() && !anchors(document).iter().any(|a| *a == *fragment))
            .then(|| format!("no heading here has the anchor `#{fragment}`"));
    }
    let (path, fragment) = renkei_model::links::relative_path(destination)?;
    let folder = file.parent().unwrap_or(skill);
    let inside = folder.strip_prefix(skill).ok()?;
    let from: String = inside
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .chain(std::iter::once("SKILL.md".to_string()))
        .collect::<Vec<_>>()
        .join("/");
    let skill_name = skill.file_name()?.to_string_lossy().into_owned();
    // Resolved from the folder of skills, so that a link into a skill beside this one is
    // seen for what it is.
    let resolved = renkei_model::links::resolve(&format!("{skill_name}/{from}"), &path);
    let Some(resolved) = resolved else {
        return Some(format!(
            "the link to `{destination}` leads out of the skill folder"
        ));
    };
    let skills_folder = skill.parent().unwrap_or(skill);
    let (owner, rest) = resolved.split_once('/').unwrap_or((resolved.as_str(), ""));
    if owner != skill_name
        && source
            .kind(&skills_folder.join(owner).join("SKILL.md"))
            .is_none()
    {
        return Some(format!(
            "the link to `{destination}` leads out of the skill folder, and not into a skill beside it"
        ));
    }
    let target = skills_folder.join(owner).join(rest);
    match source.kind(&target) {
        None | Some(Kind::Other) => Some(format!(
            "the link to `{destination}` names nothing that is there"
        )),
        Some(Kind::Dir) => None,
        Some(Kind::File) => {
            let fragment = fragment.filter(|fragment| !fragment.is_empty())?;
            let fragment = renkei_model::links::percent_decode(fragment);
            if !renkei_model::read::is_markdown(Path::new(rest)) {
                return None;
            }
            let linked = documents
                .entry(target.clone())
                .or_insert_with(|| read(source, &target));
            let lands = linked
                .as_ref()
                .is_none_or(|linked| anchors(linked).iter().any(|anchor| *anchor == *fragment));
            (!lands).then(|| format!("`{rest}` has no heading with the anchor `#{fragment}`"))
        }
    }
}

/// The Markdown file at `path`, parsed; `None` when it cannot be read or parsed (then its
/// links are not checked: reading it is the client's problem to report, not a link's).
fn read(source: &dyn FileSource, path: &Path) -> Option<Document> {
    let bytes = source.read(path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Document::parse(text).ok()
}

/// Every `.md` file below `dir`, sorted, not following links to folders.
fn markdown_files(source: &dyn FileSource, dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = source.entries(dir) else {
        return;
    };
    for entry in entries {
        match entry.kind {
            Kind::Dir if !entry.symlink => markdown_files(source, &entry.path, found),
            Kind::File if renkei_model::read::is_markdown(&entry.path) => found.push(entry.path),
            _ => {}
        }
    }
}
