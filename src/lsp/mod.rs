//! `renkei lsp`: a Language Server over stdio. It shows what `renkei check` reports (or
//! `renkei lint`, for a file outside any doctrine root) on the text of the open buffers,
//! offers the findings' fixes and suppressions as code actions, explains a rule on hover,
//! and follows relative links.
//!
//! One thread reads frames and hands them on; the main thread owns the output and the
//! state, and answers in order. An edit is checked once typing pauses ([`DEBOUNCE`]), and
//! then only its archetype, with its seams against the other archetypes as last read;
//! opening or saving a file, or a watched file changing, checks the whole root. Before a
//! code action or a hover is answered, pending checks run, so neither works from findings
//! older than the buffer. Checks run on a worker thread under a deadline, so that a
//! template that loops cannot stall the server for good.

mod diagnose;
mod features;
mod text;
mod transport;
mod uri;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notifications, Notification as _};
use lsp_types::request::{self as requests, Request as _};
use renkei_contract::interface::Interface;
use serde::de::DeserializeOwned;
use serde_json::Value;

use diagnose::{Doc, Found, Origin, Scope};
use text::Encoding;
use transport::Incoming;

/// How long typing must pause before an edit is checked.
pub const DEBOUNCE: Duration = Duration::from_millis(120);

/// The configuration files whose change a running server picks up: the project's, each
/// archetype's and each contract, besides the doctrine and the templates.
const WATCHED: &[&str] = &[
    "**/renkei.yaml",
    "**/archetype.yaml",
    "**/contract.yaml",
    "**/*.md",
    "**/templates/**",
];

