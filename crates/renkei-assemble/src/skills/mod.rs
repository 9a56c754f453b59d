//! `renkei skills check`: the rules assembly enforces on what it writes, applied to skill
//! folders renkei did not write (written by hand, or installed by another tool).
//!
//! A folder given is a skill (it holds `SKILL.md`) or a folder of skills (each folder in it
//! that holds `SKILL.md`). Each skill's front matter is read with positions and held to
//! the Agent Skills specification, and to a client's own keys when one is named
//! ([`fields`]); its length and listing to the limits assembly warns about; and every
//! relative link of its Markdown to a file or heading that is there ([`links`]).

mod fields;
mod links;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use renkei_model::archetype::Client;
use renkei_model::source::{FileSource, Kind};
use renkei_model::{Diagnostic, Document, RuleMeta};

use crate::error::AssembleError;

pub use fields::{DESCRIPTION, FIELD, FRONT_MATTER, NAME, UNKNOWN_KEY};
pub use links::BROKEN_LINK;

/// Every rule `skills check` reports, sorted by id.
pub const SKILL_RULES: &[RuleMeta] = &[
    crate::render::LISTING_TOO_LONG,
    crate::render::SKILL_TOO_LONG,
    BROKEN_LINK,
    DESCRIPTION,
    FIELD,
    FRONT_MATTER,
    NAME,
    UNKNOWN_KEY,
];

/// What checking skill folders found.
#[derive(Debug, Default)]
pub struct CheckedSkills {
    /// Every finding, by file and position.
    pub findings: Vec<Diagnostic>,
    /// The text of each Markdown file read, for quoting lines.
    pub texts: BTreeMap<PathBuf, String>,
}

/// Checks the skill folders in `dirs` (each a skill or a folder of skills), read through
/// `source`, against the specification and, when given, `client`'s own keys. A folder
/// given that is not there, or holds no skill, is an error: a gate that checks nothing
/// must not pass.
pub fn check_skills(
    source: &dyn FileSource,
    dirs: &[PathBuf],
    client: Option<Client>,
) -> Result<CheckedSkills, AssembleError> {
    let mut checked = CheckedSkills::default();
    for dir in dirs {
        if source.kind(dir) != Some(Kind::Dir) {
            return Err(AssembleError::NotSkills {
                dir: dir.clone(),
                reason: "is not a folder",
            });
        }
        let skills = skill_folders(source, dir);
        if skills.is_empty() {
            return Err(AssembleError::NotSkills {
                dir: dir.clone(),
                reason: "holds no SKILL.md, nor does any folder in it",
            });
        }
        for skill in skills {
            check_skill(source, &skill, client, &mut checked);
        }
    }
    checked
        .findings
        .sort_by(|a, b| (&a.path, a.start, &a.rule).cmp(&(&b.path, b.start, &b.rule)));
    Ok(checked)
}

/// `dir` when it is a skill, else the folders in it that are.
fn skill_folders(source: &dyn FileSource, dir: &Path) -> Vec<PathBuf> {
    if source.kind(&dir.join("SKILL.md")).is_some() {
        return vec![dir.to_path_buf()];
    }
    source
        .entries(dir)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|entry| {
                    entry.kind == Kind::Dir && source.kind(&entry.path.join("SKILL.md")).is_some()
                })
                .map(|entry| entry.path)
                .collect()
        })
        .unwrap_or_default()
}

fn check_skill(
    source: &dyn FileSource,
    skill: &Path,
    client: Option<Client>,
    checked: &mut CheckedSkills,
) {
    let skill_md = skill.join("SKILL.md");
    let text = match source
        .read(&skill_md)
        .and_then(|bytes| renkei_model::read::utf8(&skill_md, bytes))
    {
        Ok(text) => text,
        Err(error) => {
            checked.findings.push(Diagnostic::from_error(
                FRONT_MATTER.id.clone(),
                FRONT_MATTER.severity,
                &skill_md,
                error.position(),
                &error.to_string(),
            ));
            return;
        }
    };
    let document = match Document::parse(text.clone()) {
        Ok(document) => document,
        Err(error) => {
            checked.findings.push(Diagnostic::whole_file(
                FRONT_MATTER.id.clone(),
                FRONT_MATTER.severity,
                &skill_md,
                error.to_string(),
            ));
            return;
        }
    };
    let folder = skill
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    checked
        .findings
        .extend(fields::check(&skill_md, &document, &folder, client));
    checked
        .findings
        .extend(links::check(source, skill, &mut checked.texts));
    checked.texts.insert(skill_md, text);
}
