//! YAML front matter that every Agent Skills reader accepts.
//!
//! The renderer is written by hand rather than through a YAML serializer so that the output
//! is block style, byte-stable across crate versions, and readable by strict parsers such
//! as the reference validator's StrictYAML: a value is written plain only when it cannot be
//! misread, and double-quoted otherwise. The result is then parsed back and compared with
//! the archetype's values, so a value is either refused or round-trips exactly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use renkei_model::ArchetypeConfig;
use renkei_model::archetype::{Client, ClientValue};
use serde::Deserialize;

use crate::error::AssembleError;

/// The front matter block, fences included, ending in a newline: the specification's keys,
/// then, for a target `client` reads, that client's own keys from the archetype.
pub fn render_front_matter(
    config: &ArchetypeConfig,
    client: Option<Client>,
) -> Result<String, AssembleError> {
    let mut yaml = String::from("---\n");
    push_field(&mut yaml, "name", &config.name.value);
    push_field(&mut yaml, "description", &config.description.value);
    if let Some(license) = &config.license {
        push_field(&mut yaml, "license", &license.value);
    }
    if let Some(compatibility) = &config.compatibility {
        push_field(&mut yaml, "compatibility", &compatibility.value);
    }
    if let Some(allowed_tools) = &config.allowed_tools {
        push_field(&mut yaml, "allowed-tools", &allowed_tools.value.0);
    }
    if !config.metadata.is_empty() {
        yaml.push_str("metadata:\n");
        for (key, value) in &config.metadata {
            let _ = writeln!(yaml, "  {}: {}", scalar(key), scalar(value));
        }
    }
    for (key, value) in client_keys(config, client) {
        match &value {
            ClientValue::Flag(flag) => {
                let _ = writeln!(yaml, "{key}: {flag}");
            }
            ClientValue::Text(text) => push_field(&mut yaml, key, text),
            ClientValue::List(items) if items.is_empty() => {
                let _ = writeln!(yaml, "{key}: []");
            }
            ClientValue::List(items) => {
                let _ = writeln!(yaml, "{key}:");
                for item in items {
                    let _ = writeln!(yaml, "  - {}", scalar(item));
                }
            }
        }
    }
    yaml.push_str("---\n");
    verify_round_trip(config, client, &yaml)?;
    Ok(yaml)
}

/// The keys of `client` the archetype gives: for Claude Code, `when_to_use` (which it reads
/// into its skill listing, beside the description) and then the `claude:` keys in the
/// order the archetype gives them.
pub fn client_keys(config: &ArchetypeConfig, client: Option<Client>) -> Vec<(&str, ClientValue)> {
    match client {
        Some(Client::Claude) => config
            .when_to_use
            .iter()
            .map(|when| ("when_to_use", ClientValue::Text(when.value.clone())))
            .chain(
                config
                    .claude
                    .iter()
                    .flat_map(|keys| keys.0.iter())
                    .map(|(key, value)| (key.value.as_str(), value.clone())),
            )
            .collect(),
        Some(Client::OpenCode | Client::Gemini) | None => Vec::new(),
    }
}

fn push_field(yaml: &mut String, key: &str, value: &str) {
    let _ = writeln!(yaml, "{key}: {}", scalar(value));
}

/// `value` as a YAML scalar: plain when no YAML reader could take it for anything but this
/// exact string, double-quoted with escapes otherwise.
pub fn scalar(value: &str) -> String {
    if is_plain_safe(value) {
        value.to_string()
    } else {
        double_quoted(value)
    }
}

fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    // `=` alone is PyYAML's value tag, which it refuses to construct; `<<` is a merge key.
    let reserved_start = "-?:,[]{}#&*!|>'\"%@`.+~=<0123456789 ";
    let looks_typed = matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
    );
    !reserved_start.contains(first)
        && !looks_typed
        && !value.ends_with([' ', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains(FENCE)
        && !value.chars().any(needs_escape)
}

/// Characters a YAML file may not hold as they are (outside YAML's printable set, or line
/// breaks and a byte order mark a reader would act on); written as `\uXXXX` escapes.
/// Found by the `frontmatter` fuzz target: U+FFFF in a metadata key.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// The front matter fence. Some readers (the reference validator among them) find the
/// front matter by splitting the file's text on it, so no value may hold it as written.
const FENCE: &str = "---";

fn double_quoted(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    // Dashes written in a row: a third is written escaped, so the text never holds a fence.
    let mut dashes = 0;
    for c in value.chars() {
        dashes = if c == '-' { dashes + 1 } else { 0 };
        match c {
            '-' if dashes == 3 => {
                quoted.push_str("\\u002D");
                dashes = 0;
            }
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(quoted, "\\u{:04X}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[derive(Deserialize)]
struct ReadBack {
    name: String,
    description: String,
    license: Option<String>,
    compatibility: Option<String>,
    #[serde(rename = "allowed-tools")]
    allowed_tools: Option<String>,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
    /// Anything else: the client's keys, which must be exactly those written.
    #[serde(flatten)]
    client: BTreeMap<String, ClientValue>,
}

fn verify_round_trip(
    config: &ArchetypeConfig,
    client: Option<Client>,
    yaml: &str,
) -> Result<(), AssembleError> {
    let archetype = config.name.value.clone();
    // Strip exactly one fence on each side: a value may itself end in dashes (found by the
    // frontmatter fuzz target), and repeated trimming would eat them.
    let body = yaml
        .strip_prefix("---\n")
        .and_then(|rest| rest.strip_suffix("---\n"))
        .unwrap_or(yaml);
    let read_back: ReadBack =
        renkei_model::yaml::parse_yaml(Path::new("SKILL.md"), body).map_err(|_| {
            AssembleError::FrontMatter {
                archetype: archetype.clone(),
                field: "front matter",
            }
        })?;
    let value =
        |spanned: &Option<serde_saphyr::Spanned<String>>| spanned.as_ref().map(|s| s.value.clone());
    let written: BTreeMap<String, ClientValue> = client_keys(config, client)
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect();
    let checks: [(&'static str, bool); 7] = [
        ("name", read_back.name == config.name.value),
        (
            "description",
            read_back.description == config.description.value,
        ),
        ("license", read_back.license == value(&config.license)),
        (
            "compatibility",
            read_back.compatibility == value(&config.compatibility),
        ),
        (
            "allowed-tools",
            read_back.allowed_tools
                == config
                    .allowed_tools
                    .as_ref()
                    .map(|tools| tools.value.0.clone()),
        ),
        ("metadata", read_back.metadata == config.metadata),
        ("claude", read_back.client == written),
    ];
    match checks.iter().find(|(_, same)| !same) {
        Some((field, _)) => Err(AssembleError::FrontMatter { archetype, field }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn plain_only_when_unambiguous() {
        assert_eq!(
            scalar("Owns the execution stage, end to end."),
            "Owns the execution stage, end to end."
        );
        assert_eq!(
            scalar("Use when: a plan exists"),
            "\"Use when: a plan exists\""
        );
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("1.0.0"), "\"1.0.0\"");
        assert_eq!(scalar("- item"), "\"- item\"");
        assert_eq!(scalar("a # b"), "\"a # b\"");
        assert_eq!(scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("a\u{ffff}b"), "\"a\\uFFFFb\"");
        assert_eq!(scalar("="), "\"=\"");
        assert_eq!(scalar("<<"), "\"<<\"");
        assert_eq!(scalar("a --- b"), "\"a --\\u002D b\"");
        assert_eq!(scalar("rule------x"), "\"rule--\\u002D--\\u002Dx\"");
        assert_eq!(scalar("well--known"), "well--known");
    }
}
