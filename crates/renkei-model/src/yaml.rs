//! Strict YAML loading shared by every YAML file renkei reads.
//!
//! serde-saphyr is used instead of the deprecated `serde_yaml`: it is maintained, pure Rust,
//! panic-free on malformed input, reports line and column for every error (unknown keys
//! included), and enforces a parsing budget that stops alias bombs ("billion laughs") and
//! runaway nesting before they allocate.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::ModelError;

/// Largest YAML file renkei will parse. Configuration files are a few kilobytes; anything
/// bigger is almost certainly not what the user meant to point renkei at.
pub const MAX_YAML_BYTES: usize = 1024 * 1024;

/// Parses `text` (the contents of `path`) into `T`, rejecting duplicate keys and, where `T`
/// uses `deny_unknown_fields`, unknown keys, with the file, line and column of the problem.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, ModelError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(ModelError::TooLarge {
            path: path.to_path_buf(),
            size: text.len() as u64,
            limit: MAX_YAML_BYTES as u64,
        });
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_depth: 64,
            max_events: 200_000,
        },
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|error| yaml_error(path, &error))
}

fn yaml_error(path: &Path, error: &serde_saphyr::Error) -> ModelError {
    let (line, column) = error.location().map_or((1, 1), |location| {
        (location.line().max(1), location.column().max(1))
    });
    let message = error.to_string();
    // The rendered message repeats the position; the diagnostic carries it already.
    let message = strip_position_suffix(&message).trim().to_string();
    // The parser's advice for an empty value or a repeated key speaks to Rust programmers
    // (`Option<String>`, `DuplicateKeyPolicy`), not to authors.
    let message = match error {
        serde_saphyr::Error::DuplicateMappingKey { key: Some(key), .. } => {
            format!("`{key}` is given twice; keep one")
        }
        serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => {
            "a key is given twice; keep one".to_string()
        }
        _ => in_author_words(&message),
    };
    ModelError::Yaml {
        path: PathBuf::from(path),
        line,
        column,
        message,
    }
}

/// A parser message without advice meant for Rust programmers (`use Option<String>`).
pub(crate) fn in_author_words(message: &str) -> String {
    if message.starts_with("cannot deserialize null into") {
        return "a value is required here".to_string();
    }
    match message {
        "expected string scalar" => "expected text, not a list or a mapping".to_string(),
        "expected sequence start" => "expected a list".to_string(),
        "expected mapping start" => "expected a mapping of keys to values".to_string(),
        _ => match nearest_known_word(message) {
            Some(near) => format!("{message}; did you mean `{near}`?"),
            None => out_of_range(message).unwrap_or_else(|| message.to_string()),
        },
    }
}

/// "invalid u8" (a negative or too large number), said with the numbers allowed.
fn out_of_range(message: &str) -> Option<String> {
    let range = match message.strip_prefix("invalid ")? {
        "u8" => "from 0 to 255",
        "u16" => "from 0 to 65535",
        "u32" => "from 0 to 4294967295",
        "u64" | "usize" => "that is not negative",
        _ => return None,
    };
    Some(format!("expected a whole number {range}"))
}

/// For "unknown field `inclde`, expected one of rules, disable, include" (or "unknown
/// variant `nne`, expected one of default, none"), the known word a few letters from the
/// one written (`include`), if there is one.
fn nearest_known_word(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (written, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected ")?.1;
    let expected = expected.strip_prefix("one of ").unwrap_or(expected);
    crate::name::nearest(
        written,
        expected
            .split([',', ' '])
            .map(|key| key.trim_matches(|c: char| c == '`' || c.is_whitespace()))
            .filter(|key| !key.is_empty() && *key != "or"),
    )
}

pub(crate) fn strip_position_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(index) => &message[..index],
        None => message,
    }
}
