//! Rendering one archetype into the files of its skill folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use renkei_model::archetype::SourceFile;
use renkei_model::source::Kind;
use renkei_model::{Archetype, Diagnostic, Document, Edit, FileMode, RuleMeta, Walk, apply_edits};
use serde::Serialize;

use crate::cancel::Canceller;
use crate::error::AssembleError;
use crate::frontmatter::render_front_matter;

/// Template used when an archetype names none.
pub const DEFAULT_TEMPLATE: &str = "skill.md.tera";

/// The default template, compiled in so that a tree without `templates/` still assembles.
const EMBEDDED_DEFAULT_TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../templates/skill.md.tera"
));

/// Body length the Agent Skills specification recommends staying under.
pub const RECOMMENDED_MAX_BODY_LINES: usize = 500;

/// Claude Code truncates `description` plus `when_to_use` at this many characters in the
/// skill listing an agent chooses from.
pub const CLAUDE_LISTING_CAP_CHARS: usize = 1536;

/// A SKILL.md longer than [`RECOMMENDED_MAX_BODY_LINES`].
pub const SKILL_TOO_LONG: RuleMeta = RuleMeta::warning(
    "assemble/skill-too-long",
    "SKILL.md stays within the length the Agent Skills specification recommends",
    "An agent reads the whole SKILL.md when the skill is used; a long one spends its context \
     on material that `references/` would load only when it is needed.",
);

/// `description` plus `when_to_use` longer than [`CLAUDE_LISTING_CAP_CHARS`].
pub const LISTING_TOO_LONG: RuleMeta = RuleMeta::warning(
    "assemble/listing-too-long",
    "description and when_to_use fit in the skill listing Claude Code shows",
    "Claude Code cuts the listing an agent chooses skills from; what is past the cut is never \
     read, so the skill may not be chosen when it should be.",
);

/// Every rule assembly reports, sorted by id.
pub const RULES: &[RuleMeta] = &[LISTING_TOO_LONG, SKILL_TOO_LONG];

/// One file of a rendered skill folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the skill folder, `/`-separated (`SKILL.md`, `references/template.md`).
    pub relative: String,
    /// Exact bytes to install.
    pub bytes: Arc<[u8]>,
    /// The mode to install it with: a shipped file keeps its source's.
    pub mode: FileMode,
}

/// A rendered skill folder.
#[derive(Debug, Clone)]
pub struct Skill {
    /// Skill (and folder) name.
    pub name: String,
    /// Built-in targets this skill goes to; `None` means every target.
    pub targets: Option<Vec<String>>,
    /// Files, `SKILL.md` first, the rest sorted.
    pub files: Vec<OutputFile>,
    /// Warnings about the rendered output (length limits).
    pub warnings: Vec<Diagnostic>,
}

/// Loaded templates: a tree's `templates/*.tera`, plus the embedded default when the tree
/// does not provide `skill.md.tera`.
pub struct Templates {
    tera: tera::Tera,
    dir: PathBuf,
    canceller: Canceller,
}

impl Templates {
    /// Loads `templates/*.tera` under the root `walk` reads.
    pub fn load(walk: &Walk) -> Result<Self, AssembleError> {
        let dir = walk.root().join("templates");
        let mut tera = tera::Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        let canceller = Canceller::default();
        tera.register_function("range", canceller.range_function());
        let entries = match walk.source().entries(&dir) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            entries => entries.map_err(AssembleError::io(&dir))?,
        };
        // Anything named like a template but not a folder is read, so that a FIFO or
        // device is refused by name instead of passed over.
        let names = entries.into_iter().filter_map(|entry| {
            let is_template = entry
                .path
                .extension()
                .is_some_and(|extension| extension == "tera");
            (is_template && entry.kind != Kind::Dir).then_some(entry.path)
        });
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let source = walk.read_text(&path)?;
            tera.add_raw_template(&name, &source)
                .map_err(|error| template_error(&dir, &name, &error))?;
        }
        if !tera.contains_template(DEFAULT_TEMPLATE) {
            tera.add_raw_template(DEFAULT_TEMPLATE, EMBEDDED_DEFAULT_TEMPLATE)
                .map_err(|error| {
                    template_error(Path::new("<embedded>"), DEFAULT_TEMPLATE, &error)
                })?;
        }
        Ok(Self {
            tera,
            dir,
            canceller,
        })
    }

    /// A handle that cancels every render of these templates, from any thread.
    pub fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }
}