/// Serves the protocol on `input` and `output` until the client sends `exit`. Returns
/// whether the client asked for shutdown first, which makes the exit code 0; an error when
/// the input's framing is lost, after which no message can be read.
pub fn serve(input: impl BufRead + Send + 'static, output: impl Write) -> io::Result<bool> {
    let (sender, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = input;
        loop {
            let read = transport::read(&mut input);
            let last = !matches!(read, Ok(Some(_)));
            if sender.send(read).is_err() || last {
                break;
            }
        }
    });
    let mut server = Server::new(output);
    loop {
        let next = match server.due() {
            // Messages already queued go first, so that files opened together are checked
            // once; then the run that is due, which a stream of messages cannot hold back
            // past its time.
            Some(due) if due <= Instant::now() => match incoming.try_recv() {
                Ok(next) => next,
                Err(mpsc::TryRecvError::Empty) => {
                    server.diagnose_due(false)?;
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => return Ok(false),
            },
            Some(due) => match incoming.recv_timeout(due.saturating_duration_since(Instant::now()))
            {
                Ok(next) => next,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    server.diagnose_due(false)?;
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(false),
            },
            None => match incoming.recv() {
                Ok(next) => next,
                Err(mpsc::RecvError) => return Ok(false),
            },
        };
        match next {
            Ok(Some(Incoming::Message(message))) => {
                if let Some(shut_down) = server.handle(message)? {
                    return Ok(shut_down);
                }
            }
            Ok(Some(Incoming::Malformed(code, message))) => {
                transport::write_unreadable(&mut server.output, code, &message)?;
            }
            // The client went away without `exit`.
            Ok(None) => return Ok(false),
            // The framing is lost: nothing after it can be read as a message.
            Err(error) => return Err(error),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server<W> {
    output: W,
    lifecycle: Lifecycle,
    encoding: Encoding,
    /// Whether the client can be asked to watch files.
    can_watch: bool,
    docs: BTreeMap<PathBuf, Doc>,
    /// The roots seen so far (`None` for open files under no root), each with its
    /// findings.
    found: BTreeMap<Option<PathBuf>, Vec<Found>>,
    /// What was last published per file.
    published: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// Runs waiting: per root, what to check, and from when.
    pending: BTreeMap<Option<PathBuf>, (Scope, Instant)>,
    /// The thread checks run on, once one has run.
    worker: Option<Worker>,
    /// What the last whole check of each root learned of its archetypes.
    known: BTreeMap<Option<PathBuf>, Known>,
    /// Roots whose check never finished (a template loop); they are not checked again
    /// until a watched file (a template, say) changes.
    stalled: BTreeSet<Option<PathBuf>>,
    next_request: i32,
}

/// A check to run, on the worker.
type Job = Box<dyn FnOnce() -> diagnose::Report + Send>;

/// The thread checks run on, kept from one check to the next (a thread per check would
/// give the allocator a new arena to grow each time). A worker a check never came back
/// from is dropped, its thread left to the loop it is in, and the next check starts a
/// new one.
struct Worker {
    jobs: mpsc::Sender<Job>,
    done: mpsc::Receiver<diagnose::Report>,
}

impl Worker {
    fn start() -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (finished, done) = mpsc::channel();
        std::thread::spawn(move || {
            for job in queue {
                if finished.send(job()).is_err() {
                    break;
                }
            }
        });
        Self { jobs, done }
    }

    /// Hands `job` on; a worker whose thread is gone answers nothing, which the wait for
    /// the report sees.
    fn send(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}

/// A root's archetypes as its checks read them.
#[derive(Default)]
struct Known {
    /// Each archetype folder the walk gave.
    dirs: BTreeSet<PathBuf>,
    /// Each loaded archetype's side of the seams.
    sides: BTreeMap<PathBuf, Interface>,
}

/// A request's failure, as the response carries it.
struct Failure(ErrorCode, String);

impl<W: Write> Server<W> {
    fn new(output: W) -> Self {
        Self {
            output,
            lifecycle: Lifecycle::Uninitialized,
            encoding: Encoding::Utf16,
            can_watch: false,
            docs: BTreeMap::new(),
            found: BTreeMap::new(),
            published: BTreeMap::new(),
            pending: BTreeMap::new(),
            worker: None,
            known: BTreeMap::new(),
            stalled: BTreeSet::new(),
            next_request: 0,
        }
    }

    fn send(&mut self, message: impl Into<Message>) -> io::Result<()> {
        transport::write(&mut self.output, &message.into())
    }

    fn notify<N: notifications::Notification>(&mut self, params: N::Params) -> io::Result<()> {
        self.send(Notification::new(N::METHOD.to_string(), params))
    }

    /// Handles one message; `Some` when the client sent `exit`, with whether it had asked
    /// for shutdown first.
    fn handle(&mut self, message: Message) -> io::Result<Option<bool>> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let answer = catch_unwind(AssertUnwindSafe(|| self.answer(request)))
                    .unwrap_or_else(|_| {
                        Ok(Err(Failure(
                            ErrorCode::InternalError,
                            "renkei failed on this request; the server goes on".to_string(),
                        )))
                    });
                let response = match answer {
                    Ok(Ok(result)) => Response::new_ok(id, result),
                    Ok(Err(Failure(code, message))) => Response::new_err(id, code as i32, message),
                    Err(error) => return Err(error),
                };
                self.send(response)?;
                Ok(None)
            }
            Message::Notification(notification) if notification.method == "exit" => {
                Ok(Some(self.lifecycle == Lifecycle::ShutDown))
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                match catch_unwind(AssertUnwindSafe(|| self.on_notification(notification))) {
                    Ok(result) => result?,
                    Err(_) => {
                        self.log(&format!("renkei failed on `{method}`; the server goes on"))?
                    }
                }
                Ok(None)
            }
            // Answers to what this server asked (registering watched files).
            Message::Response(_) => Ok(None),
        }
    }

    fn log(&mut self, message: &str) -> io::Result<()> {
        self.notify::<notifications::LogMessage>(lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.to_string(),
        })
    }

    /// The result of `request`, or why there is none; an error writing is the outer one.
    fn answer(&mut self, request: Request) -> io::Result<Result<Value, Failure>> {
        let method = request.method.as_str();
        match (self.lifecycle, method) {
            (Lifecycle::Uninitialized, requests::Initialize::METHOD) => {
                return Ok(params::<lsp_types::InitializeParams>(request.params)
                    .map(|params| self.initialize(&params)));
            }
            (Lifecycle::Uninitialized, _) => {
                return Ok(Err(Failure(
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized yet".to_string(),
                )));
            }
            (Lifecycle::ShutDown, _) => {
                return Ok(Err(Failure(
                    ErrorCode::InvalidRequest,
                    "the server is shut down; only `exit` is answered".to_string(),
                )));
            }
            (Lifecycle::Running, requests::Initialize::METHOD) => {
                return Ok(Err(Failure(
                    ErrorCode::InvalidRequest,
                    "the server is initialized already".to_string(),
                )));
            }
            (Lifecycle::Running, requests::Shutdown::METHOD) => {
                self.lifecycle = Lifecycle::ShutDown;
                return Ok(Ok(Value::Null));
            }
            (Lifecycle::Running, _) => {}
        }
        // Code actions and hover answer from findings, which must be as fresh as the
        // buffers; links need only the buffer, and running pending checks for them would
        // undo the debounce, since editors ask for links after every keystroke.
        if matches!(
            method,
            requests::CodeActionRequest::METHOD | requests::HoverRequest::METHOD
        ) {
            self.diagnose_due(true)?;
        }
        let answer = match method {
            requests::CodeActionRequest::METHOD => params(request.params).map(|params| {
                features::code_actions(&params, &self.docs, &self.found, self.encoding)
            }),
            requests::HoverRequest::METHOD => params(request.params)
                .map(|params| features::hover(&params, &self.docs, &self.found)),
            requests::GotoDefinition::METHOD => params(request.params)
                .map(|params| features::definition(&params, &self.docs, self.encoding)),
            requests::DocumentLinkRequest::METHOD => params(request.params)
                .map(|params| features::document_links(&params, &self.docs, self.encoding)),
            _ => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("renkei does not answer `{method}`"),
            )),
        };
        Ok(answer)
    }

    fn initialize(&mut self, params: &lsp_types::InitializeParams) -> Value {
        let general = params.capabilities.general.as_ref();
        self.encoding =
            Encoding::negotiate(general.and_then(|general| general.position_encodings.as_deref()));
        self.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|workspace| workspace.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        self.lifecycle = Lifecycle::Running;
        serde_json::json!({
            "capabilities": features::capabilities(self.encoding),
            "serverInfo": { "name": "renkei", "version": env!("RENKEI_VERSION") },
        })
    }

    fn on_notification(&mut self, notification: Notification) -> io::Result<()> {
        if self.lifecycle != Lifecycle::Running {
            return Ok(());
        }
        let method = notification.method.as_str();
        let read = |failure: Failure| failure.1;
        match method {
            notifications::Initialized::METHOD => return self.watch_files(),
            notifications::DidOpenTextDocument::METHOD => {
                match params::<lsp_types::DidOpenTextDocumentParams>(notification.params) {
                    Ok(opened) => self.open(opened.text_document),
                    Err(failure) => return self.log(&read(failure)),
                }
            }
            notifications::DidChangeTextDocument::METHOD => {
                match params::<lsp_types::DidChangeTextDocumentParams>(notification.params) {
                    Ok(changed) => self.change(changed),
                    Err(failure) => return self.log(&read(failure)),
                }
            }
            notifications::DidSaveTextDocument::METHOD => {
                match params::<lsp_types::DidSaveTextDocumentParams>(notification.params) {
                    Ok(saved) => {
                        if let Some(path) = uri::path_of(&saved.text_document.uri) {
                            self.template_changed(&path);
                            self.schedule(&path, Scope::Whole, Duration::ZERO);
                        }
                    }
                    Err(failure) => return self.log(&read(failure)),
                }
            }
            notifications::DidCloseTextDocument::METHOD => {
                match params::<lsp_types::DidCloseTextDocumentParams>(notification.params) {
                    Ok(closed) => {
                        if let Some(path) = uri::path_of(&closed.text_document.uri) {
                            self.docs.remove(&path);
                            self.schedule(&path, Scope::Whole, Duration::ZERO);
                        }
                    }
                    Err(failure) => return self.log(&read(failure)),
                }
            }
            notifications::DidChangeWatchedFiles::METHOD => {
                match params::<lsp_types::DidChangeWatchedFilesParams>(notification.params) {
                    Ok(watched) => {
                        for change in watched.changes {
                            if let Some(path) = uri::path_of(&change.uri) {
                                // A `renkei.yaml` come or gone may move a file's root.
                                if path.file_name().is_some_and(|name| name == "renkei.yaml") {
                                    for (open, doc) in &mut self.docs {
                                        doc.root = root_of(open);
                                    }
                                }
                                self.template_changed(&path);
                                self.schedule(&path, Scope::Whole, DEBOUNCE);
                            }
                        }
                    }
                    Err(failure) => return self.log(&read(failure)),
                }
            }
            // `$/cancelRequest`, `$/setTrace`, settings: nothing to do, nothing to answer.
            _ => {}
        }
        Ok(())
    }

    /// A root whose check a template kept looping is checked again once one of its
    /// templates changes: it may be fixed now. Nothing else clears it, since every check
    /// of a root whose template still loops costs the deadline and a thread.
    fn template_changed(&mut self, path: &Path) {
        let root = root_of(path);
        let is_template = root
            .as_deref()
            .is_some_and(|root| path.starts_with(root.join("templates")));
        if is_template {
            self.stalled.remove(&root);
        }
    }

    /// Asks the client to tell the server when configuration, doctrine or templates change
    /// on disk, which an editor's buffers alone would not show.
    fn watch_files(&mut self) -> io::Result<()> {
        if !self.can_watch {
            return Ok(());
        }
        let watchers: Vec<lsp_types::FileSystemWatcher> = WATCHED
            .iter()
            .map(|glob| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String((*glob).to_string()),
                kind: None,
            })
            .collect();
        let registration = lsp_types::Registration {
            id: "renkei-watched-files".to_string(),
            method: notifications::DidChangeWatchedFiles::METHOD.to_string(),
            register_options: Some(serde_json::json!({ "watchers": watchers })),
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("renkei-{}", self.next_request)),
            requests::RegisterCapability::METHOD.to_string(),
            lsp_types::RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(request)
    }

    fn open(&mut self, item: lsp_types::TextDocumentItem) {
        let Some(path) = uri::path_of(&item.uri) else {
            return;
        };
        self.docs.insert(
            path.clone(),
            Doc {
                uri: item.uri,
                root: root_of(&path),
                version: item.version,
                text: item.text,
            },
        );
        self.schedule(&path, Scope::Whole, Duration::ZERO);
    }

    fn change(&mut self, changed: lsp_types::DidChangeTextDocumentParams) {
        let Some(path) = uri::path_of(&changed.text_document.uri) else {
            return;
        };
        let encoding = self.encoding;
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        doc.version = changed.text_document.version;
        for change in changed.content_changes {
            text::apply_change(&mut doc.text, change, encoding);
        }
        // Markdown is checked within its archetype, as the last whole check found them;
        // a configuration, a template or a file in no archetype concerns every archetype.
        let root = doc.root.clone();
        let archetype = self.known.get(&root).and_then(|known| {
            path.ancestors()
                .skip(1)
                .find(|dir| known.dirs.contains(*dir))
                .map(Path::to_path_buf)
        });
        let scope = match archetype {
            Some(archetype) if path.extension().is_some_and(|extension| extension == "md") => {
                Scope::Archetype(archetype)
            }
            _ => Scope::Whole,
        };
        self.schedule(&path, scope, DEBOUNCE);
    }

    /// Plans a run over the root of `path`, `delay` from now; two plans for one root
    /// become one run over what both cover, at the later time.
    fn schedule(&mut self, path: &Path, scope: Scope, delay: Duration) {
        let root = match self.docs.get(path) {
            Some(doc) => doc.root.clone(),
            None => root_of(path),
        };
        let is_known =
            self.found.contains_key(&root) || self.docs.values().any(|open| open.root == root);
        if !is_known {
            return;
        }
        let due = Instant::now() + delay;
        let planned = match self.pending.remove(&root) {
            Some((earlier, _)) if earlier == scope => scope,
            Some(_) => Scope::Whole,
            None => scope,
        };
        self.pending.insert(root, (planned, due));
    }

    /// When the next planned run is due.
    fn due(&self) -> Option<Instant> {
        self.pending.values().map(|(_, due)| *due).min()
    }

    /// Runs the planned checks that are due (all of them with `all`), and publishes what
    /// changed.
    fn diagnose_due(&mut self, all: bool) -> io::Result<()> {
        let now = Instant::now();
        let due: Vec<Option<PathBuf>> = self
            .pending
            .iter()
            .filter(|(_, (_, due))| all || *due <= now)
            .map(|(root, _)| root.clone())
            .collect();
        let mut messages = Vec::new();
        for root in due {
            let Some((scope, _)) = self.pending.remove(&root) else {
                continue;
            };
            let open: Vec<PathBuf> = self
                .docs
                .iter()
                .filter(|(_, doc)| doc.root == root)
                .map(|(path, _)| path.clone())
                .collect();
            let Some(report) = self.run_bounded(root.as_deref(), open, scope.clone())? else {
                continue;
            };
            let found = self.found.entry(root.clone()).or_default();
            let known = self.known.entry(root.clone()).or_default();
            // A template's failure is kept by the first archetype a whole check renders
            // through it; a run of another cannot tell whether it still stands.
            let rendering_changed = matches!(scope, Scope::Archetype(_))
                && (found.iter().any(Found::is_render_failure)
                    || report.found.iter().any(Found::is_render_failure));
            match &scope {
                _ if report.whole => {
                    found.clear();
                    *known = Known::default();
                }
                Scope::Whole => {
                    found.clear();
                    *known = Known::default();
                }
                // A run of one archetype reports again its own findings, the seams and
                // what every run reports; the other archetypes' and the files outside
                // stay as the last whole run left them.
                Scope::Archetype(dir) => {
                    found.retain(|found| match &found.origin {
                        Origin::Archetype(other) => other != dir,
                        Origin::Whole => true,
                        Origin::Seams | Origin::Run => false,
                    });
                    known.sides.remove(dir);
                }
            }
            for (dir, side) in report.checked {
                if let Some(side) = side {
                    known.sides.insert(dir.clone(), side);
                }
                known.dirs.insert(dir);
            }
            found.extend(report.found);
            messages.extend(report.messages);
            if rendering_changed {
                self.pending.insert(root, (Scope::Whole, Instant::now()));
            }
        }
        for message in messages {
            self.notify::<notifications::ShowMessage>(lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::ERROR,
                message,
            })?;
        }
        self.publish()
    }

    /// One check on the worker thread, given until its render deadline (and the time a
    /// cancelled render has to stop) to finish. A template loop that no cancellation
    /// reaches would otherwise stall the server: the root is then left alone, said so
    /// once, and the server goes on answering.
    fn run_bounded(
        &mut self,
        root: Option<&Path>,
        open: Vec<PathBuf>,
        scope: Scope,
    ) -> io::Result<Option<diagnose::Report>> {
        let key = root.map(Path::to_path_buf);
        if self.stalled.contains(&key) {
            return Ok(None);
        }
        let docs = self.docs.clone();
        let sides = self
            .known
            .get(&key)
            .map(|known| known.sides.clone())
            .unwrap_or_default();
        let encoding = self.encoding;
        let owned_root = key.clone();
        let worker = self.worker.take().unwrap_or_else(Worker::start);
        worker.send(Box::new(move || {
            diagnose::run(
                owned_root.as_deref(),
                &open,
                &scope,
                &docs,
                &sides,
                encoding,
            )
        }));
        let deadline = crate::session::render_timeout(diagnose::RENDER_DEADLINE)
            + crate::session::CANCEL_GRACE;
        let place = key.as_deref().map_or_else(
            || "the files outside any doctrine root".to_string(),
            |root| root.display().to_string(),
        );
        match worker.done.recv_timeout(deadline) {
            Ok(report) => {
                self.worker = Some(worker);
                Ok(Some(report))
            }
            // The check panicked: a bug, said in the log; the next change tries again.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.log(&format!(
                    "renkei failed while checking {place}; the server goes on"
                ))?;
                Ok(None)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.stalled.insert(key);
                self.notify::<notifications::ShowMessage>(lsp_types::ShowMessageParams {
                    typ: lsp_types::MessageType::ERROR,
                    message: format!(
                        "renkei: checking {place} did not finish within {} s; a template may loop without end. Its findings are no longer updated until a template changes",
                        deadline.as_secs()
                    ),
                })?;
                Ok(None)
            }
        }
    }

    /// Sends the findings of each file whose findings changed since they were last sent.
    fn publish(&mut self) -> io::Result<()> {
        let mut now: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for found in self.found.values().flatten() {
            let file = now.entry(found.path.clone()).or_default();
            // A template's error is one finding, as `check` reports it, though the runs of
            // two archetypes rendered through it each found it.
            let again = found.is_render_failure() && file.contains(&found.diagnostic);
            if !again {
                file.push(found.diagnostic.clone());
            }
        }
        let paths: BTreeSet<PathBuf> = now.keys().chain(self.published.keys()).cloned().collect();
        for path in paths {
            let diagnostics = now.remove(&path).unwrap_or_default();
            if self.published.get(&path) == Some(&diagnostics) {
                continue;
            }
            let (uri, version) = match self.docs.get(&path) {
                Some(doc) => (Some(doc.uri.clone()), Some(doc.version)),
                None => (uri::uri_of(&path), None),
            };
            if let Some(uri) = uri {
                self.notify::<notifications::PublishDiagnostics>(
                    lsp_types::PublishDiagnosticsParams {
                        uri,
                        diagnostics: diagnostics.clone(),
                        version,
                    },
                )?;
            }
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path, diagnostics);
            }
        }
        Ok(())
    }
}

/// The params of a message, or the `InvalidParams` failure that says what is wrong.
fn params<P: DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value)
        .map_err(|error| Failure(ErrorCode::InvalidParams, format!("invalid params: {error}")))
}

/// The doctrine root a file belongs to, as `renkei` run in its folder would find it.
fn root_of(path: &Path) -> Option<PathBuf> {
    renkei_model::find_root(path.parent()?).ok()
}
