//! The front matter of a skill's SKILL.md, held to the Agent Skills specification and to a
//! client's own keys: the rules assembly enforces before it writes a value, here applied to
//! values someone else wrote.

use std::path::Path;

use renkei_model::archetype::Client;
use renkei_model::{Diagnostic, Document, Position, RuleMeta};
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::render::{
    CLAUDE_LISTING_CAP_CHARS, LISTING_TOO_LONG, RECOMMENDED_MAX_BODY_LINES, SKILL_TOO_LONG,
};

/// `skill/front-matter`: SKILL.md is missing, unreadable, or does not open with a YAML map
/// between `---` lines.
pub const FRONT_MATTER: RuleMeta = RuleMeta::error(
    "skill/front-matter",
    "SKILL.md opens with YAML front matter that parses as a map",
    "A client finds a skill by its SKILL.md front matter; without it, or with YAML it cannot \
     read, the skill is never listed, or the client refuses the whole folder.",
)
.fix("Open SKILL.md with a YAML map between `---` lines, holding at least `name` and `description`.")
.example("# Release notes\n\nWrite the release notes from the changelog.", "---\nname: release-notes\ndescription: Writes release notes from the changelog.\n---\n# Release notes");

/// `skill/name`: `name` is missing, not a valid skill name, or not the folder's name.
pub const NAME: RuleMeta = RuleMeta::error(
    "skill/name",
    "name is a valid skill name and equals the skill's folder name",
    "The specification requires the name to match its folder: a client that checks it refuses \
     the skill, and one that does not lists it under a name nobody installed.",
)
.fix("Set `name` to the skill's folder name, in lowercase letters, digits and hyphens.")
.example(
    "# release-notes/SKILL.md\n---\nname: Release_Notes\ndescription: Writes release notes.\n---",
    "# release-notes/SKILL.md\n---\nname: release-notes\ndescription: Writes release notes.\n---",
);

/// `skill/description`: `description` is missing, empty, too long, or holds `<` or `>`.
pub const DESCRIPTION: RuleMeta = RuleMeta::error(
    "skill/description",
    "description is 1 to 1024 characters without angle brackets",
    "The description is all an agent reads when it chooses a skill; the specification bounds \
     it, and a reader that enforces the bound drops the skill.",
)
.fix("Write a description of 1 to 1024 characters without `<` or `>`.")
.example(
    "---\nname: release-notes\ndescription: Writes <release> notes.\n---",
    "---\nname: release-notes\ndescription: Writes release notes from the changelog.\n---",
);

/// `skill/field`: a specification key whose value has the wrong shape or length.
pub const FIELD: RuleMeta = RuleMeta::error(
    "skill/field",
    "license, compatibility, allowed-tools and metadata have the shapes the specification gives",
    "A value of another shape (a number where a string belongs, a list where the \
     specification writes a space-delimited string) is read differently by each client, or \
     refused.",
)
.fix("Give the field the shape the specification gives it, such as a string for `license` and a map of strings for `metadata`.")
.example("---\nname: release-notes\ndescription: Writes release notes.\nlicense: 2\nmetadata:\n  version: 1.0\n---", "---\nname: release-notes\ndescription: Writes release notes.\nlicense: MIT\nmetadata:\n  version: \"1.0\"\n---");

/// `skill/unknown-key`: a key that is neither the specification's nor the named client's.
pub const UNKNOWN_KEY: RuleMeta = RuleMeta::error(
    "skill/unknown-key",
    "every front matter key is the specification's, or the named client's own",
    "The reference validator refuses keys outside the specification, and a misspelt key is \
     silently ignored by the clients that accept extras: either way the skill does not do \
     what its author wrote.",
)
.fix("Correct the key's spelling, or remove a key the specification and the client do not define.")
.example(
    "---\nname: release-notes\ndescription: Writes release notes.\nlicence: MIT\n---",
    "---\nname: release-notes\ndescription: Writes release notes.\nlicense: MIT\n---",
);

/// The specification's keys.
const SPEC_KEYS: &[&str] = &[
    "name",
    "description",
    "license",
    "compatibility",
    "allowed-tools",
    "metadata",
];

/// A front matter value as written.
#[derive(Debug)]
enum Value {
    Flag,
    Text(String),
    Number,
    Null,
    List(Vec<Value>),
    Map(Vec<(Spanned<String>, Value)>),
}

