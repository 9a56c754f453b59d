//! Word and phrase tables the corpus generator draws from.
//!
//! None of these may contain a phrase from [`BANNED`] or [`ALLOWED`]: the generator inserts
//! those itself at a known rate and records where, so a vocabulary lint benchmarked on the
//! corpus can be checked against an exact expected list (a test enforces this).

/// Stage folders archetypes are spread over.
pub(crate) const STAGES: &[&str] = &[
    "discovery",
    "shaping",
    "technical-preparation",
    "execution",
    "delivery",
];

/// First half of an archetype name.
pub(crate) const NAME_DOMAINS: &[&str] = &[
    "release",
    "quality",
    "design",
    "research",
    "security",
    "platform",
    "data",
    "api",
    "docs",
    "migration",
    "incident",
    "review",
    "product",
    "infra",
    "billing",
    "search",
    "mobile",
    "payments",
    "growth",
    "compliance",
];

/// Second half of an archetype name.
pub(crate) const NAME_ROLES: &[&str] = &[
    "lead",
    "reviewer",
    "auditor",
    "steward",
    "planner",
    "implementer",
    "validator",
    "analyst",
    "coordinator",
    "curator",
    "scout",
    "builder",
];

/// Skills an archetype delegates to, hands work to, or receives it from.
pub(crate) const PEERS: &[&str] = &[
    "tech-lead",
    "execution-lead",
    "test-implementer",
    "implement-plan",
    "validate-plan",
    "shaper",
    "release-steward",
    "design-reviewer",
    "research-analyst",
    "risk-assessor",
    "docs-writer",
    "api-designer",
    "migration-planner",
    "security-reviewer",
];

pub(crate) const ARTIFACTS: &[&str] = &[
    "the plan",
    "the test specification",
    "the evidence bundle",
    "the validation report",
    "the stage report",
    "the event ledger",
    "the design references",
    "the package workspace",
    "the commit range",
    "the acceptance criteria",
    "the risk register",
    "the release notes",
    "the review checklist",
    "the decision log",
    "the execution worktree",
    "the research summary",
    "the API design",
    "the migration script",
    "the dependency graph",
    "the exception list",
];

pub(crate) const FIELDS: &[&str] = &[
    "plan_path",
    "test_spec_paths[]",
    "blockers[]",
    "recommended_next_action",
    "open_issues[]",
    "escalations[]",
    "blocker_owner",
    "validation_report_path",
    "requirement_coverage",
    "accepted_risks[]",
    "unresolved_decisions[]",
    "depends_on[]",
    "parallel_safe",
    "owner_role",
    "test_commit_hashes[]",
    "implementation_commit_hashes[]",
    "design_references[]",
    "item_workspace_path",
    "package_workspace_path",
    "appetite_weeks",
    "risk_level",
    "review_verdict",
    "source_requirements[]",
    "phase_ids[]",
];

pub(crate) const GATES: &[&str] = &[
    "the test gate",
    "the implementation gate",
    "the validation gate",
    "the input check",
    "the review gate",
    "the release gate",
    "the design gate",
    "the readiness check",
];

pub(crate) const OUTCOMES: &[&str] = &["complete", "blocked", "escalated"];

pub(crate) const CHECK_VERBS: &[&str] = &[
    "checks",
    "verifies",
    "confirms",
    "reads",
    "records",
    "compares",
    "cross-checks",
    "inspects",
];

pub(crate) const CONDITIONS: &[&str] = &[
    "every required field is present",
    "the tests fail for the expected reason",
    "tests and implementation are committed separately",
    "each phase names its owner",
    "no critical issue remains open",
    "the plan and the test specification agree",
    "every source requirement has a result",
    "the appetite still covers the remaining work",
    "the member returned a terminal outcome",
    "the evidence matches the claimed result",
    "all open decisions are closed or accepted",
    "the commit range is complete",
    "the design references resolve to readable files",
    "the verification commands pass on a clean checkout",
];

pub(crate) const DEFECTS: &[&str] = &[
    "a plan defect",
    "a package defect",
    "an implementation defect",
    "a missing field",
    "a contradicted requirement",
    "a stale reference",
    "an unverified claim",
    "an untested phase",
];

pub(crate) const EVIDENCE: &[&str] = &[
    "files",
    "commits",
    "command output",
    "reports",
    "ledger entries",
    "test results",
    "review notes",
    "verification logs",
];

