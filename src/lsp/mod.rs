//! `errlint lsp`: a language server over standard input and output (`lsp-server` and
//! `lsp-types`, as rust-analyzer). It lints each open OpenAPI document from its unsaved buffer,
//! with every other open buffer standing in for its file (a `$ref`'d file being edited counts
//! as edited), and publishes the findings of every file they reach. A change to a file re-lints
//! the open documents that read it; a saved `errlint.yaml` re-lints them all, since each lint
//! discovers its config as the CLI does. Hover on a rule id shows its documentation; code
//! actions offer the findings' fixes and "ignore here".
//!
//! Messages that arrive together are handled together: a burst of keystrokes is one lint.
//!
//! Nothing a client or a file sends can stop the server: frames are capped ([`transport`]),
//! a handler that panics becomes an error response and a log line, ranges and edits come from
//! the exact text that was linted (a file changed on disk since is linted again first), and
//! only open buffers and regular files inside the workspace are read.

mod transport;

use crate::document::edit::{self, Edit};
use crate::document::{LineIndex, NodeId, Tree};
use crate::finding::{Finding, Outcome, Severity};
use crate::{Options, lint_text_at};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover,
    HoverContents, HoverParams, Location, MarkupContent, MarkupKind, NumberOrString, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Url,
    WorkspaceEdit,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client on standard input and output until it says `exit`.
pub fn run_stdio(options: Options) -> Result<(), Error> {
    let (connection, io_threads) = transport::stdio();
    serve(&connection, options)?;
    // The writer thread ends when the last sender is gone.
    drop(connection);
    io_threads.join()?;
    Ok(())
}

/// The server loop over any connection (the tests use an in-memory one too).
pub fn serve(connection: &Connection, options: Options) -> Result<(), Error> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let initialize = connection.initialize(serde_json::to_value(capabilities)?)?;
    let mut server = Server {
        options,
        workspace: workspace_folders(&initialize),
        buffers: BTreeMap::new(),
        linted: BTreeMap::new(),
        published: BTreeMap::new(),
        config_errors_shown: BTreeSet::new(),
    };
    let mut shutting_down = false;
    while let Ok(first) = connection.receiver.recv() {
        // Everything already waiting is handled before linting once.
        let mut batch = vec![first];
        batch.extend(connection.receiver.try_iter());
        let mut relint = Relint::default();
        for message in batch {
            match message {
                Message::Request(request) => {
                    // `shutdown` is answered here, not by `lsp-server`'s `handle_shutdown`: that
                    // waits on the channel for `exit`, which may already be in this batch.
                    if request.method == <lsp_types::request::Shutdown>::METHOD {
                        shutting_down = true;
                        let response = Response::new_ok(request.id, ());
                        connection.sender.send(Message::Response(response))?;
                        continue;
                    }
                    if shutting_down {
                        let response = Response::new_err(
                            request.id,
                            lsp_server::ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        );
                        connection.sender.send(Message::Response(response))?;
                        continue;
                    }
                    // Answers reflect the edits before them in the batch.
                    let pending = std::mem::take(&mut relint);
                    guarded("lint", || server.relint(connection, pending))?;
                    let (id, method) = (request.id.clone(), request.method.clone());
                    let response = guarded_answer(id, &method, || {
                        server.relint_stale(connection, &request)?;
                        Ok(server.answer(request))
                    })?;
                    connection.sender.send(Message::Response(response))?;
                }
                Message::Notification(notification) => {
                    if notification.method == lsp_types::notification::Exit::METHOD {
                        return Ok(());
                    }
                    let method = notification.method.clone();
                    guarded(&method, || {
                        server.notice(notification, &mut relint);
                        Ok(())
                    })?;
                }
                Message::Response(_) => {}
            }
        }
        guarded("lint", || server.relint(connection, relint))?;
    }
    Ok(())
}

/// Runs a step of the loop; a panic in it (a bug) is logged and the server goes on. Only a
/// closed connection ends the loop.
fn guarded(what: &str, step: impl FnOnce() -> Result<(), Error>) -> Result<(), Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)) {
        Ok(result) => result,
        Err(_) => {
            eprintln!("errlint lsp: a bug in handling `{what}`; the server goes on");
            Ok(())
        }
    }
}

