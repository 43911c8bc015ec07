//! HAR 1.2: finds `log.entries` without parsing what comes before it (`pages`, `creator` are
//! passed byte by byte), then captures one entry at a time and parses just that entry.

use super::attachments::Attachments;
use super::exchange::{self, Body, Exchange, Header};
use super::source::{Captured, ScanError, Source, Tracker};
use super::{ReadOptions, TrafficError};
use serde::Deserialize;
use std::io::Read;

/// Where the walk through `log.entries` is.
pub(super) struct Walk {
    first: bool,
}

impl Walk {
    /// Passes everything up to the first entry: the root object's members before `log`, and
    /// `log`'s before `entries`.
    pub(super) fn start<R: Read>(source: &mut Source<R>) -> Result<Walk, ScanError> {
        source.expect(b'{', "a HAR file's `{`")?;
        enter_member(source, "log", "the HAR file has no `log`")?;
        source.expect(b'{', "`log` to be an object")?;
        enter_member(source, "entries", "the HAR file's `log` has no `entries`")?;
        source.expect(b'[', "`entries` to be an array")?;
        Ok(Walk { first: true })
    }

    pub(super) fn next<R: Read>(
        &mut self,
        source: &mut Source<R>,
        options: &ReadOptions,
        attachments: &Attachments,
    ) -> Option<Result<Exchange, TrafficError>> {
        match self.before_entry(source) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return Some(Err(TrafficError::fatal(e))),
        }
        let cap = usize::try_from(options.max_entry_bytes).unwrap_or(usize::MAX);
        Some(match source.capture_value(cap) {
            Err(e) => Err(TrafficError::fatal(e)),
            Ok(Captured::TooLong(start)) => Err(TrafficError::of_exchange(
                start.position(),
                format!(
                    "the entry is over the limit of {} bytes, so it is not read",
                    options.max_entry_bytes
                ),
            )),
            Ok(Captured::Whole(bytes, start)) => entry(&bytes, start, options, attachments),
        })
    }

    /// Passes the comma before an entry: false at the array's end.
    fn before_entry<R: Read>(&mut self, source: &mut Source<R>) -> Result<bool, ScanError> {
        match source.skip_ws()? {
            Some(b']') => return Ok(false),
            None => return Err(source.error("the file ends inside `log.entries`")),
            Some(b',') if !self.first => source.bump(),
            Some(_) if self.first => {}
            Some(_) => return Err(source.error("expected `,` or `]` after an entry")),
        }
        self.first = false;
        Ok(true)
    }
}

/// Passes the members of the object being read up to the value of `key`.
fn enter_member<R: Read>(
    source: &mut Source<R>,
    key: &str,
    missing: &str,
) -> Result<(), ScanError> {
    let mut first = true;
    loop {
        match source.skip_ws()? {
            Some(b'}') => return Err(source.error(missing)),
            Some(b',') if !first => source.bump(),
            None => return Err(source.error("the file ends before `log.entries`")),
            _ => {}
        }
        first = false;
        let name = source.key()?;
        source.expect(b':', "`:` after a key")?;
        if name.as_deref() == Some(key) {
            return Ok(());
        }
        source.skip_value()?;
    }
}

#[derive(Deserialize)]
struct Entry {
    request: Request,
    response: Response,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<NameValue>,
}

#[derive(Deserialize)]
struct Response {
    status: serde_json::Value,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    content: Option<Content>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(rename = "mimeType")]
    mime_type: Option<String>,
    text: Option<String>,
    encoding: Option<String>,
    /// Playwright's attachment: a file beside the HAR, or an entry of its zip, that holds
    /// the body.
    #[serde(rename = "_file")]
    file: Option<String>,
}

#[derive(Deserialize)]
struct NameValue {
    name: String,
    value: String,
}

impl From<NameValue> for Header {
    fn from(h: NameValue) -> Self {
        Header {
            name: h.name,
            value: h.value,
        }
    }
}

/// One captured entry as an exchange, or what is wrong with it, where.
fn entry(
    bytes: &[u8],
    start: Tracker,
    options: &ReadOptions,
    attachments: &Attachments,
) -> Result<Exchange, TrafficError> {
    let parsed: Entry = serde_json::from_slice(bytes).map_err(|e| {
        let at = position_in(bytes, start, e.line(), e.column());
        let message = e.to_string();
        // serde_json says where inside the entry; the error's position says it in the file.
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m);
        TrafficError::of_exchange(at, format!("the entry is not a HAR entry: {message}"))
    })?;
    let at = response_position(bytes, start).unwrap_or_else(|| start.position());
    let response = parsed.response;
    let status = exchange::status(&response.status)
        .map_err(|m| TrafficError::of_exchange(at, format!("the response is unusable: {m}")))?;
    let response_headers: Vec<Header> = response.headers.into_iter().map(Header::from).collect();
    let content = response.content;
    let media_type = content
        .as_ref()
        .and_then(|c| c.mime_type.clone())
        .filter(|m| !m.is_empty())
        .or_else(|| {
            response_headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                .map(|h| h.value.clone())
        });
    let body = content.map_or(Body::Absent, |c| body(c, options, attachments));
    Ok(Exchange {
        method: exchange::method(parsed.request.method),
        url: exchange::without_query(parsed.request.url),
        status,
        response_headers,
        request_headers: parsed
            .request
            .headers
            .into_iter()
            .map(Header::from)
            .collect(),
        body,
        media_type,
        at,
    })
}

fn body(content: Content, options: &ReadOptions, attachments: &Attachments) -> Body {
    match (content.text, content.file) {
        (Some(text), _) => Body::decode(text, content.encoding.as_deref()),
        (None, Some(file)) => attachments.read(&file, options.max_entry_bytes),
        (None, None) => Body::Absent,
    }
}

/// The position of the `{` of the entry's `response` object, walking the entry's own members
/// with the same scanner as the file.
fn response_position(bytes: &[u8], start: Tracker) -> Option<super::Position> {
    let chunk = (bytes.len() + 1).min(64 * 1024);
    let mut source = Source::starting_at(bytes, start, chunk);
    source.expect(b'{', "an entry").ok()?;
    enter_member(&mut source, "response", "").ok()?;
    source.skip_ws().ok()?;
    Some(source.position())
}

/// The file position of serde_json's 1-based line and byte column inside an entry.
fn position_in(bytes: &[u8], start: Tracker, line: usize, column: usize) -> super::Position {
    let line_start = match line {
        0 | 1 => 0,
        n => memchr::memchr_iter(b'\n', bytes)
            .nth(n - 2)
            .map_or(bytes.len(), |i| i + 1),
    };
    let offset = (line_start + column.saturating_sub(1)).min(bytes.len());
    let mut tracker = start;
    tracker.advance(&bytes[..offset]);
    tracker.position()
}
