//! Where every file of a skill ends up once installed, and how each relative link is
//! written again so that it still leads where its author meant.
//!
//! Parts are inlined into SKILL.md (a link to one becomes an anchor there, numbered as
//! GitHub numbers a repeated heading), every other file ships at its own path beside it,
//! and each skill is installed in a folder of its own name next to the others. A link that
//! leaves its archetype for another archetype of the tree is written to that sibling's
//! installed folder (`../beta/references/reviewer.md`); whether that sibling is installed in
//! the same target is for the plan to check, which knows the target.

use std::collections::{BTreeMap, BTreeSet};

use std::path::PathBuf;

use renkei_model::archetype::SourceFile;
use renkei_model::markdown::Link;
use renkei_model::{Archetype, Diagnostic, Document, Edit, LineIndex, RuleMeta};

/// The layout of one skill: enough of an archetype to place a link into it.
#[derive(Debug, Clone)]
pub struct SkillLayout {
    /// Its stage folder.
    stage: String,
    /// Its name, which is its installed folder's.
    name: String,
    /// The archetypes folder, relative to the root, that links are resolved in.
    archetypes: String,
    /// Part path -> the anchor of its first heading in its own file.
    first_anchors: BTreeMap<String, String>,
    /// Part path -> anchor in the part's own file -> anchor in SKILL.md, for the headings
    /// whose two anchors differ: GitHub numbers a repeated slug (`overview-1`), counting in
    /// a file and in SKILL.md alike.
    moved: BTreeMap<String, BTreeMap<String, String>>,
    /// Paths shipped unchanged beside SKILL.md.
    shipped: BTreeSet<String>,
}

impl SkillLayout {
    /// The layout of `archetype`'s skill, as the default template writes SKILL.md: the
    /// title, "When to Use" when there is one, then the parts in order.
    pub fn of(archetype: &Archetype) -> Self {
        let title = title_case(archetype.name());
        let before = [
            Some(title.as_str()),
            archetype.config.when_to_use.as_ref().map(|_| "When to Use"),
        ];
        Self::new(archetype, before.into_iter().flatten())
    }

    /// Which files of `archetype` are inlined and which ship, without their anchors (no
    /// part is parsed): enough to tell whether a link works once installed, not to write
    /// it.
    pub fn paths_of(archetype: &Archetype) -> Self {
        Self {
            stage: archetype.stage.clone(),
            name: archetype.name().to_string(),
            archetypes: archetype.archetypes.clone(),
            first_anchors: archetype
                .parts
                .iter()
                .map(|part| (part.relative.clone(), String::new()))
                .collect(),
            moved: BTreeMap::new(),
            shipped: archetype
                .shipped
                .iter()
                .map(|file| file.relative.clone())
                .collect(),
        }
    }

