//! Rendering one archetype into the files of its skill folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use renkei_model::archetype::{Client, Content, SourceFile};
use renkei_model::source::Kind;
use renkei_model::{Archetype, Diagnostic, Document, Edit, FileMode, RuleMeta, Walk, apply_edits};
use serde::Serialize;

use crate::cancel::Canceller;
use crate::error::AssembleError;
use crate::frontmatter::render_front_matter;
use crate::layout::{Linking, STRAY_LINK, SiblingLink, Siblings, Site, SkillLayout, title_case};

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
)
.fix("Move detail the agent needs only sometimes into `references/` and link to it from SKILL.md.")
.example("---\nname: tech-lead\ndescription: Leads the work.\n---\n(640 lines of process, tables and examples)", "---\nname: tech-lead\ndescription: Leads the work.\n---\n(180 lines of process)\nSee [the examples](references/examples.md).");

/// `description` plus `when_to_use` longer than [`CLAUDE_LISTING_CAP_CHARS`].
pub const LISTING_TOO_LONG: RuleMeta = RuleMeta::warning(
    "assemble/listing-too-long",
    "description and when_to_use fit in the skill listing Claude Code shows",
    "Claude Code cuts the listing an agent chooses skills from; what is past the cut is never \
     read, so the skill may not be chosen when it should be.",
)
.fix("Shorten description and when_to_use so together they fit within 1,536 characters.")
.example("---\nname: tech-lead\ndescription: (1,400 characters)\nwhen_to_use: (400 characters)\n---", "---\nname: tech-lead\ndescription: Leads a change from plan to merge.\nwhen_to_use: When a task needs a plan and several agents.\n---");

/// Every rule assembly reports, sorted by id.
pub const RULES: &[RuleMeta] = &[LISTING_TOO_LONG, SKILL_TOO_LONG, STRAY_LINK];

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
    /// The SKILL.md of a client whose own keys the archetype gives, in place of the
    /// specification's for that client's targets.
    pub for_clients: BTreeMap<Client, OutputFile>,
    /// Its links into other skills' folders, which work only where those are installed
    /// beside it.
    pub sibling_links: Vec<SiblingLink>,
}

