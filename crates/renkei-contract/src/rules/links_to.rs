//! `contract/links-to`: the file links to the target file with a Markdown link that
//! resolves.
//!
//! Why it exists is [`RULE`]'s `why`.

use std::path::Path;

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/links-to",
        "the file links to the target file with a Markdown link that resolves",
        "The handoff contract (inputs) and the output contract (return value) are two halves of \
         one function signature; each must lead the reader to the other.",
    ),
    required: &[Param::File, Param::Target],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    let file = check
        .file
        .as_ref()
        .map(|file| file.value.as_str())
        .unwrap_or_default();
    let target = check
        .target
        .as_ref()
        .map(|target| target.value.as_str())
        .unwrap_or_default();
    let links_to_target = document
        .outline
        .links
        .iter()
        .filter(|link| !link.image)
        .any(|link| {
            super::relative_target(&link.destination)
                .and_then(|destination| renkei_model::links::resolve(file, &destination))
                .is_some_and(|resolved| resolved == target)
        });
    let help = Some(format!(
        "add a line such as \"See [{target}]({}).\"",
        relative_from(file, target)
    ));
    if !links_to_target {
        reporter.missing(format!("no Markdown link to `{target}`"), help);
    } else if !subject.has(target)
        && subject.kind(&subject.path(target)) != Some(renkei_model::source::Kind::File)
    {
        reporter.missing(format!("links to `{target}`, which does not exist"), None);
    }
    reporter.diagnostics
}

/// How the file at `from` refers to `target`.
fn relative_from(from: &str, target: &str) -> String {
    let from_dir = Path::new(from).parent().unwrap_or(Path::new(""));
    match Path::new(target).strip_prefix(from_dir) {
        Ok(inside) => inside.display().to_string(),
        Err(_) => format!("{}{target}", "../".repeat(from_dir.components().count())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str =
        "checks:\n  - rule: links-to\n    file: doctrine/a.md\n    target: doctrine/b.md\n";

    #[test]
    fn passes_with_a_relative_link_to_the_target() {
        let files = [
            ("doctrine/a.md", "See [b](./b.md#top).\n"),
            ("doctrine/b.md", "# B\n"),
        ];
        assert_eq!(check(CONTRACT, &files), "");
    }

    #[test]
    fn reports_a_missing_link() {
        let files = [
            ("doctrine/a.md", "See b.md, not linked.\n"),
            ("doctrine/b.md", "# B\n"),
        ];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-to doctrine/a.md:1:1 no Markdown link to `doctrine/b.md`"
        );
    }
}
