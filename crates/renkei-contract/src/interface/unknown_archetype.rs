//! `interface/unknown-archetype`: every archetype the doctrine delegates to, lists as a
//! member or draws in a pipeline exists in the framework, or is declared external.
//!
//! Why it exists is [`RULE`]'s `why`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use renkei_model::{Diagnostic, RuleMeta};

use super::{Framework, MentionKind, closest, finding};

pub(crate) const RULE: RuleMeta = RuleMeta::error(
    "interface/unknown-archetype",
    "every archetype named as delegated to, as a member or in a pipeline exists",
    "A leader that delegates to an archetype nobody ships (a leftover `architect-opencode`, a \
     misspelt member) fails at run time, when the agent asks for a skill that is not installed; \
     the doctrine check is the place to learn it.",
)
.fix("Name an archetype the framework ships, or add the missing archetype.")
.example(
    "# tech-lead/process.md\n3. Delegate the design to `architect-opencode`.",
    "# tech-lead/process.md\n3. Delegate the design to `architect`.",
);

pub(super) fn check(framework: &Framework) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    // One name is often missing from many archetypes: look its neighbour up once.
    let mut nearest: BTreeMap<&str, Option<&str>> = BTreeMap::new();
    for interface in framework.interfaces {
        let mut reported = BTreeSet::new();
        let drawn = interface.pipeline.iter().flat_map(|pipeline| {
            pipeline.edges.iter().flat_map(|edge| {
                [(&edge.from, &edge.from_place), (&edge.to, &edge.to_place)]
                    .map(|(name, place)| (name, place, MentionKind::Pipeline))
            })
        });
        let named = interface
            .mentions
            .iter()
            .map(|mention| (&mention.name, &mention.place, mention.kind));
        for (name, place, kind) in named.chain(drawn) {
            let name = name.as_str();
            // `Invoke `pytest`` may name a tool: only a delegation, a member list or a
            // pipeline says that a name is an archetype.
            if kind == MentionKind::Invoked
                || name == interface.name
                || framework.by_name.contains_key(name)
                || framework.elsewhere.contains(name)
                || renkei_model::name::validate_skill_name(name).is_err()
                || !reported.insert((Arc::clone(&place.path), name))
            {
                continue;
            }
            let how = match kind {
                MentionKind::Delegated | MentionKind::Invoked => "is delegated to here",
                MentionKind::Member => "is listed as a member here",
                MentionKind::Pipeline => "is in this pipeline",
            };
            let mut diagnostic = finding(
                &RULE,
                place,
                format!("`{name}` {how}, but the framework has no archetype of that name"),
            );
            let near = *nearest
                .entry(name)
                .or_insert_with(|| closest(name, framework.by_name.keys().copied()));
            diagnostic.help = Some(match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "add `{name}` to the framework, or list it under `check: external:` in \
                     renkei.yaml if it lives elsewhere"
                ),
            });
            findings.push(diagnostic);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    const PROCESS: &str = "# Process\n\n## Step 1\n\nDelegate `member` with `plan_path`.\n\n## Step 2\n\nDelegate to `architect-opencode`. Invoke `pytest` to run the tests.\n";

    #[test]
    fn passes_when_every_delegate_exists_or_is_external() {
        let files = [
            ("lead", "doctrine/process.md", PROCESS),
            ("member", "doctrine/process.md", "# Process\n"),
        ];
        assert_eq!(check(&files, &["architect-opencode"]), "");
    }

    #[test]
    fn reports_a_delegate_the_framework_does_not_have() {
        let files = [
            ("lead", "doctrine/process.md", PROCESS),
            ("member", "doctrine/process.md", "# Process\n"),
            (
                "lead",
                "doctrine/pipeline.md",
                "# Pipeline\n\n```text\nlead -> membr\n```\n",
            ),
        ];
        assert_eq!(
            check(&files, &[]),
            "interface/unknown-archetype lead/doctrine/pipeline.md:4:9 `membr` is in this pipeline, but the framework has no archetype of that name\n\
             interface/unknown-archetype lead/doctrine/process.md:9:13 `architect-opencode` is delegated to here, but the framework has no archetype of that name"
        );
    }
}
