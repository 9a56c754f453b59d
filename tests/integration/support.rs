//! Scratch doctrine trees and a way to run the real binary against them.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A throwaway folder holding a doctrine root and a fake home.
pub(crate) struct Scratch {
    dir: TempDir,
}

impl Scratch {
    /// An empty scratch folder with `root/framework/archetypes/` and `home/`.
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("create scratch folder");
        fs::create_dir_all(dir.path().join("root/framework/archetypes")).unwrap();
        fs::create_dir_all(dir.path().join("home")).unwrap();
        Self { dir }
    }

    /// A scratch folder with one small, valid archetype `demo/hello-world`.
    pub(crate) fn with_demo() -> Self {
        let scratch = Self::new();
        scratch.add_archetype("demo", "hello-world", DEMO_ARCHETYPE_YAML);
        scratch
    }

    /// The doctrine root.
    pub(crate) fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    /// The fake `$HOME`.
    pub(crate) fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A path inside the scratch folder.
    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes `content` to `relative` (under the scratch folder), creating folders.
    pub(crate) fn write(&self, relative: &str, content: &str) {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }

    /// Adds an archetype with the demo doctrine files and the given `archetype.yaml`.
    pub(crate) fn add_archetype(&self, stage: &str, name: &str, yaml: &str) {
        let base = format!("root/framework/archetypes/{stage}/{name}");
        self.write(
            &format!("{base}/archetype.yaml"),
            &yaml.replace("hello-world", name),
        );
        self.write(
            &format!("{base}/ethos/tenets.md"),
            "# Tenets\n\n- Tests are proof obligations and precede implementation.\n",
        );
        self.write(
            &format!("{base}/doctrine/process.md"),
            "# Process\n\nRead the [output contract](output-contract.md) first.\n\n## Step 1: Work\n\nDo it.\n",
        );
        self.write(
            &format!("{base}/doctrine/output-contract.md"),
            "Output Contract\n===============\n\nSee [the report](../references/template.md#outcome).\n",
        );
        self.write(
            &format!("{base}/references/template.md"),
            "# Report\n\n## Outcome\n\n- Outcome: `complete` | `blocked`\n\nRules: [process](../doctrine/process.md).\n",
        );
    }

    /// `renkei ARGS` in the doctrine root with `HOME` pointing at the scratch home, for a
    /// test that needs more environment than [`Scratch::renkei`] sets.
    pub(crate) fn renkei_command(&self, args: &[&str]) -> Renkei {
        renkei_in(&self.root(), args).env("HOME", self.home())
    }

    /// Runs `renkei ARGS` in the doctrine root with `HOME` pointing at the scratch home.
    pub(crate) fn renkei(&self, args: &[&str]) -> Run {
        self.renkei_command(args).run()
    }
}

/// `renkei ARGS` run from `dir`, with no config variables inherited from the developer's
/// environment and no colour, so targets and output do not depend on who runs the tests.
/// `HOME` is inherited unless the test sets it.
pub(crate) fn renkei_in(dir: &Path, args: &[&str]) -> Renkei {
    renkei_program_in(dir, env!("CARGO_BIN_EXE_renkei"), args)
}

/// `PROGRAM ARGS` run from `dir` with the environment of [`renkei_in`], for a program that
/// runs renkei itself (such as `setpriv`).
pub(crate) fn renkei_program_in(dir: &Path, program: &str, args: &[&str]) -> Renkei {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .env("NO_COLOR", "1");
    Renkei(command)
}

/// `renkei --root ROOT ARGS` run from the repository, for a tree that is not a scratch root.
pub(crate) fn renkei_at(root: &Path, args: &[&str]) -> Renkei {
    let mut full = vec!["--root", root.to_str().expect("a UTF-8 root path")];
    full.extend_from_slice(args);
    renkei_in(&repo_root(), &full)
}

/// A `renkei` run being set up; see [`renkei_in`].
pub(crate) struct Renkei(Command);

impl Renkei {
    /// Removes an environment variable, such as the `NO_COLOR` [`renkei_in`] sets.
    pub(crate) fn env_remove(mut self, key: &str) -> Self {
        self.0.env_remove(key);
        self
    }

