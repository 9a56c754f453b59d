//! Generated implementation plans, in the Plan Contract's table form: the bench's large
//! plan and the property tests' many small ones. Every plan is well formed by
//! construction (dependencies point back in generation order, implementation phases
//! depend on a test phase, no edge crosses a gate forward); only file overlap between
//! parallel phases is left to chance, so that the waves' own file rule is exercised.

use std::fmt::Write as _;

use crate::prng::Rng;

/// The shape of a generated plan.
#[derive(Debug, Clone, Copy)]
pub struct PlanShape {
    /// How many phases.
    pub phases: usize,
    /// The seed: a plan is a pure function of its shape.
    pub seed: u64,
    /// Files are drawn from this many paths, so phases share them; `None` gives every
    /// parallel phase files of its own, as a plan that passes `plan check` has.
    pub file_pool: Option<usize>,
    /// Rows in a shuffled order rather than in generation order, so that a dependency
    /// may name a phase further down the table.
    pub shuffle: bool,
}

/// The gates of the framework's execution-lead, in order; the table's `blocking_gate`
/// values. The generated process document defines them (see [`process_markdown`]).
pub const GATES: [&str; 4] = [
    "preconditions",
    "test-gate",
    "implementation-gate",
    "validation-gate",
];

/// A process document that defines [`GATES`], for `plan check --gates`.
pub fn process_markdown() -> String {
    let mut text = String::from("# Process\n\n## Gates\n\n");
    for gate in GATES {
        let _ = writeln!(text, "- **{gate}**: a barrier.");
    }
    text
}

struct Generated {
    id: String,
    kind: usize,
    depends_on: Vec<usize>,
    parallel_safe: bool,
    files: Vec<String>,
}

/// The plan `shape` describes, as a Markdown document with its Plan Contract table.
pub fn plan_markdown(shape: &PlanShape) -> String {
    const KINDS: [(&str, &str, &str, char); 3] = [
        ("test", "test-implementer", "preconditions", 'T'),
        ("implementation", "implement-plan", "test-gate", 'I'),
        (
            "validation-support",
            "execution-lead",
            "implementation-gate",
            'V',
        ),
    ];
    let mut rng = Rng::new(shape.seed);
    let count = shape.phases.max(1);
    // Four tests to five implementations to one validation phase, at least a test.
    let tests = (count * 4 / 10).max(1);
    let validations = if count >= 3 { (count / 10).max(1) } else { 0 };
    let mut phases: Vec<Generated> = Vec::with_capacity(count);
    let mut by_kind: [Vec<usize>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for index in 0..count {
        let kind = if index < tests {
            0
        } else if index < count - validations {
            1
        } else {
            2
        };
        let mut depends_on = Vec::new();
        let mut depend = |pool: &[usize], picks: usize, rng: &mut Rng| {
            for _ in 0..picks {
                if !pool.is_empty() {
                    // Mostly recent phases, as plans chain their work.
                    let back = rng.below(pool.len().min(8)) + 1;
                    let chosen = pool[pool.len() - back];
                    if !depends_on.contains(&chosen) {
                        depends_on.push(chosen);
                    }
                }
            }
        };
        match kind {
            0 => depend(&by_kind[0], rng.below(3) / 2, &mut rng),
            1 => {
                depend(&by_kind[0], 1 + rng.below(2), &mut rng);
                depend(&by_kind[1], rng.below(3), &mut rng);
            }
            _ => {
                depend(&by_kind[1], 1 + rng.below(3), &mut rng);
                depend(&by_kind[2], rng.below(2), &mut rng);
            }
        }
        let parallel_safe = !rng.one_in(4);
        let files = match shape.file_pool {
            Some(pool) => (0..1 + rng.below(2))
                .map(|_| format!("src/file{}.rs", rng.below(pool.max(1))))
                .collect(),
            None if parallel_safe => vec![format!("src/phase{index}.rs")],
            None => vec!["src/shared.rs".to_string()],
        };
        by_kind[kind].push(index);
        phases.push(Generated {
            id: format!("{}{}", KINDS[kind].3, by_kind[kind].len()),
            kind,
            depends_on,
            parallel_safe,
            files,
        });
    }
    let mut order: Vec<usize> = (0..count).collect();
    if shape.shuffle {
        for at in (1..order.len()).rev() {
            order.swap(at, rng.below(at + 1));
        }
    }
    let mut text = String::from(
        "# Implementation Plan\n\n## Plan Contract\n\n| Phase | phase_type | owner_role | depends_on | parallel_safe | blocking_gate | commit_intent | proof_artifact | files | test_not_applicable |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for &index in &order {
        let phase = &phases[index];
        let (kind, owner, gate, _) = KINDS[phase.kind];
        let depends_on = if phase.depends_on.is_empty() {
            "none".to_string()
        } else {
            phase
                .depends_on
                .iter()
                .map(|&dependency| format!("`{}`", phases[dependency].id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            text,
            "| {} | {kind} | {owner} | {depends_on} | {} | {gate} | {kind}: phase {} | {} | {} | |",
            phase.id,
            phase.parallel_safe,
            phase.id,
            if phase.kind == 0 {
                "red run"
            } else {
                "green run"
            },
            phase.files.join(", ")
        );
    }
    text.push_str("\n- plan_contract_has_phase_ownership: true\n");
    text
}
