//! The server's session: the loop that takes each batch of messages, the open buffers, and
//! the lint of the documents a batch touched, published as what changed since last time.

use super::Error;
use super::convert::{CONFIG_ERROR, FileTexts, config_error_diagnostic, diagnostic, offset_of};
use super::transport;
use crate::finding::Outcome;
use crate::{Options, lint_text_at};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    Diagnostic, DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Url,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

pub(super) struct Buffer {
    pub(super) uri: Url,
    pub(super) text: String,
}

/// One open document's last lint.
pub(super) struct Linted {
    pub(super) outcome: Outcome,
    /// Canonical paths of the files it read.
    pub(super) reads: BTreeSet<PathBuf>,
}

pub(super) struct Server {
    pub(super) options: Options,
    /// The folders whose files may be read from disk; when empty, the trees of the open
    /// documents (as the CLI would lint them).
    pub(super) workspace: Vec<PathBuf>,
    /// Open buffers, by canonical path (or the path as given, for a file not on disk).
    pub(super) buffers: BTreeMap<PathBuf, Buffer>,
    /// Open OpenAPI documents and their last lint, by path.
    pub(super) linted: BTreeMap<PathBuf, Linted>,
    /// What the client shows for each file that has diagnostics: only changes are sent, so
    /// a keystroke in one file does not resend another's thousands.
    pub(super) published: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Config errors already shown in a message window: a keystroke does not show one again.
    pub(super) config_errors_shown: BTreeSet<String>,
}

pub(super) fn real(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

pub(super) fn is_config(path: &Path) -> bool {
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
        // With workspace folders, the lint reads `$ref`s and configs inside them only.
        let options = Options {
            overlay: Some(Arc::new(overlay)),
            tree: (!self.workspace.is_empty()).then(|| self.workspace.clone()),
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
            notify::<lsp_types::notification::PublishDiagnostics>(connection, params)?;
        }
        Ok(())
    }

    /// The text of a file: its open buffer, else the file on disk if it is a regular file
    /// inside the workspace (or an open document's tree), within the CLI's size cap.
    pub(super) fn text_of(&self, path: &Path) -> Option<std::borrow::Cow<'_, str>> {
        if let Some(buffer) = self.buffers.get(path) {
            return Some(std::borrow::Cow::Borrowed(&buffer.text));
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
        String::from_utf8(bytes).ok().map(std::borrow::Cow::Owned)
    }

    /// Before a request is answered from the last lint: the documents whose files changed on
    /// disk since (a `git pull`, another editor) are linted again, so that no range or edit is
    /// computed on a text other than the one linted.
    fn relint_stale(&mut self, connection: &Connection, request: &Request) -> Result<(), Error> {
        if request.method != <lsp_types::request::CodeActionRequest>::METHOD {
            return Ok(());
        }
        // Only the documents that read the file asked about can answer for it.
        let asked = request.params["textDocument"]["uri"]
            .as_str()
            .and_then(|uri| Url::parse(uri).ok()?.to_file_path().ok())
            .map(|path| real(&path));
        let stale: BTreeSet<PathBuf> = self
            .linted
            .iter()
            .filter(|(root, linted)| {
                asked
                    .as_ref()
                    .is_some_and(|p| linted.reads.contains(p) || *root == p)
            })
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
}

/// Shows `message` in the editor's message window.
fn show_message(connection: &Connection, message: &str) -> Result<(), Error> {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: message.to_string(),
    };
    notify::<lsp_types::notification::ShowMessage>(connection, params)
}

/// Sends the client a notification of kind `N`.
fn notify<N: lsp_types::notification::Notification>(
    connection: &Connection,
    params: N::Params,
) -> Result<(), Error> {
    let notification = Notification::new(N::METHOD.to_string(), params);
    connection
        .sender
        .send(Message::Notification(notification))?;
    Ok(())
}

/// A file named in a report (as given for the document, or relative to its folder) on disk.
pub(super) fn path_of_name(root: &Path, name: &str) -> PathBuf {
    let named = Path::new(name);
    if named.is_absolute() {
        return real(named);
    }
    real(&root.parent().unwrap_or(Path::new(".")).join(named))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handler_that_panics_becomes_an_error_response() {
        let response =
            guarded_answer(RequestId::from(7), "textDocument/hover", || panic!("a bug")).unwrap();
        assert_eq!(response.id, RequestId::from(7));
        let error = response.error.unwrap();
        assert_eq!(error.code, lsp_server::ErrorCode::InternalError as i32);
        assert!(guarded("didChange", || panic!("a bug")).is_ok());
    }
}
