//! Every rule id renkei can report is documented in the README, and the registries stay
//! well formed, so that ids are stable and a new rule cannot ship undocumented.

use std::path::Path;

use crate::support::repo_root;

/// Every rule renkei describes with a [`renkei_model::RuleMeta`].
fn builtin_metas() -> impl Iterator<Item = &'static renkei_model::RuleMeta> {
    renkei_contract::rules::metas()
        .chain(renkei_contract::report::REPORT_RULES)
        .chain(renkei_lint::BUILTIN_METAS)
        .chain(renkei_assemble::RULES)
}

fn all_rule_ids() -> Vec<String> {
    let lint = renkei_lint::LintConfig::builtin().unwrap();
    let rules = renkei_lint::RuleSet::compile(&lint, Path::new("<built-in rules>")).unwrap();
    let mut ids: Vec<String> = rules.rules.iter().map(|rule| rule.id.clone()).collect();
    ids.extend(builtin_metas().map(|meta| meta.id.to_string()));
    ids.extend([renkei::CONFIG_INVALID, "assemble/stale", "load/failed"].map(str::to_string));
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
