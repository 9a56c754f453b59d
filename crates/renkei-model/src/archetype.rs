//! `archetype.yaml`: what an archetype is called, how it is described to agents, and which of
//! its files go where.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::error::ModelError;
use crate::markdown::{Document, Markdown};
use crate::mode::FileMode;
use crate::name::validate_skill_name;

/// Longest `description` the Agent Skills specification allows.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
/// Longest `compatibility` the Agent Skills specification allows.
pub const MAX_COMPATIBILITY_CHARS: usize = 500;

/// The contents of `archetype.yaml`. Unknown keys are rejected with their position.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "archetype.yaml")]
pub struct ArchetypeConfig {
    /// Skill name; must equal the archetype's folder name.
    #[serde(deserialize_with = "read_name")]
    #[schemars(
        with = "String",
        length(min = 1, max = 64),
        regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$")
    )]
    pub name: Spanned<String>,
    /// What the skill does and when to use it, as agents see it in their skill listing.
    #[serde(deserialize_with = "read_description")]
    #[schemars(with = "String", length(min = 1, max = 1024))]
    pub description: Spanned<String>,
    /// Extra guidance on when to load the skill; rendered into the body by the default template.
    #[serde(default, deserialize_with = "read_when_to_use")]
    #[schemars(with = "Option<String>")]
    pub when_to_use: Option<Spanned<String>>,
    /// License name or reference, copied into front matter.
    #[serde(default, deserialize_with = "read_license")]
    #[schemars(with = "Option<String>")]
    pub license: Option<Spanned<String>>,
    /// Environment requirements, copied into front matter (at most 500 characters).
    #[serde(default, deserialize_with = "read_compatibility")]
    #[schemars(with = "Option<String>", length(max = 500))]
    pub compatibility: Option<Spanned<String>>,
    /// Pre-approved tools, as the specification's space-delimited string or as a YAML list;
    /// written into front matter as the string.
    #[serde(
        rename = "allowed-tools",
        default,
        deserialize_with = "read_allowed_tools"
    )]
    #[schemars(with = "Option<AllowedTools>")]
    pub allowed_tools: Option<Spanned<AllowedTools>>,
    /// Free-form string pairs, copied into front matter in key order.
    #[serde(default, deserialize_with = "read_metadata_pairs")]
    pub metadata: BTreeMap<String, String>,
    /// Files inlined into SKILL.md, in order; by default `ethos/` then `doctrine/`.
    // The default is `default_part_order`'s.
    #[serde(default, deserialize_with = "read_parts")]
    #[schemars(with = "Option<Vec<String>>")]
    pub parts: Option<Vec<Spanned<String>>>,
    /// Files the References section of SKILL.md lists for the agent to read; by default the
    /// files under `references/` and `truth/`. Every file that is not inlined ships
    /// whether it is listed here or not.
    #[serde(default, deserialize_with = "read_references")]
    #[schemars(with = "Option<Vec<String>>")]
    pub references: Option<Vec<Spanned<String>>>,
    /// Globs (relative to the archetype folder) of files and folders left out of the
    /// skill: neither inlined nor shipped. `*` stays inside one folder, `**` crosses
    /// folders, and a pattern that names a folder leaves out everything in it.
    #[serde(default, deserialize_with = "read_exclude")]
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Install targets that receive this skill; by default every target asked for.
    #[serde(default, deserialize_with = "read_targets")]
    #[schemars(schema_with = "target_names_schema")]
    pub targets: Option<Vec<Spanned<String>>>,
    /// Front matter keys Claude Code reads beyond the specification's (`model`,
    /// `disable-model-invocation`, ...), written only for targets Claude Code reads.
    #[serde(default, deserialize_with = "read_claude")]
    pub claude: Option<ClientKeys>,
    /// Template file in the tree's `templates/` folder; by default `skill.md.tera`.
    #[serde(default, deserialize_with = "read_template")]
    #[schemars(with = "Option<String>")]
    pub template: Option<Spanned<String>>,
}

