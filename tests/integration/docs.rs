//! Every rule id renkei can report is documented in the README, and the registries stay
//! well formed, so that ids are stable and a new rule cannot ship undocumented.

use std::path::Path;

use crate::support::repo_root;

/// Every rule renkei describes with a [`renkei_model::RuleMeta`].
fn builtin_metas() -> Vec<renkei_model::RuleMeta> {
    let mut metas: Vec<renkei_model::RuleMeta> = renkei_contract::rules::metas()
        .chain(renkei_contract::report::REPORT_RULES)
        .chain(renkei_contract::interface::INTERFACE_RULES)
        .chain(renkei_lint::BUILTIN_METAS)
        .chain(renkei_assemble::RULES)
        .cloned()
        .collect();
    metas.extend([
        renkei::CONFIG_INVALID_RULE,
        renkei::session::LOAD_FAILED_RULE,
        renkei::session::STALE_RULE,
    ]);
    metas
}

fn all_rule_ids() -> Vec<String> {
    let lint = renkei_lint::LintConfig::builtin().unwrap();
    let rules = renkei_lint::RuleSet::compile(&lint, Path::new("<built-in rules>")).unwrap();
    let mut ids: Vec<String> = rules.rules.iter().map(|rule| rule.id.clone()).collect();
    ids.extend(builtin_metas().iter().map(|meta| meta.id.to_string()));
    ids
}

#[test]
fn every_rule_id_is_documented_in_the_readme() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let undocumented: Vec<String> = all_rule_ids()
        .into_iter()
        .filter(|id| !readme.contains(&format!("`{id}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "rule ids missing from README.md: {undocumented:?}"
    );
}

#[test]
fn contract_rules_are_sorted_and_unique() {
    let names: Vec<&str> = renkei_contract::rules::RULES
        .iter()
        .map(renkei_contract::rules::RuleEntry::name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        names, sorted,
        "RULES must be sorted by name without duplicates"
    );
}

#[test]
fn every_builtin_rule_says_what_it_checks_and_why() {
    for meta in builtin_metas() {
        assert!(!meta.summary.is_empty(), "{} has no summary", meta.id);
        assert!(
            meta.why.as_deref().is_some_and(|why| !why.is_empty()),
            "{} does not say why it exists",
            meta.id
        );
    }
}

#[test]
fn every_contract_rule_is_used_by_the_default_contract_or_documented_as_optional() {
    let contract = renkei_contract::Contract::builtin().unwrap();
    for rule in renkei_contract::rules::RULES {
        assert!(
            contract
                .checks
                .iter()
                .any(|(check, _)| check.rule.value == rule.name()),
            "rule {} is in no default check; add it to default-contract.yaml or remove it",
            rule.name()
        );
    }
}

/// The layering: a command opens a session, calls it and the stage crates, and prints only
/// through `src/output/`. A command that imported another, or wrote output itself, would
/// put shared logic or a format where the next command (or an editor) cannot reach it.
#[test]
fn commands_only_open_call_and_emit() {
    let commands = repo_root().join("src/commands");
    let mut offences = Vec::new();
    for entry in std::fs::read_dir(&commands).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|name| name == "mod.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let imports_command = code.contains("crate::commands::") || code.contains("super::");
            let prints = ["write!(", "writeln!(", "print!(", "println!(", "eprint"]
                .iter()
                .any(|call| code.contains(call));
            if imports_command || prints {
                offences.push(format!("{name}:{}: {}", number + 1, line.trim()));
            }
        }
        // Only the commands about renkei itself read no doctrine, and the language server
        // opens its sessions in `src/lsp/`, one over the editor's buffers per check.
        let about_renkei =
            ["completions.rs", "man.rs", "schema.rs", "lsp.rs"].contains(&name.as_str());
        assert!(
            about_renkei || text.contains("Session::open"),
            "{name} does not open a Session"
        );
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

#[test]
fn the_readme_shows_what_its_first_command_prints_on_a_fresh_machine() {
    let home = tempfile::tempdir().unwrap();
    let run = crate::support::renkei_in(&repo_root(), &["assemble", "--dry-run"])
        .env("HOME", home.path())
        .run()
        .expect_code(0);
    let shown = crate::snippets::readme_block(
        "It writes nothing. On a machine that has never installed them",
    );
    let mut lines = shown.lines();
    let first = lines.next().unwrap();
    assert_eq!(first, "target claude (/home/you/.claude/skills)");
    assert_eq!(
        run.stdout.lines().next().unwrap(),
        format!("target claude ({}/.claude/skills)", home.path().display())
    );
    for line in lines.filter(|line| line.trim() != "...") {
        assert!(
            run.stdout.lines().any(|printed| printed == line),
            "README shows {line:?}, renkei prints:\n{}",
            run.stdout
        );
    }
}
