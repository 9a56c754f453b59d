//! `plan/file-overlap`: two `parallel_safe` phases that could run at the same time (they
//! wait on the same gate and neither depends on the other, directly or not) share no file.

use std::collections::HashMap;

use renkei_model::{Diagnostic, Related, RuleMeta};

use super::PlanRule;
use crate::plan::{Located, PlanInput};

pub(super) const RULE: PlanRule = PlanRule {
    meta: RuleMeta::error(
        "plan/file-overlap",
        "parallel_safe phases that may run at once touch different files",
        "Phases marked parallel_safe are delegated side by side; two of them editing one file race, \
         and one agent's commit silently overwrites or conflicts with the other's.",
    )
    .fix(
        "Mark one of the phases parallel_safe false, or split the work so they touch different files.",
    )
    .example(
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/limit.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
        "## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n| T1 | test | test-implementer | none | true | preconditions | test: limits | red run | `tests/limit.rs` | |\n| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs` | |\n| I1 | implementation | implement-plan | T1 | false | test-gate | feat: limits | green T1 | `src/limit.rs` | |\n\n- plan_contract_has_phase_ownership: true\n",
    ),
    run,
};

/// Most bits the reachability table may hold (phases times phases that share a file):
/// 256 MiB. A plan past it is refused with one finding rather than checked slowly.
const MAX_TABLE_BITS: usize = 1 << 31;

fn run(input: &PlanInput) -> Vec<Diagnostic> {
    let phases = &input.plan.phases;
    // The parallel-safe phases behind a known gate, grouped by gate and file: sorted, not
    // hashed, as most plans give every phase files of its own.
    let mut touches: Vec<(usize, &str, usize, &Located)> = Vec::new();
    for (index, phase) in phases.iter().enumerate() {
        let Some(rank) = input.gate_rank(index).filter(|_| phase.parallel_safe()) else {
            continue;
        };
        touches.extend(phase.files.iter().map(|file| (rank, file.path_key(), index, file)));
    }
    touches.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    touches.dedup_by(|later, earlier| (later.0, later.1, later.2) == (earlier.0, earlier.1, earlier.2));
    let by_file: Vec<Vec<(usize, &Located)>> = touches
        .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
        .filter(|sharing| sharing.len() > 1)
        .map(|sharing| sharing.iter().map(|&(_, _, index, file)| (index, file)).collect())
        .collect();
    if by_file.is_empty() {
        return Vec::new();
    }
    // Only phases that share a file need to know whom they depend on.
    let mut members: Vec<usize> = by_file.iter().flatten().map(|(index, _)| *index).collect();
    members.sort_unstable();
    members.dedup();
    if members.len().saturating_mul(phases.len()) > MAX_TABLE_BITS {
        return vec![input.finding(
            &RULE.meta,
            input.plan.header.clone(),
            format!(
                "{} parallel_safe phases share files, too many to check which may run at once; split the plan",
                members.len()
            ),
        )];
    }
    let depends = Dependencies::new(input.edges(), &members);
    let mut pairs: Vec<(usize, usize, &Located, &Located)> = Vec::new();
    for sharing in &by_file {
        for (later_at, &(later, later_file)) in sharing.iter().enumerate() {
            if let Some(&(earlier, earlier_file)) = sharing[..later_at]
                .iter()
                .find(|(earlier, _)| !depends.either(*earlier, later))
            {
                pairs.push((later, earlier, later_file, earlier_file));
            }
        }
    }
    // One finding per phase, at its first shared file, in plan order.
    pairs.sort_by_key(|(later, earlier, file, _)| (*later, file.range.start, *earlier));
    pairs.dedup_by_key(|(later, ..)| *later);
    pairs
        .into_iter()
        .map(|(later, earlier, file, earlier_file)| {
            input
                .finding(
                    &RULE.meta,
                    file.range.clone(),
                    format!(
                        "phases `{}` and `{}` may run at once (both parallel_safe, neither depends on the other) and both touch `{}`",
                        phases[earlier].id(),
                        phases[later].id(),
                        file.text
                    ),
                )
                .with_help("make one depend on the other, or mark one `parallel_safe: false`")
                .with_related(Related {
                    path: input.path.to_path_buf(),
                    start: input.lines.position(input.text, earlier_file.range.start),
                    end: input.lines.position(input.text, earlier_file.range.end),
                    message: format!("`{}` touches it too", phases[earlier].id()),
                })
        })
        .collect()
}

/// Which of the `members` each phase depends on, directly or not: a bit table filled in
/// one walk of the graph, without recursion.
struct Dependencies {
    slot: HashMap<usize, usize>,
    words: usize,
    bits: Vec<u64>,
}

impl Dependencies {
    fn new(edges: &[Vec<usize>], members: &[usize]) -> Self {
        let slot: HashMap<usize, usize> = members.iter().enumerate().map(|(slot, &m)| (m, slot)).collect();
        let words = members.len().div_ceil(64);
        let mut bits = vec![0u64; words * edges.len()];
        let mut done = vec![false; edges.len()];
        let mut open = vec![false; edges.len()];
        for root in 0..edges.len() {
            if done[root] {
                continue;
            }
            let mut frames = vec![(root, 0)];
            open[root] = true;
            while let Some(&mut (node, ref mut next)) = frames.last_mut() {
                if let Some(&to) = edges[node].get(*next) {
                    *next += 1;
                    if !done[to] && !open[to] {
                        open[to] = true;
                        frames.push((to, 0));
                    }
                    continue;
                }
                // Every dependency of `node` is done (or open in a cycle): gather them.
                for &to in &edges[node] {
                    if let Some(&bit) = slot.get(&to) {
                        bits[node * words + bit / 64] |= 1 << (bit % 64);
                    }
                    if done[to] {
                        let (head, tail) = bits.split_at_mut(node.max(to) * words);
                        let (into, from) = if node < to {
                            (&mut head[node * words..node * words + words], &tail[..words])
                        } else {
                            (&mut tail[..words], &head[to * words..to * words + words])
                        };
                        into.iter_mut().zip(from).for_each(|(into, from)| *into |= from);
                    }
                }
                open[node] = false;
                done[node] = true;
                frames.pop();
            }
        }
        Self { slot, words, bits }
    }

    /// Whether `a` depends on `b`, directly or not.
    fn on(&self, a: usize, b: usize) -> bool {
        self.slot
            .get(&b)
            .is_some_and(|&bit| self.bits[a * self.words + bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// Whether one of `a` and `b` depends on the other.
    fn either(&self, a: usize, b: usize) -> bool {
        self.on(a, b) || self.on(b, a)
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::rules::tests::{GOOD, findings_of, plan};

    #[test]
    fn two_parallel_phases_on_one_file_are_reported_at_the_second() {
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | test-implementer | none | true | preconditions | test: headers | red run | `tests/headers.rs`, ./tests/limit.rs | |";
        let found = findings_of("plan/file-overlap", &plan(&rows, "true"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.starts_with("phases `T1` and `T2` may run at once"));
        assert_eq!((found[0].start.line, found[0].start.column), (8, 110));
        assert_eq!(found[0].related[0].start.line, 7);
    }

    #[test]
    fn shared_files_pass_when_ordered_or_not_parallel() {
        // I1 and I2 share src/limit.rs but are not parallel_safe; T2 after T1 may share.
        let mut rows = GOOD.to_vec();
        rows[1] = "| T2 | test | test-implementer | T1 | true | preconditions | test: headers | red run | `tests/limit.rs` | |";
        assert!(findings_of("plan/file-overlap", &plan(&rows, "true")).is_empty());
    }
}