pub(crate) const MOMENTS: &[&str] = &[
    "before the first delegation",
    "after every return",
    "at each gate",
    "once per invocation",
    "before the stage outcome is published",
    "when a retry is requested",
    "before any member starts",
    "at the end of every phase",
];

pub(crate) const MANNERS: &[&str] = &[
    "explicitly",
    "in writing",
    "with evidence",
    "without delay",
    "in the stage report",
    "by name",
];

/// Sentence shapes; `{slot}` names a table above (`{self}` is the archetype, `{peer}` a
/// neighbour, `{field}` and `{outcome}` become inline code).
pub(crate) const SENTENCES: &[&str] = &[
    "{Self} {check} {artifact} {moment}.",
    "A gate passes only when {condition}.",
    "Return {outcome} and name the owner unless {condition}.",
    "Gates are judged on {evidence}, never on a delegate's confidence.",
    "{Peer} owns {artifact}; {self} reads it but does not rewrite it.",
    "Record {defect} {manner} and route it to {peer}.",
    "Do not start the next step while {field} is missing.",
    "Each retry names {defect}; a bare re-run does not count as a correction.",
    "Members receive {artifact} and {artifact} with the same resolved paths.",
    "{Self} {check} {field} against {artifact} {moment}.",
    "Use {outcome} only when {condition}.",
    "When {gate} fails twice, escalate with the appetite impact and two options.",
    "Progress lives in {evidence}, not in memory of an earlier run.",
    "The caller owns the retry threshold; {self} keeps no count of its invocations.",
    "Upstream defects go back to {peer} instead of being patched locally.",
    "Write `none` for {field} when there is nothing to report.",
    "Work runs in parallel only across independent scopes with no file overlap.",
    "{Peer} runs before {peer} unless the plan marks the phase `parallel_safe`.",
    "The stage report lists {evidence} for every phase, whether or not it ran.",
    "A claim without {evidence} is treated as {defect}.",
    "Time is fixed and scope is variable, so surface tradeoffs to the decision owner.",
    "{Self} delegates, reads what comes back, and decides whether {gate} is passed.",
    "Fields for phases that never ran are `none`, with the reason recorded {manner}.",
    "Read the artifacts the member names; do not rely on its summary.",
    "Every invocation ends in exactly one outcome: `complete`, `blocked` or `escalated`.",
    "Before delegating, check whether anything in {artifact} needs redoing.",
    "{gate_cap} requires {field} and {field} to be filled.",
    "Keep work sequential when phases touch the same files or mutable state.",
    "Paths are absolute, or relative to {field}.",
    "A failed precondition is {defect}; return {outcome} with the exact phase at fault.",
    "{Self} never absorbs the work of {peer} to save a round trip.",
    "Append {outcome} to the project and item ledgers {moment}.",
];

/// Section headings for doctrine files.
pub(crate) const SECTION_TITLES: &[&str] = &[
    "Default Behavior",
    "Preconditions",
    "Idempotency",
    "Quality Gate",
    "Retry and Escalation",
    "Dependency Rules",
    "Serialization",
    "Parallelism",
    "Authority",
    "Member Obligations",
    "Required Outputs",
    "Completion Fields",
    "Path Semantics",
    "Return Contract",
    "Ownership",
    "Escalation Convention",
    "Evidence Rules",
    "Failure Modes",
    "Review Cadence",
    "Scope Control",
    "Appetite",
    "Traceability",
    "Exceptions",
    "Verification",
    "Reporting",
    "Boundaries",
    "Decision Rights",
    "Conflict Resolution",
];

/// Subsection headings.
pub(crate) const SUBSECTION_TITLES: &[&str] = &[
    "After every return",
    "Member delegation template",
    "Worked example",
    "Common mistakes",
    "Edge cases",
    "When the plan changes",
    "When a member is unavailable",
    "Checklist",
];

/// Field labels for the report template.
pub(crate) const REPORT_FIELDS: &[&str] = &[
    "Date",
    "Item ID",
    "Workspace",
    "Worktree path",
    "Report path",
    "Input source",
    "Delegate",
    "Files changed",
    "Commits",
    "Verification result",
    "Reason not attempted",
    "Plan path",
    "Test spec paths",
    "Validation report",
    "Requirement coverage",
    "Critical issues",
    "Unresolved decisions",
    "Accepted risks",
    "Must-have outcome",
    "Nice-to-have deferrals",
    "Outcome",
    "Blocker owner",
    "Recommended next action",
    "Project ledger entry",
    "Item ledger entry",
    "Escalation entry",
    "Reviewer",
    "Review date",
    "Open questions",
    "Follow-up owner",
];

