//! `contract/links-resolve`: every relative link in an archetype's Markdown files points at
//! a file that exists.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::Check;
use crate::rules::RuleEntry;
use crate::subject::{Reporter, Subject};

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/links-resolve",
        "every relative link in the archetype's files points at an existing file",
        "Doctrine sends agents to other files (\"see the output contract\"); a dead link is an \
         instruction the agent cannot follow, found only when it matters.",
    )
    .fix("Point the link at a file that exists, or remove it.")
    .example(
        "See [the output contract](output-contrat.md).",
        "See [the output contract](output-contract.md).",
    ),
    required: &[],
    optional: &[],
    run,
};

fn run(_check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (relative, markdown) in subject.files() {
        let path = subject.path(relative);
        let folder = path
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        // A link to a file the archetype loaded needs no look at the disk, when the path
        // names it plainly: `missing/../x.md` or `x.md/.` fold to a loaded file on paper
        // but do not resolve on disk, so anything but leading `./` and `../` asks the disk.
        let dead = |destination: &str| -> Option<String> {
            let target = super::relative_target(destination)?;
            let target = target.as_ref();
            let plain = target
                .split('/')
                .skip_while(|segment| matches!(*segment, "." | ".."))
                .all(|segment| !matches!(segment, "" | "." | ".."));
            let loaded = plain
                && renkei_model::links::resolve(relative, target)
                    .is_some_and(|inside| subject.has(&inside));
            (!loaded && subject.kind(&folder.join(target)).is_none()).then(|| target.to_string())
        };
        // Every link of a healthy file resolves: a byte scan shows that without a parse. The
        // parser is asked only to place a dead link exactly, or when the scan gives up.
        let scanned = markdown.scanned_destinations();
        if scanned.is_some_and(|mut destinations| destinations.all(|d| dead(d).is_none())) {
            continue;
        }
        let document = markdown.document();
        let mut reporter = Reporter::new(&RULE.meta, path, Some(document));
        // A reference link's destination is written in its definition, which is checked
        // (and reported) where it is written.
        let written = document
            .outline
            .links
            .iter()
            .filter(|link| link.kind != renkei_model::markdown::LinkKind::Reference);
        for link in written {
            if let Some(target) = dead(&link.destination) {
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
    fn paths_that_fold_to_a_loaded_file_on_paper_are_checked_on_disk() {
        let files = [
            (
                "doctrine/a.md",
                "[x](nowhere/../b.md) [y](b.md/.) [z](./b.md)\n",
            ),
            ("doctrine/b.md", "# B\n"),
        ];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-resolve doctrine/a.md:1:5 link target `nowhere/../b.md` does not exist\n\
             contract/links-resolve doctrine/a.md:1:26 link target `b.md/.` does not exist"
        );
    }

    #[test]
    fn email_autolinks_are_not_files() {
        assert_eq!(
            check(CONTRACT, &[("a.md", "Mail <lead@example.com>.\n")]),
            ""
        );
    }

    #[test]
    fn dead_links_are_found_past_what_the_scan_gives_up_on() {
        let files = [(
            "doctrine/a.md",
            "# A\n\n`[code](x.md)` and [dead][ref].\n\n[ref]: ../truth/gone.md\n",
        )];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-resolve doctrine/a.md:5:8 link target `../truth/gone.md` does not exist"
        );
    }

    #[test]
    fn every_link_form_is_checked_and_decoded_before_it_is_looked_up() {
        let files = [
            (
                "doctrine/a.md",
                "[spaced](my%20notes.md) [escaped](my\\_file.md) [entity](x&amp;y.md) [ref]\n\n\
                 <a href=\"gone.md\">gone</a> <img src='img/gone.png'>\n\n[ref]: my%20notes.md\n",
            ),
            ("doctrine/my notes.md", "# Notes\n"),
            ("doctrine/my_file.md", "# File\n"),
            ("doctrine/x&y.md", "# X and Y\n"),
        ];
        assert_eq!(
            check(CONTRACT, &files),
            "contract/links-resolve doctrine/a.md:3:10 link target `gone.md` does not exist\n\
             contract/links-resolve doctrine/a.md:3:38 link target `img/gone.png` does not exist"
        );
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
