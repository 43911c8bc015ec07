//! The language server's framing over standard input and output: `Content-Length` headers,
//! then a JSON-RPC message.
//!
//! `lsp-server` has a stdio transport, but it allocates whatever `Content-Length` says (a
//! header of 4,000,000,000 asks for 3.9 GB, or aborts), and it stops the server on the first
//! malformed payload. Here a frame above [`MAX_FRAME_BYTES`] is read past in small pieces
//! without keeping it, a header line is capped too, and a payload that is not a message is
//! logged and skipped: whatever an editor or a file sends, the server goes on.

use lsp_server::{Connection, Message};
use std::io::{BufRead, Read, Write};

/// The largest message taken. The largest real OpenAPI descriptions are ~13 MB, and a
/// `didOpen` carries one whole (JSON-escaped, so up to a few times larger).
pub const MAX_FRAME_BYTES: usize = 64 << 20;

/// The longest header line taken; real ones are under 100 bytes.
const MAX_HEADER_LINE: usize = 8 << 10;

/// Threads that move messages between the channels and standard input and output.
pub struct IoThreads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<std::io::Result<()>>,
}

impl IoThreads {
    /// Waits for both threads: the writer ends when every sender is dropped.
    pub fn join(self) -> std::io::Result<()> {
        // The reader may still wait on standard input after `exit`; it ends with the process.
        drop(self.reader);
        self.writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")))
    }
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (incoming, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::spawn(move || {
        let mut stdout = std::io::stdout().lock();
        for message in outgoing {
            message.write(&mut stdout)?;
            stdout.flush()?;
        }
        Ok(())
    });
    let reader = std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        read_messages(&mut stdin, |message| incoming.send(message).is_ok());
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, IoThreads { reader, writer })
}

/// Reads frames from `input` and hands each message to `deliver` until the input ends, it
/// breaks, `deliver` says stop, or an `exit` notification has been delivered.
pub fn read_messages(input: &mut impl BufRead, mut deliver: impl FnMut(Message) -> bool) {
    loop {
        let frame = match read_frame(input) {
            Ok(Some(frame)) => frame,
            Ok(None) => return,
            Err(e) => {
                eprintln!("errlint lsp: cannot read a message: {e}");
                return;
            }
        };
        let Some(body) = frame else { continue };
        match serde_json::from_slice::<Message>(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if !deliver(message) || exit {
                    return;
                }
            }
            Err(e) => eprintln!("errlint lsp: skipped a message that is not JSON-RPC: {e}"),
        }
    }
}

/// Reads one frame: `None` at the end of the input, `Some(None)` for a frame that was skipped
/// (too large, or without a length), `Some(Some(body))` otherwise.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Option<Vec<u8>>>> {
    let mut length: Option<usize> = None;
    let mut any_header = false;
    loop {
        let mut line = Vec::new();
        let read = input
            .by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a header line is longer than {MAX_HEADER_LINE} bytes"),
            ));
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any_header {
                break;
            }
            continue;
        }
        any_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        eprintln!("errlint lsp: skipped a message without a valid Content-Length");
        return Ok(Some(None));
    };
    if length > MAX_FRAME_BYTES {
        eprintln!(
            "errlint lsp: skipped a message of {length} bytes (at most {MAX_FRAME_BYTES} are taken)"
        );
        let skipped = std::io::copy(
            &mut input.by_ref().take(length as u64),
            &mut std::io::sink(),
        )?;
        return Ok((skipped == length as u64).then_some(None));
    }
    let mut body = Vec::with_capacity(length.min(1 << 20));
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(None);
    }
    Ok(Some(Some(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read_all(input: &[u8]) -> Vec<String> {
        let mut methods = Vec::new();
        read_messages(&mut std::io::Cursor::new(input), |message| {
            if let Message::Notification(n) = message {
                methods.push(n.method);
            }
            true
        });
        methods
    }

    #[test]
    fn a_huge_length_is_read_past_without_allocating_it() {
        let mut input = b"Content-Length: 4000000000\r\n\r\n{}".to_vec();
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"after"}"#).as_bytes());
        // The huge frame swallows the rest of this short input: nothing after it is taken,
        // and nothing was allocated for it (a 3.9 GB buffer would abort the test).
        assert!(read_all(&input).is_empty());
    }

    #[test]
    fn frames_over_the_cap_are_skipped_and_the_next_one_is_read() {
        let big = "x".repeat(MAX_FRAME_BYTES + 1);
        let mut input = frame(&big).into_bytes();
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"after"}"#).as_bytes());
        assert_eq!(read_all(&input), ["after"]);
    }

    #[test]
    fn malformed_payloads_and_headers_are_skipped() {
        let mut input = frame("not json").into_bytes();
        input.extend_from_slice(b"Content-Length: many\r\n\r\n");
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"a"}"#).as_bytes());
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes());
        input.extend_from_slice(frame(r#"{"jsonrpc":"2.0","method":"never"}"#).as_bytes());
        assert_eq!(read_all(&input), ["a", "exit"]);
    }

    #[test]
    fn an_endless_header_line_ends_the_input() {
        let input = vec![b'a'; MAX_HEADER_LINE * 4];
        assert!(read_all(&input).is_empty());
    }
}