/// The value of `field`, whose error, if any, names the field (the parser's own says only
/// what it expected, such as `expected string scalar`).
fn named<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    field: &str,
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(deserializer).map_err(|error| {
        let message = error.to_string();
        let message = crate::yaml::in_author_words(crate::yaml::strip_position_suffix(&message));
        serde::de::Error::custom(format!("field `{field}`: {message}"))
    })
}

/// `targets`: a list of [`TARGET_NAMES`], for an editor to offer and check.
fn target_names_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": ["array", "null"],
        "items": {"enum": TARGET_NAMES}
    })
}

/// One reader per field of [`ArchetypeConfig`], each naming its field in its errors.
macro_rules! named_readers {
    ($($reader:ident: $field:literal => $value:ty),* $(,)?) => {
        $(
            fn $reader<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<$value, D::Error> {
                named($field, deserializer)
            }
        )*
    };
}

named_readers! {
    read_name: "name" => Spanned<String>,
    read_description: "description" => Spanned<String>,
    read_when_to_use: "when_to_use" => Option<Spanned<String>>,
    read_license: "license" => Option<Spanned<String>>,
    read_compatibility: "compatibility" => Option<Spanned<String>>,
    read_allowed_tools: "allowed-tools" => Option<Spanned<AllowedTools>>,
    read_metadata: "metadata" => Metadata,
    read_parts: "parts" => Option<Vec<Spanned<String>>>,
    read_references: "references" => Option<Vec<Spanned<String>>>,
    read_exclude: "exclude" => Option<Vec<Spanned<String>>>,
    read_targets: "targets" => Option<Vec<Spanned<String>>>,
    read_claude: "claude" => Option<ClientKeys>,
    read_template: "template" => Option<Spanned<String>>,
}

/// `metadata`'s pairs; an error in a value names its key.
fn read_metadata_pairs<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    read_metadata(deserializer).map(|metadata| metadata.0)
}

/// `metadata`: strings to strings, read so that a value of another kind is reported with
/// its key (the parser alone says only what it expected).
struct Metadata(BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Metadata {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = Metadata;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a map of strings to strings")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut entries: A,
            ) -> Result<Metadata, A::Error> {
                let mut pairs = BTreeMap::new();
                while let Some(key) = entries.next_key::<String>()? {
                    let value = entries.next_value::<String>().map_err(|error| {
                        let message = error.to_string();
                        serde::de::Error::custom(format!(
                            "`{key}`: {}",
                            crate::yaml::in_author_words(crate::yaml::strip_position_suffix(
                                &message
                            ))
                        ))
                    })?;
                    pairs.insert(key, value);
                }
                Ok(Metadata(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// `allowed-tools`, as the space-delimited string the Agent Skills specification writes. A
/// YAML list is accepted too, as Claude Code accepts one, and joined with spaces; a listed
/// tool that holds a space outside parentheses is refused, because the string form could
/// not keep it whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedTools(pub String);

impl<'de> Deserialize<'de> for AllowedTools {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tools;
        impl<'de> serde::de::Visitor<'de> for Tools {
            type Value = AllowedTools;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a space-delimited string or a list of tools")
            }

            fn visit_str<E: serde::de::Error>(self, tools: &str) -> Result<AllowedTools, E> {
                Ok(AllowedTools(tools.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<AllowedTools, A::Error> {
                let mut tools: Vec<String> = Vec::new();
                while let Some(tool) = items.next_element::<String>()? {
                    if tool.is_empty() || space_outside_parentheses(&tool) {
                        return Err(serde::de::Error::custom(format!(
                            "the tool {tool:?} is empty or holds a space outside parentheses, which the specification's space-delimited form cannot keep"
                        )));
                    }
                    tools.push(tool);
                }
                Ok(AllowedTools(tools.join(" ")))
            }
        }
        deserializer.deserialize_any(Tools)
    }
}

impl schemars::JsonSchema for AllowedTools {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AllowedTools".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Pre-approved tools: the specification's space-delimited string, or a list of tools.",
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string", "minLength": 1}}
            ]
        })
    }
}

/// A client's own front matter keys, in the order written, each with where its key is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientKeys(pub Vec<(Spanned<String>, ClientValue)>);

impl schemars::JsonSchema for ClientKeys {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClientKeys".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    {"type": "boolean"},
                    {"type": "string"},
                    {"type": "array", "items": {"type": "string"}}
                ]
            }
        })
    }
}

