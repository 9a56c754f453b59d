//! The README's editor setups, as pasted: each is read the way its editor reads it (JSON,
//! Lua run by a Lua interpreter, TOML, a Zed extension compiled against its API), and the
//! command it would start is started, in a doctrine root, and must report a banned word
//! typed into a buffer.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::lsp::{frame, hover, notification, open, request, serve_with};
use crate::snippets::readme_block;
use crate::support::copy_framework;
use crate::tools::venv_bin;

/// Starts `command` with `args` as an editor would (the built `renkei` on `PATH`, in a
/// copy of this repository's framework), opens a buffer holding a banned word, and
/// checks the finding comes back and the server shuts down cleanly.
fn editor_starts_a_working_server(command: &str, args: &[String]) {
    let root = tempfile::tempdir().unwrap();
    copy_framework(root.path());
    let file = root
        .path()
        .join("framework/archetypes/execution/execution-lead/doctrine/process.md");
    let uri = format!("file://{}", file.display());
    let bin = Path::new(env!("CARGO_BIN_EXE_renkei")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut server = Command::new(command);
    server.args(args).current_dir(root.path()).env("PATH", path);
    let input = [
        frame(&request(
            1,
            "initialize",
            json!({"capabilities": {}, "rootUri": format!("file://{}", root.path().display())}),
        )),
        frame(&notification("initialized", json!({}))),
        open(&uri, "# Process\n\nThe intake.\n"),
        hover(2, &uri),
        frame(&request(3, "shutdown", Value::Null)),
        frame(&notification("exit", Value::Null)),
    ]
    .concat();
    let (messages, code, stderr) = serve_with(server, &input);
    let found = messages.iter().any(|message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == uri
            && message["params"]["diagnostics"]
                .as_array()
                .is_some_and(|found| found.iter().any(|d| d["code"] == "vocabulary/intake"))
    });
    assert!(found, "{command} {args:?}: {messages:#?}\n{stderr}");
    assert_eq!(code, Some(0), "{stderr}");
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|item| item.as_str().unwrap().to_string())
        .collect()
}

/// `script` run by the test tools' Python, given `input` on stdin; its stdout as JSON.
fn python(script: &str, input: &str) -> Value {
    use std::io::Write;
    let mut child = Command::new(venv_bin().join("python"))
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn toml(text: &str) -> Value {
    python(
        "import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))",
        text,
    )
}

#[test]
fn the_vs_code_settings_start_renkei_for_markdown() {
    let settings: Value = serde_json::from_str(&readme_block("**VS Code**")).unwrap();
    assert_eq!(strings(&settings["glspc.server.languageId"]), ["markdown"]);
    editor_starts_a_working_server(
        settings["glspc.server.command"].as_str().unwrap(),
        &strings(&settings["glspc.server.commandArguments"]),
    );
}

#[test]
fn the_neovim_config_runs_in_lua_and_starts_renkei_for_markdown() {
    // Neovim's `vim.lsp.config` and `vim.lsp.enable`, recording what the snippet asks.
    let script = r#"
import json, sys
from lupa import LuaRuntime
lua = LuaRuntime(unpack_returned_tuples=True)
lua.execute('''
  recorded = { configs = {}, enabled = {} }
  vim = { lsp = {
    config = function(name, config) recorded.configs[name] = config end,
    enable = function(name) table.insert(recorded.enabled, name) end,
  } }
''')
lua.execute(sys.stdin.read())
def plain(value):
    if hasattr(value, "items"):
        items = dict(value.items())
        if items and all(isinstance(k, int) for k in items):
            return [plain(items[k]) for k in sorted(items)]
        return {k: plain(v) for k, v in items.items()}
    return value
print(json.dumps(plain(lua.globals().recorded)))
"#;
    let recorded = python(script, &readme_block("**Neovim**"));
    assert_eq!(strings(&recorded["enabled"]), ["renkei"]);
    let config = &recorded["configs"]["renkei"];
    assert_eq!(strings(&config["filetypes"]), ["markdown"]);
    assert!(strings(&config["root_markers"]).contains(&"renkei.yaml".to_string()));
    let cmd = strings(&config["cmd"]);
    editor_starts_a_working_server(&cmd[0], &cmd[1..]);
}

#[test]
fn the_helix_config_starts_renkei_for_markdown() {
    let config = toml(&readme_block("**Helix**"));
    let server = &config["language-server"]["renkei"];
    let markdown = config["language"]
        .as_array()
        .unwrap()
        .iter()
        .find(|language| language["name"] == "markdown")
        .unwrap();
    assert!(strings(&markdown["language-servers"]).contains(&"renkei".to_string()));
    editor_starts_a_working_server(
        server["command"].as_str().unwrap(),
        &strings(&server["args"]),
    );
}

#[test]
fn the_zed_extension_compiles_against_zeds_api_and_starts_renkei_for_markdown() {
    let manifest = toml(&readme_block("**Zed** starts only"));
    assert_eq!(
        strings(&manifest["language_servers"]["renkei"]["languages"]),
        ["Markdown"]
    );
    let extension = tempfile::tempdir().unwrap();
    let cargo_toml = readme_block("this `Cargo.toml`");
    let lib = readme_block("and this `src/lib.rs`");
    std::fs::create_dir_all(extension.path().join("src")).unwrap();
    std::fs::write(extension.path().join("Cargo.toml"), &cargo_toml).unwrap();
    std::fs::write(extension.path().join("src/lib.rs"), &lib).unwrap();
    // Its own target folder, kept between runs: the API and its bindings build once.
    let target: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("zed-extension");
    let checked = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--manifest-path"])
        .arg(extension.path().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(extension.path())
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "the README's Zed extension does not compile:\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    // What `language_server_command` returns: `renkei` found on PATH, with `lsp`.
    assert!(lib.contains(r#".which("renkei")"#) && lib.contains(r#"args: vec!["lsp".into()]"#));
    editor_starts_a_working_server("renkei", &["lsp".to_string()]);
}
