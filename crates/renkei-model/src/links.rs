//! Link destinations: which ones name files, and where those files are.
//!
//! Assembly rewrites links between files it inlines, and contract checks verify links
//! resolve; both read destinations through these two functions so they agree.

/// The path and fragment of a destination that names a file by a relative path; `None` for
/// a URL (any `scheme:`), a pure `#fragment` and an absolute path. A query is dropped.
pub fn relative_path(destination: &str) -> Option<(&str, Option<&str>)> {
    let (path, fragment) = match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let external = path.is_empty() || path.starts_with('/') || path.starts_with('\\') || scheme;
    (!external).then_some((path, fragment))
}

/// `path`, written in the file at `from`, as a `/`-separated path relative to the folder
/// both are relative to; `None` when it climbs above that folder.
pub fn resolve(from: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            segment => segments.push(segment),
        }
    }
    Some(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{relative_path, resolve};

    #[test]
    fn urls_fragments_and_absolute_paths_are_not_files() {
        for destination in [
            "https://x.io/a.md",
            "mailto:a@b.c",
            "tel:+123",
            "urn:isbn:1",
            "#top",
            "/etc/passwd",
            "",
        ] {
            assert_eq!(relative_path(destination), None, "{destination}");
        }
        assert_eq!(
            relative_path("../b.md#part?"),
            Some(("../b.md", Some("part?")))
        );
        assert_eq!(relative_path("c.md?raw=1"), Some(("c.md", None)));
    }

    #[test]
    fn paths_resolve_against_the_linking_file() {
        assert_eq!(
            resolve("doctrine/a.md", "../references/t.md").as_deref(),
            Some("references/t.md")
        );
        assert_eq!(
            resolve("doctrine/a.md", "./b.md").as_deref(),
            Some("doctrine/b.md")
        );
        assert_eq!(resolve("a.md", "../../x.md"), None);
    }
}
