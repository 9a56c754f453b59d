//! Skill names: the one place that decides what a name may be.
//!
//! A name becomes a folder inside an agent's skills directory, so the rule doubles as the
//! path-safety rule: a valid name can never contain `/`, `\`, `..`, a drive prefix or any
//! non-ASCII look-alike character.

/// The Levenshtein distance between `a` and `b`, in characters: how far a name written is
/// from one meant, for every "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate nearest to `written`, for a did-you-mean: the closest by
/// [`edit_distance`] among those within a third of their length (one edit for short
/// names), the first of equals. A namespace both share (`vocabulary/`) is left out of the
/// length, so that `vocabulary/nope` is not taken for `vocabulary/intake`.
pub fn nearest<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| {
            let (written, meant) = past_shared_namespace(written, candidate);
            let distance = edit_distance(written, meant);
            (distance, distance <= (meant.len() / 3).max(1), candidate)
        })
        .filter(|(_, near, _)| *near)
        .min_by_key(|(distance, ..)| *distance)
        .map(|(.., candidate)| candidate)
}

/// `a` and `b` without the `namespace/` prefix they share.
fn past_shared_namespace<'s>(a: &'s str, b: &'s str) -> (&'s str, &'s str) {
    let shared = a
        .char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x == y)
        .filter(|((_, x), _)| *x == '/')
        .last()
        .map_or(0, |((index, _), _)| index + 1);
    (&a[shared..], &b[shared..])
}

/// `; did you mean `near`?` for the [`nearest`] candidate, or nothing: the tail every
/// "unknown name" message shares.
pub fn did_you_mean<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(written, candidates)
        .map_or_else(String::new, |near| format!("; did you mean `{near}`?"))
}

/// Longest name the Agent Skills specification allows.
pub const MAX_NAME_CHARS: usize = 64;

/// Checks `name` against the Agent Skills rule: 1-64 characters of `[a-z0-9-]`, no leading,
/// trailing or doubled hyphen. Returns what is wrong, phrased for an error message.
pub fn validate_skill_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("name is empty".to_string());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "name is {} characters long; the limit is {MAX_NAME_CHARS}",
            name.chars().count()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
    {
        return Err(format!(
            "name contains {bad:?}; only lowercase ASCII letters, digits and hyphens are allowed"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("name starts or ends with a hyphen".to_string());
    }
    if name.contains("--") {
        return Err("name contains a doubled hyphen".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{nearest, validate_skill_name};

    #[test]
    fn a_did_you_mean_weighs_the_name_past_a_shared_namespace() {
        let ids = [
            "vocabulary/intake",
            "vocabulary/transfer",
            "contract/sections",
        ];
        assert_eq!(nearest("vocabulary/intak", ids), Some("vocabulary/intake"));
        assert_eq!(nearest("contract/sectons", ids), Some("contract/sections"));
        assert_eq!(nearest("vocabulary/nope", ids), None);
        assert_eq!(nearest("claud", ["claude", "opencode"]), Some("claude"));
        assert_eq!(nearest("zzzzzz", ["claude", "opencode"]), None);
    }

    #[test]
    fn accepts_spec_names() {
        for name in ["execution-lead", "a", "x1-2y", &"a".repeat(64)] {
            assert_eq!(validate_skill_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_names_that_could_leave_a_folder_or_break_the_spec() {
        for name in [
            "",
            "../etc",
            "a/b",
            "a\\b",
            "..",
            "-a",
            "a-",
            "a--b",
            "A",
            "ünïcode",
            "exеcution",
            "a b",
            "C:",
            &"a".repeat(65),
        ] {
            assert!(validate_skill_name(name).is_err(), "{name:?} was accepted");
        }
    }
}