/// [`guarded`] for a request: a panic becomes an error response.
fn guarded_answer(
    id: RequestId,
    method: &str,
    answer: impl FnOnce() -> Result<Response, Error>,
) -> Result<Response, Error> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(answer)) {
        Ok(response) => response,
        Err(_) => {
            eprintln!("errlint lsp: a bug in answering `{method}`; the server goes on");
            Ok(Response::new_err(
                id,
                lsp_server::ErrorCode::InternalError as i32,
                format!("errlint failed to answer {method}"),
            ))
        }
    }
}

/// The client's workspace folders (or its root), canonical: the only folders whose files the
/// server reads from disk. Empty when the client names none.
fn workspace_folders(initialize: &serde_json::Value) -> Vec<PathBuf> {
    let folders = initialize["workspaceFolders"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|folder| folder["uri"].as_str());
    folders
        .chain(initialize["rootUri"].as_str())
        .filter_map(|uri| Url::parse(uri).ok()?.to_file_path().ok())
        .chain(initialize["rootPath"].as_str().map(PathBuf::from))
        .filter_map(|path| std::fs::canonicalize(path).ok())
        .collect()
}

/// What a batch of notifications asks to lint again.
#[derive(Default)]
struct Relint {
    /// Files whose text changed: the documents that read them are linted again.
    changed: BTreeSet<PathBuf>,
    /// Every open document (a config changed).
    all: bool,
}

struct Buffer {
    uri: Url,
    text: String,
}

/// One open document's last lint.
struct Linted {
    outcome: Outcome,
    /// Canonical paths of the files it read.
    reads: BTreeSet<PathBuf>,
}

struct Server {
    options: Options,
    /// The folders whose files may be read from disk; when empty, the trees of the open
    /// documents (as the CLI would lint them).
    workspace: Vec<PathBuf>,
    /// Open buffers, by canonical path (or the path as given, for a file not on disk).
    buffers: BTreeMap<PathBuf, Buffer>,
    /// Open OpenAPI documents and their last lint, by path.
    linted: BTreeMap<PathBuf, Linted>,
    /// What the client shows for each file that has diagnostics: only changes are sent, so
    /// a keystroke in one file does not resend another's thousands.
    published: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Config errors already shown in a message window: a keystroke does not show one again.
    config_errors_shown: BTreeSet<String>,
}

fn real(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn is_config(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("errlint.yaml" | ".errlint.yaml")
    )
}