    /// The layout of `archetype`'s SKILL.md, whose template writes the headings `before`
    /// ahead of the parts, then the parts in order.
    fn new<'a>(archetype: &Archetype, before: impl Iterator<Item = &'a str>) -> Self {
        let part_slugs: Vec<(&str, Vec<String>)> = archetype
            .parts
            .iter()
            .map(|part| {
                let slugs = part
                    .document()
                    .map(|document| {
                        document
                            .outline
                            .headings
                            .iter()
                            .map(|heading| slug(&heading.text))
                            .collect()
                    })
                    .unwrap_or_default();
                (part.relative.as_str(), slugs)
            })
            .collect();
        let mut in_skill = Slugger::default();
        for heading in before {
            in_skill.anchor(&slug(heading));
        }
        let mut first_anchors = BTreeMap::new();
        let mut moved = BTreeMap::new();
        for (part, slugs) in &part_slugs {
            let mut in_file = Slugger::default();
            let mut first = None;
            for slug in slugs {
                let own = in_file.anchor(slug);
                let skill = in_skill.anchor(slug);
                if own != skill {
                    moved
                        .entry(part.to_string())
                        .or_insert_with(BTreeMap::new)
                        .insert(own.clone(), skill);
                }
                first.get_or_insert(own);
            }
            first_anchors.insert(part.to_string(), first.unwrap_or_default());
        }
        let shipped = archetype
            .shipped
            .iter()
            .map(|file| file.relative.clone())
            .collect();
        Self {
            stage: archetype.stage.clone(),
            name: archetype.name().to_string(),
            archetypes: archetype.archetypes.clone(),
            first_anchors,
            moved,
            shipped,
        }
    }

    /// The anchor in SKILL.md of the heading `anchor` names in `part`, or of the part's
    /// first heading; `None` when `part` is not inlined.
    fn part_anchor<'a>(&'a self, part: &str, anchor: Option<&'a str>) -> Option<&'a str> {
        let first = self.first_anchors.get(part)?;
        let own = anchor.unwrap_or(first);
        let moved = self.moved.get(part).and_then(|moved| moved.get(own));
        Some(moved.map_or(own, String::as_str))
    }

    /// Where the archetype path `target` leads in the installed skill folder, written from
    /// that folder's top (`SKILL.md#anchor`, a shipped path percent-encoded, a folder), or
    /// `None` when no installed file is there.
    fn installed(&self, target: &str, fragment: Option<&str>) -> Option<Installed> {
        let with_fragment = |path: String| match fragment {
            Some(fragment) => format!("{path}#{fragment}"),
            None => path,
        };
        // A fragment is matched to the heading it names as GitHub reads it, decoded.
        let decoded = fragment.map(renkei_model::links::percent_decode);
        if let Some(anchor) = self.part_anchor(target, decoded.as_deref()) {
            return Some(Installed {
                file: "SKILL.md".to_string(),
                written: format!("SKILL.md#{anchor}"),
            });
        }
        // The path was read decoded; written again, it is encoded again.
        let encoded = renkei_model::links::percent_encode(target).into_owned();
        if self.shipped.contains(target) {
            return Some(Installed {
                file: target.to_string(),
                written: with_fragment(encoded),
            });
        }
        // A folder of the skill (`templates/`), or the skill folder itself, holds what
        // ships inside it.
        let folder = if target.is_empty() {
            String::new()
        } else {
            format!("{target}/")
        };
        self.holds_files(target).then(|| Installed {
            file: folder,
            written: with_fragment(if encoded.is_empty() {
                "./".to_string()
            } else {
                format!("{encoded}/")
            }),
        })
    }
}

/// A place in an installed skill folder.
struct Installed {
    /// The path in the skill folder (`SKILL.md`, `references/x.md`, `templates/`).
    file: String,
    /// The link to it, from the folder's top, fragment included.
    written: String,
}

/// The layouts of the other skills a skill's links may reach.
#[derive(Debug, Clone, Default)]
pub struct Siblings {
    layouts: BTreeMap<String, SkillLayout>,
    /// Whether every archetype a link can name is here; when not, a link to one that is
    /// missing asks for it instead of failing.
    complete: bool,
    /// Archetypes that exist but whose layouts could not be had (they did not load): a
    /// link into one is left unplaced, as if asked for, since where it leads is unknown.
    unknown: BTreeSet<String>,
}

impl Siblings {
    /// Layouts still to be gathered: a link to another archetype is not placed but asked
    /// for ([`crate::AssembleError::NeedsSiblings`]).
    pub fn unknown() -> Self {
        Self::default()
    }

    /// Every archetype a link can reach: a link to an archetype not among `layouts` leads
    /// nowhere.
    pub fn complete(layouts: impl IntoIterator<Item = SkillLayout>) -> Self {
        Self {
            layouts: layouts
                .into_iter()
                .map(|layout| (layout.name.clone(), layout))
                .collect(),
            complete: true,
            unknown: BTreeSet::new(),
        }
    }

    /// These siblings, knowing that the archetypes `names` exist without a layout.
    #[must_use]
    pub fn and_unknown(mut self, names: impl IntoIterator<Item = String>) -> Self {
        self.unknown.extend(names);
        self
    }
}

