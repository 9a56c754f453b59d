//! Waves: the order in which a plan's phases may run, as 004 runs them. Gates are
//! barriers, in the order the process defines them. Between two gates, a phase joins a
//! wave once every phase it depends on is in an earlier wave; a wave holds only
//! `parallel_safe` phases that share no file, or one phase that is not; at most
//! `max_concurrency` phases run in a wave. Ties break in plan order, so the waves of a plan
//! are always the same.
//!
//! Waves are computed for a plan that passes `plan check`: every gate known, every
//! dependency a phase, no cycle, no edge forward across a gate.

use std::collections::{BTreeSet, HashSet};

use super::{Gates, Order, Plan};

/// One wave: the phases that run at once, by index in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wave {
    /// The gate its phases wait on.
    pub gate: String,
    /// The phases, in plan order.
    pub phases: Vec<usize>,
}

/// The waves of `plan`, whose resolved `order` its check gave, at most
/// `max_concurrency` phases each (at least one).
pub fn waves(plan: &Plan, gates: &Gates, order: &Order, max_concurrency: usize) -> Vec<Wave> {
    let phases = &plan.phases;
    let max = max_concurrency.max(1);
    let mut waves = Vec::new();
    for (rank, gate) in gates.gates.iter().enumerate() {
        let group: Vec<usize> = (0..phases.len())
            .filter(|&index| order.ranks[index] == Some(rank))
            .collect();
        if group.is_empty() {
            continue;
        }
        let in_group: Vec<bool> = order.ranks.iter().map(|&of| of == Some(rank)).collect();
        // Dependencies behind an earlier gate are already done.
        let mut waiting_on = vec![0usize; phases.len()];
        let mut dependents = vec![Vec::new(); phases.len()];
        for &phase in &group {
            for &dependency in order.edges[phase].iter().filter(|&&d| in_group[d]) {
                waiting_on[phase] += 1;
                dependents[dependency].push(phase);
            }
        }
        // The ready phases, and apart the parallel ones among them, both in plan order: a
        // wave is the first ready phase alone when it is not parallel_safe, else the
        // parallel ones that fit, so a wave never scans past the phases that must wait.
        let mut ready: BTreeSet<usize> = BTreeSet::new();
        let mut ready_parallel: BTreeSet<usize> = BTreeSet::new();
        let make_ready =
            |phase: usize, ready: &mut BTreeSet<usize>, parallel: &mut BTreeSet<usize>| {
                ready.insert(phase);
                if phases[phase].parallel_safe() {
                    parallel.insert(phase);
                }
            };
        for &phase in group.iter().filter(|&&phase| waiting_on[phase] == 0) {
            make_ready(phase, &mut ready, &mut ready_parallel);
        }
        while let Some(&first) = ready.first() {
            let mut wave = Vec::new();
            if phases[first].parallel_safe() {
                let mut files: HashSet<&str> = HashSet::new();
                for &phase in &ready_parallel {
                    let candidate = &phases[phase];
                    if candidate
                        .files
                        .iter()
                        .any(|file| files.contains(file.path_key()))
                    {
                        continue;
                    }
                    files.extend(candidate.files.iter().map(|file| file.path_key()));
                    wave.push(phase);
                    if wave.len() == max {
                        break;
                    }
                }
            } else {
                wave.push(first);
            }
            for phase in &wave {
                ready.remove(phase);
                ready_parallel.remove(phase);
            }
            for &phase in &wave {
                for &dependent in &dependents[phase] {
                    waiting_on[dependent] -= 1;
                    if waiting_on[dependent] == 0 {
                        make_ready(dependent, &mut ready, &mut ready_parallel);
                    }
                }
            }
            waves.push(Wave {
                gate: gate.name.clone(),
                phases: wave,
            });
        }
    }
    waves
}

#[cfg(test)]
mod tests {
    use renkei_model::{LineIndex, Markdown};

    use crate::plan::rules::tests::{GOOD, framework_gates, plan};
    use crate::plan::{PlanInput, read_plan};

    fn ids_of(rows: &[&str], max: usize) -> Vec<Vec<String>> {
        let markdown = Markdown::new(plan(rows, "true")).unwrap();
        let read = read_plan(markdown.document()).unwrap();
        let lines = LineIndex::new(markdown.text());
        let gates = framework_gates();
        let input = PlanInput::new("plan.md".as_ref(), markdown.text(), &lines, &read, &gates);
        super::waves(&read, &gates, &input.order, max)
            .into_iter()
            .map(|wave| {
                wave.phases
                    .iter()
                    .map(|&i| read.phases[i].id().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn gates_are_barriers_and_phases_that_are_not_parallel_safe_run_alone() {
        assert_eq!(
            ids_of(GOOD, 10),
            [vec!["T1", "T2"], vec!["I1"], vec!["I2"], vec!["V1"]]
        );
    }

    #[test]
    fn a_full_wave_or_a_shared_file_sends_the_later_phase_to_the_next() {
        let rows = [
            "| A | test | test-implementer | none | true | preconditions | t | r | a.rs | |",
            "| B | test | test-implementer | none | true | preconditions | t | r | a.rs | |",
            "| C | test | test-implementer | none | true | preconditions | t | r | c.rs | |",
            "| D | test | test-implementer | none | true | preconditions | t | r | d.rs | |",
        ];
        assert_eq!(ids_of(&rows, 10), [vec!["A", "C", "D"], vec!["B"]]);
        assert_eq!(ids_of(&rows, 2), [vec!["A", "C"], vec!["B", "D"]]);
    }
}