impl Server {
    fn notice(&mut self, notification: Notification, relint: &mut Relint) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
            DidOpenTextDocument, DidSaveTextDocument,
        };
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) =
                    serde_json::from_value::<DidOpenTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let Ok(path) = params.text_document.uri.to_file_path() else {
                    return;
                };
                let path = real(&path);
                self.buffers.insert(
                    path.clone(),
                    Buffer {
                        uri: params.text_document.uri,
                        text: params.text_document.text,
                    },
                );
                relint.changed.insert(path);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) =
                    serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                else {
                    return;
                };
                let Some(path) = self.path_of(&params.text_document.uri) else {
                    return;
                };
                if let Some(buffer) = self.buffers.get_mut(&path) {
                    for change in params.content_changes {
                        match change.range {
                            Some(range) => {
                                let from = offset_of(&buffer.text, range.start);
                                let to = offset_of(&buffer.text, range.end).max(from);
                                buffer.text.replace_range(from..to, &change.text);
                            }
                            None => buffer.text = change.text,
                        }
                    }
                }
                relint.changed.insert(path);
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) =
                    serde_json::from_value::<DidCloseTextDocumentParams>(notification.params)
                else {
                    return;
                };
                if let Some(path) = self.path_of(&params.text_document.uri) {
                    self.buffers.remove(&path);
                    self.linted.remove(&path);
                    // Its text is the file's again, for the documents that read it.
                    relint.changed.insert(path);
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(params) =
                    serde_json::from_value::<DidSaveTextDocumentParams>(notification.params)
                else {
                    return;
                };
                if let Ok(path) = params.text_document.uri.to_file_path() {
                    relint.all |= is_config(&path);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                // A config, a profile or a `$ref`'d file changed on disk.
                relint.all = true;
            }
            _ => {}
        }
    }

    fn path_of(&self, uri: &Url) -> Option<PathBuf> {
        let path = uri.to_file_path().ok()?;
        let path = real(&path);
        self.buffers.contains_key(&path).then_some(path)
    }

    /// Lints the open documents that a batch touched, then publishes what changed.
    fn relint(&mut self, connection: &Connection, relint: Relint) -> Result<(), Error> {
        if !relint.all && relint.changed.is_empty() {
            return Ok(());
        }
        let overlay: HashMap<PathBuf, Arc<str>> = self
            .buffers
            .iter()
            .map(|(path, buffer)| (path.clone(), Arc::from(buffer.text.as_str())))
            .collect();
        let options = Options {
            overlay: Some(Arc::new(overlay)),
            ..self.options.clone()
        };
        let due: Vec<PathBuf> = self
            .buffers
            .iter()
            .filter(|(path, buffer)| {
                crate::inputs::text_looks_like_openapi(buffer.text.as_bytes())
                    && (relint.all
                        || relint.changed.contains(*path)
                        || self
                            .linted
                            .get(*path)
                            .is_some_and(|l| !l.reads.is_disjoint(&relint.changed)))
            })
            .map(|(path, _)| path.clone())
            .collect();
        for path in due {
            let text = &self.buffers[&path].text;
            let outcome = lint_text_at(&path, text, &options);
            let reads = outcome.read.iter().map(|p| real(p)).collect();
            self.linted.insert(path, Linted { outcome, reads });
        }
        // Documents that stopped being OpenAPI (or closed) have nothing to say any more.
        self.linted.retain(|path, _| {
            self.buffers
                .get(path)
                .is_some_and(|b| crate::inputs::text_looks_like_openapi(b.text.as_bytes()))
        });
        self.publish(connection)
    }

    /// Sends the diagnostics of every file that has some, and empties those that had.
    fn publish(&mut self, connection: &Connection) -> Result<(), Error> {
        let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        let mut config_errors = BTreeSet::new();
        for (root, linted) in &self.linted {
            // A broken config stops the lint; the open document says so, since the config
            // itself is seldom open.
            for finding in linted.outcome.findings.iter() {
                if finding.rule == CONFIG_ERROR {
                    let shown = format!("{}: {}", finding.file, finding.message);
                    by_file
                        .entry(root.clone())
                        .or_default()
                        .push(config_error_diagnostic(&shown));
                    config_errors.insert(shown);
                }
            }
            let files = FileTexts::new(&linted.outcome);
            for finding in &linted.outcome.findings {
                let file = path_of_name(root, &finding.file);
                let diagnostic = diagnostic(finding, root, &files);
                let list = by_file.entry(file).or_default();
                // A definition shared by two open documents is reported once.
                if !list.contains(&diagnostic) {
                    list.push(diagnostic);
                }
            }
        }
        for message in &config_errors {
            if !self.config_errors_shown.contains(message) {
                show_message(
                    connection,
                    &format!("errlint: the config is invalid: {message}"),
                )?;
            }
        }
        self.config_errors_shown = config_errors;
        let emptied: Vec<PathBuf> = self
            .published
            .keys()
            .filter(|p| !by_file.contains_key(*p))
            .cloned()
            .collect();
        for path in emptied {
            by_file.insert(path, Vec::new());
        }
        by_file.retain(|path, diagnostics| self.published.get(path) != Some(diagnostics));
        for (path, diagnostics) in &by_file {
            if diagnostics.is_empty() {
                self.published.remove(path);
            } else {
                self.published.insert(path.clone(), diagnostics.clone());
            }
        }
        for (path, diagnostics) in by_file {
            let uri = match self.buffers.get(&path) {
                Some(buffer) => buffer.uri.clone(),
                None => match Url::from_file_path(&path) {
                    Ok(uri) => uri,
                    Err(()) => continue,
                },
            };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics,
                version: None,
            };
            connection
                .sender
                .send(Message::Notification(Notification::new(
                    lsp_types::notification::PublishDiagnostics::METHOD.to_string(),
                    params,
                )))?;
        }
        Ok(())
    }

    fn answer(&self, request: Request) -> Response {
        use lsp_types::request::{CodeActionRequest, HoverRequest};
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value::<HoverParams>(request.params)
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or_default()),
            CodeActionRequest::METHOD => serde_json::from_value::<CodeActionParams>(request.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or_default()),
            _ => return method_not_found(id, &request.method),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(e) => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        }
    }

    /// The text of a file: its open buffer, else the file on disk if it is a regular file
    /// inside the workspace (or an open document's tree), within the CLI's size cap.
    fn text_of(&self, path: &Path) -> Option<String> {
        if let Some(buffer) = self.buffers.get(path) {
            return Some(buffer.text.clone());
        }
        let roots: Vec<PathBuf> = if self.workspace.is_empty() {
            self.buffers
                .keys()
                .filter_map(|open| crate::document::source::tree_of(open))
                .collect()
        } else {
            self.workspace.clone()
        };
        let limit = self.options.limits.max_file_bytes;
        let bytes = crate::document::source::read_contained(path, &roots, limit).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Before a request is answered from the last lint: the documents whose files changed on
    /// disk since (a `git pull`, another editor) are linted again, so that no range or edit is
    /// computed on a text other than the one linted.
    fn relint_stale(&mut self, connection: &Connection, request: &Request) -> Result<(), Error> {
        if request.method != <lsp_types::request::CodeActionRequest>::METHOD {
            return Ok(());
        }
        let stale: BTreeSet<PathBuf> = self
            .linted
            .iter()
            .filter(|(root, linted)| {
                linted.outcome.sources.texts().any(|(name, text)| {
                    self.text_of(&path_of_name(root, name)).as_deref() != Some(text)
                })
            })
            .map(|(root, _)| root.clone())
            .collect();
        self.relint(
            connection,
            Relint {
                changed: stale,
                all: false,
            },
        )
    }

    /// A rule id under the cursor, in an `x-errlint-ignore` or anywhere in an errlint.yaml.
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let path = real(&at.text_document.uri.to_file_path().ok()?);
        let text = self.text_of(&path)?;
        let (start, end) = id_around(&text, offset_of(&text, at.position));
        let word = &text[start..end];
        let meta = crate::rules::find(word)?;
        if !is_config(&path) && !in_ignore_list(&text, start) {
            return None;
        }
        let lines = LineIndex::new(&text);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("# {}\n\n{}", meta.id, crate::rules::explain(meta)),
            }),
            range: Some(Range::new(
                position(&text, &lines, start),
                position(&text, &lines, end),
            )),
        })
    }

    /// The fixes of the findings in the range, and "ignore here" for each of their rules.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Ok(path) = params.text_document.uri.to_file_path() else {
            return Vec::new();
        };
        let path = real(&path);
        let Some(text) = self.text_of(&path) else {
            return Vec::new();
        };
        let lines = LineIndex::new(&text);
        let range = (
            offset_of(&text, params.range.start),
            offset_of(&text, params.range.end),
        );
        let mut actions = Vec::new();
        let mut ignores = BTreeSet::new();
        for (root, linted) in &self.linted {
            for finding in &linted.outcome.findings {
                let Some(location) = &finding.location else {
                    continue;
                };
                // Offsets are the linted text's: a finding whose file has changed since (and
                // could not be linted again) offers nothing rather than edit the wrong place.
                if path_of_name(root, &finding.file) != path
                    || linted.outcome.sources.text(&finding.file) != Some(text.as_str())
                {
                    continue;
                }
                let span = location.span;
                if (span.end as usize) < range.0 || (span.start as usize) > range.1 {
                    continue;
                }
                if let Some(fix) = &finding.fix {
                    let Some(changes) = self.fix_changes(root, linted, fix) else {
                        continue;
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        // Only a fix that keeps the contract is applied without a second look.
                        is_preferred: Some(
                            fix.applicability == crate::finding::Applicability::Safe,
                        ),
                        edit: Some(WorkspaceEdit {
                            changes: Some(changes),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }));
                }
                if crate::rules::find(finding.rule).is_none()
                    || !ignores.insert((finding.rule, location.pointer.clone()))
                {
                    continue;
                }
                if let Some(e) = ignore_here(&text, &location.pointer, finding.rule) {
                    let edit = TextEdit {
                        range: Range::new(
                            position(&text, &lines, e.span.start as usize),
                            position(&text, &lines, e.span.end as usize),
                        ),
                        new_text: e.text,
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: format!("ignore `{}` here (x-errlint-ignore)", finding.rule),
                        kind: Some(CodeActionKind::QUICKFIX),
                        edit: Some(WorkspaceEdit {
                            changes: Some(HashMap::from([(
                                params.text_document.uri.clone(),
                                vec![edit],
                            )])),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }));
                }
            }
        }
        actions
    }
}