/// A link from one skill into another's installed folder: it works only where both are
/// installed side by side, which the plan checks for each target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiblingLink {
    /// The skill it leads to.
    pub sibling: String,
    /// The path in that skill's folder (`SKILL.md`, `references/reviewer.md`, or a folder
    /// ending in `/`).
    pub file: String,
    /// Where the link is written, as `path:line:column`.
    pub at: String,
}

/// A relative link that cannot work once its skill is installed.
#[derive(Debug, Clone)]
pub struct StrayLink {
    /// The finding, over the link's destination.
    pub diagnostic: Diagnostic,
    /// The file the link names, when it names one in the tree: a link to a file that is
    /// not there at all is `contract/links-resolve`'s to report.
    pub named: Option<PathBuf>,
}

/// `assemble/stray-link`: a link that works in the source tree and breaks once installed.
pub const STRAY_LINK: RuleMeta = RuleMeta::error(
    "assemble/stray-link",
    "every relative link still leads somewhere once the skill is installed",
    "A skill is installed as one folder per skill: a link that leaves it, or names a file that \
     does not ship, works while the doctrine is written and breaks when an agent follows it.",
)
.fix("Link to a file the skill ships, or copy what it needs into the skill's folder.")
.example(
    "Follow [the output contract](../../shared/output-contract.md).",
    "Follow [the output contract](output-contract.md).",
);

/// What placing the links of one skill found besides the edits.
#[derive(Debug, Default)]
pub struct Linking {
    /// Links that cannot work once installed.
    pub strays: Vec<StrayLink>,
    /// Links into other skills.
    pub siblings: Vec<SiblingLink>,
    /// Archetypes whose layouts a link needs and that were not given.
    pub needed: BTreeSet<String>,
    /// Each reference label an inlined part defines (normalized as CommonMark matches
    /// labels): where it leads in SKILL.md, and the part that defined it first.
    labels: BTreeMap<String, (String, String)>,
}

impl Linking {
    /// Records the definition `link` (when it is one, in an inlined part) leading to
    /// `written` in SKILL.md. Parts inlined into one file share one set of labels, and
    /// CommonMark keeps the first definition of each: a later part that defines the same
    /// label elsewhere would have its references silently go to the first part's target,
    /// so that is a stray link.
    fn define(
        &mut self,
        file: &SourceFile,
        site: Site,
        link: &Link,
        written: &str,
        stray: &mut impl FnMut(&Link, String, Option<&str>) -> StrayLink,
    ) {
        if !matches!(site, Site::Inlined)
            || link.kind != renkei_model::markdown::LinkKind::Definition
        {
            return;
        }
        let label = renkei_model::markdown::normalize_label(&link.text);
        match self.labels.get(&label) {
            None => {
                self.labels
                    .insert(label, (written.to_string(), file.relative.clone()));
            }
            Some((first, part)) if first != written && *part != file.relative => {
                let message = format!(
                    "the reference label `[{}]` is defined in `{part}` too, to `{first}`; inlined into one SKILL.md, the first definition wins, so these references would go there (rename the label in one part)",
                    link.text
                );
                self.strays.push(stray(link, message, None));
            }
            Some(_) => {}
        }
    }
}

/// Where the file holding a link ends up.
#[derive(Clone, Copy)]
pub(crate) enum Site {
    /// Inside SKILL.md.
    Inlined,
    /// Beside it, `depth` folders down.
    Shipped { depth: usize },
}

/// Where a link leads once the skill is installed.
enum Placement<'a> {
    /// Not a relative path (a URL, an absolute path, a pure fragment): left as written.
    Elsewhere,
    /// Out of the archetypes folder, or into an archetype folder's stage level.
    Outside,
    /// Into this skill's folder, at this place.
    Own {
        installed: Installed,
        /// Whether the link as written leaves the archetype folder before it comes back:
        /// installed, the way out leads elsewhere, so it is written again.
        reentered: bool,
    },
    /// Into another archetype's skill folder (`target` is the path inside it; `path` is
    /// the link's, decoded).
    Sibling {
        stage: String,
        name: String,
        target: String,
        fragment: Option<&'a str>,
        path: String,
    },
    /// To a file inside the archetype that is not installed, by the link's path (decoded).
    NotShipped { path: String },
}