fn template_error(dir: &Path, name: &str, error: &tera::Error) -> AssembleError {
    let report = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let (file, line, column, message) = match report {
        Some(report) => {
            let file = if report.filename().is_empty() {
                name
            } else {
                report.filename()
            };
            (
                file.to_string(),
                report.span().start_line.max(1),
                report.span().start_col + 1,
                report.message().to_string(),
            )
        }
        None => (name.to_string(), 1, 1, error.to_string()),
    };
    AssembleError::Template {
        path: dir.join(file),
        line,
        column,
        message,
    }
}

#[derive(Serialize)]
struct Context<'a> {
    name: &'a str,
    title: String,
    stage: &'a str,
    description: &'a str,
    when_to_use: Option<&'a str>,
    parts: Vec<PartContext>,
    /// Shipped files an agent reads (text).
    references: Vec<ReferenceContext>,
    /// Shipped files an agent does not read (fonts, images, archives), which the
    /// doctrine's tools use.
    assets: Vec<ReferenceContext>,
}

#[derive(Serialize)]
struct PartContext {
    path: String,
    content: String,
}

#[derive(Serialize)]
struct ReferenceContext {
    /// The path beside SKILL.md, as written in the archetype.
    path: String,
    /// The file's first heading, or its path.
    title: String,
    /// A Markdown link to it that survives any title and file name: `[`, `]` and `\` in the
    /// title escaped, the path percent-encoded.
    link: String,
}

impl ReferenceContext {
    fn new(reference: &SourceFile) -> Self {
        let title = reference_title(reference);
        let mut text = String::with_capacity(title.len());
        for c in title.chars() {
            if matches!(c, '[' | ']' | '\\') {
                text.push('\\');
            }
            text.push(c);
        }
        let href = renkei_model::links::percent_encode(&reference.relative);
        Self {
            link: format!("[{text}]({href})"),
            path: reference.relative.clone(),
            title,
        }
    }
}

/// Renders `archetype` into its skill folder's files.
pub fn render_skill(archetype: &Archetype, templates: &Templates) -> Result<Skill, AssembleError> {
    let name = archetype.name();
    let config = &archetype.config;
    // The headings the default template writes before the parts, which the parts'
    // anchors in SKILL.md count after.
    let title = title_case(name);
    let before_parts = [
        Some(title.as_str()),
        config.when_to_use.as_ref().map(|_| "When to Use"),
    ];
    let layout = Layout::new(archetype, before_parts.into_iter().flatten());
    let template = config
        .template
        .as_ref()
        .map_or(DEFAULT_TEMPLATE, |template| template.value.as_str());
    if !templates.tera.contains_template(template) {
        return Err(AssembleError::TemplateNotFound {
            archetype: name.to_string(),
            template: template.to_string(),
            dir: templates.dir.clone(),
        });
    }
    // Links that would break once installed, found while the links are placed.
    let mut strays = Vec::new();
    let body = render_body(archetype, templates, template, &layout, &mut strays)?;
    let mut skill_md = render_front_matter(config)?;
    skill_md.push('\n');
    skill_md.push_str(body.trim_start_matches('\n'));
    let skill_md = normalize(skill_md);

    let mut files = vec![OutputFile {
        relative: "SKILL.md".to_string(),
        bytes: Arc::from(skill_md.as_bytes()),
        mode: FileMode::Regular,
    }];
    // `shipped` is sorted by path, and so are the files after SKILL.md.
    for file in &archetype.shipped {
        files.push(OutputFile {
            relative: file.relative.clone(),
            bytes: Arc::from(layout.shipped_file(file, &mut strays)),
            mode: file.mode,
        });
    }
    if !strays.is_empty() {
        return Err(AssembleError::StrayLinks { links: strays });
    }
    Ok(Skill {
        name: name.to_string(),
        targets: config
            .targets
            .as_ref()
            .map(|targets| targets.iter().map(|t| t.value.clone()).collect()),
        warnings: length_warnings(archetype, &skill_md),
        files,
    })
}

