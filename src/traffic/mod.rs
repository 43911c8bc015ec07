//! Recorded HTTP traffic, read offline: HAR 1.2 files (browsers, Playwright, mitmproxy,
//! Schemathesis) and NDJSON logs, one exchange at a time, each with its exact place in the file.
//! Knows nothing of OpenAPI; [`matching`] puts an exchange beside the operation it answers.
//!
//! ```
//! use errlint::traffic::{read, ReadOptions, Body};
//!
//! let ndjson = br#"{"method": "get", "url": "https://api.example.com/items/7?token=x", "status": 404, "headers": {"Content-Type": "application/json"}, "body": {"code": "not_found"}}"#;
//! let exchanges: Vec<_> = read(&ndjson[..], ReadOptions::default()).collect();
//! let exchange = exchanges[0].as_ref().unwrap();
//! assert_eq!((exchange.method.as_str(), exchange.url.as_str()), ("GET", "https://api.example.com/items/7"));
//! assert!(matches!(&exchange.body, Body::Json(v) if v["code"] == "not_found"));
//! ```

mod exchange;
mod har;
pub mod matching;
mod ndjson;
mod source;

pub use exchange::{Body, Exchange, Header};
pub use source::Position;

use source::{ScanError, Source};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The kinds of traffic file, told apart by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Har,
    Ndjson,
}

/// How to read a traffic file.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The largest HAR entry or NDJSON line read; a larger one is reported and passed, so
    /// memory stays bounded whatever the file holds. The lint's document size cap by default.
    pub max_entry_bytes: u64,
    /// The folder of the HAR file, where Playwright's `content._file` attachments lie; none
    /// is read without it, and none outside it.
    pub attachments: Option<PathBuf>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_entry_bytes: crate::document::Limits::default().max_file_bytes,
            attachments: None,
        }
    }
}

/// A problem with a traffic file or one of its exchanges. `fatal` ones end the reading (the
/// file is truncated or not what it should be); the others concern one exchange, which is
/// left out while the reading goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficError {
    pub at: Position,
    pub message: String,
    pub fatal: bool,
}

impl std::fmt::Display for TrafficError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.at.line, self.at.column, self.message)
    }
}

impl TrafficError {
    fn fatal(error: ScanError) -> Self {
        TrafficError {
            at: error.at,
            message: error.message,
            fatal: true,
        }
    }

    fn of_exchange(at: Position, message: String) -> Self {
        TrafficError {
            at,
            message,
            fatal: false,
        }
    }
}

/// The exchanges of a traffic file, in file order, read as they are asked for. After a fatal
/// error it yields nothing more.
pub struct Traffic<R> {
    source: Source<R>,
    state: State,
    options: ReadOptions,
}

enum State {
    Start,
    Har(har::Walk),
    Ndjson,
    Done,
}

/// Reads the traffic in `reader`, of either format.
pub fn read<R: Read>(reader: R, options: ReadOptions) -> Traffic<R> {
    Traffic {
        source: Source::new(reader),
        state: State::Start,
        options,
    }
}

/// Opens a traffic file for reading: a regular file (never a FIFO or a device, which could
/// block or never end), whose folder holds its attachments.
pub fn open(path: &Path, mut options: ReadOptions) -> Result<Traffic<std::fs::File>, String> {
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    let file = crate::document::source::without_blocking(&mut open)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if options.attachments.is_none() {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        options.attachments = std::fs::canonicalize(folder).ok();
    }
    Ok(read(file, options))
}

impl<R: Read> Traffic<R> {
    /// The format, once the first exchange has been asked for (or the file found empty).
    pub fn format(&self) -> Option<Format> {
        match self.state {
            State::Har(_) => Some(Format::Har),
            State::Ndjson => Some(Format::Ndjson),
            State::Start | State::Done => None,
        }
    }

    fn start(&mut self) -> Result<(), ScanError> {
        self.source.skip_bom()?;
        let head = self.source.lookahead(4096)?;
        self.state = match detect(head) {
            None => return Err(self.source.error("the traffic file is empty")),
            Some(Format::Har) => State::Har(har::Walk::start(&mut self.source)?),
            Some(Format::Ndjson) => State::Ndjson,
        };
        Ok(())
    }

    fn step(&mut self) -> Option<Result<Exchange, TrafficError>> {
        if let State::Start = self.state {
            if let Err(e) = self.start() {
                self.state = State::Done;
                return Some(Err(TrafficError::fatal(e)));
            }
        }
        let next = match &mut self.state {
            State::Start | State::Done => return None,
            State::Har(walk) => walk.next(&mut self.source, &self.options),
            State::Ndjson => ndjson::next(&mut self.source, &self.options),
        };
        if matches!(next, None | Some(Err(TrafficError { fatal: true, .. }))) {
            self.state = State::Done;
        }
        next
    }
}

impl<R: Read> Iterator for Traffic<R> {
    type Item = Result<Exchange, TrafficError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step()
    }
}

/// Tells the format by the first bytes: a JSON object whose first key is `log` is a HAR (the
/// specification's only root key; every producer writes it first); anything else is read as
/// NDJSON, whose errors then say what is wrong with its first line. `None` when there is
/// nothing but whitespace.
pub fn detect(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let rest = head.trim_ascii_start();
    if rest.is_empty() {
        return None;
    }
    let har = rest
        .strip_prefix(b"{")
        .map(<[u8]>::trim_ascii_start)
        .and_then(|r| r.strip_prefix(b"\"log\""))
        .map(<[u8]>::trim_ascii_start)
        .is_some_and(|r| r.starts_with(b":"));
    Some(if har { Format::Har } else { Format::Ndjson })
}

#[cfg(test)]
mod tests;