impl SkillLayout {
    /// Edits for the links of `file` (its parsed `document`) that would break where it ends
    /// up (`site`); what cannot be placed goes to `linking`.
    pub(crate) fn link_edits(
        &self,
        file: &SourceFile,
        document: &Document,
        site: Site,
        siblings: &Siblings,
        linking: &mut Linking,
    ) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut index = None;
        // A stray link is reported over its destination, as written.
        let mut stray = |link: &Link, message: String, named: Option<&str>| {
            let index = index.get_or_insert_with(|| LineIndex::new(&document.source));
            let range = link
                .destination_range
                .clone()
                .unwrap_or_else(|| link.range.clone());
            let diagnostic = Diagnostic::at(
                STRAY_LINK.id.clone(),
                STRAY_LINK.severity,
                &file.path,
                &document.source,
                index,
                range,
                message,
            );
            StrayLink {
                diagnostic,
                named: named.map(|path| {
                    let folder = file.path.parent().unwrap_or(&file.path);
                    folder.join(path)
                }),
            }
        };
        let up = match site {
            Site::Inlined => String::new(),
            Site::Shipped { depth } => "../".repeat(depth),
        };
        for link in &document.outline.links {
            // A heading of the same file: inlined, it may have been numbered apart from a
            // heading of the same text earlier in SKILL.md.
            if let (Site::Inlined, Some(fragment)) = (site, link.destination.strip_prefix('#')) {
                let decoded = renkei_model::links::percent_decode(fragment);
                let moved = self
                    .part_anchor(&file.relative, Some(&decoded))
                    .filter(|anchor| *anchor != decoded)
                    .map(|anchor| format!("#{anchor}"));
                let written = moved.clone().unwrap_or_else(|| link.destination.clone());
                linking.define(file, site, link, &written, &mut stray);
                if let (Some(replacement), Some(range)) = (moved, link.destination_range.clone()) {
                    edits.push(Edit { range, replacement });
                }
                continue;
            }
            let replacement = match self.place(&file.relative, &link.destination) {
                Placement::Elsewhere => {
                    linking.define(file, site, link, &link.destination, &mut stray);
                    continue;
                }
                Placement::Outside => {
                    let message = format!(
                        "the link to `{}` leads out of the skill folder, so it breaks once installed",
                        link.destination
                    );
                    linking.strays.push(stray(link, message, None));
                    continue;
                }
                Placement::NotShipped { path } => {
                    let message = format!(
                        "the link to `{}` names a file that is not part of the skill (`archetype.yaml`, `contract.yaml`, a file `exclude:` leaves out, or one that does not exist), so it breaks once installed",
                        link.destination
                    );
                    linking.strays.push(stray(link, message, Some(&path)));
                    continue;
                }
                Placement::Own {
                    installed,
                    reentered,
                } => match site {
                    // In SKILL.md, a link into SKILL.md is an anchor alone.
                    Site::Inlined => installed
                        .written
                        .strip_prefix("SKILL.md")
                        .filter(|rest| rest.starts_with('#'))
                        .map_or_else(|| installed.written.clone(), str::to_string),
                    // A shipped file and what it links to keep their paths; only a link into
                    // an inlined part moves.
                    Site::Shipped { .. } if installed.file == "SKILL.md" || reentered => {
                        format!("{up}{}", installed.written)
                    }
                    Site::Shipped { .. } => continue,
                },
                Placement::Sibling {
                    stage,
                    name,
                    target,
                    fragment,
                    path,
                } => {
                    // Names are unique across stages, so a name in another stage than the
                    // link says is not the archetype it means.
                    let layout = siblings
                        .layouts
                        .get(&name)
                        .filter(|layout| layout.stage == stage);
                    let Some(layout) = layout else {
                        if siblings.complete && !siblings.unknown.contains(&name) {
                            let message = format!(
                                "the link to `{}` leads into `{stage}/{name}`, which is not an archetype of this tree, so it breaks once installed",
                                link.destination
                            );
                            linking.strays.push(stray(link, message, Some(&path)));
                        } else {
                            linking.needed.insert(name);
                        }
                        continue;
                    };
                    let Some(installed) = layout.installed(&target, fragment) else {
                        let message = format!(
                            "the link to `{}` names a file that skill `{name}` does not install, so it breaks once installed",
                            link.destination
                        );
                        linking.strays.push(stray(link, message, Some(&path)));
                        continue;
                    };
                    let written = format!("{up}../{name}/{}", installed.written);
                    let start = stray(link, String::new(), None).diagnostic.start;
                    linking.siblings.push(SiblingLink {
                        sibling: name,
                        file: installed.file,
                        at: format!("{}:{}:{}", file.path.display(), start.line, start.column),
                    });
                    written
                }
            };
            linking.define(file, site, link, &replacement, &mut stray);
            let Some(range) = link.destination_range.clone() else {
                // A destination whose written form cannot be cut out (the parser's differs)
                // is left as written.
                continue;
            };
            if replacement != link.destination {
                edits.push(Edit { range, replacement });
            }
        }
        edits
    }

    /// Whether a link in the archetype file `from` to `destination` is surely fine once
    /// installed without a look at more than this skill: not a relative path, or one that
    /// stays in the archetype and names something the skill installs. Nothing is allocated
    /// for the common link.
    fn leads_inside(&self, from: &str, destination: &str) -> bool {
        let Some((path, _)) = renkei_model::links::relative_path(destination) else {
            return true;
        };
        renkei_model::links::resolve(from, &path).is_some_and(|target| {
            self.first_anchors.contains_key(&target)
                || self.shipped.contains(&target)
                || self.holds_files(&target)
        })
    }

    /// Whether `target` is the skill folder or a folder of it that something ships in.
    fn holds_files(&self, target: &str) -> bool {
        if target.is_empty() {
            return true;
        }
        let folder = format!("{target}/");
        self.shipped
            .range(folder.clone()..)
            .next()
            .is_some_and(|path| path.starts_with(&folder))
    }

    /// Where a link in the archetype file `from` to `destination` leads once installed.
    fn place<'a>(&'a self, from: &str, destination: &'a str) -> Placement<'a> {
        let Some((path, fragment)) = renkei_model::links::relative_path(destination) else {
            return Placement::Elsewhere;
        };
        // Most links stay inside their archetype and are placed without more ado.
        if let Some(target) = renkei_model::links::resolve(from, &path) {
            return match self.installed(&target, fragment) {
                Some(installed) => Placement::Own {
                    installed,
                    reentered: false,
                },
                None => Placement::NotShipped {
                    path: path.into_owned(),
                },
            };
        }
        // Resolved from the archetypes folder, so that a link that leaves its archetype and
        // comes back into it, or goes into another, is seen for what it is.
        // From the doctrine root, so that one that climbs out of the archetypes folder and
        // comes back into it resolves as well.
        let archetypes = self.archetypes.as_str();
        let from_root = format!("{archetypes}/{}/{}/{from}", self.stage, self.name);
        let resolved = renkei_model::links::resolve(&from_root, &path);
        let Some(resolved) = resolved
            .as_deref()
            .and_then(|resolved| resolved.strip_prefix(archetypes)?.strip_prefix('/'))
        else {
            return Placement::Outside;
        };
        let mut segments = resolved.splitn(3, '/');
        let (Some(stage), Some(name)) = (segments.next(), segments.next()) else {
            return Placement::Outside;
        };
        let target = segments.next().unwrap_or_default().to_string();
        if stage != self.stage || name != self.name {
            return Placement::Sibling {
                stage: stage.to_string(),
                name: name.to_string(),
                target,
                fragment,
                path: path.into_owned(),
            };
        }
        match self.installed(&target, fragment) {
            Some(installed) => Placement::Own {
                installed,
                reentered: true,
            },
            None => Placement::NotShipped {
                path: path.into_owned(),
            },
        }
    }
}