/// The value of a client's front matter key: the shapes clients document for theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientValue {
    /// `true` or `false`.
    Flag(bool),
    /// A string.
    Text(String),
    /// A list of strings.
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for ClientValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Value;
        impl<'de> serde::de::Visitor<'de> for Value {
            type Value = ClientValue;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("true, false, a string or a list of strings")
            }

            fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<ClientValue, E> {
                Ok(ClientValue::Flag(flag))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ClientValue, E> {
                Ok(ClientValue::Text(text.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<ClientValue, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = items.next_element::<String>()? {
                    list.push(item);
                }
                Ok(ClientValue::List(list))
            }
        }
        deserializer.deserialize_any(Value)
    }
}

impl<'de> Deserialize<'de> for ClientKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = ClientKeys;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a map of front matter keys")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut entries: A,
            ) -> Result<ClientKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = entries.next_key::<Spanned<String>>()? {
                    // The parser says what it expected; the key says which value it was.
                    let value = entries.next_value::<ClientValue>().map_err(|error| {
                        let message = error.to_string();
                        serde::de::Error::custom(format!(
                            "`{}`: {}",
                            key.value,
                            crate::yaml::strip_position_suffix(&message)
                        ))
                    })?;
                    keys.push((key, value));
                }
                Ok(ClientKeys(keys))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// The shape a client's key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyShape {
    /// `true` or `false`.
    Flag,
    /// A string.
    Text,
    /// A string or a list of strings.
    TextOrList,
}

/// The keys Claude Code documents for a skill's front matter beyond the specification's,
/// and their shapes. `when_to_use` is renkei's own top-level field; `hooks`, a nested map,
/// is not written by renkei.
pub const CLAUDE_KEYS: &[(&str, KeyShape)] = &[
    ("agent", KeyShape::Text),
    ("argument-hint", KeyShape::Text),
    ("arguments", KeyShape::TextOrList),
    ("context", KeyShape::Text),
    ("disable-model-invocation", KeyShape::Flag),
    ("effort", KeyShape::Text),
    ("model", KeyShape::Text),
    ("paths", KeyShape::TextOrList),
    ("shell", KeyShape::Text),
    ("user-invocable", KeyShape::Flag),
];

impl Client {
    /// Every client, in the order renkei names them.
    pub const ALL: [Client; 3] = [Client::Claude, Client::OpenCode, Client::Gemini];

    /// The client's name on the command line and in `archetype.yaml`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Claude => "claude",
            Self::OpenCode => "opencode",
            Self::Gemini => "gemini",
        }
    }

    /// The client's name in messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::Claude => "Claude Code",
            Self::OpenCode => "OpenCode",
            Self::Gemini => "Gemini CLI",
        }
    }

    /// The keys this client documents beyond the specification's.
    pub fn keys(self) -> &'static [(&'static str, KeyShape)] {
        match self {
            Self::Claude => CLAUDE_KEYS,
            Self::OpenCode | Self::Gemini => &[],
        }
    }
}

/// Whether `tool` holds whitespace outside parentheses. Claude Code reads a space inside a
/// tool's parentheses as part of it (`Bash(git status:*)`), so such a tool survives the
/// space-delimited string; a bare space would split it in two.
fn space_outside_parentheses(tool: &str) -> bool {
    let mut depth = 0usize;
    for c in tool.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 => return true,
            _ => {}
        }
    }
    false
}

/// One source file of an archetype.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the archetype folder, with `/` separators (`doctrine/process.md`).
    pub relative: String,
    /// Path on disk.
    pub path: PathBuf,
    /// Whether it is executable; a shipped file installs with the same mode.
    pub mode: FileMode,
    /// What the file holds.
    pub content: Content,
}

