//! Assembled skills pass the Agent Skills reference validator (`agentskills validate`, PyPI
//! package `skills-ref`), and their front matter reads back, under PyYAML, as the values the
//! archetype wrote: the repository's framework, and the skill-shaped fixtures of
//! `tests/fixtures/skills/` (written to cover what real skills hold).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{renkei_at, repo_root};
use crate::tools::venv_bin;

/// Pushes every archetype under `root` into a fresh folder, validates each skill, and
/// returns the folder and the skills' folders.
fn push_and_validate(root: &Path) -> (tempfile::TempDir, Vec<PathBuf>) {
    let validator = venv_bin().join("agentskills");
    let dir = tempfile::tempdir().unwrap();
    renkei_at(
        root,
        &[
            "assemble",
            "--push",
            "--target",
            dir.path().to_str().unwrap(),
        ],
    )
    .run()
    .expect_code(0);
    let mut skills: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    skills.sort();
    for skill in &skills {
        let result = Command::new(&validator)
            .arg("validate")
            .arg(skill)
            .output()
            .unwrap();
        assert!(
            result.status.success(),
            "agentskills validate {} failed:\n{}{}",
            skill.display(),
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        );
    }
    // What renkei writes passes renkei's own check of skills it did not write.
    let run = renkei_at(root, &["skills", "check", dir.path().to_str().unwrap()]).run();
    assert_eq!(run.code, 0, "skills check: {}{}", run.stdout, run.stderr);
    (dir, skills)
}

#[test]
fn every_framework_skill_passes_the_agent_skills_reference_validator() {
    let (_dir, skills) = push_and_validate(&repo_root());
    assert_eq!(skills.len(), 5, "expected the five framework skills");
}

#[test]
fn every_fixture_skill_validates_and_its_front_matter_reads_back_under_pyyaml() {
    let root = repo_root().join("tests/fixtures/skills");
    let (_dir, skills) = push_and_validate(&root);
    // PyYAML (YAML 1.1: `yes`, `=` and `<<` mean something to it) must read each value as
    // the archetype's own YAML says it; `allowed-tools` given as a list reads back as the
    // specification's space-delimited string.
    let script = r#"
import pathlib, sys, yaml
skill, source = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = (skill / "SKILL.md").read_text()
assert text.startswith("---\n"), text[:40]
front = yaml.safe_load(text.split("\n---\n", 1)[0][4:])
wanted = yaml.safe_load(source.read_text())
tools = wanted.get("allowed-tools")
if isinstance(tools, list):
    wanted["allowed-tools"] = " ".join(tools)
for key in ("name", "description", "license", "compatibility", "allowed-tools", "metadata"):
    assert front.get(key) == wanted.get(key), (key, front.get(key), wanted.get(key))
print("same")
"#;
    assert!(skills.len() >= 2, "{skills:?}");
    for skill in &skills {
        let name = skill.file_name().unwrap().to_str().unwrap();
        let source = walkdir::WalkDir::new(root.join("framework/archetypes"))
            .into_iter()
            .map(|entry| entry.unwrap().into_path())
            .find(|path| path.ends_with(format!("{name}/archetype.yaml")))
            .unwrap();
        let output = Command::new(venv_bin().join("python"))
            .arg("-c")
            .arg(script)
            .arg(skill)
            .arg(&source)
            .output()
            .unwrap();
        assert!(
            output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "same",
            "{name}: front matter does not read back under PyYAML:\n{}\n{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(skill.join("SKILL.md")).unwrap()
        );
    }
}

/// Every relative link in every shipped Markdown file of `target` (in every form the
/// parser reads: inline, reference, autolink, definition, HTML `href`/`src`), as
/// `file: destination` for each that does not name a file inside `target`.
fn broken_links(target: &Path) -> Vec<String> {
    let root = target.canonicalize().unwrap();
    let mut broken = Vec::new();
    for entry in walkdir::WalkDir::new(target) {
        let path = entry.unwrap().into_path();
        if !is_markdown(&path) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let own_anchors = anchors(&text);
        let document = renkei_model::Document::parse(text).unwrap();
        for link in &document.outline.links {
            // A link to a heading of the same file.
            if let Some(fragment) = link.destination.strip_prefix('#') {
                if !fragment.is_empty() && !own_anchors.iter().any(|anchor| anchor == fragment) {
                    broken.push(format!(
                        "{}: {}",
                        path.strip_prefix(target).unwrap().display(),
                        link.destination
                    ));
                }
                continue;
            }
            let Some((linked, fragment)) = renkei_model::links::relative_path(&link.destination)
            else {
                continue;
            };
            if linked.is_empty() {
                continue;
            }
            let resolved = path.parent().unwrap().join(linked.as_ref());
            // A file or a folder, inside the target.
            let inside = resolved
                .canonicalize()
                .is_ok_and(|resolved| resolved.starts_with(&root) && resolved.exists());
            // A fragment into Markdown names one of its headings, by GitHub's anchors.
            let lands = match fragment {
                Some(fragment) if inside && is_markdown(&resolved) => {
                    anchors(&std::fs::read_to_string(&resolved).unwrap())
                        .contains(&fragment.to_string())
                }
                _ => true,
            };
            if !inside || !lands {
                broken.push(format!(
                    "{}: {}",
                    path.strip_prefix(target).unwrap().display(),
                    link.destination
                ));
            }
        }
    }
    broken
}

/// Whether `path` is Markdown by its name, as GitHub takes it (`.md`, `.markdown`, any
/// case).
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown")
        })
}

/// GitHub's anchors of the headings of `markdown`, numbered as github-slugger numbers them:
/// a taken anchor gets the next free `-N`, and the numbered anchor is taken too.
fn anchors(markdown: &str) -> Vec<String> {
    let document = renkei_model::Document::parse(markdown.to_string()).unwrap();
    let mut taken = std::collections::HashMap::<String, usize>::new();
    let mut anchors = Vec::new();
    for heading in &document.outline.headings {
        let base = renkei_assemble::layout::slug(&heading.text);
        let mut anchor = base.clone();
        while taken.contains_key(&anchor) {
            let count = taken.entry(base.clone()).or_insert(0);
            *count += 1;
            anchor = format!("{base}-{count}");
        }
        taken.insert(anchor.clone(), 0);
        anchors.push(anchor);
    }
    anchors
}

#[test]
fn every_relative_link_of_a_pushed_skill_resolves_inside_the_target() {
    for root in [repo_root(), repo_root().join("tests/fixtures/skills")] {
        let (dir, skills) = push_and_validate(&root);
        assert!(!skills.is_empty());
        let broken = broken_links(dir.path());
        assert!(broken.is_empty(), "{}: {broken:#?}", root.display());
    }
}