impl Server {
    /// A fix's edits as LSP changes, each file's computed on the text that was linted, or
    /// `None` when a file it edits is no longer that text.
    fn fix_changes(
        &self,
        root: &Path,
        linted: &Linted,
        fix: &crate::finding::Fix,
    ) -> Option<HashMap<Url, Vec<TextEdit>>> {
        let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
        for e in &fix.edits {
            let file = path_of_name(root, &e.file);
            let linted_text = linted.outcome.sources.text(&e.file)?;
            if self.text_of(&file).as_deref() != Some(linted_text) {
                return None;
            }
            let lines = LineIndex::new(linted_text);
            let uri = Url::from_file_path(&file).ok()?;
            changes.entry(uri).or_default().push(TextEdit {
                range: Range::new(
                    position(linted_text, &lines, e.span.start as usize),
                    position(linted_text, &lines, e.span.end as usize),
                ),
                new_text: e.text.clone(),
            });
        }
        Some(changes)
    }
}

/// The rule of a finding that says the config could not be read.
const CONFIG_ERROR: &str = "invalid-config";

/// A diagnostic at the top of a document that a broken config kept from being linted.
fn config_error_diagnostic(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(CONFIG_ERROR.into())),
        source: Some("errlint".into()),
        message: format!("not linted: the config is invalid: {message}"),
        ..Default::default()
    }
}

