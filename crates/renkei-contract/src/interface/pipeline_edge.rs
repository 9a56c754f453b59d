//! `interface/pipeline-edge`: an edge a pipeline draws between its archetype and another
//! that has a pipeline is drawn there too, in the same direction.
//!
//! Why it exists is [`RULE`]'s `why`.

use renkei_model::{Diagnostic, RuleMeta};

use super::{Framework, finding, related};

pub(crate) const RULE: RuleMeta = RuleMeta::error(
    "interface/pipeline-edge",
    "pipeline edges agree in both directions",
    "Each leader reads only its own pipeline. When execution-lead's says `tech-lead -> \
     execution-lead` and tech-lead's still says `tech-lead -> architect-opencode`, each agent \
     follows a different graph, and the hand-over between them is where work is lost.",
)
.fix("Make both leaders' pipelines state the same edge.")
.example("# execution-lead: tech-lead -> execution-lead\n# tech-lead:      tech-lead -> architect-opencode", "# execution-lead: tech-lead -> execution-lead\n# tech-lead:      tech-lead -> execution-lead");

pub(super) fn check(framework: &Framework) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for interface in framework.interfaces {
        let Some(pipeline) = &interface.pipeline else {
            continue;
        };
        for edge in &pipeline.edges {
            let (other, place) = if edge.from == interface.name {
                (&edge.to, &edge.to_place)
            } else if edge.to == interface.name {
                (&edge.from, &edge.from_place)
            } else {
                continue;
            };
            let Some(theirs) = framework
                .by_name
                .get(other.as_str())
                .and_then(|other| other.pipeline.as_ref())
            else {
                continue;
            };
            // A chain `a -> b -> c` draws `a` before `c`: an order of members, not only
            // the edges between neighbours.
            let drawn = theirs.chains.iter().any(|chain| {
                let from = chain.iter().position(|name| *name == edge.from);
                let to = chain.iter().rposition(|name| *name == edge.to);
                matches!((from, to), (Some(from), Some(to)) if from < to)
            });
            if drawn {
                continue;
            }
            let mut diagnostic = finding(
                &RULE,
                place,
                format!(
                    "`{} -> {}` is not in `{other}`'s pipeline",
                    edge.from, edge.to
                ),
            );
            diagnostic.help = Some(format!(
                "draw `{} -> {}` in both pipelines, or in neither",
                edge.from, edge.to
            ));
            diagnostic
                .related
                .push(related(&theirs.place, format!("`{other}`'s pipeline")));
            findings.push(diagnostic);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const LEAD: (&str, &str, &str) = (
        "lead",
        "doctrine/pipeline.md",
        "# Pipeline\n\n```text\nboss -> lead\nlead -> member\n```\n",
    );

    #[test]
    fn passes_when_both_pipelines_draw_the_edge() {
        let boss = (
            "boss",
            "doctrine/pipeline.md",
            "# Pipeline\n\n`boss` → `lead`\n",
        );
        assert_eq!(check(&[LEAD, boss], &["member"]), "");
    }

    #[test]
    fn a_chain_draws_its_order_and_arrows_may_be_drawn_as_boxes_or_carry_a_remark() {
        let lead = (
            "lead",
            "doctrine/pipeline.md",
            "# Pipeline\n\n```text\nboss ──► lead (invocation)\nlead -> first -> second\n```\n",
        );
        let boss = (
            "boss",
            "doctrine/pipeline.md",
            "# Pipeline\n\n`boss` → `lead`\n",
        );
        let second = (
            "second",
            "doctrine/pipeline.md",
            "# Pipeline\n\n```\nlead --> second\n```\n",
        );
        assert_eq!(check(&[lead, boss, second], &["first"]), "");
    }

    #[test]
    fn reports_an_edge_the_other_pipeline_does_not_draw_in_either_direction() {
        let boss = (
            "boss",
            "doctrine/pipeline.md",
            "# Pipeline\n\n```text\nlead -> boss\n```\n",
        );
        assert_eq!(
            check(&[LEAD, boss], &["member"]),
            "interface/pipeline-edge boss/doctrine/pipeline.md:4:1 `lead -> boss` is not in `lead`'s pipeline | lead/doctrine/pipeline.md:1:1 `lead`'s pipeline\n\
             interface/pipeline-edge lead/doctrine/pipeline.md:4:1 `boss -> lead` is not in `boss`'s pipeline | boss/doctrine/pipeline.md:1:1 `boss`'s pipeline"
        );
    }
}
