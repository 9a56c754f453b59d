//! `contract/forbidden-fields`: no `Name:` field with any of the listed names.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use crate::config::{Check, Param};
use crate::rules::RuleEntry;
use crate::subject::Subject;

pub(crate) const RULE: RuleEntry = RuleEntry {
    meta: RuleMeta::error(
        "contract/forbidden-fields",
        "no field with any of these names",
        "A `Transfer outcome` field asks the callee to report an ownership hand-over that the \
         function model does not have; its presence invites a non-terminal return.",
    )
    .fix("Remove the forbidden field from the template.")
    .example(
        "## Summary\n- Outcome: <complete | blocked>\n- Transfer outcome: <accepted | declined>",
        "## Summary\n- Outcome: <complete | blocked>\n- Blocker owner: <who acts, or none>",
    ),
    required: &[Param::File, Param::Fields],
    optional: &[],
    run,
};

fn run(check: &Check, subject: &Subject) -> Vec<Diagnostic> {
    let (mut reporter, _) = match super::checked_file(&RULE, check, subject) {
        Ok(found) => found,
        Err(missing) => return missing,
    };
    for field in subject.fields(super::file_of(check)) {
        if check
            .fields
            .iter()
            .flatten()
            .any(|forbidden| forbidden.matches_key(&field.key))
        {
            reporter.at(
                field.range.clone(),
                format!("field `{}:` is not allowed by the contract", field.name),
                Some("remove the field".to_string()),
            );
        }
    }
    reporter.diagnostics
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CONTRACT: &str =
        "checks:\n  - rule: forbidden-fields\n    file: t.md\n    fields: [Transfer outcome]\n";

    #[test]
    fn passes_without_the_field() {
        assert_eq!(check(CONTRACT, &[("t.md", "- Outcome: complete\n")]), "");
    }

    #[test]
    fn reports_the_field() {
        assert_eq!(
            check(
                CONTRACT,
                &[(
                    "t.md",
                    "- Outcome: complete\n- Transfer outcome: accepted\n"
                )]
            ),
            "contract/forbidden-fields t.md:2:1 field `Transfer outcome:` is not allowed by the contract"
        );
    }
}
