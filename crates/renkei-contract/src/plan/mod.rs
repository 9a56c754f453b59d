//! Implementation plans: the Plan Contract tech-lead writes and execution-lead runs.
//!
//! A plan is a table (or a fenced `yaml` block) with one row per phase: its type, its
//! owner, what it depends on, whether it may run beside others, the gate it waits on,
//! what it commits and what proves it. [`read`] turns the text into a [`Plan`] with the
//! place of every cell, [`gates`] reads the gate names from execution-lead's process, the
//! [`PLAN_RULES`] check the plan (ids `plan/<name>`, stable), and [`waves`] orders a plan
//! that passes them into waves of phases that may run at once.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use renkei_model::{Diagnostic, LineIndex, RuleMeta};

pub mod gates;
pub mod read;
mod rules;
pub mod waves;

pub use gates::{Gate, Gates, read_gates};
pub use read::read_plan;

pub use rules::{PLAN_RULES, PlanCheck, PlanRule, UNREADABLE, check_plan, plan_metas};

/// A value as written, with where it is in the plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The value: trimmed, without backticks or emphasis.
    pub text: String,
    /// Its bytes in the file.
    pub range: Range<usize>,
}

impl Located {
    /// The value read as a path, for comparing the files of two phases: `./src/a.rs` and
    /// `src/a.rs` are one file.
    pub fn path_key(&self) -> &str {
        self.text.trim_start_matches("./").trim_end_matches('/')
    }
}

/// A column of the Plan Contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `Phase`: the phase id.
    Phase,
    /// `phase_type`: `test`, `implementation` or `validation-support`.
    PhaseType,
    /// `owner_role`: the member that owns the phase.
    OwnerRole,
    /// `depends_on`: ids of the phases that must finish first.
    DependsOn,
    /// `parallel_safe`: `true` or `false`.
    ParallelSafe,
    /// `blocking_gate`: the gate the phase waits on.
    BlockingGate,
    /// `commit_intent`: what the phase commits.
    CommitIntent,
    /// `proof_artifact`: what proves the phase done.
    ProofArtifact,
    /// `files` (optional): the paths the phase touches.
    Files,
    /// `test_not_applicable` (optional): why the phase may skip test-first order.
    TestNotApplicable,
}

impl Column {
    /// The columns every phase must fill, the id first: all but the two optional ones.
    pub const REQUIRED: &'static [Column] = Column::ALL.split_at(8).0;

    /// Every column renkei reads.
    pub const ALL: [Column; 10] = [
        Column::Phase,
        Column::PhaseType,
        Column::OwnerRole,
        Column::DependsOn,
        Column::ParallelSafe,
        Column::BlockingGate,
        Column::CommitIntent,
        Column::ProofArtifact,
        Column::Files,
        Column::TestNotApplicable,
    ];

    /// The name the contract writes.
    pub fn name(self) -> &'static str {
        match self {
            Column::Phase => "Phase",
            Column::PhaseType => "phase_type",
            Column::OwnerRole => "owner_role",
            Column::DependsOn => "depends_on",
            Column::ParallelSafe => "parallel_safe",
            Column::BlockingGate => "blocking_gate",
            Column::CommitIntent => "commit_intent",
            Column::ProofArtifact => "proof_artifact",
            Column::Files => "files",
            Column::TestNotApplicable => "test_not_applicable",
        }
    }

    /// Where the column's cell is kept in a [`Phase`].
    fn slot(self) -> usize {
        self as usize
    }

    /// Whether the column holds a list (`T1, T2`), where `none` or nothing means no value.
    pub fn is_list(self) -> bool {
        matches!(self, Column::DependsOn | Column::Files)
    }

    /// The column a header or YAML key names, read as [`crate::text::name_key`] reads
    /// names: `phase_type`, `Phase type` and `**phase-type**` are one column; `Phase`,
    /// `Phase id` and `id` are the id.
    pub fn named(written: &str) -> Option<Column> {
        let key = crate::text::name_key(written);
        match key.as_str() {
            "phase" | "phase id" | "id" => Some(Column::Phase),
            _ => Column::ALL
                .into_iter()
                .find(|column| crate::text::name_key(column.name()) == key),
        }
    }
}

/// The phase types and the owner each one goes with, as tech-lead's output contract and
/// execution-lead's preconditions state them.
pub const PHASE_OWNERS: [(&str, &str); 3] = [
    ("test", "test-implementer"),
    ("implementation", "implement-plan"),
    ("validation-support", "execution-lead"),
];

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// The row, or the YAML mapping.
    pub row: Range<usize>,
    /// The scalar cells, by [`Column::slot`]; `None` when the cell is empty or the column
    /// absent. An array, not a map: the rules read every cell of every phase.
    cells: [Option<Located>; Column::ALL.len()],
    /// Where each cell is, even an empty one, so that a finding about it has a place.
    places: [Option<Range<usize>>; Column::ALL.len()],
    /// `depends_on`'s ids.
    pub depends_on: Vec<Located>,
    /// `files`' paths.
    pub files: Vec<Located>,
}

impl Phase {
    /// The id as written; empty when the cell is.
    pub fn id(&self) -> &str {
        self.cell(Column::Phase).map_or("", |id| id.text.as_str())
    }