/// Report template sections.
pub(crate) const REPORT_SECTIONS: &[&str] = &[
    "Work Performed",
    "Evidence Bundle",
    "Issues",
    "Scope",
    "Outcome",
    "Event Ledger",
    "Review",
    "Risks",
    "Follow-up",
    "Sign-off",
];

pub(crate) const COMMENTS: &[&str] = &[
    "<!-- Keep this section in step with the output contract. -->",
    "<!-- Reviewed at the last retrospective; revisit when the plan format changes. -->",
    "<!-- Do not renumber these steps: other skills cite them by number. -->",
    "<!-- The wording below travels verbatim to members. -->",
    "<!-- TODO: add a worked example once the first stage report is archived. -->",
];

pub(crate) const SHELL_COMMANDS: &[&str] = &[
    "cargo test --workspace --locked",
    "git log --oneline main..HEAD",
    "git diff --stat HEAD~1",
    "npm test -- --runInBand",
    "pytest -q tests/acceptance",
    "make verify",
    "git rev-parse HEAD",
    "ls -la \"$PACKAGE_WORKSPACE\"",
];

/// Phrases a vocabulary lint should flag. Each sentence shape holds exactly one of them.
pub(crate) const BANNED: &[(&str, &[&str])] = &[
    (
        "intake",
        &["Confirm intake of the package {moment}, then continue with {artifact}."],
    ),
    (
        "Intake",
        &["Intake is checked against {artifact} before the first step."],
    ),
    (
        "intake-ready",
        &["A package counts as intake-ready only when {condition}."],
    ),
    (
        "ownership transfers to",
        &["At {gate}, ownership transfers to {peer} with the evidence attached."],
    ),
    (
        "transfer from tech-lead to execution-lead",
        &["The transfer from tech-lead to execution-lead happens once per item."],
    ),
    (
        "running-with-evidence",
        &["Report the state as running-with-evidence while members work."],
    ),
    (
        "handoff-received",
        &["Write handoff-received into the item ledger {moment}."],
    ),
    (
        "cross-stage status",
        &["Publish cross-stage status only through the stage owner."],
    ),
];

/// A phrase that looks like the banned ones but is allowed, to catch over-eager matching.
pub(crate) const ALLOWED: &[(&str, &[&str])] = &[(
    "knowledge transfer",
    &["Plan a knowledge transfer with {peer} when a member changes mid-stage."],
)];

// The large single file of the lint suite (`corpus::large`) draws from the tables above and
// from these, which give it the inline markup of Markdown written by hand: links,
// emphasis, keys, paths and commands.

/// Chapter titles of the large file.
pub(crate) const CHAPTER_TITLES: &[&str] = &[
    "Getting Started",
    "How Work Enters a Stage",
    "Writing a Plan",
    "Reviewing a Plan",
    "Tests Before Code",
    "Running a Phase",
    "Evidence and Reports",
    "When Things Go Wrong",
    "Working in Parallel",
    "Releases",
    "The Ledger",
    "Roles and Responsibilities",
    "Templates",
    "Style",
    "Tooling",
    "Frequently Asked Questions",
    "Case Studies",
    "Glossary of Outcomes",
];

/// Part titles: the large file groups its chapters into parts.
pub(crate) const PART_TITLES: &[&str] = &[
    "Foundations",
    "Day-to-Day Work",
    "Coordination",
    "Quality",
    "Operations",
    "Reference",
];

/// Inline links: link text and destination.
pub(crate) const WEB_LINKS: &[(&str, &str)] = &[
    ("the CommonMark spec", "https://spec.commonmark.org/0.31.2/"),
    (
        "the release checklist",
        "https://example.com/handbook/release-checklist",
    ),
    ("semantic versioning", "https://semver.org/"),
    ("the style guide", "https://example.org/style/#headings"),
    ("RFC 2119", "https://www.rfc-editor.org/rfc/rfc2119"),
    (
        "the review rota",
        "https://wiki.example.com/teams/review-rota",
    ),
    (
        "the incident template",
        "https://example.com/templates/incident.md",
    ),
    (
        "the dependency policy",
        "https://example.com/policy/dependencies?view=full&lang=en",
    ),
    ("the glossary", "../references/glossary.md"),
    ("the stage report", "../references/template.md#metadata"),
    ("input validation", "process.md#input-validation"),
    ("`git rev-parse`", "https://git-scm.com/docs/git-rev-parse"),
];

