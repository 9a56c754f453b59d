//! The install manifest: which files in a target renkei wrote, and what it wrote.
//!
//! Stored as `.renkei-manifest` in the target folder, one `<sha256> <mode> <path>` line per
//! file, so it can be read and audited by hand. A path may have two hashes while a push is
//! under way (the old content and the new), so that a push interrupted between writing the
//! manifest and renaming a file still recognizes either content as its own. Ownership goes
//! by content alone: a mode is recorded for whoever audits the folder, and a file whose mode
//! someone changed is still renkei's to set back.
//!
//! A manifest written before modes were recorded (`v1`, `<sha256> <path>`) is still read;
//! its files count as regular, which is how renkei wrote them then.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use renkei_model::FileMode;
use sha2::{Digest, Sha256};

use crate::error::AssembleError;

/// File name of the manifest inside a target folder.
pub const MANIFEST_FILE: &str = ".renkei-manifest";
const HEADER: &str = "# renkei manifest v2: files renkei installed in this folder, the SHA-256 and mode of what it wrote.\n# renkei overwrites or prunes only files whose content still matches; do not edit by hand.\n";
/// How a manifest that records modes begins.
const V2: &str = "# renkei manifest v2";

/// Paths (relative to the target, `/`-separated) and the content hashes and modes renkei
/// wrote there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    entries: BTreeMap<String, BTreeSet<(String, FileMode)>>,
}

impl Manifest {
    /// Reads the manifest of `target`; a missing manifest is an empty one, a corrupt one is
    /// an error (never silently empty, which would disown every installed file).
    pub fn read(target: &Path) -> Result<Self, AssembleError> {
        let path = target.join(MANIFEST_FILE);
        let text = match renkei_model::read::read_file(&path) {
            Ok(bytes) => bytes,
            Err(renkei_model::ModelError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Ok(Self::default());
            }
            Err(error) => return Err(error.into()),
        };
        let corrupt = |line: usize, message: &str| AssembleError::CorruptManifest {
            path: path.clone(),
            line,
            message: message.to_string(),
        };
        let text = String::from_utf8(text).map_err(|_| corrupt(1, "not UTF-8"))?;
        let with_modes = text.starts_with(V2);
        let mut manifest = Self::default();
        for (index, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (hash, rest) = line.split_once(' ').ok_or_else(|| {
                corrupt(
                    index + 1,
                    if with_modes {
                        "expected `<sha256> <mode> <path>`"
                    } else {
                        "expected `<sha256> <path>`"
                    },
                )
            })?;
            let (mode, relative) = if with_modes {
                let (mode, relative) = rest
                    .split_once(' ')
                    .ok_or_else(|| corrupt(index + 1, "expected `<sha256> <mode> <path>`"))?;
                let mode = FileMode::parse(mode)
                    .ok_or_else(|| corrupt(index + 1, "mode is neither 0644 nor 0755"))?;
                (mode, relative)
            } else {
                (FileMode::Regular, rest)
            };
            if hash.len() != 64
                || !hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            {
                return Err(corrupt(index + 1, "hash is not 64 lowercase hex digits"));
            }
            check_relative_path(relative).map_err(|reason| corrupt(index + 1, &reason))?;
            manifest
                .entries
                .entry(relative.to_string())
                .or_default()
                .insert((hash.to_string(), mode));
        }
        Ok(manifest)
    }

    /// Writes the manifest into `target` atomically.
    pub fn write(&self, target: &Path) -> Result<(), AssembleError> {
        let mut text = String::from(HEADER);
        for (relative, written) in &self.entries {
            for (hash, mode) in written {
                let _ = writeln!(text, "{hash} {mode} {relative}");
            }
        }
        Ok(renkei_model::write::write_atomic(
            &target.join(MANIFEST_FILE),
            text.as_bytes(),
        )?)
    }

    /// Whether renkei wrote `bytes` at `relative` (the file is still as renkei left it).
    pub fn owns(&self, relative: &str, bytes: &[u8]) -> bool {
        self.entries.get(relative).is_some_and(|written| {
            let hash = content_hash(bytes);
            written.iter().any(|(written, _)| *written == hash)
        })
    }

    /// Whether the manifest lists `relative` at all.
    pub fn lists(&self, relative: &str) -> bool {
        self.entries.contains_key(relative)
    }

    /// Every listed path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Records that `bytes` with `mode` is (about to be) at `relative`, keeping earlier
    /// hashes.
    pub fn add(&mut self, relative: &str, bytes: &[u8], mode: FileMode) {
        self.entries
            .entry(relative.to_string())
            .or_default()
            .insert((content_hash(bytes), mode));
    }

    /// Records that exactly `bytes` with `mode` is at `relative`.
    pub fn set(&mut self, relative: &str, bytes: &[u8], mode: FileMode) {
        self.entries.insert(
            relative.to_string(),
            BTreeSet::from([(content_hash(bytes), mode)]),
        );
    }

    /// Forgets `relative`.
    pub fn remove(&mut self, relative: &str) {
        self.entries.remove(relative);
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Checks that `relative` names a file inside a skill folder of the target: `/`-separated
/// normal segments, the first a valid skill name. Everything renkei writes, reads from the
/// manifest, or deletes passes through here first.
pub fn check_relative_path(relative: &str) -> Result<(), String> {
    let mut segments = relative.split('/');
    let skill = segments.next().unwrap_or_default();
    renkei_model::name::validate_skill_name(skill)
        .map_err(|problem| format!("skill folder `{skill}`: {problem}"))?;
    let rest: Vec<&str> = segments.collect();
    if rest.is_empty() {
        return Err("path names a skill folder, not a file in it".to_string());
    }
    for segment in rest {
        let unsafe_segment = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains('\\')
            || segment.contains(':')
            || segment.chars().any(char::is_control);
        if unsafe_segment {
            return Err(format!(
                "segment `{segment}` is not a plain file or folder name"
            ));
        }
    }
    Ok(())
}

/// `relative` joined under `target`, after [`check_relative_path`].
pub fn target_path(target: &Path, relative: &str) -> Result<PathBuf, AssembleError> {
    check_relative_path(relative).map_err(|reason| AssembleError::UnsafePath {
        path: relative.to_string(),
        reason,
    })?;
    Ok(relative
        .split('/')
        .fold(target.to_path_buf(), |path, segment| path.join(segment)))
}