/// Shows `message` in the editor's message window.
fn show_message(connection: &Connection, message: &str) -> Result<(), Error> {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: message.to_string(),
    };
    connection
        .sender
        .send(Message::Notification(Notification::new(
            lsp_types::notification::ShowMessage::METHOD.to_string(),
            params,
        )))?;
    Ok(())
}

fn method_not_found(id: RequestId, method: &str) -> Response {
    Response::new_err(
        id,
        lsp_server::ErrorCode::MethodNotFound as i32,
        format!("errlint does not handle {method}"),
    )
}

/// A file named in a report (as given for the document, or relative to its folder) on disk.
fn path_of_name(root: &Path, name: &str) -> PathBuf {
    let named = Path::new(name);
    if named.is_absolute() {
        return real(named);
    }
    real(&root.parent().unwrap_or(Path::new(".")).join(named))
}

/// The texts of an outcome's files with their line indexes, built once per publish.
struct FileTexts<'o> {
    outcome: &'o Outcome,
}

impl<'o> FileTexts<'o> {
    fn new(outcome: &'o Outcome) -> Self {
        FileTexts { outcome }
    }

    fn range(&self, file: &str, span: crate::document::Span) -> Range {
        match self.outcome.sources.line_index(file) {
            Some((text, lines)) => Range::new(
                position(text, lines, span.start as usize),
                position(text, lines, span.end as usize),
            ),
            None => Range::default(),
        }
    }
}