    /// A scalar cell, when filled.
    pub fn cell(&self, column: Column) -> Option<&Located> {
        self.cells[column.slot()].as_ref()
    }

    /// Whether the phase writes `column` at all: a cell in the table (even an empty one),
    /// a key in YAML.
    pub fn writes(&self, column: Column) -> bool {
        self.cells[column.slot()].is_some() || self.places[column.slot()].is_some()
    }

    /// Where `column`'s cell is: the cell itself, else the row.
    pub fn place(&self, column: Column) -> Range<usize> {
        self.cell(column)
            .map(|cell| cell.range.clone())
            .or_else(|| self.places[column.slot()].clone())
            .unwrap_or_else(|| self.row.clone())
    }

    /// Whether the phase may run beside others: `parallel_safe` is `true`.
    pub fn parallel_safe(&self) -> bool {
        self.cell(Column::ParallelSafe)
            .is_some_and(|cell| cell.text.eq_ignore_ascii_case("true"))
    }

    /// Whether the phase's type is `kind`, in any case.
    pub fn is_type(&self, kind: &str) -> bool {
        self.cell(Column::PhaseType)
            .is_some_and(|cell| cell.text.eq_ignore_ascii_case(kind))
    }

    /// The reason the phase may skip test-first order, when one is given. `none`, `no`,
    /// `false`, `-` and `n/a` say that it may not.
    pub fn test_not_applicable(&self) -> Option<&Located> {
        self.cell(Column::TestNotApplicable).filter(|reason| {
            !["none", "no", "false", "-", "n/a", "na"]
                .iter()
                .any(|empty| reason.text.eq_ignore_ascii_case(empty))
        })
    }
}

/// A plan as read: its phases in plan order and what it says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The header row of the table, or the YAML block: where a finding about the whole
    /// plan points.
    pub header: Range<usize>,
    /// Required columns the table does not have.
    pub missing_columns: Vec<Column>,
    /// The phases, in plan order.
    pub phases: Vec<Phase>,
    /// `plan_contract_has_phase_ownership` as written, when it is.
    pub ownership_flag: Option<Located>,
}

/// The order a plan states, resolved once: what the rules read and the waves follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Each phase's dependencies that name another phase of the plan, by index (the
    /// first phase of a duplicated id).
    pub edges: Vec<Vec<usize>>,
    /// Each phase's gate, by its place in the gates' order; `None` when it names none.
    pub ranks: Vec<Option<usize>>,
}

impl Order {
    /// The order of `plan`, whose ids are `ids`, by `gates`.
    fn new(plan: &Plan, ids: &HashMap<&str, usize>, gates: &Gates) -> Self {
        let ranks = plan
            .phases
            .iter()
            .map(|phase| gates.rank(&phase.cell(Column::BlockingGate)?.text))
            .collect();
        let edges = plan
            .phases
            .iter()
            .enumerate()
            .map(|(index, phase)| {
                phase
                    .depends_on
                    .iter()
                    .filter_map(|dependency| ids.get(dependency.text.as_str()).copied())
                    .filter(|&dependency| dependency != index)
                    .collect()
            })
            .collect();
        Self { edges, ranks }
    }
}

/// What the rules read: the plan, the file it is in, and the gates the doctrine defines.
pub struct PlanInput<'a> {
    /// The plan file, as the user named it.
    pub path: &'a Path,
    /// Its text.
    pub text: &'a str,
    /// Its lines.
    pub lines: &'a LineIndex,
    /// The plan.
    pub plan: &'a Plan,
    /// The gates, in the order they close.
    pub gates: &'a Gates,
    /// Each id and the first phase that has it.
    pub ids: HashMap<&'a str, usize>,
    /// The dependencies and gates, resolved.
    pub order: Order,
}

impl<'a> PlanInput<'a> {
    /// The input for `plan`, with its dependency edges resolved.
    pub fn new(
        path: &'a Path,
        text: &'a str,
        lines: &'a LineIndex,
        plan: &'a Plan,
        gates: &'a Gates,
    ) -> Self {
        let ids = plan.ids();
        let order = Order::new(plan, &ids, gates);
        Self {
            path,
            text,
            lines,
            plan,
            gates,
            ids,
            order,
        }
    }

    /// The dependency edges: see [`Order::edges`].
    pub fn edges(&self) -> &[Vec<usize>] {
        &self.order.edges
    }

    /// A finding of `rule` at `range` of the plan file.
    pub fn finding(
        &self,
        rule: &RuleMeta,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::at(
            rule.id.clone(),
            rule.severity,
            self.path,
            self.text,
            self.lines,
            range,
            message,
        )
    }

    /// The position of the gate of the phase at `index` in the doctrine's order, when it
    /// names one.
    pub fn gate_rank(&self, index: usize) -> Option<usize> {
        self.order.ranks.get(index).copied().flatten()
    }
}

impl Plan {
    /// Each id and the first phase that has it.
    pub fn ids(&self) -> HashMap<&str, usize> {
        let mut ids = HashMap::with_capacity(self.phases.len());
        for (index, phase) in self.phases.iter().enumerate() {
            if !phase.id().is_empty() {
                ids.entry(phase.id()).or_insert(index);
            }
        }
        ids
    }
}
