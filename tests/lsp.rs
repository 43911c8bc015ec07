//! `errlint lsp` driven over stdio as an editor drives it: JSON-RPC with `Content-Length`
//! frames, `initialize`, `didOpen` of unsaved buffers, `publishDiagnostics`, `codeAction`,
//! the edit applied and sent back with `didChange`, diagnostics that clear, hover on a rule id,
//! a config reloaded on save, `shutdown` and `exit`.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pending: Vec<Value>,
    /// The diagnostics last published for each file.
    latest: std::collections::HashMap<String, Vec<Value>>,
}

impl Client {
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_errlint"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start errlint lsp");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                stdout.read_exact(&mut body).unwrap();
                if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
            pending: Vec::new(),
            latest: Default::default(),
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn next(&mut self) -> Value {
        let message = self
            .messages
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute");
        if message["method"] == "textDocument/publishDiagnostics" {
            let params = &message["params"];
            self.latest.insert(
                params["uri"].as_str().unwrap().to_string(),
                params["diagnostics"].as_array().unwrap().clone(),
            );
        }
        message
    }

    /// What the editor shows for `uri` now (the server sends only changes).
    fn shown(&mut self, uri: &str) -> Vec<Value> {
        self.latest.get(uri).cloned().unwrap_or_default()
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{message}");
                return message["result"].clone();
            }
            self.pending.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().position(is_for) {
            let message = self.pending.remove(i);
            return message["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let message = self.next();
            if is_for(&message) {
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(message);
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed test must not leave a server behind, holding the test's output open.
        let _ = self.child.kill();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// Applies LSP text edits (line/UTF-16 ranges) to a text, last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut sorted: Vec<&Value> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(offset(&e["range"]["start"])));
    let mut out = text.to_string();
    for e in sorted {
        let (from, to) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
        out.replace_range(from..to, e["newText"].as_str().unwrap());
    }
    out
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::canonicalize(dir).unwrap()
}

const ON_DISK: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

const DOCUMENT: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /orders:
    get:
      responses:
        200:
          description: The orders
        '500':
          description: Server error
          content:
            application/json:
              schema: {$ref: './errors.yaml#/Error'}
";

const ERRORS: &str = "Error:
  type: object
  properties:
    code: {type: string}
";

#[test]
fn an_editor_session() {
    let dir = scratch();
    // On disk the document has no operations: what is linted is the unsaved buffer.
    std::fs::write(dir.join("openapi.yaml"), ON_DISK).unwrap();
    std::fs::write(dir.join("errors.yaml"), ERRORS).unwrap();
    let document = uri(&dir.join("openapi.yaml"));
    let errors = uri(&dir.join("errors.yaml"));

    let mut client = Client::start(&dir);
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(&dir), "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    client.notify("initialized", json!({}));

    client.open(&document, DOCUMENT);
    let on_document = client.diagnostics(&document);
    assert_eq!(
        codes(&on_document),
        ["status-key-quoted"],
        "{on_document:#?}"
    );
    let quoted = &on_document[0];
    assert_eq!(quoted["range"]["start"], json!({"line": 6, "character": 8}));
    assert_eq!(quoted["severity"], 2);
    // The shared definition's finding is published on the file that holds it, with its use.
    let on_errors = client.diagnostics(&errors);
    assert_eq!(codes(&on_errors), ["error-code-present"], "{on_errors:#?}");
    let used = &on_errors[0]["relatedInformation"][0];
    assert_eq!(
        used["message"], "used by GET /orders (500 response)",
        "{on_errors:#?}"
    );
    assert_eq!(used["location"]["uri"], document.as_str());
    assert_eq!(used["location"]["range"]["start"]["line"], 12);

    // A `$ref`'d file open in the editor is read from its buffer: requiring the code there
    // clears the finding before anything is saved.
    let fixed_errors = ERRORS.replace("  properties:", "  required: [code]\n  properties:");
    client.open(&errors, &fixed_errors);
    assert!(client.diagnostics(&errors).is_empty());
    // Editing it back brings the finding back (the document that uses it is linted again).
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": errors, "version": 2},
               "contentChanges": [{"text": ERRORS}]}),
    );
    assert_eq!(codes(&client.diagnostics(&errors)), ["error-code-present"]);

    // The quick fix, applied as the editor would, and sent back as an incremental change.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": document}, "range": quoted["range"],
               "context": {"diagnostics": [quoted]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["title"] == "quote `200`")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix["kind"], "quickfix");
    let edits = fix["edit"]["changes"][&document].as_array().unwrap();
    let text = apply(DOCUMENT, edits);
    assert!(text.contains("        '200':\n"), "{text}");
    for edit in edits {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": document, "version": 3},
                   "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
        );
    }
    assert!(client.diagnostics(&document).is_empty());

    // "Ignore here" on the shared definition's finding, in errors.yaml.
    let on_errors = client.shown(&errors);
    assert_eq!(codes(&on_errors), ["error-code-present"]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": errors}, "range": on_errors[0]["range"],
               "context": {"diagnostics": on_errors}}),
    );
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("ignore `error-code-present`")
        })
        .unwrap_or_else(|| panic!("{actions:#?}"))
        .clone();
    let ignored = apply(
        ERRORS,
        ignore["edit"]["changes"][&errors].as_array().unwrap(),
    );
    assert!(
        ignored.contains("x-errlint-ignore: [error-code-present]"),
        "{ignored}"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": errors, "version": 4},
               "contentChanges": [{"text": ignored}]}),
    );
    assert!(client.diagnostics(&errors).is_empty());

    // Hover on the rule id in the ignore list shows the rule's documentation.
    let line = ignored
        .lines()
        .position(|l| l.contains("x-errlint-ignore"))
        .unwrap();
    let column = ignored
        .lines()
        .nth(line)
        .unwrap()
        .find("error-code")
        .unwrap()
        + 3;
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": errors}, "position": {"line": line, "character": column}}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("# error-code-present"), "{shown}");

    // A config saved next to the document is picked up without an edit of the document.
    std::fs::write(
        dir.join("errlint.yaml"),
        "rules:\n  status-key-quoted: error\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": document, "version": 5},
               "contentChanges": [{"text": DOCUMENT}]}),
    );
    assert_eq!(client.diagnostics(&document)[0]["severity"], 1);
    std::fs::write(
        dir.join("errlint.yaml"),
        "rules:\n  status-key-quoted: info\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&dir.join("errlint.yaml"))}}),
    );
    let after_save = client.diagnostics(&document);
    assert_eq!(codes(&after_save), ["status-key-quoted"]);
    assert_eq!(after_save[0]["severity"], 3, "{after_save:#?}");

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success());
    // Nothing was written to the files the session edited.
    assert_eq!(
        std::fs::read_to_string(dir.join("openapi.yaml")).unwrap(),
        ON_DISK
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("errors.yaml")).unwrap(),
        ERRORS
    );
}

