//! `renkei schema`: the committed schemas are its output, and they say of real files what
//! renkei says: every file renkei reads conforms, and the mistakes renkei refuses are
//! refused by the schema too, so an editor shows them before a run does.

use std::path::{Path, PathBuf};

use crate::support::{renkei_at, repo_root};
use crate::tools::schema_verdicts;

const FILES: [(&str, &str); 3] = [
    ("renkei.yaml", "schemas/renkei.schema.json"),
    ("archetype.yaml", "schemas/archetype.schema.json"),
    ("contract.yaml", "schemas/contract.schema.json"),
];

#[test]
fn the_committed_schemas_are_what_renkei_schema_prints() {
    for (file, committed) in FILES {
        let printed = renkei_at(&repo_root(), &["schema", file])
            .run()
            .expect_code(0);
        let on_disk = std::fs::read_to_string(repo_root().join(committed)).unwrap();
        assert!(
            printed.stdout == on_disk,
            "{committed} is stale: run `cargo run -- schema {file} --output-file {committed}`"
        );
    }
}

/// Every file of `name` in the repository, outside `target/`.
fn every(name: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(repo_root())
        .into_iter()
        .filter_entry(|entry| entry.file_name() != "target" && entry.file_name() != ".git")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() == name)
        .map(|entry| entry.into_path())
        .collect()
}

/// Whether renkei's own reader takes `path` as a file of `name`.
fn renkei_reads(name: &str, path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap();
    match name {
        "archetype.yaml" => {
            renkei_model::yaml::parse_yaml::<renkei_model::ArchetypeConfig>(path, &text)
                // The folder rule is about where the file is, which no schema can see.
                .and_then(|config| {
                    let folder = config.name.value.clone();
                    renkei_model::archetype::validate_config(&config, path, &folder)
                })
                .is_ok()
        }
        "contract.yaml" => renkei_contract::parse_contract(path, &text).is_ok(),
        _ => {
            text.trim().is_empty()
                || renkei_model::yaml::parse_yaml::<renkei::config::ProjectConfig>(path, &text)
                    .is_ok()
        }
    }
}

#[test]
fn every_file_renkei_reads_in_this_repository_conforms_to_its_schema() {
    let mut checked = 0;
    for (name, schema) in FILES {
        let read: Vec<PathBuf> = every(name)
            .into_iter()
            .filter(|path| renkei_reads(name, path))
            .collect();
        let verdicts = schema_verdicts(&repo_root().join(schema), &read);
        for (path, verdict) in read.iter().zip(verdicts) {
            assert_eq!(
                verdict,
                None,
                "{} does not conform to {schema}",
                path.display()
            );
            checked += 1;
        }
    }
    // The framework's own archetypes alone are more than this; a walk that found nothing
    // would prove nothing.
    assert!(checked >= 10, "only {checked} files were checked");
}

#[test]
fn the_built_in_rules_and_contract_conform_as_users_would_write_them() {
    let scratch = tempfile::tempdir().unwrap();
    let rules = scratch.path().join("renkei.yaml");
    let indented: String = renkei_lint::config::DEFAULT_RULES_YAML
        .lines()
        .map(|line| format!("  {line}\n"))
        .collect();
    std::fs::write(&rules, format!("lint:\n{indented}")).unwrap();
    let contract = scratch.path().join("contract.yaml");
    std::fs::write(&contract, renkei_contract::config::DEFAULT_CONTRACT_YAML).unwrap();
    let root = repo_root();
    assert_eq!(
        schema_verdicts(&root.join("schemas/renkei.schema.json"), &[rules]),
        [None]
    );
    assert_eq!(
        schema_verdicts(&root.join("schemas/contract.schema.json"), &[contract]),
        [None]
    );
}

#[test]
fn mistakes_renkei_refuses_are_refused_by_the_schema_too() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "archetype.yaml",
            "name: a\ndescription: d\nwhen-to-use: x\n",
            "when-to-use",
        ),
        (
            "archetype.yaml",
            "name: Bad_Name\ndescription: d\n",
            "Bad_Name",
        ),
        ("archetype.yaml", "name: a\n", "description"),
        (
            "archetype.yaml",
            "name: a\ndescription: d\ntargets: [claud]\n",
            "claud",
        ),
        (
            "archetype.yaml",
            "name: a\ndescription: d\nmetadata: {n: null}\n",
            "None",
        ),
        (
            "contract.yaml",
            "checks:\n  - rule: sections\n    file: doctrine/process.md\n",
            "sections",
        ),
        (
            "contract.yaml",
            "checks:\n  - rule: numbered-steps\n    file: doctrine/process.md\n    fields: [a]\n",
            "fields",
        ),
        (
            "contract.yaml",
            "checks:\n  - rule: no-such-rule\n",
            "no-such-rule",
        ),
        (
            "renkei.yaml",
            "lint:\n  disabel: [vocabulary/intake]\n",
            "disabel",
        ),
        (
            "renkei.yaml",
            "check:\n  assembled: sometimes\n",
            "sometimes",
        ),
    ];
    let scratch = tempfile::tempdir().unwrap();
    for (index, (name, text, named)) in cases.iter().enumerate() {
        let folder = scratch.path().join(index.to_string());
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join(name);
        std::fs::write(&path, text).unwrap();
        assert!(!renkei_reads(name, &path), "renkei reads {name}:\n{text}");
        let schema = FILES.iter().find(|(file, _)| file == name).unwrap().1;
        let verdict = schema_verdicts(&repo_root().join(schema), &[path]).remove(0);
        let verdict = verdict.unwrap_or_else(|| panic!("the schema takes {name}:\n{text}"));
        assert!(verdict.contains(named), "{verdict} does not name {named}");
    }
}

