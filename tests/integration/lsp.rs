//! `renkei lsp`: the editor-driven suite (pytest-lsp, a real client) and the protocol's
//! edges a well-behaved client never reaches, written as raw frames.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Scratch, repo_root};
use crate::tools::venv_bin;

#[test]
fn the_editor_suite_passes_with_a_real_lsp_client() {
    let output = Command::new(venv_bin().join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/lsp"])
        .current_dir(repo_root())
        .env("RENKEI_BIN", env!("CARGO_BIN_EXE_renkei"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pytest-lsp suite failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub(crate) fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// What the server wrote for `input` (sent whole, then stdin closed), its exit code and
/// its stderr; fails the test when it does not end within ten seconds.
fn serve(scratch: &Scratch, input: &[u8]) -> (Vec<Value>, Option<i32>, String) {
    serve_with(scratch.renkei_command(&["lsp"]).into_command(), input)
}

/// [`serve`] with the server started by `command`.
pub(crate) fn serve_with(mut command: Command, input: &[u8]) -> (Vec<Value>, Option<i32>, String) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("renkei lsp did not end: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    writer.join().unwrap();
    let bytes = reader.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let mut messages = Vec::new();
    let mut rest = bytes.as_slice();
    while let Some(at) = rest.windows(4).position(|window| window == b"\r\n\r\n") {
        let header = String::from_utf8_lossy(&rest[..at]);
        let length: usize = header
            .trim()
            .strip_prefix("Content-Length: ")
            .unwrap()
            .parse()
            .unwrap();
        let body = &rest[at + 4..at + 4 + length];
        messages.push(serde_json::from_slice(body).unwrap());
        rest = &rest[at + 4 + length..];
    }
    (messages, status.code(), stderr)
}

/// The frame that opens `text` as the Markdown buffer at `uri`.
pub(crate) fn open(uri: &str, text: &str) -> Vec<u8> {
    frame(&notification(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    ))
}

/// A hover request at the start of `uri`: the server checks the buffer before it answers.
pub(crate) fn hover(id: i64, uri: &str) -> Vec<u8> {
    frame(&request(
        id,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
    ))
}

pub(crate) fn request(id: i64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

pub(crate) fn notification(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

fn initialize() -> Vec<u8> {
    [
        frame(&request(1, "initialize", json!({"capabilities": {}}))),
        frame(&notification("initialized", json!({}))),
    ]
    .concat()
}

fn shutdown_and_exit() -> Vec<u8> {
    [
        frame(&request(99, "shutdown", Value::Null)),
        frame(&notification("exit", Value::Null)),
    ]
    .concat()
}

fn error_of(messages: &[Value], id: Value) -> i64 {
    let response = messages
        .iter()
        .find(|message| message["id"] == id && message.get("method").is_none())
        .unwrap_or_else(|| panic!("no response to {id}: {messages:#?}"));
    response["error"]["code"].as_i64().unwrap_or(0)
}

#[test]
fn the_lifecycle_is_the_protocols() {
    let scratch = Scratch::with_demo();
    let input = [
        frame(&request(0, "textDocument/hover", json!({}))),
        initialize(),
        frame(&request(2, "initialize", json!({"capabilities": {}}))),
        frame(&request(3, "workspace/symbol", json!({"query": ""}))),
        frame(&request(4, "textDocument/hover", json!({"position": 3}))),
        frame(&request(5, "shutdown", Value::Null)),
        frame(&request(6, "textDocument/documentLink", json!({}))),
        frame(&notification("exit", Value::Null)),
    ]
    .concat();
    let (messages, code, _) = serve(&scratch, &input);
    assert_eq!(error_of(&messages, json!(0)), -32002, "before initialize");
    let initialized = messages.iter().find(|message| message["id"] == 1).unwrap();
    assert_eq!(
        initialized["result"]["capabilities"]["positionEncoding"], "utf-16",
        "the protocol's default, for a client that offers nothing"
    );
    assert_eq!(error_of(&messages, json!(2)), -32600, "initialize twice");
    assert_eq!(error_of(&messages, json!(3)), -32601, "no such method");
    assert_eq!(error_of(&messages, json!(4)), -32602, "invalid params");
    assert_eq!(error_of(&messages, json!(5)), 0, "shutdown");
    assert_eq!(error_of(&messages, json!(6)), -32600, "after shutdown");
    assert_eq!(code, Some(0));
    // `exit` without `shutdown` first is exit code 1.
    let (_, code, _) = serve(
        &scratch,
        &[initialize(), frame(&notification("exit", Value::Null))].concat(),
    );
    assert_eq!(code, Some(1));
}

#[test]
fn malformed_messages_and_hostile_positions_get_errors_not_a_crash() {
    let scratch = Scratch::with_demo();
    let path = scratch
        .root()
        .join("framework/archetypes/demo/hello-world/doctrine/process.md");
    let uri = format!("file://{}", path.display());
    let mut input = initialize();
    input.extend(b"Content-Length: 9\r\n\r\n{not json");
    input.extend(frame(&json!({"jsonrpc": "2.0", "id": {"no": "id"}})));
    input.extend(open(&uri, "a😀\r\nb\rc"));
    let change = |range: Value| {
        frame(&notification(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range, "text": " intake "}]}),
        ))
    };
    // Past every line, inside a surrogate pair, reversed, and at u32's end.
    input.extend(change(json!({"start": {"line": 4_000_000_000_u32, "character": 0}, "end": {"line": 4_000_000_000_u32, "character": 9}})));
    input.extend(change(
        json!({"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 2}}),
    ));
    input.extend(change(
        json!({"start": {"line": 1, "character": 1}, "end": {"line": 0, "character": 0}}),
    ));
    input.extend(change(json!({"start": {"line": 0, "character": 4_294_967_295_u32}, "end": {"line": 0, "character": 4_294_967_295_u32}})));
    input.extend(frame(&notification(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "untitled:1", "version": 2}, "contentChanges": [{"text": "x"}]}),
    )));
    input.extend(frame(&notification(
        "textDocument/didOpen",
        json!({"textDocument": 7}),
    )));
    input.extend(frame(&request(
        7,
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 9, "character": 9}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    )));
    input.extend(frame(&request(
        8,
        "textDocument/definition",
        json!({"textDocument": {"uri": "file:///nowhere/at/all.md"}, "position": {"line": 0, "character": 0}}),
    )));
    input.extend(shutdown_and_exit());
    let (messages, code, stderr) = serve(&scratch, &input);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let unreadable: Vec<i64> = messages
        .iter()
        .filter(|message| message["id"].is_null() && message.get("error").is_some())
        .map(|message| message["error"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(unreadable, [-32700, -32600]);
    assert_eq!(error_of(&messages, json!(7)), 0);
    assert_eq!(error_of(&messages, json!(8)), 0);
    // Each change applied where it clamps: at the end of the text, at the emoji's start
    // (not inside its surrogate pair), over the reversed range put in order (which takes
    // the second away), at the end of the first line: three `intake`s are left.
    let published = messages
        .iter()
        .rev()
        .find(|message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
        })
        .unwrap();
    let rules: Vec<&str> = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules
            .iter()
            .filter(|rule| **rule == "vocabulary/intake")
            .count(),
        3,
        "{published:#}"
    );
    assert_eq!(code, Some(0));
}