/// A server started in `dir`, initialized with `dir` as its workspace.
fn started(dir: &Path) -> Client {
    let mut client = Client::start(dir);
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir), "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client
}

fn scratch_named(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::canonicalize(dir).unwrap()
}

/// A `git pull` rewrites a `$ref`'d file under the server: a code action computed with the old
/// offsets on the new text crashed the server (or edited the wrong place). The file is linted
/// again first, and the fix applies to the text on disk now.
#[test]
fn a_code_action_after_a_referenced_file_changed_on_disk_uses_the_new_text() {
    let dir = scratch_named("lsp-pull");
    std::fs::write(dir.join("errors.yaml"), ERRORS).unwrap();
    let document = uri(&dir.join("openapi.yaml"));
    let errors = uri(&dir.join("errors.yaml"));
    let mut client = started(&dir);
    client.open(&document, DOCUMENT);
    assert_eq!(codes(&client.diagnostics(&errors)), ["error-code-present"]);
    // Lines of multi-byte characters above: old offsets land inside characters.
    let pulled = format!("{}{ERRORS}", "# é😀 — a comment from upstream\n".repeat(20));
    std::fs::write(dir.join("errors.yaml"), &pulled).unwrap();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": errors},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("add `code`"))
        .unwrap_or_else(|| panic!("no fix offered: {actions:#}"));
    // Making the code required changes the contract: offered, never preferred.
    assert_eq!(fix["isPreferred"], false, "{fix:#}");
    let edits = fix["edit"]["changes"][&errors].as_array().unwrap();
    let fixed = apply(&pulled, edits);
    assert!(
        fixed.starts_with(&pulled[..pulled.find("Error:").unwrap()]),
        "{fixed}"
    );
    assert!(
        fixed.contains("required: [code]") || fixed.contains("- code"),
        "{fixed}"
    );
    // The server is still there.
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
}