impl Skill {
    /// The files a target that `client` reads receives: the client's own SKILL.md when
    /// there is one, the specification's otherwise.
    pub fn files_for(&self, client: Option<Client>) -> impl Iterator<Item = &OutputFile> {
        let own = client.and_then(|client| self.for_clients.get(&client));
        self.files
            .iter()
            .enumerate()
            .map(move |(at, file)| match own {
                Some(own) if at == 0 => own,
                _ => file,
            })
    }
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

/// Renders `archetype` into its skill folder's files. A link into another archetype is
/// placed with that archetype's layout from `siblings`; when `siblings` does not hold it
/// yet, the render stops with [`AssembleError::NeedsSiblings`] naming what it needs.
pub fn render_skill(
    archetype: &Archetype,
    templates: &Templates,
    siblings: &Siblings,
) -> Result<Skill, AssembleError> {
    let name = archetype.name();
    let config = &archetype.config;
    let layout = SkillLayout::of(archetype);
    let template = template_of(archetype, templates)?;
    // Every link is placed before anything is rendered, so that a link that would break
    // once installed, or one that needs another archetype's layout, stops the render first.
    let mut linking = Linking::default();
    let parts: Vec<PartContext> = archetype
        .parts
        .iter()
        .map(|part| PartContext {
            path: part.relative.clone(),
            content: inline_part(&layout, part, siblings, &mut linking),
        })
        .collect();
    let mut files = vec![OutputFile {
        relative: "SKILL.md".to_string(),
        bytes: Arc::from(&b""[..]),
        mode: FileMode::Regular,
    }];
    // `shipped` is sorted by path, and so are the files after SKILL.md.
    for file in &archetype.shipped {
        let bytes = match &file.content {
            Content::Markdown(markdown) => Arc::from(shipped_markdown(
                &layout,
                file,
                markdown.document(),
                siblings,
                &mut linking,
            )),
            Content::Other(bytes) => Arc::clone(bytes),
        };
        files.push(OutputFile {
            relative: file.relative.clone(),
            bytes,
            mode: file.mode,
        });
    }
    if !linking.needed.is_empty() {
        return Err(AssembleError::NeedsSiblings {
            archetype: name.to_string(),
            names: linking.needed.into_iter().collect(),
        });
    }
    if !linking.strays.is_empty() {
        return Err(AssembleError::StrayLinks {
            links: linking
                .strays
                .iter()
                .map(|stray| {
                    let finding = &stray.diagnostic;
                    format!(
                        "{}:{}:{}: {}",
                        finding.path.display(),
                        finding.start.line,
                        finding.start.column,
                        finding.message
                    )
                })
                .collect(),
        });
    }
    let body = render_body(archetype, templates, template, parts)?;
    let skill_md_for = |client: Option<Client>| -> Result<String, AssembleError> {
        let mut skill_md = render_front_matter(config, client)?;
        skill_md.push('\n');
        skill_md.push_str(body.trim_start_matches('\n'));
        Ok(normalize(skill_md))
    };
    let skill_md = skill_md_for(None)?;
    files[0].bytes = Arc::from(skill_md.as_bytes());
    let mut for_clients = BTreeMap::new();
    if !crate::frontmatter::client_keys(config, Some(Client::Claude)).is_empty() {
        let own = skill_md_for(Some(Client::Claude))?;
        for_clients.insert(
            Client::Claude,
            OutputFile {
                relative: "SKILL.md".to_string(),
                bytes: Arc::from(own.as_bytes()),
                mode: FileMode::Regular,
            },
        );
    }
    Ok(Skill {
        name: name.to_string(),
        targets: config
            .targets
            .as_ref()
            .map(|targets| targets.iter().map(|t| t.value.clone()).collect()),
        warnings: length_warnings(archetype, &skill_md),
        files,
        for_clients,
        sibling_links: linking.siblings,
    })
}

/// What stops `archetype` from rendering through its template, but for its links (which
/// [`crate::layout::place_links`] checks): a missing template, a SKILL.md of its own, an
/// error the template meets with this archetype's values, a front matter value YAML does
/// not keep. The template is given each part as written, not inlined: no part is parsed,
/// so this costs a fraction of [`render_skill`], for `check`.
pub fn check_skill_render(
    archetype: &Archetype,
    templates: &Templates,
) -> Result<(), AssembleError> {
    let template = template_of(archetype, templates)?;
    let parts = archetype
        .parts
        .iter()
        .map(|part| PartContext {
            path: part.relative.clone(),
            content: match part.markdown() {
                Some(markdown) => markdown.text().to_string(),
                None => String::from_utf8_lossy(part.bytes()).into_owned(),
            },
        })
        .collect();
    render_body(archetype, templates, template, parts)?;
    render_front_matter(&archetype.config, None)?;
    if !crate::frontmatter::client_keys(&archetype.config, Some(Client::Claude)).is_empty() {
        render_front_matter(&archetype.config, Some(Client::Claude))?;
    }
    Ok(())
}

/// The template `archetype` renders through, once it is known to exist and the archetype
/// has no SKILL.md of its own that would ship in the rendered one's place.
fn template_of<'t>(
    archetype: &'t Archetype,
    templates: &Templates,
) -> Result<&'t str, AssembleError> {
    let template = archetype
        .config
        .template
        .as_ref()
        .map_or(DEFAULT_TEMPLATE, |template| template.value.as_str());
    if !templates.tera.contains_template(template) {
        return Err(AssembleError::TemplateNotFound {
            archetype: archetype.name().to_string(),
            template: template.to_string(),
            dir: templates.dir.clone(),
        });
    }
    if let Some(own) = archetype
        .shipped
        .iter()
        .find(|file| file.relative == "SKILL.md" || file.relative.starts_with("SKILL.md/"))
    {
        return Err(AssembleError::SkillMdInSource {
            path: own.path.clone(),
        });
    }
    Ok(template)
}

/// A part's Markdown as it appears inside SKILL.md: headings one level deeper (the skill
/// title is the only H1) and links re-pointed.
fn inline_part(
    layout: &SkillLayout,
    part: &SourceFile,
    siblings: &Siblings,
    linking: &mut Linking,
) -> String {
    let Some(document) = part.document() else {
        return String::from_utf8_lossy(part.bytes()).into_owned();
    };
    let mut edits = demote_headings(document);
    edits.extend(layout.link_edits(part, document, Site::Inlined, siblings, linking));
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

/// A shipped Markdown file (`file`, parsed as `document`): links re-pointed where their
/// targets moved, LF endings and one trailing newline like SKILL.md. Other files ship byte
/// for byte, shared with the loaded archetype.
fn shipped_markdown(
    layout: &SkillLayout,
    file: &SourceFile,
    document: &Document,
    siblings: &Siblings,
    linking: &mut Linking,
) -> Vec<u8> {
    let depth = file.relative.matches('/').count();
    let edits = layout.link_edits(file, document, Site::Shipped { depth }, siblings, linking);
    normalize(apply_edits(&document.source, edits)).into_bytes()
}

/// The SKILL.md body `template` renders for `archetype`, its parts already inlined.
fn render_body(
    archetype: &Archetype,
    templates: &Templates,
    template: &str,
    parts: Vec<PartContext>,
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
        parts,
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