fn diagnostic(finding: &Finding, root: &Path, files: &FileTexts<'_>) -> Diagnostic {
    let range = finding
        .location
        .as_ref()
        .map_or(Range::default(), |l| files.range(&l.file, l.span));
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let uri = Url::from_file_path(path_of_name(root, &r.location.file)).ok()?;
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri, files.range(&r.location.file, r.location.span)),
                message: r.message.clone(),
            })
        })
        .collect();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: Url::parse(&crate::catalog::rule_url(finding.rule))
            .ok()
            .filter(|_| crate::rules::find(finding.rule).is_some())
            .map(|href| lsp_types::CodeDescription { href }),
        source: Some("errlint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// An LSP position (0-based line, UTF-16 column) of a byte offset.
fn position(text: &str, lines: &LineIndex, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let (line, _) = lines.line_col(text, offset);
    let start = lines.line_range(text, line).start.min(offset);
    let column: usize = text[start..offset].chars().map(char::len_utf16).sum();
    Position::new((line - 1) as u32, column as u32)
}

/// The span of the rule id (letters, digits, `-`) around `offset`, a character boundary.
fn id_around(text: &str, offset: usize) -> (usize, usize) {
    let is_id = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_id(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .find(|c: char| !is_id(c))
        .map_or(text.len(), |i| offset + i);
    (start, end)
}

/// The byte offset of an LSP position (a line past the end is the end; a column past the line
/// is its end).
fn offset_of(text: &str, position: Position) -> usize {
    let mut start = 0usize;
    for _ in 0..position.line {
        match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0u32;
    for (i, c) in text[start..].char_indices() {
        if units >= position.character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// Whether the scalar at `offset` is an entry of an `x-errlint-ignore`.
fn in_ignore_list(text: &str, offset: usize) -> bool {
    let Some(tree) = crate::document::parse_text(text) else {
        return false;
    };
    let mut at = tree.node_at(offset);
    while let Some(node) = at {
        if tree
            .key_of(node)
            .is_some_and(|k| tree.scalar_is(k, crate::config::IGNORE_EXTENSION))
        {
            return true;
        }
        at = tree.parent(node);
    }
    false
}

/// The edit that adds `rule` to the nearest `x-errlint-ignore` above the finding at `pointer`,
/// or gives the nearest operation, path item, response or schema one.
fn ignore_here(text: &str, pointer: &str, rule: &str) -> Option<Edit> {
    let tree = crate::document::parse_text(text)?;
    let tokens = crate::document::pointer::parse_pointer(pointer).ok()?;
    let found = tree.lookup(tokens.iter().map(String::as_str)).ok()?;
    let mut ancestors = Vec::new();
    let mut at = Some(found);
    while let Some(node) = at {
        if tree.is_mapping(node) {
            ancestors.push(node);
        }
        at = tree.parent(node);
    }
    let ignore = crate::config::IGNORE_EXTENSION;
    let target = ancestors
        .iter()
        .copied()
        .find(|&map| tree.get(map, ignore).is_some())
        .or_else(|| {
            ancestors
                .iter()
                .copied()
                .find(|&map| can_hold_an_ignore(&tree, map))
        })?;
    edit::add_to_list(&tree, target, ignore, rule, None, true)
}

/// Operations, path items, responses and schemas take an `x-errlint-ignore`.
fn can_hold_an_ignore(tree: &Tree, map: NodeId) -> bool {
    let key = |node: NodeId| tree.key_of(node).and_then(|k| tree.scalar(k));
    let parent_key = |node: NodeId| tree.parent(node).and_then(key);
    let grandparent_key =
        |node: NodeId| tree.parent(node).and_then(|p| tree.parent(p)).and_then(key);
    matches!(key(map), Some("schema" | "items" | "additionalProperties"))
        || matches!(
            parent_key(map),
            Some(
                "responses"
                    | "paths"
                    | "schemas"
                    | "definitions"
                    | "properties"
                    | "allOf"
                    | "oneOf"
                    | "anyOf"
            )
        )
        || grandparent_key(map) == Some("paths")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_both_ways() {
        let text = "a: 1\nb: \"😀x\"\r\nc: é\n";
        let lines = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(position(text, &lines, x), Position::new(1, 6));
        assert_eq!(offset_of(text, Position::new(1, 6)), x);
        let e = text.find('é').unwrap();
        assert_eq!(position(text, &lines, e), Position::new(2, 3));
        assert_eq!(offset_of(text, Position::new(2, 3)), e);
        // Past the end of a line or of the text.
        assert_eq!(offset_of(text, Position::new(0, 99)), 4);
        assert_eq!(offset_of(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn ignore_here_joins_the_nearest_list_or_starts_one() {
        let doc = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          description: x\n";
        let edit =
            ignore_here(doc, "/paths/~1a/get/responses/404", "error-response-schema").unwrap();
        let (fixed, _) = edit::apply(doc, &[edit]);
        assert_eq!(
            fixed,
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '404':\n          x-errlint-ignore: [error-response-schema]\n          description: x\n"
        );
        let listed = "openapi: 3.0.3\npaths:\n  /a:\n    x-errlint-ignore: error-status-coverage\n    get:\n      responses: {'404': {description: x}}\n";
        let edit = ignore_here(
            listed,
            "/paths/~1a/get/responses/404",
            "error-response-schema",
        )
        .unwrap();
        let (fixed, _) = edit::apply(listed, &[edit]);
        assert!(fixed.contains("x-errlint-ignore: [error-status-coverage, error-response-schema]"));
    }

    #[test]
    fn a_handler_that_panics_becomes_an_error_response() {
        let response =
            guarded_answer(RequestId::from(7), "textDocument/hover", || panic!("a bug")).unwrap();
        assert_eq!(response.id, RequestId::from(7));
        let error = response.error.unwrap();
        assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
        assert!(guarded("didChange", || panic!("a bug")).is_ok());
    }

    #[test]
    fn the_id_around_a_position_ends_at_characters_of_any_width() {
        // Found by the fuzz target: a multi-byte character before the id.
        let text = "x: é retry-after-scope😀";
        let inside = text.find("after").unwrap();
        let (start, end) = id_around(text, inside);
        assert_eq!(&text[start..end], "retry-after-scope");
        assert_eq!(id_around(text, text.find('é').unwrap()), (3, 3));
    }

    #[test]
    fn hover_knows_ignore_lists_only() {
        let doc = "paths:\n  /a:\n    x-errlint-ignore: [retry-after-scope]\n    description: retry-after-scope\n";
        let first = doc.find("retry-after-scope").unwrap();
        assert!(in_ignore_list(doc, first + 3));
        let second = doc.rfind("retry-after-scope").unwrap();
        assert!(!in_ignore_list(doc, second + 3));
    }
}