/// The links of `archetype`'s Markdown that would break once installed, placed as a render
/// places them but without writing them: what `check` reports. A file whose links a byte
/// scan finds and that all lead somewhere installed is not parsed.
pub fn place_links(archetype: &Archetype, siblings: &Siblings) -> Linking {
    let layout = SkillLayout::paths_of(archetype);
    let mut linking = Linking::default();
    let sites = archetype
        .parts
        .iter()
        .map(|part| (part, Site::Inlined))
        .chain(archetype.shipped.iter().map(|file| {
            let depth = file.relative.matches('/').count();
            (file, Site::Shipped { depth })
        }));
    for (file, site) in sites {
        let Some(markdown) = file.markdown() else {
            continue;
        };
        let clean = markdown
            .scanned_destinations()
            .is_some_and(|mut destinations| {
                destinations.all(|destination| layout.leads_inside(&file.relative, destination))
            });
        if !clean {
            layout.link_edits(file, markdown.document(), site, siblings, &mut linking);
        }
    }
    linking
}

/// GitHub's anchor of every heading of `document`, in order: a repeated slug is numbered
/// `-1`, `-2`, and so on.
pub fn anchors(document: &Document) -> Vec<String> {
    let mut slugger = Slugger::default();
    document
        .outline
        .headings
        .iter()
        .map(|heading| slugger.anchor(&slug(&heading.text)))
        .collect()
}