/// A source file's content.
#[derive(Debug, Clone)]
pub enum Content {
    /// A Markdown file, parsed when first asked for.
    Markdown(Box<Markdown>),
    /// Any other file, shipped as it is: shared, not copied, with what assembly writes.
    Other(std::sync::Arc<[u8]>),
}

impl Content {
    /// The text of a Markdown file, taken out; `None` for any other file.
    pub fn into_text(self) -> Option<String> {
        match self {
            Self::Markdown(markdown) => Some(markdown.into_text()),
            Self::Other(_) => None,
        }
    }
}

impl SourceFile {
    /// The parsed document, for Markdown files.
    pub fn document(&self) -> Option<&Document> {
        self.markdown().map(Markdown::document)
    }

    /// The text, parsed on demand, of Markdown files.
    pub fn markdown(&self) -> Option<&Markdown> {
        match &self.content {
            Content::Markdown(markdown) => Some(markdown),
            Content::Other(_) => None,
        }
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.content {
            Content::Markdown(markdown) => markdown.text().as_bytes(),
            Content::Other(bytes) => bytes,
        }
    }
}

/// A loaded archetype: configuration plus every file that goes into its skill.
#[derive(Debug, Clone)]
pub struct Archetype {
    /// The stage folder it lives in (`execution`).
    pub stage: String,
    /// Its folder on disk.
    pub dir: PathBuf,
    /// Its `archetype.yaml`.
    pub config_path: PathBuf,
    /// The text of `archetype.yaml`, as read.
    pub config_text: String,
    /// The parsed configuration.
    pub config: ArchetypeConfig,
    /// Files inlined into the SKILL.md body, in order.
    pub parts: Vec<SourceFile>,
    /// Files shipped beside SKILL.md at the same relative path: every file of the folder
    /// that is not inlined, not `archetype.yaml` or `contract.yaml`, and not excluded;
    /// sorted by path.
    pub shipped: Vec<SourceFile>,
    /// The shipped files the References section lists, in order, as paths relative to
    /// `dir`.
    pub references: Vec<String>,
    /// Every file found in its operational folders, relative to `dir`, with `/` separators.
    pub operational: Vec<String>,
    /// The archetypes folder it was found in, relative to the root with `/` separators
    /// (`framework/archetypes`): links that climb out of it and back are resolved from it.
    pub archetypes: String,
}

impl Archetype {
    /// The skill name.
    pub fn name(&self) -> &str {
        &self.config.name.value
    }
}

/// Install targets an archetype may name in `targets`.
pub const TARGET_NAMES: &[&str] = &[
    "claude",
    "project",
    "opencode",
    "opencode-project",
    "gemini",
    "gemini-project",
    "agents",
    "agents-project",
];

/// A client that reads skills and has front matter keys of its own, beyond the Agent
/// Skills specification's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Client {
    /// Claude Code.
    Claude,
    /// OpenCode.
    OpenCode,
    /// Gemini CLI.
    Gemini,
}

/// The order `ethos/` and `doctrine/` files are inlined in when `parts` is not given: the
/// convictions first, then the process they drive, then the contracts at its edges. Files
/// not listed here follow their folder's listed files in name order.
pub fn default_part_order() -> &'static [&'static str] {
    &[
        "ethos/tenets.md",
        "ethos/principles.md",
        "doctrine/process.md",
        "doctrine/orchestration.md",
        "doctrine/handoff-contract.md",
        "doctrine/output-contract.md",
        "doctrine/team-contract.md",
        "doctrine/pipeline.md",
    ]
}