#[test]
fn lost_framing_ends_the_server_with_an_error_at_once() {
    let scratch = Scratch::with_demo();
    for broken in [
        "Content-Length: 99999999999999\r\n\r\n{}".to_string(),
        "Content-Type: text\r\n\r\n{}".to_string(),
        format!("X: {}\r\n", "a".repeat(5000)),
    ] {
        let (_, code, stderr) = serve(&scratch, &[initialize(), broken.into_bytes()].concat());
        assert_eq!(code, Some(2), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_template_loop_no_cancellation_reaches_does_not_stall_the_server() {
    let scratch = Scratch::with_demo();
    // Loops over a list saved before: no `range` call and no write for the deadline's
    // cancellation to stop at.
    scratch.write(
        "root/templates/skill.md.tera",
        "{% set xs = range(end=100000) %}{% for i in xs %}{% for j in xs %}{% endfor %}{% endfor %}\n",
    );
    let path = scratch
        .root()
        .join("framework/archetypes/demo/hello-world/doctrine/process.md");
    let uri = format!("file://{}", path.display());
    let input = [
        initialize(),
        open(&uri, "# Process\n"),
        hover(2, &uri),
        frame(&request(
            3,
            "textDocument/documentLink",
            json!({"textDocument": {"uri": uri}}),
        )),
        shutdown_and_exit(),
    ]
    .concat();
    let mut command = scratch.renkei_command(&["lsp"]).into_command();
    command.env("RENKEI_RENDER_TIMEOUT_SECS", "1");
    let (messages, code, _) = serve_with(command, &input);
    let said = messages
        .iter()
        .find(|message| message["method"] == "window/showMessage")
        .unwrap_or_else(|| panic!("{messages:#?}"));
    assert!(
        said["params"]["message"]
            .as_str()
            .unwrap()
            .contains("did not finish within 6 s"),
        "{said}"
    );
    assert_eq!(error_of(&messages, json!(2)), 0);
    assert_eq!(error_of(&messages, json!(3)), 0);
    assert_eq!(code, Some(0));
}