/// GitHub's numbering of repeated anchors in one document: a slug already taken gets the
/// next free `-1`, `-2`, ... suffix, and the numbered anchor is taken too, so headings
/// `Overview 1`, `Overview`, `Overview` are `overview-1`, `overview`, `overview-2`.
#[derive(Debug, Default)]
struct Slugger {
    /// Every anchor given so far, with how many times its text was asked for again.
    taken: BTreeMap<String, usize>,
}

impl Slugger {
    /// The anchor of the next heading whose slug is `slug`.
    fn anchor(&mut self, slug: &str) -> String {
        let mut anchor = slug.to_string();
        while self.taken.contains_key(&anchor) {
            let again = self.taken.entry(slug.to_string()).or_insert(0);
            *again += 1;
            anchor = format!("{slug}-{again}");
        }
        self.taken.insert(anchor.clone(), 0);
        anchor
    }
}

/// GitHub-style heading anchor: lowercase, spaces to hyphens, punctuation dropped.
pub fn slug(text: &str) -> String {
    let text = text.trim();
    let keep = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut anchor = String::with_capacity(text.len());
    // Most headings are ASCII, lowered one byte at a time; other text is lowered as a
    // whole, which `str::to_lowercase` does right for a final sigma.
    if text.is_ascii() {
        for c in text.chars() {
            match c {
                ' ' => anchor.push('-'),
                c if keep(c) => anchor.push(c.to_ascii_lowercase()),
                _ => {}
            }
        }
    } else {
        for c in text.to_lowercase().chars() {
            match c {
                ' ' => anchor.push('-'),
                c if keep(c) => anchor.push(c),
                _ => {}
            }
        }
    }
    anchor
}

pub(crate) fn title_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_anchor_is_taken_like_any_other_as_on_github() {
        let mut slugger = Slugger::default();
        let given: Vec<String> = ["overview-1", "overview", "overview", "overview"]
            .iter()
            .map(|slug| slugger.anchor(slug))
            .collect();
        assert_eq!(
            given,
            ["overview-1", "overview", "overview-2", "overview-3"]
        );
    }
}
