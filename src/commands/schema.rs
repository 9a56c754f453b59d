//! `renkei schema FILE`: the JSON Schema of one of the YAML files renkei reads, derived
//! from the types that read it, for an editor's YAML language server. The copies in
//! `schemas/` are this output, committed; a test fails when they drift.

use std::io::Write;

use clap::{Args, ValueEnum};

use crate::{CliError, Outcome};

/// The YAML files renkei reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFile {
    /// `renkei.yaml`, at the doctrine root
    #[value(name = "renkei.yaml")]
    Renkei,
    /// `archetype.yaml`, in each archetype
    #[value(name = "archetype.yaml")]
    Archetype,
    /// `contract.yaml`, in an archetype that adds checks to the built-in contract
    #[value(name = "contract.yaml")]
    Contract,
}

impl SchemaFile {
    /// Where the committed copy is, relative to the repository.
    pub fn committed_path(self) -> &'static str {
        match self {
            SchemaFile::Renkei => "schemas/renkei.schema.json",
            SchemaFile::Archetype => "schemas/archetype.schema.json",
            SchemaFile::Contract => "schemas/contract.schema.json",
        }
    }

    /// The schema, as pretty JSON with a final newline. Draft 7, the newest draft every
    /// YAML language server in use reads.
    pub fn schema_json(self) -> String {
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        let schema = match self {
            SchemaFile::Renkei => generator.into_root_schema_for::<crate::config::ProjectConfig>(),
            SchemaFile::Archetype => {
                generator.into_root_schema_for::<renkei_model::ArchetypeConfig>()
            }
            SchemaFile::Contract => {
                generator.into_root_schema_for::<renkei_contract::ContractConfig>()
            }
        };
        let mut schema = schema.to_value();
        join_wrapped_lines(&mut schema);
        take_scalars_as_text(&mut schema);
        let mut json = serde_json::to_string_pretty(&schema).unwrap_or_default();
        json.push('\n');
        json
    }
}

/// Descriptions come from doc comments, wrapped for the source; an editor wraps them
/// itself, so a line break inside a paragraph only gets in its way.
fn join_wrapped_lines(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text.replace('\n', " ");
                    }
                    other => join_wrapped_lines(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(join_wrapped_lines),
        _ => {}
    }
}

/// renkei reads a YAML scalar where it wants text, whatever it looks like: `version: 1.0`
/// and `license: 2` are text to it. A language server reads `1.0` as a number, so a schema
/// that said only `string` would flag files renkei takes; where text is wanted, numbers
/// and booleans are allowed too. Names and enumerations keep their exact values.
fn take_scalars_as_text(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let wants_text = match map.get("type") {
                Some(Value::String(kind)) => kind == "string",
                Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "string"),
                _ => false,
            };
            let wants = |wanted: &str, map: &serde_json::Map<String, Value>| match map.get("type") {
                Some(Value::String(kind)) => kind == wanted,
                Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == wanted),
                _ => false,
            };
            // A flag or a number written as text (`"true"`, `yes`, `"1"`) is read by renkei
            // as the flag or number; the schema takes the same spellings.
            for (kind, spelled) in [
                (
                    "boolean",
                    serde_json::json!({"type": "string", "pattern": BOOLEAN_WORDS}),
                ),
                (
                    "integer",
                    serde_json::json!({"type": "string", "pattern": "^[0-9]+$"}),
                ),
            ] {
                if wants(kind, map) && !map.contains_key("anyOf") {
                    let mut exact: serde_json::Map<String, Value> = std::mem::take(map);
                    // What an editor shows stays on the property itself.
                    for key in ["description", "default"] {
                        if let Some(value) = exact.remove(key) {
                            map.insert(key.into(), value);
                        }
                    }
                    map.insert(
                        "anyOf".into(),
                        Value::Array(vec![Value::Object(exact), spelled]),
                    );
                    return;
                }
            }
            if wants_text && !map.contains_key("enum") && !map.contains_key("const") {
                let mut kinds = match map.remove("type") {
                    Some(Value::Array(kinds)) => kinds,
                    _ => vec![Value::from("string")],
                };
                for scalar in ["number", "boolean"] {
                    if !kinds.iter().any(|kind| kind == scalar) {
                        kinds.push(scalar.into());
                    }
                }
                map.insert("type".into(), kinds.into());
            }
            map.values_mut().for_each(take_scalars_as_text);
        }
        Value::Array(items) => items.iter_mut().for_each(take_scalars_as_text),
        _ => {}
    }
}

/// The words the YAML reader takes for a flag, in the cases it takes them.
const BOOLEAN_WORDS: &str =
    "^(true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$";

/// Options of `renkei schema`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  renkei schema renkei.yaml > .renkei/renkei.schema.json
  renkei schema archetype.yaml
  renkei schema contract.yaml --output-file schemas/contract.schema.json")]
pub struct SchemaArgs {
    /// The file whose schema to print
    #[arg(value_enum)]
    pub file: SchemaFile,
}

/// Runs `renkei schema`.
pub fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    out.write_all(args.file.schema_json().as_bytes())?;
    Ok(Outcome::Clean)
}