    /// Sets an environment variable, overriding what [`renkei_in`] set or removed.
    pub(crate) fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    /// Runs it to the end and captures what it printed.
    pub(crate) fn run(mut self) -> Run {
        Run::from(self.0.output().expect("run renkei"))
    }

    /// Runs it to the end, killing it and failing the test if it takes longer than
    /// `limit`, so that a hang fails instead of blocking the suite. Also returns its peak
    /// resident set size in KiB, the highest `VmHWM` read from `/proc/PID/status` while it
    /// ran (the high-water mark only grows, so any read after the peak sees it).
    pub(crate) fn run_watched(mut self, limit: std::time::Duration) -> (Run, u64) {
        use std::io::Read;
        use std::process::Stdio;
        let mut child = self
            .0
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start renkei");
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut pipe) = pipe {
                    let _ = pipe.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = drain(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let status_file = format!("/proc/{}/status", child.id());
        let started = std::time::Instant::now();
        let mut peak_kib = 0;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for renkei") {
                break status;
            }
            peak_kib = peak_kib.max(high_water_mark_kib(&status_file));
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("renkei did not finish within {limit:?}: it hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        };
        let output = Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        };
        (Run::from(output), peak_kib)
    }

    /// The command itself, for a test that spawns, kills or redirects it.
    pub(crate) fn into_command(self) -> Command {
        self.0
    }
}

/// `VmHWM` of a running process, in KiB; 0 once it has exited (or off Linux).
fn high_water_mark_kib(status_file: &str) -> u64 {
    let status = fs::read_to_string(status_file).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The demo archetype's configuration.
pub(crate) const DEMO_ARCHETYPE_YAML: &str = "name: hello-world\ndescription: Says hello to the world, carefully. Use when greeting.\nwhen_to_use: When a greeting is due.\nlicense: Apache-2.0\nmetadata:\n  stage: demo\n  version: \"1.0\"\n";

/// What a run printed and how it exited.
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panics with the output unless the exit code is `code`.
    pub(crate) fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Every file under `dir` with its bytes, for before/after comparisons.
pub(crate) fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    if dir.exists() {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                files.insert(
                    entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(entry.path()).unwrap(),
                );
            }
        }
    }
    files
}

/// The repository's own root.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces the scratch folder path in output so snapshots are stable.
pub(crate) fn redact(text: &str, scratch: &Scratch) -> String {
    text.replace(&scratch.path("").display().to_string(), "[scratch]/")
        .replace("[scratch]//", "[scratch]/")
}

/// Copies this repository's `framework/` into `root`, so a test can change it.
pub(crate) fn copy_framework(root: &Path) {
    copy_tree(&repo_root().join("framework"), &root.join("framework"));
}

/// Copies the tree at `source` to `target`.
pub(crate) fn copy_tree(source: &Path, target: &Path) {
    for entry in walkdir::WalkDir::new(source) {
        let entry = entry.unwrap();
        let to = target.join(entry.path().strip_prefix(source).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).unwrap();
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// `(rule, path after the archetype folder, line)` of every finding in JSON output.
pub(crate) fn findings(json: &str) -> std::collections::BTreeSet<(String, String, u64)> {
    let document: serde_json::Value = serde_json::from_str(json).unwrap();
    document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            let file = path
                .split("execution-lead/")
                .nth(1)
                .unwrap_or(path)
                .to_string();
            (
                d["rule"].as_str().unwrap().to_string(),
                file,
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Asserts that the file at `path` holds each of `expected`, showing the file when not.
pub(crate) fn assert_holds(path: &Path, expected: &[&str]) {
    let text =
        fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    for piece in expected {
        assert!(
            text.contains(piece),
            "{piece:?} not in {}:\n{text}",
            path.display()
        );
    }
}

/// Runs `command` with `input` on its stdin, as a pipe or an editor gives it, and waits.
pub(crate) fn output_with_stdin(mut command: Command, input: &[u8]) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    // A command that exits before reading it all closes the pipe; its output says why.
    let _ = child.stdin.take().expect("a piped stdin").write_all(input);
    child.wait_with_output().expect("wait for the command")
}
