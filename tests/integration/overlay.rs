//! Checking doctrine that is not on disk: the walk, loading, lint and contract read through a
//! `FileSource`, so an in-memory overlay (an editor's unsaved buffers) gets the findings the
//! same files get on disk.

use std::path::Path;
use std::sync::Arc;

use renkei::session::{Options, Session};
use renkei_model::{Diagnostic, FileSource, Overlay};

/// Every finding of `check` (lint and contract) over every archetype under `root`, then of
/// `lint`, read through `source` by a session opened as the CLI opens one (its
/// `renkei.yaml` included), with paths relative to the root.
fn findings(source: Arc<dyn FileSource>, root: &Path) -> Vec<String> {
    let options = Options {
        root: Some(root.to_path_buf()),
        ..Options::default()
    };
    let session = Session::open_over(source, &options).unwrap();
    let checker = session.checker().unwrap();
    let mut found: Vec<Diagnostic> = Vec::new();
    for dir in checker.dirs() {
        let checked = checker.check(&dir.unwrap());
        assert!(checked.contract_checked);
        found.extend(checked.findings);
    }
    // `renkei lint`'s walk of the tree, through the same source.
    session
        .lint(&[], false, renkei_lint::FixMode::Off, |linted| {
            found.extend(linted.diagnostics);
            Ok(())
        })
        .unwrap();
    found
        .iter()
        .map(|d| {
            let path = d.path.strip_prefix(root).unwrap_or(&d.path);
            format!(
                "{} {}:{}:{} {}",
                d.rule,
                path.display(),
                d.start.line,
                d.start.column,
                d.message
            )
        })
        .collect()
}

fn on_disk(root: &Path) -> Vec<String> {
    findings(Arc::new(renkei_model::Disk), root)
}

/// The repository's own framework, with a banned word and a dead link added to one file.
fn tree_with_findings(root: &Path) {
    crate::support::copy_framework(root);
    let process = root.join("framework/archetypes/execution/execution-lead/doctrine/process.md");
    let mut text = std::fs::read_to_string(&process).unwrap();
    text.push_str("\nThe intake step is gone; see [the map](missing-map.md).\n");
    text.push_str("\nEvery sprocket ends with a check.\n");
    std::fs::write(&process, text).unwrap();
    // A project rule, so that the configuration is read through the same source.
    std::fs::write(
        root.join("renkei.yaml"),
        "lint:\n  rules:\n    - id: house/no-sprocket\n      message: \"`{match}` is not our word\"\n      words: [sprocket]\n",
    )
    .unwrap();
}

#[test]
fn an_archetype_in_memory_gets_the_findings_it_gets_on_disk() {
    let disk = tempfile::tempdir().unwrap();
    tree_with_findings(disk.path());
    let on_disk = on_disk(disk.path());
    assert!(
        on_disk.iter().any(|f| f.starts_with("vocabulary/"))
            && on_disk.iter().any(|f| f.starts_with("house/no-sprocket"))
            && on_disk
                .iter()
                .any(|f| f.starts_with("contract/links-resolve")),
        "the fixture should have lint and contract findings: {on_disk:#?}"
    );

    // The same files, held in memory under a root that does not exist.
    let root = Path::new("/nonexistent-renkei-root");
    let mut overlay = Overlay::default();
    for entry in walkdir::WalkDir::new(disk.path()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(disk.path()).unwrap();
            overlay.insert(root.join(relative), std::fs::read(entry.path()).unwrap());
        }
    }
    assert!(!root.exists());
    let in_memory = findings(Arc::new(overlay), root);
    assert_eq!(in_memory, on_disk);
}

#[test]
fn an_unsaved_buffer_is_checked_instead_of_the_file_below_it() {
    let disk = tempfile::tempdir().unwrap();
    tree_with_findings(disk.path());
    let process = disk
        .path()
        .join("framework/archetypes/execution/execution-lead/doctrine/process.md");
    let saved = std::fs::read_to_string(&process).unwrap();
    let edited = saved.replace(
        "The intake step is gone; see [the map](missing-map.md).\n\nEvery sprocket ends with a check.",
        "",
    );
    let mut overlay = Overlay::over(Arc::new(renkei_model::Disk));
    overlay.insert(&process, edited);
    let with_buffer = findings(Arc::new(overlay), disk.path());
    let on_disk = on_disk(disk.path());
    let mentions_process = |f: &&String| f.contains("doctrine/process.md");
    assert!(on_disk.iter().filter(mentions_process).count() >= 2);
    assert_eq!(
        with_buffer.iter().filter(mentions_process).count(),
        0,
        "{with_buffer:#?}"
    );
    // The file on disk is untouched.
    assert_eq!(std::fs::read_to_string(&process).unwrap(), saved);
}