/// The SKILL.md body `template` renders for `archetype`, its links placed by `layout`.
fn render_body(
    archetype: &Archetype,
    templates: &Templates,
    template: &str,
    layout: &Layout,
    strays: &mut Vec<String>,
) -> Result<String, AssembleError> {
    let name = archetype.name();
    let config = &archetype.config;
    let context = Context {
        name,
        title: title_case(name),
        stage: &archetype.stage,
        description: &config.description.value,
        when_to_use: config
            .when_to_use
            .as_ref()
            .map(|value| value.value.as_str()),
        parts: archetype
            .parts
            .iter()
            .map(|part| PartContext {
                path: part.relative.clone(),
                content: layout.inline_part(part, strays),
            })
            .collect(),
        references: archetype
            .references
            .iter()
            .filter_map(|listed| {
                let at = archetype
                    .shipped
                    .binary_search_by(|file| file.relative.as_str().cmp(listed))
                    .ok()?;
                Some(&archetype.shipped[at])
            })
            .filter(|reference| !is_binary(reference))
            .map(ReferenceContext::new)
            .collect(),
        assets: archetype
            .shipped
            .iter()
            .filter(|file| is_binary(file))
            .map(ReferenceContext::new)
            .collect(),
    };
    let tera_context = tera::Context::from_serialize(&context)
        .map_err(|error| template_error(&templates.dir, template, &error))?;
    let mut body = Vec::new();
    templates
        .tera
        .render_to(
            template,
            &tera_context,
            templates.canceller.writer(&mut body),
        )
        .map_err(|error| {
            if templates.canceller.is_cancelled() {
                AssembleError::Cancelled {
                    archetype: name.to_string(),
                }
            } else {
                template_error(&templates.dir, template, &error)
            }
        })?;
    // Tera writes only `str`s, so the body is UTF-8; checked, not assumed (and not with
    // `from_utf8_lossy`, whose chunked scan costs a few percent of an assembly).
    let body = String::from_utf8(body).map_err(|_| AssembleError::Template {
        path: templates.dir.join(template),
        line: 1,
        column: 1,
        message: "the rendered body is not UTF-8".to_string(),
    })?;
    Ok(body)
}

fn length_warnings(archetype: &Archetype, skill_md: &str) -> Vec<Diagnostic> {
    let config = &archetype.config;
    let path = &archetype.config_path;
    let mut warnings = Vec::new();
    let listing_chars = config.description.value.chars().count()
        + config
            .when_to_use
            .as_ref()
            .map_or(0, |value| value.value.chars().count());
    if listing_chars > CLAUDE_LISTING_CAP_CHARS {
        warnings.push(finding_at(
            &LISTING_TOO_LONG,
            path,
            &config.description.referenced,
            format!(
                "description and when_to_use are {listing_chars} characters together; Claude Code truncates the skill listing at {CLAUDE_LISTING_CAP_CHARS}"
            ),
        ));
    }
    let body_lines = skill_md.lines().count();
    if body_lines > RECOMMENDED_MAX_BODY_LINES {
        warnings.push(
            finding_at(
                &SKILL_TOO_LONG,
                path,
                &config.name.referenced,
                format!(
                    "SKILL.md of `{}` is {body_lines} lines; the Agent Skills specification recommends under {RECOMMENDED_MAX_BODY_LINES}",
                    archetype.name()
                ),
            )
            .with_help("move long material to `references/` so it ships beside SKILL.md and loads on demand"),
        );
    }
    warnings
}

fn finding_at(
    rule: &RuleMeta,
    path: &Path,
    location: &serde_saphyr::Location,
    message: String,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::whole_file(rule.id.clone(), rule.severity, path, message);
    diagnostic.start.line = usize::try_from(location.line()).unwrap_or(1).max(1);
    diagnostic.start.column = usize::try_from(location.column()).unwrap_or(1).max(1);
    diagnostic.end = diagnostic.start;
    diagnostic
}

/// Where each archetype file ends up, so links between them can be rewritten to still
/// resolve once parts are inlined into SKILL.md and references ship beside it.
struct Layout {
    /// Part path -> the anchor of its first heading in its own file.
    first_anchors: BTreeMap<String, String>,
    /// Part path -> anchor in the part's own file -> anchor in SKILL.md, for the headings
    /// whose two anchors differ: GitHub numbers a repeated slug (`overview-1`), counting in
    /// a file and in SKILL.md alike.
    moved: BTreeMap<String, BTreeMap<String, String>>,
    /// Paths shipped unchanged beside SKILL.md.
    shipped: std::collections::BTreeSet<String>,
}

