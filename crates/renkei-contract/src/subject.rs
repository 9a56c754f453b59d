//! What a contract is checked against: one archetype's files, parsed when a rule asks.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use renkei_model::source::Kind;
use renkei_model::{
    Archetype, Diagnostic, Document, FileSource, Markdown, Overlay, RuleMeta, Severity, Walk,
};

use crate::config::Contract;
use crate::text::{Field, fields};

/// One archetype's Markdown files, by path relative to its folder: borrowed from the loaded
/// archetype, owned only for extra files a contract names. A file is parsed the first time a
/// rule asks for its document.
#[derive(Debug)]
pub struct Subject<'a> {
    /// The archetype's stage folder.
    pub stage: String,
    /// The archetype folder.
    pub dir: PathBuf,
    files: BTreeMap<String, Held<'a>>,
    /// Where the files the archetype did not load are looked for, by the rules that ask
    /// whether a link's target exists.
    source: Arc<dyn FileSource>,
}

/// A file of a subject, and its fields once a rule asks: several rules read the fields of
/// one template.
#[derive(Debug)]
struct Held<'a> {
    markdown: Cow<'a, Markdown>,
    fields: OnceLock<Vec<Field>>,
}

impl<'a> From<Cow<'a, Markdown>> for Held<'a> {
    fn from(markdown: Cow<'a, Markdown>) -> Self {
        Self {
            markdown,
            fields: OnceLock::new(),
        }
    }
}

impl<'a> Subject<'a> {
    /// The loaded files of `archetype`, plus any other file `contract` names that `walk`
    /// finds.
    pub fn new(walk: &Walk, archetype: &'a Archetype, contract: &Contract) -> Self {
        let mut files: BTreeMap<String, Held<'a>> = archetype
            .parts
            .iter()
            .chain(&archetype.shipped)
            .filter_map(|file| {
                let markdown = Cow::Borrowed(file.markdown()?);
                Some((file.relative.clone(), markdown.into()))
            })
            .collect();
        let named = contract
            .checks
            .iter()
            .flat_map(|(check, _)| [&check.file, &check.source, &check.target]);
        for relative in named.flatten() {
            let relative = &relative.value;
            if files.contains_key(relative) {
                continue;
            }
            let path = archetype.dir.join(relative);
            // A file that cannot be read or parsed counts as missing, and its check says so.
            if let Some(markdown) = walk
                .read_text(&path)
                .ok()
                .and_then(|text| Markdown::new(text).ok())
            {
                files.insert(relative.clone(), Held::from(Cow::Owned(markdown)));
            }
        }
        Self {
            stage: archetype.stage.clone(),
            dir: archetype.dir.clone(),
            files,
            source: Arc::clone(walk.source()),
        }
    }

    /// A subject made of in-memory documents and nothing else, for tests and for report
    /// checks.
    pub fn from_documents(
        stage: &str,
        dir: &Path,
        files: impl IntoIterator<Item = (String, Document)>,
    ) -> Self {
        let files: BTreeMap<String, Held<'a>> = files
            .into_iter()
            .map(|(relative, document)| {
                (relative, Held::from(Cow::Owned(Markdown::from(document))))
            })
            .collect();
        let mut held = Overlay::default();
        for (relative, file) in &files {
            held.insert(dir.join(relative), file.markdown.text());
        }
        Self {
            stage: stage.to_string(),
            dir: dir.to_path_buf(),
            files,
            source: Arc::new(held),
        }
    }

    /// What is at `path` (the archetype folder joined with a link's target), as the
    /// source resolves it.
    pub fn kind(&self, path: &Path) -> Option<Kind> {
        self.source.kind(path)
    }

    /// The document at `relative`, if the archetype has it.
    pub fn document(&self, relative: &str) -> Option<&Document> {
        self.files
            .get(relative)
            .map(|file| file.markdown.document())
    }

    /// The [`fields`] of the document at `relative`, read once however many rules ask;
    /// none when the archetype has no such file.
    pub fn fields(&self, relative: &str) -> &[Field] {
        self.files.get(relative).map_or(&[], |file| {
            file.fields.get_or_init(|| fields(file.markdown.document()))
        })
    }

    /// Whether the archetype has a Markdown file at `relative`.
    pub fn has(&self, relative: &str) -> bool {
        self.files.contains_key(relative)
    }

    /// Every Markdown file, by relative path, not yet parsed.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Markdown)> {
        self.files
            .iter()
            .map(|(relative, file)| (relative.as_str(), &*file.markdown))
    }

    /// The file's path on disk.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }
}

/// Builds the diagnostics of one check, so every rule reports the same way: with its id and
/// severity.
pub(crate) struct Reporter<'a> {
    rule: Cow<'static, str>,
    severity: Severity,
    pub(crate) path: PathBuf,
    pub(crate) document: Option<&'a Document>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(rule: &RuleMeta, path: PathBuf, document: Option<&'a Document>) -> Self {
        Self {
            rule: rule.id.clone(),
            severity: rule.severity,
            path,
            document,
            diagnostics: Vec::new(),
        }
    }

    /// A finding at `range` of the document.
    pub(crate) fn at(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let diagnostic = match self.document {
            Some(document) => Diagnostic::at(
                self.rule.clone(),
                self.severity,
                &self.path,
                &document.source,
                document.lines(),
                range,
                message,
            ),
            None => Diagnostic::whole_file(self.rule.clone(), self.severity, &self.path, message),
        };
        self.diagnostics.push(Diagnostic { help, ..diagnostic });
    }

    /// A finding about something missing from the file: line 1.
    pub(crate) fn missing(&mut self, message: impl Into<String>, help: Option<String>) {
        let diagnostic =
            Diagnostic::whole_file(self.rule.clone(), self.severity, &self.path, message);
        self.diagnostics.push(Diagnostic { help, ..diagnostic });
    }
}