#[test]
fn scalars_renkei_reads_as_text_are_not_flagged() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("archetype.yaml");
    let text = "name: a\ndescription: 42\nlicense: 2.0\nmetadata: {version: 1.0, beta: true}\n";
    std::fs::write(&path, text).unwrap();
    assert!(renkei_reads("archetype.yaml", &path));
    let verdicts = schema_verdicts(&repo_root().join("schemas/archetype.schema.json"), &[path]);
    assert_eq!(verdicts, [None]);
    // Flags and numbers written as text are read as flags and numbers.
    let config = scratch.path().join("renkei.yaml");
    std::fs::write(&config, "check:\n  assembled: \"yes\"\n").unwrap();
    assert!(renkei_reads("renkei.yaml", &config));
    let contract = scratch.path().join("contract.yaml");
    std::fs::write(
        &contract,
        "checks:\n  - rule: sections\n    file: doctrine/process.md\n    level: \"2\"\n    sections: [Process]\n",
    )
    .unwrap();
    assert!(renkei_reads("contract.yaml", &contract));
    assert_eq!(
        schema_verdicts(&repo_root().join("schemas/renkei.schema.json"), &[config]),
        [None]
    );
    assert_eq!(
        schema_verdicts(
            &repo_root().join("schemas/contract.schema.json"),
            &[contract]
        ),
        [None]
    );
}

#[test]
fn the_readme_editor_setup_writes_schemas_every_matched_file_conforms_to() {
    let root = tempfile::tempdir().unwrap();
    crate::support::copy_framework(root.path());
    std::fs::write(root.path().join("renkei.yaml"), "lint:\n  disable: []\n").unwrap();
    let (code, _) = crate::snippets::run_shell(
        root.path(),
        &crate::snippets::readme_block("### `renkei schema`"),
        &[],
    );
    assert_eq!(code, 0);
    let settings: serde_json::Value = serde_json::from_str(&crate::snippets::readme_block(
        "then point [yaml-language-server]",
    ))
    .unwrap();
    let mut checked = 0;
    for (schema, pattern) in settings["yaml.schemas"].as_object().unwrap() {
        // Every pattern is `**/NAME`, which matches NAME at any depth, the root included.
        let name = pattern.as_str().unwrap().strip_prefix("**/").unwrap();
        let schema = root.path().join(schema);
        let printed = renkei_at(&repo_root(), &["schema", name])
            .run()
            .expect_code(0);
        assert_eq!(std::fs::read_to_string(&schema).unwrap(), printed.stdout);
        let matched: Vec<PathBuf> = walkdir::WalkDir::new(root.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name() == name)
            .map(|entry| entry.into_path())
            .collect();
        assert!(
            !matched.is_empty() || name == "contract.yaml",
            "nothing matches {pattern}"
        );
        for verdict in schema_verdicts(&schema, &matched) {
            assert_eq!(verdict, None);
            checked += 1;
        }
    }
    assert!(checked > 1);
}

#[test]
fn the_readme_modeline_path_leads_from_an_archetype_to_the_written_schema() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let modeline = readme
        .split("`# yaml-language-server: $schema=")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap();
    let settings: serde_json::Value = serde_json::from_str(&crate::snippets::readme_block(
        "then point [yaml-language-server]",
    ))
    .unwrap();
    let written = settings["yaml.schemas"]
        .as_object()
        .unwrap()
        .keys()
        .find(|path| path.contains("archetype"))
        .unwrap()
        .clone();
    // An archetype.yaml is at framework/archetypes/<stage>/<archetype>/.
    let from = Path::new("/repo/framework/archetypes/execution/execution-lead");
    assert_eq!(
        renkei_model::path::lexical(&from.join(modeline)),
        Path::new("/repo").join(written)
    );
}