impl Layout {
    /// The layout of `archetype`'s SKILL.md, whose template writes the headings `before`
    /// ahead of the parts, then the parts in order (as the default template does).
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
        let before: Vec<String> = before.map(slug).collect();
        // Ordered maps: a few dozen short keys compare faster than they hash.
        let mut in_skill: BTreeMap<&str, usize> = BTreeMap::new();
        for slug in &before {
            *in_skill.entry(slug).or_insert(0) += 1;
        }
        let mut first_anchors = BTreeMap::new();
        let mut moved = BTreeMap::new();
        for (part, slugs) in &part_slugs {
            let mut in_file: BTreeMap<&str, usize> = BTreeMap::new();
            for slug in slugs {
                let own = in_file.entry(slug).or_insert(0);
                let skill = in_skill.entry(slug).or_insert(0);
                if own != skill {
                    moved
                        .entry(part.to_string())
                        .or_insert_with(BTreeMap::new)
                        .insert(numbered(slug, *own), numbered(slug, *skill));
                }
                *own += 1;
                *skill += 1;
            }
            let first = slugs.first().cloned().unwrap_or_default();
            first_anchors.insert(part.to_string(), first);
        }
        let shipped = archetype
            .shipped
            .iter()
            .map(|file| file.relative.clone())
            .collect();
        Self {
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

    /// A part's Markdown as it appears inside SKILL.md: headings one level deeper (the
    /// skill title is the only H1) and links re-pointed.
    fn inline_part(&self, part: &SourceFile, strays: &mut Vec<String>) -> String {
        let Some(document) = part.document() else {
            return String::from_utf8_lossy(part.bytes()).into_owned();
        };
        let mut edits = demote_headings(document);
        edits.extend(self.link_edits(part, document, Site::Inlined, strays));
        // Front matter of a part is metadata for its authors, not doctrine for the agent.
        if let Some(front_matter) = &document.outline.front_matter {
            edits.push(Edit {
                range: 0..front_matter.range.end,
                replacement: String::new(),
            });
        }
        let mut content = normalize(apply_edits(&document.source, edits));
        content.truncate(content.trim_end_matches('\n').len());
        let leading = content.len() - content.trim_start_matches('\n').len();
        content.drain(..leading);
        content
    }

    /// A shipped file: in Markdown, links into inlined parts now point into SKILL.md, with
    /// LF endings and one trailing newline like SKILL.md. Other files ship byte for byte.
    fn shipped_file(&self, file: &SourceFile, strays: &mut Vec<String>) -> Vec<u8> {
        let Some(document) = file.document() else {
            return file.bytes().to_vec();
        };
        let depth = file.relative.matches('/').count();
        let edits = self.link_edits(file, document, Site::Shipped { depth }, strays);
        normalize(apply_edits(&document.source, edits)).into_bytes()
    }

    /// Edits for the links of `file` (its parsed `document`) that would break where it ends
    /// up (`site`); each link that cannot be made to work once installed goes to `strays`
    /// as `path:line:column: message`.
    fn link_edits(
        &self,
        file: &SourceFile,
        document: &Document,
        site: Site,
        strays: &mut Vec<String>,
    ) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut index = None;
        for link in &document.outline.links {
            let placement = self.place(&file.relative, &link.destination);
            let problem = match placement {
                Placement::Outside => Some("leads out of the skill folder"),
                Placement::NotShipped => Some(
                    "names a file that is not part of the skill (`archetype.yaml`, `contract.yaml`, a file `exclude:` leaves out, or one that does not exist)",
                ),
                _ => None,
            };
            if let Some(problem) = problem {
                let index =
                    index.get_or_insert_with(|| renkei_model::LineIndex::new(&document.source));
                let at = link.destination_range.as_ref().unwrap_or(&link.range).start;
                let position = index.position(&document.source, at);
                strays.push(format!(
                    "{}:{}:{}: the link to `{}` {problem}, so it breaks once installed",
                    file.path.display(),
                    position.line,
                    position.column,
                    link.destination
                ));
                continue;
            }
            let Some(range) = link.destination_range.clone() else {
                continue;
            };
            let replacement = match (placement, site) {
                (Placement::Part(anchor), Site::Inlined) => format!("#{anchor}"),
                (Placement::Part(anchor), Site::Shipped { depth }) => {
                    format!("{}SKILL.md#{anchor}", "../".repeat(depth))
                }
                // A shipped file and the file it links to keep their paths, so only a link
                // moved into SKILL.md is written again.
                (Placement::Shipped(target, fragment), Site::Inlined) => {
                    // The path was read decoded; written back, it is encoded again.
                    let written = renkei_model::links::percent_encode(&target);
                    fragment.map_or(written.to_string(), |fragment| {
                        format!("{written}#{fragment}")
                    })
                }
                _ => continue,
            };
            if replacement != link.destination {
                edits.push(Edit { range, replacement });
            }
        }
        edits
    }