impl Value {
    fn shape(&self) -> &'static str {
        match self {
            Self::Flag => "true or false",
            Self::Text(_) => "a string",
            Self::Number => "a number",
            Self::Null => "empty",
            Self::List(_) => "a list",
            Self::Map(_) => "a map",
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Value;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a YAML value")
            }

            fn visit_bool<E>(self, _: bool) -> Result<Value, E> {
                Ok(Value::Flag)
            }

            fn visit_str<E>(self, text: &str) -> Result<Value, E> {
                Ok(Value::Text(text.to_string()))
            }

            fn visit_i64<E>(self, _: i64) -> Result<Value, E> {
                Ok(Value::Number)
            }

            fn visit_u64<E>(self, _: u64) -> Result<Value, E> {
                Ok(Value::Number)
            }

            fn visit_f64<E>(self, _: f64) -> Result<Value, E> {
                Ok(Value::Number)
            }

            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut items: A,
            ) -> Result<Value, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = items.next_element()? {
                    list.push(item);
                }
                Ok(Value::List(list))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut entries: A,
            ) -> Result<Value, A::Error> {
                let mut map = Vec::new();
                while let Some(entry) = entries.next_entry()? {
                    map.push(entry);
                }
                Ok(Value::Map(map))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

/// The findings on the front matter of `skill_md` (parsed as `document`), in the skill
/// folder named `folder`, for `client`'s targets.
pub(super) fn check(
    skill_md: &Path,
    document: &Document,
    folder: &str,
    client: Option<Client>,
) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let at = |rule: &RuleMeta, line: usize, column: usize, message: String| {
        let mut finding = Diagnostic::whole_file(rule.id.clone(), rule.severity, skill_md, message);
        finding.start = Position { line, column };
        finding.end = finding.start;
        finding
    };
    let lines = document.source.lines().count();
    if lines > RECOMMENDED_MAX_BODY_LINES {
        findings.push(at(
            &SKILL_TOO_LONG,
            1,
            1,
            format!(
                "SKILL.md is {lines} lines; the Agent Skills specification recommends under {RECOMMENDED_MAX_BODY_LINES}"
            ),
        ));
    }
    let Some(front_matter) = &document.outline.front_matter else {
        findings.push(at(
            &FRONT_MATTER,
            1,
            1,
            "SKILL.md does not open with YAML front matter between `---` lines".to_string(),
        ));
        return findings;
    };
    let yaml = &document.source[front_matter.content.clone()];
    // Positions the parser gives count from the YAML's first line, the line after the fence.
    let first_line = document.source[..front_matter.content.start]
        .matches('\n')
        .count();
    let place = |spanned: &serde_saphyr::Location| {
        (
            usize::try_from(spanned.line()).unwrap_or(1).max(1) + first_line,
            usize::try_from(spanned.column()).unwrap_or(1).max(1),
        )
    };
    let entries = match renkei_model::yaml::parse_yaml::<Value>(skill_md, yaml) {
        Ok(Value::Map(entries)) => entries,
        Ok(other) => {
            findings.push(at(
                &FRONT_MATTER,
                first_line + 1,
                1,
                format!("the front matter is {}, not a map of keys", other.shape()),
            ));
            return findings;
        }
        Err(error) => {
            let (line, column) = error.position().unwrap_or((1, 1));
            let message = error.to_string();
            findings.push(at(
                &FRONT_MATTER,
                line + first_line,
                column,
                renkei_model::diagnostic::after_location(&message, skill_md).to_string(),
            ));
            return findings;
        }
    };
    let get = |key: &str| entries.iter().find(|(name, _)| name.value == key);
    let top = first_line + 1;
    match get("name") {
        None => findings.push(at(
            &NAME,
            top,
            1,
            "the front matter has no `name`".to_string(),
        )),
        Some((key, Value::Text(name))) => {
            let (line, column) = place(&key.referenced);
            if let Err(problem) = renkei_model::name::validate_skill_name(name) {
                findings.push(at(&NAME, line, column, format!("`name`: {problem}")));
            } else if name != folder {
                findings.push(at(
                    &NAME,
                    line,
                    column,
                    format!("`name` is `{name}` but the skill's folder is `{folder}`; they must be equal"),
                ));
            }
        }
        Some((key, other)) => {
            let (line, column) = place(&key.referenced);
            findings.push(at(
                &NAME,
                line,
                column,
                format!("`name` is {}, not a string", other.shape()),
            ));
        }
    }
    let mut listing = 0;
    match get("description") {
        None => findings.push(at(
            &DESCRIPTION,
            top,
            1,
            "the front matter has no `description`".to_string(),
        )),
        Some((key, Value::Text(description))) => {
            let (line, column) = place(&key.referenced);
            listing += description.chars().count();
            if let Some(problem) = renkei_model::archetype::description_problem(description) {
                findings.push(at(
                    &DESCRIPTION,
                    line,
                    column,
                    format!("`description` {problem}"),
                ));
            }
        }
        Some((key, other)) => {
            let (line, column) = place(&key.referenced);
            findings.push(at(
                &DESCRIPTION,
                line,
                column,
                format!("`description` is {}, not a string", other.shape()),
            ));
        }
    }
    let own_keys = client.map_or(&[][..], Client::keys);
    for (key, value) in &entries {
        let (line, column) = place(&key.referenced);
        let name = key.value.as_str();
        let problem = match (name, value) {
            ("name" | "description", _) => None,
            ("license", Value::Text(_)) => None,
            ("compatibility", Value::Text(text)) => {
                renkei_model::archetype::compatibility_problem(text)
                    .map(|problem| format!("`compatibility` {problem}"))
            }
            ("allowed-tools", Value::Text(_)) => None,
            // Claude Code reads a list too; the specification writes a string.
            ("allowed-tools", Value::List(items))
                if client == Some(Client::Claude) && all_text(items) =>
            {
                None
            }
            ("metadata", Value::Map(pairs)) => pairs
                .iter()
                .find(|(_, value)| !matches!(value, Value::Text(_)))
                .map(|(pair, value)| {
                    format!(
                        "`metadata` maps strings to strings, but `{}` is {}; quote it",
                        pair.value,
                        value.shape()
                    )
                }),
            ("license" | "compatibility" | "allowed-tools" | "metadata", other) => Some(format!(
                "`{name}` is {}; the specification gives {}",
                other.shape(),
                if name == "metadata" {
                    "a map of strings"
                } else {
                    "a string"
                }
            )),
            ("when_to_use", Value::Text(text)) if client == Some(Client::Claude) => {
                listing += text.chars().count();
                None
            }
            ("when_to_use", other) if client == Some(Client::Claude) => Some(format!(
                "`when_to_use` is {}; Claude Code reads a string (quote it)",
                other.shape()
            )),
            _ => {
                let Some((_, shape)) = own_keys.iter().find(|(own, _)| *own == name) else {
                    findings.push(at(&UNKNOWN_KEY, line, column, unknown(name, client)));
                    continue;
                };
                let list = match value {
                    Value::List(items) => Some(all_text(items)),
                    _ => None,
                };
                let fits = shape.fits(
                    matches!(value, Value::Flag),
                    matches!(value, Value::Text(_)),
                    list,
                );
                (!fits).then(|| format!("`{name}` is {}", value.shape()))
            }
        };
        if let Some(problem) = problem {
            findings.push(at(&FIELD, line, column, problem));
        }
    }
    if listing > CLAUDE_LISTING_CAP_CHARS {
        let (line, column) = get("description").map_or((top, 1), |(key, _)| place(&key.referenced));
        findings.push(at(
            &LISTING_TOO_LONG,
            line,
            column,
            format!(
                "description and when_to_use are {listing} characters together; Claude Code truncates the skill listing at {CLAUDE_LISTING_CAP_CHARS}"
            ),
        ));
    }
    findings
}

fn all_text(items: &[Value]) -> bool {
    items.iter().all(|item| matches!(item, Value::Text(_)))
}

/// Why `key` is not allowed, naming the client that reads it when one does.
fn unknown(key: &str, client: Option<Client>) -> String {
    let reader = Client::ALL.into_iter().find(|other| {
        Some(*other) != client
            && (other.keys().iter().any(|(own, _)| *own == key)
                || (*other == Client::Claude && key == "when_to_use"))
    });
    match reader {
        Some(reader) => format!(
            "`{key}` is not an Agent Skills key; {} reads it (check with --client {})",
            reader.title(),
            reader.id()
        ),
        None => format!(
            "`{key}` is neither an Agent Skills key ({}) nor one the client reads",
            SPEC_KEYS.join(", ")
        ),
    }
}
