//! The `lsp` suite: `renkei lsp` driven over its pipes as an editor drives it. Start-up to
//! the `initialize` answer; the findings of a 5,000-line doctrine file after a
//! one-character edit; resident memory over 10,000 edits.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Options, Tools};
use crate::corpus::large::large_document;

/// Lines of the edited file.
const LINES: usize = 5_000;
/// Timed one-character edits (after as many untimed ones).
const TIMED_EDITS: usize = 300;
/// Edits over which memory must stay flat.
const MEMORY_EDITS: usize = 10_000;

const EDIT_TARGET_MS: f64 = 10.0;
const START_TARGET_MS: f64 = 20.0;
/// Growth of resident memory from the first thousand edits to the last that still counts
/// as flat: allocator noise, not a leak (a leak of one line per edit would be megabytes).
const FLAT_GROWTH: f64 = 0.10;

/// A server over its pipes.
struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start(renkei: &Path, dir: &Path) -> Result<Self, String> {
        let mut child = Command::new(renkei)
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("{}: {error}", renkei.display()))?;
        let input = child.stdin.take().ok_or("no stdin")?;
        let output = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(Self {
            child,
            input,
            output,
            next_id: 0,
        })
    }

    fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.input.flush())
            .map_err(|error| format!("writing to renkei lsp: {error}"))
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and reads until its answer, passing over notifications.
    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        loop {
            let message = self.read()?;
            if message["id"] == id && message.get("method").is_none() {
                return Ok(message);
            }
        }
    }

    fn read(&mut self) -> Result<Value, String> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            if self
                .output
                .read_line(&mut line)
                .map_err(|e| e.to_string())?
                == 0
            {
                return Err("renkei lsp closed its output".to_string());
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().map_err(|_| format!("bad header {line:?}"))?;
            }
        }
        let mut body = vec![0; length];
        self.output
            .read_exact(&mut body)
            .map_err(|error| error.to_string())?;
        serde_json::from_slice(&body).map_err(|error| error.to_string())
    }

    fn initialize(&mut self, root: &Path) -> Result<(), String> {
        self.request(
            "initialize",
            json!({"capabilities": {"general": {"positionEncodings": ["utf-8"]}}, "rootUri": format!("file://{}", root.display())}),
        )?;
        self.notify("initialized", json!({}))
    }

    /// `VmRSS` and `VmHWM` in KiB, from `/proc`.
    fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn stop(mut self) -> Result<(), String> {
        self.request("shutdown", Value::Null)?;
        self.notify("exit", Value::Null)?;
        self.child.wait().map_err(|error| error.to_string())?;
        Ok(())
    }
}

/// Runs the suite; returns its table and verdicts.
pub(super) fn run(tools: &Tools, bench_dir: &Path, options: &Options) -> Result<String, String> {
    let dir = bench_dir.join("lsp");
    let document = large_document(options.seed, 120 * LINES);
    let text: String = document.text.split_inclusive('\n').take(LINES).collect();
    let file = dir.join(&document.path);
    let archetype = file
        .ancestors()
        .nth(2)
        .ok_or("the large document has no archetype folder")?;
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::write(path, text))
            .map_err(|error| format!("{}: {error}", path.display()))
    };
    write(&archetype.join("archetype.yaml"), &document.config)?;
    write(&file, &text)?;
    let uri = format!("file://{}", file.display());

    let starts = options.runs.max(20);
    let mut start_ms = Vec::with_capacity(starts);
    for _ in 0..starts {
        let started = Instant::now();
        let mut server = Server::start(&tools.renkei, &dir)?;
        server.initialize(&dir)?;
        start_ms.push(millis(started.elapsed()));
        server.stop()?;
    }

    let mut server = Server::start(&tools.renkei, &dir)?;
    server.initialize(&dir)?;
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    )?;
    let mut version = 1;
    // Inserts a character, then takes it away, so that the text stays the same size; each
    // is followed by a request, which the server answers only once the edit is checked.
    let mut edit = |server: &mut Server, index: usize| -> Result<Duration, String> {
        version += 1;
        let line = (index / 2 * 37) % LINES;
        let change = if index.is_multiple_of(2) {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}, "text": ""})
        };
        let started = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        )?;
        server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        )?;
        Ok(started.elapsed())
    };
    for index in 0..TIMED_EDITS {
        edit(&mut server, index)?;
    }
    let mut edit_ms = Vec::with_capacity(TIMED_EDITS);
    for index in 0..TIMED_EDITS {
        edit_ms.push(millis(edit(&mut server, index)?));
    }
    let mut after_first_thousand = (0, 0);
    for index in 0..MEMORY_EDITS {
        edit(&mut server, index)?;
        if index + 1 == 1_000 {
            after_first_thousand = server.memory_kib();
        }
    }
    let at_end = server.memory_kib();
    server.stop()?;

    let edit_p95 = percentile(&mut edit_ms, 0.95);
    let edit_p50 = percentile(&mut edit_ms, 0.50);
    let start_p50 = percentile(&mut start_ms, 0.50);
    let start_p95 = percentile(&mut start_ms, 0.95);
    let growth = at_end.0 as f64 / after_first_thousand.0.max(1) as f64 - 1.0;
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    let mut out = format!(
        "## lsp: `renkei lsp` over its pipes, a {LINES}-line doctrine file of {:.0} KB\n\n",
        text.len() as f64 / 1e3
    );
    out.push_str("| measurement | median | p95 | target |\n|---|---:|---:|---|\n");
    let _ = writeln!(
        out,
        "| start to the `initialize` answer ({starts} starts) | {start_p50:.1} ms | {start_p95:.1} ms | under {START_TARGET_MS:.0} ms: {} |",
        verdict(start_p95 < START_TARGET_MS)
    );
    let _ = writeln!(
        out,
        "| one-character edit to its findings ({TIMED_EDITS} edits) | {edit_p50:.2} ms | {edit_p95:.2} ms | at most {EDIT_TARGET_MS:.0} ms at p95: {} |",
        verdict(edit_p95 <= EDIT_TARGET_MS)
    );
    let _ = writeln!(
        out,
        "\nResident memory after 1,000 edits {:.1} MB, after {MEMORY_EDITS} {:.1} MB ({:+.1}%; peak {:.1} MB): flat within {:.0}%: {}.",
        after_first_thousand.0 as f64 / 1024.0,
        at_end.0 as f64 / 1024.0,
        growth * 100.0,
        at_end.1 as f64 / 1024.0,
        FLAT_GROWTH * 100.0,
        verdict(growth <= FLAT_GROWTH)
    );
    Ok(out)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The `fraction` percentile of `values`, nearest rank.
fn percentile(values: &mut [f64], fraction: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() as f64 * fraction).ceil() as usize).clamp(1, values.len().max(1));
    values.get(rank - 1).copied().unwrap_or(0.0)
}