/// Reference links: label, destination and title (empty for none). Every chapter of the
/// large file ends with all their definitions, as books written in Markdown often do.
pub(crate) const REFERENCE_LINKS: &[(&str, &str, &str)] = &[
    (
        "spec",
        "https://spec.commonmark.org/0.31.2/",
        "CommonMark Spec",
    ),
    (
        "semver",
        "https://semver.org/spec/v2.0.0.html",
        "Semantic Versioning 2.0.0",
    ),
    (
        "rfc2119",
        "https://www.rfc-editor.org/rfc/rfc2119",
        "Key words for use in RFCs",
    ),
    ("style guide", "https://example.org/style/", "House style"),
    (
        "review rota",
        "https://wiki.example.com/teams/review-rota",
        "",
    ),
    ("glossary", "../references/glossary.md", "Glossary"),
    (
        "ledger format",
        "https://example.com/handbook/ledger#format",
        "Ledger format",
    ),
    (
        "escalation policy",
        "<https://example.com/policy/escalation path>",
        "Escalation policy",
    ),
];

/// Adverbs set in emphasis (`{em}`, `{strong}`); each fits before a verb.
pub(crate) const EMPHASIS: &[&str] = &[
    "always",
    "first",
    "carefully",
    "never",
    "only",
    "also",
    "still",
    "then",
];

/// Modifier keys, then the keys pressed with them.
pub(crate) const MODIFIER_KEYS: &[&str] = &["Ctrl", "Shift", "Alt", "Cmd"];
pub(crate) const KEYS: &[&str] = &["C", "V", "K", "P", "Enter", "Tab", "Space"];

/// File paths set as inline code.
pub(crate) const PATHS: &[&str] = &[
    "docs/handbook/README.md",
    "framework/archetypes/",
    "ledger/project.jsonl",
    ".github/workflows/ci.yml",
    "target/release/",
    "src/main.rs",
    "Cargo.toml",
    "reports/2026-11-22.md",
    "references/template.md",
    "~/.config/handbook/settings.toml",
];

/// Sentence shapes of the large file, besides [`SENTENCES`]: the same slots plus `{link}`
/// (an inline link), `{reflink}` (a reference link), `{em}` and `{strong}` (emphasis),
/// `{kbd}` (a key), `{path}` and `{command}` (inline code).
pub(crate) const BOOK_SENTENCES: &[&str] = &[
    "The {reflink} explains why a list item may hold several paragraphs.",
    "See {link} for the longer discussion, and {reflink} for the short form.",
    "A reviewer reads {artifact} *before* the meeting, not during it.",
    "Press {kbd} to copy the path, then paste it into {field}.",
    "The file {path} holds these settings; do not edit it by hand.",
    "Run {command} and compare its output with {artifact}.",
    "This step is **never** skipped, even when {condition}.",
    "**Remember:** a phase that has no owner does not start.",
    "Most teams keep {artifact} next to {path}, where {peer} can find it.",
    "The words MUST and SHOULD are used as {link} defines them.",
    "If you are unsure, ask in the channel named in {reflink}.",
    "Version numbers follow {reflink}: a breaking change raises the major number.",
    "Write the date as `YYYY-MM-DD`, for example `2026-11-22`.",
    "An asterisk that should stay an asterisk is written `\\*`, and an ampersand as &amp;.",
    "Keep lines under 100 characters; long URLs are the exception.",
    "The old name still works for a while, but new text uses the new one.",
    "The *only* reason to reopen {artifact} is {defect}.",
    "Three things matter here: the owner, the evidence and the date.",
    "Nobody merges their own change; {peer} or another reviewer does.",
    "When {command} fails, read the first error, not the last one.",
    "Ask for help early: a blocked phase costs more each day it waits.",
    "The example below is shortened; the full version is in {path}.",
    "It is tempting to skip this for small changes, and that is **exactly** the mistake.",
    "Questions about wording go to the owners of {reflink}.",
    "Numbers in tables are right-aligned so they can be compared at a glance.",
    "{Peer} answers within one working day, and says so {manner} when it cannot.",
    "A summary is no substitute for {artifact}; {em} read the source.",
    "Use {kbd} in the editor to reflow a paragraph after editing it.",
    "The history of this rule is in {link}.",
    "Good examples are short, complete and copied from a real run.",
    "Reviewers {em} check {field} against {artifact}.",
    "{Peer} {strong} signs off {manner} before {gate} opens.",
];
