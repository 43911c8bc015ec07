//! Recorded HTTP traffic, read offline: HAR 1.2 files (browsers, Playwright, mitmproxy,
//! Schemathesis), Playwright's zipped HAR and NDJSON logs, one exchange at a time, each with its
//! exact place in the HAR or log text.
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

mod archive;
mod attachments;
mod exchange;
mod har;
pub mod matching;
mod ndjson;
mod source;

pub use exchange::{Body, Exchange, Header};
pub use ndjson::SCHEMA as NDJSON_SCHEMA;
pub use source::Position;

use attachments::Attachments;
use source::{ScanError, Source};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    /// is read without it, and none outside it. A zipped HAR's attachments are read from its
    /// archive instead.
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
    attachments: Attachments,
}

/// The traffic of a file: its own bytes, or the HAR inflated out of its zip archive.
pub type Opened = Traffic<Box<dyn Read + Send>>;

enum State {
    Start,
    Har(har::Walk),
    Ndjson,
    Done,
}

/// Reads the traffic in `reader`, of either format. A zip archive is read only by [`open`]
/// or [`read_zip`], which can seek in it.
pub fn read<R: Read>(reader: R, options: ReadOptions) -> Traffic<R> {
    let attachments = match &options.attachments {
        Some(folder) => Attachments::Folder(folder.clone()),
        None => Attachments::Nowhere,
    };
    Traffic {
        source: Source::new(reader),
        state: State::Start,
        options,
        attachments,
    }
}

/// Opens a traffic file for reading: a regular file (never a FIFO or a device, which could
/// block or never end), whose folder holds its attachments, or a zip archive (told by its
/// first bytes) that holds a HAR and its attachments. The message says why it cannot be read.
pub fn open(path: &Path, mut options: ReadOptions) -> Result<Opened, String> {
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    let mut file = crate::document::source::without_blocking(&mut open)
        .open(path)
        .map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    let mut head = Vec::with_capacity(4);
    (&file)
        .take(4)
        .read_to_end(&mut head)
        .and_then(|_| file.rewind())
        .map_err(|e| e.to_string())?;
    if archive::is_zip(&head) {
        let shared = archive::SharedFile::new(file, meta.len());
        return from_archive(archive::Archive::File(shared), options);
    }
    if options.attachments.is_none() {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        options.attachments = std::fs::canonicalize(folder).ok();
    }
    let reader: Box<dyn Read + Send> = Box::new(file);
    Ok(read(reader, options))
}

/// Reads a zip archive held in memory as [`open`] reads one from a file: its one `.har` entry,
/// with its attachments from the same archive.
pub fn read_zip(bytes: Arc<[u8]>, options: ReadOptions) -> Result<Opened, String> {
    from_archive(
        archive::Archive::Memory(std::io::Cursor::new(bytes)),
        options,
    )
}

fn from_archive(archive: archive::Archive, options: ReadOptions) -> Result<Opened, String> {
    let opened = archive::open(archive)?;
    let reader: Box<dyn Read + Send> = Box::new(opened.har);
    let mut traffic = read(reader, options);
    traffic.attachments = Attachments::Zip(opened.attachments);
    Ok(traffic)
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
        if archive::is_zip(head) {
            return Err(self
                .source
                .error("this is a zip archive, which is read from a file, not from a stream"));
        }
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
            State::Har(walk) => walk.next(&mut self.source, &self.options, &self.attachments),
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
