//! `contract/no-conditional-branches`: no `If ...:` branch in the file.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/no-conditional-branches",
        "no `If ...:` branch: one shape whatever the outcome",
        "A template that says `If running:` has a different shape per internal state, so the \
         return type lies about what the caller gets. One shape, whatever the outcome.",
    )
    .fix(
        "Describe one report shape for every outcome, and let the outcome field carry the difference.",
    )
    .example(
        "## Report\n\nIf blocked: write only the blocker.\nIf complete: write the full report.",
        "## Report\n\nWrite every section; an empty one says `none`.\nThe outcome field says how the work ended.",
    ),
    required: &[Param::File],
    optional: &[],
    run,
};

/// Longest condition read as a branch label (`If blocked and retried twice:`); a colon
/// further away belongs to a sentence, not a branch.
const MAX_CONDITION_CHARS: usize = 80;

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, document) =
        match super::checked_file(&RULE, check, subject) {
            Ok(found) => found,
            Err(missing) => return missing,
        };
    let blocks = document
        .paragraphs
        .iter()
        .chain(document.lists.iter().flat_map(|list| &list.items))
        .map(|block| (block.range.clone(), block.text.as_str()))
        .chain(
            document
                .outline
                .headings
                .iter()
                .map(|heading| (heading.range.clone(), heading.text.as_str())),
        );
    let mut branches: Vec<_> = blocks.filter(|(_, text)| is_branch(text)).collect();
    branches.sort_by_key(|(range, _)| range.start);
    branches.dedup_by_key(|(range, _)| range.start);
    for (range, text) in branches {
        let label = text.split(':').next().unwrap_or_default();
        reporter.at(
            range,
            format!(
                "conditional branch `{label}:`; the template must have one shape for every outcome"
            ),
            Some("record the state in an unconditional field instead".to_string()),
        );
    }
    reporter.diagnostics
}

fn is_branch(text: &str) -> bool {
    let text = text.trim_start();
    let Some(rest) = text
        .strip_prefix("If ")
        .or_else(|| text.strip_prefix("if "))
    else {
        return false;
    };
    rest.find(':').is_some_and(|colon| {
        let condition = &rest[..colon];
        condition.chars().count() <= MAX_CONDITION_CHARS && !condition.contains(['.', '!', '?'])
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str = "checks:\n  - rule: no-conditional-branches\n    file: t.md\n";

    #[test]
    fn passes_without_branches() {
        let text = "# T\n\nBlocker owner is required for `blocked`. If unsure, ask the lead. It says: fine.\n";
        assert_eq!(check(CONTRACT, &[("t.md", text)]), "");
    }

    #[test]
    fn reports_each_branch() {
        let text = "# T\n\nIf running:\n\n- If blocked: name the owner\n\n### If escalated:\n";
        insta::assert_snapshot!(check(CONTRACT, &[("t.md", text)]), @r"
        contract/no-conditional-branches t.md:3:1 conditional branch `If running:`; the template must have one shape for every outcome
        contract/no-conditional-branches t.md:5:1 conditional branch `If blocked:`; the template must have one shape for every outcome
        contract/no-conditional-branches t.md:7:1 conditional branch `If escalated:`; the template must have one shape for every outcome
        ");
    }
}
