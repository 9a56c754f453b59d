//! `interface/missing-return`: a callee's output contract returns every field its caller's
//! gate reads.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use super::{Framework, closest, finding, related};

pub(crate) const RULE: RuleMeta = RuleMeta::error(
    "interface/missing-return",
    "every field a gate reads is one the delegate's output contract returns",
    "A gate that reads `test_commit_hashes[]` from a delegate that returns `commits[]` checks a \
     field that never arrives: the leader either blocks on a correct return or, worse, passes \
     the gate on a guess.",
)
.fix("Read a field the delegate's output contract returns, or add the field to that contract.")
.example("# gate reads, from test-implementer:\n- `test_commit_hashes[]`\n# test-implementer returns: `commits[]`", "# gate reads, from test-implementer:\n- `commits[]`\n# test-implementer returns: `commits[]`");

pub(super) fn check(framework: &Framework) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for caller in framework.interfaces {
        for (callee, calls) in framework.calls_by_callee(caller) {
            let Some((file, returns)) = &callee.returns else {
                continue;
            };
            for read in calls.iter().flat_map(|call| &call.reads) {
                if returns.iter().any(|name| name.key == read.key) {
                    continue;
                }
                let mut diagnostic = finding(
                    &RULE,
                    &read.place,
                    format!(
                        "the gate reads `{}`, which `{}`'s output contract does not return",
                        read.name, callee.name
                    ),
                );
                let near = closest(&read.name, returns.iter().map(|name| name.name.as_str()));
                diagnostic.help = Some(match near {
                    Some(near) => format!(
                        "`{}` returns `{near}`; use one name on both sides",
                        callee.name
                    ),
                    None => format!(
                        "add `{}` to `{}`'s output contract, or read a field it returns",
                        read.name, callee.name
                    ),
                });
                diagnostic
                    .related
                    .push(related(file, format!("what `{}` returns", callee.name)));
                findings.push(diagnostic);
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const CALLEE: (&str, &str, &str) = (
        "member",
        "doctrine/output-contract.md",
        "# Output\n\n## Return Fields\n\n- `commits[]`: the test commits\n- `red_run`\n",
    );

    #[test]
    fn passes_when_the_gate_reads_only_returned_fields() {
        let caller = (
            "lead",
            "doctrine/process.md",
            "# Process\n\n## Step 1\n\nDelegate `member`.\n\nRequired return fields:\n\n- `commits[]`\n- `red_run`: why the tests fail\n",
        );
        assert_eq!(check(&[CALLEE, caller], &[]), "");
    }

    #[test]
    fn reports_a_read_field_the_callee_does_not_return() {
        let caller = (
            "lead",
            "doctrine/process.md",
            "# Process\n\n## Step 1\n\nDelegate `member`.\n\nRequired return fields:\n\n- `test_commit_hashes[]`\n- `red_run`\n",
        );
        assert_eq!(
            check(&[CALLEE, caller], &[]),
            "interface/missing-return lead/doctrine/process.md:9:3 the gate reads `test_commit_hashes[]`, which `member`'s output contract does not return | member/doctrine/output-contract.md:1:1 what `member` returns"
        );
    }
}
