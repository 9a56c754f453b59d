//! The rule examples users are shown (`renkei explain`, `renkei rules --format json`),
//! run by the command that reports the rule: the failing example is reported by its
//! rule, the passing one by nothing. An example of a file may name it on a first line,
//! `# <path>` (a comment in YAML, left out of Markdown) or `{# <path> #}` (a comment in a
//! template); that line says where the text goes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{DEMO_ARCHETYPE_YAML, Scratch, renkei_in};

/// Every rule's example, by id, as `renkei rules --format json` gives it.
fn examples() -> BTreeMap<String, (String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let run = renkei_in(dir.path(), &["rules", "--format", "json"])
        .run()
        .expect_code(0);
    let rules: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    rules
        .iter()
        .filter_map(|rule| {
            let example = rule.get("example").filter(|example| !example.is_null())?;
            Some((
                rule["id"].as_str()?.to_string(),
                (
                    example["fails"].as_str()?.to_string(),
                    example["passes"].as_str()?.to_string(),
                ),
            ))
        })
        .collect()
}

/// The path a `# <path>` first line names, and the text without it when it is not a
/// comment the file's own language reads (Markdown); the text as it is otherwise.
fn placed(text: &str) -> (Option<&str>, String) {
    let Some((first, rest)) = text.split_once('\n') else {
        return (None, format!("{text}\n"));
    };
    // A template names itself in a Tera comment, which it keeps.
    if let Some(path) = first
        .strip_prefix("{# ")
        .and_then(|rest| rest.strip_suffix(" #}"))
    {
        return (Some(path), format!("{text}\n"));
    }
    match first
        .strip_prefix("# ")
        .filter(|path| path.contains('/') || path.ends_with(".yaml"))
    {
        Some(path) if path.ends_with(".md") => (Some(path), format!("{rest}\n")),
        Some(path) => (Some(path), format!("{text}\n")),
        None => (None, format!("{text}\n")),
    }
}

fn rules_reported(stdout: &str) -> Vec<String> {
    let report: Value = serde_json::from_str(stdout).unwrap_or_else(|_| panic!("{stdout}"));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["rule"].as_str().unwrap().to_string())
        .collect()
}

fn assert_example(id: &str, fails: &[String], passes: &[String]) {
    assert!(
        fails.iter().any(|rule| rule == id),
        "{id}: the failing example is not reported (found {fails:?})"
    );
    assert!(
        passes.is_empty(),
        "{id}: the passing example is reported: {passes:?}"
    );
}

#[test]
fn the_skill_folder_examples_do_what_they_say_under_skills_check() {
    let examples = examples();
    for id in [
        "skill/front-matter",
        "skill/name",
        "skill/description",
        "skill/field",
        "skill/unknown-key",
    ] {
        let (fails, passes) = &examples[id];
        let found = |text: &str| {
            let dir = tempfile::tempdir().unwrap();
            let (path, body) = placed(text);
            let folder = path
                .and_then(|path| path.split('/').next())
                .unwrap_or("release-notes");
            let skill = dir.path().join(folder);
            std::fs::create_dir_all(&skill).unwrap();
            std::fs::write(skill.join("SKILL.md"), body).unwrap();
            let run = renkei_in(dir.path(), &["skills", "check", folder, "--format", "json"]).run();
            rules_reported(&run.stdout)
        };
        assert_example(id, &found(fails), &found(passes));
    }
}

#[test]
fn the_configuration_template_and_archetype_examples_do_what_they_say_under_check() {
    let examples = examples();
    for id in ["config/invalid", "assemble/render", "load/failed"] {
        let (fails, passes) = &examples[id];
        let found = |text: &str| {
            let scratch = Scratch::with_demo();
            let (path, body) = placed(text);
            let path = path.unwrap_or_else(|| panic!("{id}: the example names no file"));
            if let Some(rest) = path.strip_prefix("framework/archetypes/") {
                // An archetype's own file: the archetype it names, with the demo doctrine.
                let mut parts = rest.split('/');
                let (stage, name) = (parts.next().unwrap(), parts.next().unwrap());
                scratch.add_archetype(stage, name, DEMO_ARCHETYPE_YAML);
                // The template every stage's contract asks of a report.
                scratch.write(
                    &format!("root/framework/archetypes/{stage}/{name}/references/template.md"),
                    "# Report\n\n## Outcome\n\n- Outcome: <complete | blocked>\n- Blocker owner: <who acts, or none>\n",
                );
            }
            scratch.write(&format!("root/{path}"), &body);
            let run = scratch.renkei(&["check", "--format", "json"]);
            rules_reported(&run.stdout)
        };
        assert_example(id, &found(fails), &found(passes));
    }
}
