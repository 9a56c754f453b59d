//! `contract/links-to`: the file refers to the target file: with a Markdown link that
//! resolves, or by naming the file in its text (`see output-contract.md`, as the synthesis
//! writes the cross-reference itself).
//!
//! Why it exists is [`RULE`]'s `why`.

use std::path::Path;

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;
use crate::text::text_in;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/links-to",
        "the file refers to the target file, by a link that resolves or by its file name",
        "The handoff contract (inputs) and the output contract (return value) are two halves of \
         one function signature; each must lead the reader to the other.",
    )
    .fix("Link the file to its counterpart, or name the counterpart's file name in the text.")
    .example(
        "# Handoff Contract\n\nInputs: `plan_path`, `design_references[]`.",
        "# Handoff Contract\n\nInputs: `plan_path`, `design_references[]`.\nThe return value is in [the output contract](output-contract.md).",
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
    let file_name = Path::new(target)
        .file_name()
        .map(|name| name.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let names_target = || {
        text_in(document, &(0..document.source.len()))
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '"'))
            .any(|word| {
                let word = word.trim_end_matches(['.', ':']);
                word == file_name || word.ends_with(&format!("/{file_name}"))
            })
    };
    if !links_to_target && !names_target() {
        reporter.missing(format!("no reference to `{target}`"), help);
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
    fn passes_when_the_text_names_the_target() {
        for text in ["For the return value, see b.md.\n", "Inputs are in `doctrine/b.md`.\n"] {
            let files = [("doctrine/a.md", text), ("doctrine/b.md", "# B\n")];
            assert_eq!(check(CONTRACT, &files), "", "{text}");
        }
    }

    #[test]
    fn reports_a_file_that_does_not_refer_to_the_target() {
        let files = [
            ("doctrine/a.md", "See the other half, bb.md or b.markdown.\n"),
            ("doctrine/b.md", "# B\n"),
        ];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-to doctrine/a.md:1:1 no reference to `doctrine/b.md`"
        );
    }
}
