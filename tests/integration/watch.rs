//! `--watch`: one run per change, one for a burst, only the archetypes that changed, and
//! Ctrl-C that leaves nothing behind.

use std::io::Read;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{DEMO_ARCHETYPE_YAML, Scratch};

/// A `renkei ... --watch` running, with what it has printed so far.
struct Watching {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Watching {
    fn start(scratch: &Scratch, args: &[&str]) -> Self {
        let mut child = scratch
            .renkei_command(args)
            .into_command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let collect = |pipe: Box<dyn Read + Send>| {
            let text = Arc::new(Mutex::new(String::new()));
            let shared = Arc::clone(&text);
            std::thread::spawn(move || {
                let mut pipe = pipe;
                let mut buffer = [0; 4096];
                while let Ok(read) = pipe.read(&mut buffer) {
                    if read == 0 {
                        break;
                    }
                    shared
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buffer[..read]));
                }
            });
            text
        };
        let stdout = collect(Box::new(child.stdout.take().unwrap()));
        let stderr = collect(Box::new(child.stderr.take().unwrap()));
        let watching = Self {
            child,
            stdout,
            stderr,
        };
        watching.wait_for("Ctrl-C stops");
        watching
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until stderr holds `text`.
    fn wait_for(&self, text: &str) {
        let started = Instant::now();
        while !self.stderr().contains(text) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "never printed {text:?}; stderr:\n{}\nstdout:\n{}",
                self.stderr(),
                self.stdout()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How many runs it has started after the first.
    fn reruns(&self) -> usize {
        self.stderr().matches("note: run ").count()
    }

    /// Sends SIGINT and waits for the exit.
    fn interrupt(mut self) -> (Option<i32>, String, String) {
        interrupt(self.child.id());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "Ctrl-C did not stop it"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(50));
        (status.code(), self.stdout(), self.stderr())
    }
}

/// Sends SIGINT to `pid`, as Ctrl-C does.
fn interrupt(pid: u32) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// No temporary file in `target`, and its lock free.
fn nothing_left_behind(target: &std::path::Path) {
    let left: Vec<String> = walkdir::WalkDir::new(target)
        .into_iter()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| {
            name.starts_with('.') && name != ".renkei.lock" && name != ".renkei-manifest"
        })
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    let lock = std::fs::File::open(target.join(".renkei.lock")).unwrap();
    assert!(lock.try_lock().is_ok(), "the lock is still held");
}

/// Longer than the debounce, so that the next change is a new burst.
fn settle() {
    std::thread::sleep(Duration::from_millis(600));
}

#[test]
fn check_watch_runs_once_per_change_and_once_per_burst() {
    let scratch = Scratch::with_demo();
    let process = "root/framework/archetypes/demo/hello-world/doctrine/process.md";
    // A relative root: the watcher's paths are absolute, and must still be its own.
    let watching = Watching::start(&scratch, &["--root", ".", "check", "--watch"]);
    assert_eq!(watching.reruns(), 0);
    scratch.write(process, "# Process\n\nThe intake.\n");
    watching.wait_for("run 2:");
    settle();
    assert_eq!(watching.reruns(), 1, "{}", watching.stderr());
    assert!(watching.stdout().contains("vocabulary/intake"));
    // Ten saves in quick succession are one run.
    for round in 0..10 {
        scratch.write(process, &format!("# Process\n\nRound {round}.\n"));
        std::thread::sleep(Duration::from_millis(20));
    }
    watching.wait_for("run 3:");
    settle();
    assert_eq!(watching.reruns(), 2, "{}", watching.stderr());
    // Reading files (renkei's own runs do) and writing outside the doctrine run nothing.
    scratch.write("root/notes/todo.txt", "later");
    settle();
    assert_eq!(watching.reruns(), 2, "{}", watching.stderr());
    let (code, stdout, _) = watching.interrupt();
    // The last run was clean.
    assert_eq!(code, Some(0), "{stdout}");
}

#[test]
fn assemble_watch_renders_only_the_changed_archetype_and_ctrl_c_leaves_nothing_behind() {
    let scratch = Scratch::with_demo();
    scratch.add_archetype("demo", "second-skill", DEMO_ARCHETYPE_YAML);
    let target = scratch.path("installed");
    let target_arg = target.to_str().unwrap();
    let watching = Watching::start(
        &scratch,
        &["assemble", "--watch", "--push", "--target", target_arg],
    );
    assert!(target.join("hello-world/SKILL.md").is_file());
    assert!(target.join("second-skill/SKILL.md").is_file());
    let before = watching.stdout().len();
    scratch.write(
        "root/framework/archetypes/demo/second-skill/doctrine/process.md",
        "# Process\n\nRead the [output contract](output-contract.md) first.\n\n## Step 1: Work\n\nDo it twice.\n",
    );
    watching.wait_for("run 2: files of 1 archetype(s) changed");
    settle();
    let rerun = watching.stdout()[before..].to_string();
    assert!(rerun.contains("second-skill"), "{rerun}");
    assert!(!rerun.contains("hello-world"), "{rerun}");
    let installed = std::fs::read_to_string(target.join("second-skill/SKILL.md")).unwrap();
    assert!(installed.contains("Do it twice."));
    // A configuration change renders everything.
    scratch.write("root/renkei.yaml", "# settings to come\n");
    watching.wait_for("run 3: files changed, ran everything again");
    settle();
    let (code, _, stderr) = watching.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
    nothing_left_behind(&target);
}

