//! `contract/links-resolve`: every relative link in an archetype's Markdown files points at
//! a file that exists.
//!
//! Why: doctrine sends agents to other files ("see the output contract"); a dead link is an
//! instruction the agent cannot follow, found only when it matters.

use renkei_model::Diagnostic;

use crate::config::CheckConfig;
use crate::subject::{Reporter, Subject};

pub(crate) fn run(_check: &CheckConfig, subject: &Subject) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (relative, document) in subject.documents() {
        let path = subject.path(relative);
        let folder = path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let mut reporter = Reporter::new("contract/links-resolve", path, Some(document));
        for link in &document.links {
            let Some(target) = super::relative_target(&link.destination) else {
                continue;
            };
            if !folder.join(target).exists() {
                let range = link
                    .destination_range
                    .clone()
                    .unwrap_or_else(|| link.range.clone());
                reporter.at(
                    range,
                    format!("link target `{target}` does not exist"),
                    Some("fix the path or remove the link".to_string()),
                );
            }
        }
        diagnostics.extend(reporter.diagnostics);
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: links-resolve\n";

    #[test]
    fn external_links_and_anchors_are_not_files() {
        let files = [(
            "a.md",
            "[web](https://example.com) [anchor](#top) [mail](mailto:x@y.z)\n",
        )];
        assert_eq!(check(CONTRACT, &files), "");
    }

    #[test]
    fn reports_the_destination_of_a_dead_link() {
        let files = [("doctrine/a.md", "# A\n\nSee [notes](../truth/notes.md).\n")];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-resolve doctrine/a.md:3:13 link target `../truth/notes.md` does not exist"
        );
    }
}