/// Hover and code actions read open buffers and regular files inside the workspace only: a
/// file outside is not opened, and a FIFO inside does not hang the server.
#[test]
fn the_server_reads_no_file_outside_the_workspace_and_no_fifo() {
    let base = scratch_named("lsp-reads");
    let workspace = base.join("workspace");
    std::fs::create_dir_all(&workspace).unwrap();
    // Outside the workspace, a file whose hover would show a rule's documentation.
    let outside = base.join("errlint.yaml");
    std::fs::write(&outside, "rules:\n  retry-after-scope: warning\n").unwrap();
    let fifo = workspace.join("errlint.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut client = started(&workspace);
    for file in [&outside, &fifo] {
        let hover = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(file)}, "position": {"line": 1, "character": 5}}),
        );
        assert_eq!(hover, Value::Null, "{}", file.display());
    }
    // Open in the editor, the same file is the user's to read.
    client.open(&uri(&outside), "rules:\n  retry-after-scope: warning\n");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&outside)}, "position": {"line": 1, "character": 5}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("retry-after-scope")
    );
}

/// A frame over the size cap, and one that is not JSON, are skipped: the server answers the
/// next request.
#[test]
fn oversized_and_malformed_frames_are_skipped() {
    let dir = scratch_named("lsp-frames");
    let mut client = started(&dir);
    let huge = 64 * 1024 * 1024 + 1;
    write!(client.stdin, "Content-Length: {huge}\r\n\r\n").unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        client.stdin.write_all(&chunk).unwrap();
    }
    client.stdin.write_all(b" ").unwrap();
    write!(client.stdin, "Content-Length: 8\r\n\r\nnot json").unwrap();
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
}

/// An invalid errlint.yaml stops the lint; the open document says so at its first line, and
/// the editor shows a message, since the config itself is seldom open.
#[test]
fn a_broken_config_is_shown_on_the_open_document() {
    let dir = scratch_named("lsp-config");
    std::fs::write(
        dir.join("errlint.yaml"),
        "rules:\n  error-code-present: loud\n",
    )
    .unwrap();
    std::fs::write(dir.join("errors.yaml"), ERRORS).unwrap();
    let document = uri(&dir.join("openapi.yaml"));
    let mut client = started(&dir);
    client.open(&document, DOCUMENT);
    let shown = client.diagnostics(&document);
    let config = shown
        .iter()
        .find(|d| d["code"] == "invalid-config")
        .unwrap_or_else(|| panic!("{shown:#?}"));
    assert_eq!(config["range"]["start"], json!({"line": 0, "character": 0}));
    assert!(config["message"].as_str().unwrap().contains("errlint.yaml"));
    let is_shown = |m: &Value| m["method"] == "window/showMessage";
    let message = match client.pending.iter().find(|m| is_shown(m)) {
        Some(message) => message.clone(),
        None => loop {
            let message = client.next();
            if is_shown(&message) {
                break message;
            }
        },
    };
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("config is invalid"),
        "{message}"
    );
}

/// `shutdown` and `exit` that arrive together end the server at once: `exit` is not awaited
/// again after it was read.
#[test]
fn shutdown_and_exit_together_end_the_server_at_once() {
    let dir = scratch_named("lsp-exit");
    let mut client = started(&dir);
    let shutdown = json!({"jsonrpc": "2.0", "id": 99, "method": "shutdown"}).to_string();
    let exit = json!({"jsonrpc": "2.0", "method": "exit"}).to_string();
    write!(
        client.stdin,
        "Content-Length: {}\r\n\r\n{shutdown}Content-Length: {}\r\n\r\n{exit}",
        shutdown.len(),
        exit.len()
    )
    .unwrap();
    client.stdin.flush().unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        // lsp-server's own handling waited 30 s for an `exit` it had already been given.
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

/// The workspace is a folder inside a repository: a `$ref` out of the workspace, still inside
/// the repository, is not read, and nothing is published for the file it names.
#[test]
fn a_ref_out_of_the_workspace_is_not_read() {
    let base = scratch_named("lsp-ref-out");
    std::fs::create_dir_all(base.join(".git")).unwrap();
    let workspace = base.join("sub");
    std::fs::create_dir_all(&workspace).unwrap();
    std::fs::write(base.join("outside.yaml"), ERRORS).unwrap();
    let document = uri(&workspace.join("openapi.yaml"));
    let mut client = started(&workspace);
    client.open(
        &document,
        &DOCUMENT.replace("./errors.yaml", "../outside.yaml"),
    );
    let shown = client.diagnostics(&document);
    assert!(
        codes(&shown).contains(&"unresolved-ref".to_string()),
        "{shown:#?}"
    );
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    assert!(
        client.shown(&uri(&base.join("outside.yaml"))).is_empty(),
        "diagnostics were published for a file outside the workspace"
    );
}