#[test]
fn a_rerun_of_one_archetype_still_reports_its_seams_with_the_others() {
    let scratch = Scratch::new();
    crate::support::copy_framework(&scratch.root());
    std::fs::copy(
        crate::support::repo_root().join("renkei.yaml"),
        scratch.root().join("renkei.yaml"),
    )
    .unwrap();
    let process = scratch
        .root()
        .join("framework/archetypes/execution/execution-lead/doctrine/process.md");
    let watching = Watching::start(&scratch, &["check", "--watch", "--format", "concise"]);
    let text = std::fs::read_to_string(&process).unwrap();
    std::fs::write(
        &process,
        text.replace(
            "Delegate `test-implementer` with:",
            "Delegate `test-implementor` with:",
        ),
    )
    .unwrap();
    watching.wait_for("run 2:");
    assert!(
        watching.stdout().contains("interface/unknown-archetype"),
        "{}",
        watching.stdout()
    );
    // Another edit of the same archetype, elsewhere in it: the seam is still reported.
    let before = watching.stdout().len();
    let tenets = process.with_file_name("../ethos/principles.md");
    let principles = std::fs::read_to_string(&tenets).unwrap();
    std::fs::write(&tenets, format!("{principles}\n")).unwrap();
    watching.wait_for("run 3:");
    assert!(
        watching.stdout()[before..].contains("interface/unknown-archetype"),
        "{}",
        watching.stdout()
    );
    watching.interrupt();
}

#[test]
fn ctrl_c_during_a_push_lets_it_finish_whole_and_leaves_nothing_behind() {
    let scratch = Scratch::with_demo();
    // Enough archetypes that the push is still under way when the signal comes.
    for index in 0..150 {
        scratch.add_archetype("demo", &format!("skill-{index:03}"), DEMO_ARCHETYPE_YAML);
    }
    let target = scratch.path("installed");
    let target_arg = target.to_str().unwrap().to_string();
    let mut child = scratch
        .renkei_command(&["assemble", "--watch", "--push", "--target", &target_arg])
        .into_command()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // The push has begun once it holds the target's lock.
    while !target.join(".renkei.lock").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the push never began"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    interrupt(child.id());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    // Every skill is there whole: a check of the target against the doctrine is clean.
    scratch
        .renkei(&["assemble", "--check", "--target", &target_arg])
        .expect_code(0);
    nothing_left_behind(&target);
}

#[test]
fn a_templates_folder_made_while_watching_is_watched_from_then_on() {
    let scratch = Scratch::with_demo();
    assert!(!scratch.root().join("templates").exists());
    let watching = Watching::start(&scratch, &["check", "--watch", "--format", "concise"]);
    scratch.write(
        "root/templates/skill.md.tera",
        "# {{ title }}\n{{ nope }}\n",
    );
    watching.wait_for("run 2: files changed, ran everything again");
    assert!(
        watching.stdout().contains("assemble/render"),
        "{}",
        watching.stdout()
    );
    settle();
    // An edit inside the new folder is seen too.
    scratch.write(
        "root/templates/skill.md.tera",
        "# {{ title }}\n{% for part in parts %}\n{{ part.content }}\n{% endfor %}\n",
    );
    watching.wait_for("run 3: files changed, ran everything again");
    let (code, _, _) = watching.interrupt();
    assert_eq!(code, Some(0));
}

#[test]
fn the_readme_watch_lines_run_again_on_an_edit_as_pasted() {
    let block = crate::snippets::readme_block("Without an editor, `--watch`");
    let lines: Vec<&str> = block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 3, "{block}");
    for line in lines {
        let command = line.split('#').next().unwrap_or_default();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let scratch = Scratch::with_demo();
        let watching = Watching::start(&scratch, &args);
        scratch.write(
            "root/framework/archetypes/demo/hello-world/doctrine/process.md",
            "# Process\n\nRead the [output contract](output-contract.md) first.\n\n## Step 1: Work\n\nDo it well.\n",
        );
        watching.wait_for("run 2:");
        let (code, stdout, stderr) = watching.interrupt();
        assert_eq!(code, Some(0), "{line}\n{stdout}\n{stderr}");
        if args.contains(&"--push") {
            let installed = scratch.root().join(".claude/skills/hello-world/SKILL.md");
            assert!(
                std::fs::read_to_string(installed)
                    .unwrap()
                    .contains("Do it well.")
            );
        }
    }
}