/// Checks the values the Agent Skills specification constrains, so that nothing invalid is
/// ever rendered; `folder` is the archetype folder name the `name` must equal.
pub fn validate_config(
    config: &ArchetypeConfig,
    config_path: &Path,
    folder: &str,
) -> Result<(), ModelError> {
    let invalid =
        |location: &serde_saphyr::Location, message: String| ModelError::InvalidArchetype {
            path: config_path.to_path_buf(),
            line: location.line().max(1),
            column: location.column().max(1),
            message,
        };
    let name = &config.name;
    if let Err(problem) = validate_skill_name(&name.value) {
        return Err(invalid(
            &name.referenced,
            format!("field `name`: {problem}"),
        ));
    }
    if name.value != folder {
        return Err(invalid(
            &name.referenced,
            format!(
                "field `name` is `{}` but the archetype folder is `{folder}`; they must be equal",
                name.value
            ),
        ));
    }
    let description = &config.description;
    if let Some(problem) = description_problem(&description.value) {
        return Err(invalid(
            &description.referenced,
            format!("field `description` {problem}"),
        ));
    }
    if let Some(compatibility) = &config.compatibility
        && let Some(problem) = compatibility_problem(&compatibility.value)
    {
        return Err(invalid(
            &compatibility.referenced,
            format!("field `compatibility` {problem}"),
        ));
    }
    if let Some(keys) = &config.claude {
        validate_client_keys(Client::Claude, "claude", keys, &invalid)?;
    }
    for target in config.targets.iter().flatten() {
        if !TARGET_NAMES.contains(&target.value.as_str()) {
            return Err(invalid(
                &target.referenced,
                format!(
                    "unknown target `{}`{}; expected one of {}",
                    target.value,
                    crate::name::did_you_mean(&target.value, TARGET_NAMES.iter().copied()),
                    TARGET_NAMES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// What is wrong with a `description` by the Agent Skills rules (`is empty`, `is 1100
/// characters; ...`), for a message that names the field first; `None` when nothing is.
/// Assembly refuses such a value, and `skills check` reports it in a skill renkei did not
/// write.
pub fn description_problem(description: &str) -> Option<String> {
    let chars = description.chars().count();
    if description.trim().is_empty() {
        Some("is empty".to_string())
    } else if chars > MAX_DESCRIPTION_CHARS {
        Some(format!(
            "is {chars} characters; the Agent Skills limit is {MAX_DESCRIPTION_CHARS}"
        ))
    } else {
        description
            .chars()
            .find(|c| matches!(c, '<' | '>'))
            .map(|bracket| format!("contains {bracket:?}; angle brackets are not allowed"))
    }
}

/// What is wrong with a `compatibility` value, as [`description_problem`] says it.
pub fn compatibility_problem(compatibility: &str) -> Option<String> {
    let chars = compatibility.chars().count();
    (chars == 0 || chars > MAX_COMPATIBILITY_CHARS)
        .then(|| format!("is {chars} characters; it must be 1 to {MAX_COMPATIBILITY_CHARS}"))
}

impl KeyShape {
    /// Whether a value that is a flag, a string, or a list (`Some(all strings)`) has this
    /// shape.
    pub fn fits(self, flag: bool, text: bool, list_of_text: Option<bool>) -> bool {
        match self {
            Self::Flag => flag,
            Self::Text => text,
            Self::TextOrList => text || list_of_text == Some(true),
        }
    }
}

/// Checks that each of `keys` (under the field `field`) is one `client` documents, in the
/// shape it documents.
fn validate_client_keys(
    client: Client,
    field: &str,
    keys: &ClientKeys,
    invalid: &dyn Fn(&serde_saphyr::Location, String) -> ModelError,
) -> Result<(), ModelError> {
    let known = client.keys();
    for (key, value) in &keys.0 {
        let Some((_, shape)) = known.iter().find(|(name, _)| *name == key.value) else {
            let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
            return Err(invalid(
                &key.referenced,
                format!(
                    "field `{field}`: `{}` is not a key renkei writes for this client; expected one of {}",
                    key.value,
                    names.join(", ")
                ),
            ));
        };
        let fits = shape.fits(
            matches!(value, ClientValue::Flag(_)),
            matches!(value, ClientValue::Text(_)),
            matches!(value, ClientValue::List(_)).then_some(true),
        );
        if !fits {
            let expected = match shape {
                KeyShape::Flag => "true or false",
                KeyShape::Text => "a string",
                KeyShape::TextOrList => "a string or a list of strings",
            };
            return Err(invalid(
                &key.referenced,
                format!("field `{field}`: `{}` takes {expected}", key.value),
            ));
        }
    }
    Ok(())
}
