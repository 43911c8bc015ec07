//! The language server under random sessions: opens, edits with random ranges, code actions
//! and hovers at random places, `$ref`'d files rewritten on disk between requests, and
//! malformed messages. A handler that panics is caught by the server (it answers with an
//! error and goes on), so a panic hook aborts here: the fuzzer finds every panic, caught or not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Once;

/// A folder of this process's own, holding the document and the file it `$ref`s.
fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errlint-fuzz-lsp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::canonicalize(dir).unwrap()
}

const DOCUMENT: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      responses:\n        200: {description: ok}\n        4xx:\n          description: bad\n          headers: {Retry-After: {schema: {type: integer}}}\n          content:\n            application/json:\n              schema: {$ref: 'errors.yaml#/Error'}\n";
const ERRORS: &str = "Error:\n  type: object\n  properties:\n    code: {type: string}\n";

/// Reads the fuzz input as a stream of small numbers and strings.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn number(&mut self) -> u32 {
        u32::from(self.byte().unwrap_or(0))
    }

    fn text(&mut self) -> String {
        let length = usize::from(self.byte().unwrap_or(0)).min(self.0.len());
        let (text, rest) = self.0.split_at(length);
        self.0 = rest;
        String::from_utf8_lossy(text).into_owned()
    }
}

fn position(input: &mut Input<'_>) -> Value {
    json!({"line": input.number() % 24, "character": input.number() % 40})
}

fn range(input: &mut Input<'_>) -> Value {
    json!({"start": position(input), "end": position(input)})
}

fuzz_target!(|data: &[u8]| {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| std::panic::set_hook(Box::new(|info| {
        eprintln!("{info}");
        std::process::abort();
    })));
    let dir = folder();
    std::fs::write(dir.join("errors.yaml"), ERRORS).unwrap();
    let document = format!("file://{}/openapi.yaml", dir.display());
    let errors = format!("file://{}/errors.yaml", dir.display());
    let (server, client) = Connection::memory();
    let running = std::thread::spawn(move || errlint::lsp::serve(&server, errlint::Options::default()));
    let mut id = 0;
    let mut request = |method: &str, params: Value| {
        id += 1;
        let _ = client.sender.send(Message::Request(Request::new(RequestId::from(id), method.into(), params)));
    };
    let notify = |method: &str, params: Value| {
        let _ = client.sender.send(Message::Notification(Notification::new(method.into(), params)));
    };
    request("initialize", json!({"capabilities": {}, "rootUri": format!("file://{}", dir.display())}));
    notify("initialized", json!({}));
    notify("textDocument/didOpen", json!({"textDocument": {"uri": document, "languageId": "yaml", "version": 1, "text": DOCUMENT}}));
    let mut input = Input(data);
    let mut version = 1;
    while let Some(op) = input.byte() {
        let uri = if op & 0x80 == 0 { &document } else { &errors };
        match op % 8 {
            0 => {
                version += 1;
                let change = json!({"range": range(&mut input), "text": input.text()});
                notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}));
            }
            1 => request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": range(&mut input), "context": {"diagnostics": []}})),
            2 => request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": position(&mut input)})),
            3 => {
                // A `git pull`: the file changes on disk, and nobody says so.
                let _ = std::fs::write(dir.join("errors.yaml"), input.text());
            }
            4 => notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": input.text()}})),
            5 => notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})),
            6 => notify("workspace/didChangeWatchedFiles", json!({"changes": []})),
            _ => {
                // A message whose params are whatever the input says.
                let params = serde_json::from_str(&input.text()).unwrap_or(Value::Null);
                match input.number() % 3 {
                    0 => request("textDocument/codeAction", params),
                    1 => request("textDocument/hover", params),
                    _ => notify("textDocument/didChange", params),
                }
            }
        }
    }
    request("shutdown", Value::Null);
    notify("exit", Value::Null);
    running.join().unwrap().unwrap();
});
