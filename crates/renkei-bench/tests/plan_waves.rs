//! Properties of `renkei plan waves` over generated plans: whatever the plan, its waves
//! respect every dependency, never exceed the maximum, never put two phases that share a
//! file (or a phase that is not parallel_safe) beside another, never cross a gate, and
//! hold every phase exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, HashSet};
use std::path::Path;

use renkei_bench::plans::{PlanShape, plan_markdown, process_markdown};
use renkei_contract::plan::{Column, PlanInput, check_plan, read_gates, read_plan, waves::waves};
use renkei_model::{LineIndex, Markdown};

#[test]
fn waves_of_generated_plans_keep_every_promise() {
    let process = Markdown::new(process_markdown()).unwrap();
    let gates = read_gates(Path::new("process.md"), process.document());
    assert_eq!(gates.gates.len(), 4);
    let mut phases_seen = 0;
    for seed in 0..400u64 {
        let shape = PlanShape {
            phases: 1 + (seed as usize * 7) % 60,
            seed,
            file_pool: (seed % 3 != 0).then_some(2 + seed as usize % 15),
            shuffle: seed % 2 == 0,
        };
        let max = 1 + seed as usize % 12;
        let markdown = Markdown::new(plan_markdown(&shape)).unwrap();
        let path = Path::new("plan.md");
        // The generator makes well-formed plans; only file overlap is left to chance.
        let findings = check_plan(path, markdown.document(), &gates).findings;
        let structural: Vec<_> = findings
            .iter()
            .filter(|finding| finding.rule != "plan/file-overlap")
            .collect();
        assert!(structural.is_empty(), "{shape:?}: {structural:#?}");
        let plan = read_plan(markdown.document()).unwrap();
        let lines = LineIndex::new(markdown.text());
        let input = PlanInput::new(path, markdown.text(), &lines, &plan, &gates);
        let waves = waves(&plan, &gates, &input.order, max);

        let mut wave_of = HashMap::new();
        for (number, wave) in waves.iter().enumerate() {
            assert!(
                !wave.phases.is_empty() && wave.phases.len() <= max,
                "{shape:?}"
            );
            let mut files = HashSet::new();
            for &phase in &wave.phases {
                assert!(wave_of.insert(phase, number).is_none(), "{shape:?}: twice");
                let written = &plan.phases[phase];
                assert_eq!(
                    written.cell(Column::BlockingGate).unwrap().text,
                    wave.gate,
                    "{shape:?}: a wave holds one gate's phases"
                );
                if wave.phases.len() > 1 {
                    assert!(
                        written.parallel_safe(),
                        "{shape:?}: not parallel_safe, not alone"
                    );
                }
                let own: HashSet<&str> = written.files.iter().map(|file| file.path_key()).collect();
                for file in own {
                    assert!(files.insert(file), "{shape:?}: {file} shared in a wave");
                }
            }
        }
        assert_eq!(
            wave_of.len(),
            plan.phases.len(),
            "{shape:?}: every phase once"
        );
        for (phase, dependencies) in input.edges().iter().enumerate() {
            for dependency in dependencies {
                assert!(
                    wave_of[dependency] < wave_of[&phase],
                    "{shape:?}: edge broken"
                );
            }
        }
        // Gates are barriers: the waves' gates never go back.
        let ranks: Vec<usize> = waves
            .iter()
            .map(|wave| gates.rank(&wave.gate).unwrap())
            .collect();
        assert!(
            ranks.windows(2).all(|pair| pair[0] <= pair[1]),
            "{shape:?}: {ranks:?}"
        );
        phases_seen += plan.phases.len();
    }
    assert!(phases_seen > 10_000, "{phases_seen}");
}

#[test]
fn a_plan_without_shared_files_passes_plan_check_whole() {
    let process = Markdown::new(process_markdown()).unwrap();
    let gates = read_gates(Path::new("process.md"), process.document());
    for seed in 0..50 {
        let shape = PlanShape {
            phases: 40,
            seed,
            file_pool: None,
            shuffle: true,
        };
        let markdown = Markdown::new(plan_markdown(&shape)).unwrap();
        let findings = check_plan(Path::new("plan.md"), markdown.document(), &gates).findings;
        assert!(findings.is_empty(), "{shape:?}: {findings:#?}");
    }
}