    /// Where a link in the archetype file `from` to `destination` leads once installed.
    fn place<'a>(&'a self, from: &str, destination: &'a str) -> Placement<'a> {
        let Some((path, fragment)) = renkei_model::links::relative_path(destination) else {
            return Placement::Elsewhere;
        };
        let Some(target) = renkei_model::links::resolve(from, &path) else {
            return Placement::Outside;
        };
        if let Some(anchor) = self.part_anchor(&target, fragment) {
            Placement::Part(anchor)
        } else if self.shipped.contains(&target) {
            Placement::Shipped(target, fragment)
        } else {
            Placement::NotShipped
        }
    }
}

/// Where the file holding a link ends up.
#[derive(Clone, Copy)]
enum Site {
    /// Inside SKILL.md.
    Inlined,
    /// Beside it, `depth` folders down.
    Shipped { depth: usize },
}

/// Where a link leads once the skill is installed.
enum Placement<'a> {
    /// Not a relative path (a URL, an absolute path, a pure fragment): left as written.
    Elsewhere,
    /// Out of the archetype folder.
    Outside,
    /// Into SKILL.md, at this anchor.
    Part(&'a str),
    /// To a shipped file (its archetype-relative path), at this fragment.
    Shipped(String, Option<&'a str>),
    /// To a file inside the archetype that is not installed.
    NotShipped,
}

fn demote_headings(document: &Document) -> Vec<Edit> {
    document
        .outline
        .headings
        .iter()
        .filter(|heading| heading.level < 6)
        .map(|heading| {
            let source = &document.source[heading.range.clone()];
            if heading.atx {
                let hashes = heading.range.start + source.find('#').unwrap_or(0);
                Edit {
                    range: hashes..hashes,
                    replacement: "#".to_string(),
                }
            } else {
                let marker = "#".repeat(usize::from(heading.level) + 1);
                let text = source
                    .trim_end()
                    .rsplit_once('\n')
                    .map_or(source, |(text, _underline)| text);
                Edit {
                    range: heading.range.clone(),
                    replacement: format!(
                        "{marker} {}\n",
                        text.split_whitespace().collect::<Vec<_>>().join(" ")
                    ),
                }
            }
        })
        .collect()
}

/// The anchor of the heading with `slug` that `earlier` headings before it share: GitHub
/// leaves the first as it is and numbers the others `-1`, `-2`, and so on.
fn numbered(slug: &str, earlier: usize) -> String {
    if earlier == 0 {
        slug.to_string()
    } else {
        format!("{slug}-{earlier}")
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

fn title_case(name: &str) -> String {
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

/// Whether a shipped file is for tools, not for reading: not UTF-8 text, or holding NUL
/// bytes.
fn is_binary(file: &SourceFile) -> bool {
    file.markdown().is_none()
        && (renkei_model::read::looks_binary(file.bytes())
            || std::str::from_utf8(file.bytes()).is_err())
}

fn reference_title(reference: &SourceFile) -> String {
    reference
        .document()
        .and_then(|document| document.outline.headings.first())
        .map_or_else(
            || reference.relative.clone(),
            |heading| heading.text.clone(),
        )
}

/// LF line endings and exactly one trailing newline, so output is byte-identical on every
/// machine whatever the sources used.
fn normalize(text: String) -> String {
    let mut normalized = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    let trimmed = normalized.trim_end_matches(['\n', ' ', '\t']).len();
    normalized.truncate(trimmed);
    normalized.push('\n');
    normalized
}
