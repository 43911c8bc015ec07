//! NDJSON traffic logs, one exchange a line, for test suites that log their own calls:
//! `{"method", "url", "status", "headers", "body"}`, where `headers` and `body` are the
//! response's (`body` text or any JSON value), and `request_headers` optional. What a line may
//! hold is `assets/traffic-ndjson.schema.json` (`errlint schema traffic`); a test holds the
//! reader and the schema to the same lines.

use super::exchange::{self, Body, Exchange, Header};
use super::source::{Captured, Source};
use super::{ReadOptions, TrafficError};
use serde::Deserialize;
use std::io::Read;

#[derive(Deserialize)]
struct Line {
    method: String,
    url: String,
    status: serde_json::Value,
    #[serde(default)]
    headers: Headers,
    #[serde(default)]
    body: Option<serde_json::Value>,
    #[serde(default)]
    request_headers: Headers,
}

/// Headers as an object (`{"Retry-After": "3"}`, a list value for a repeated header) or as
/// HAR's list of `{"name", "value"}`. The list's items are taken as objects, not as serde's
/// structs, which would take `["Retry-After", "3"]` too, a form the schema does not describe.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Headers {
    #[default]
    None,
    List(Vec<serde_json::Map<String, serde_json::Value>>),
    Map(serde_json::Map<String, serde_json::Value>),
}

/// The string member `key` of a header of the list.
fn member(
    item: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Result<String, String> {
    match item.remove(key) {
        Some(serde_json::Value::String(text)) => Ok(text),
        _ => Err(format!("a header of the list has no string `{key}`")),
    }
}

impl Headers {
    fn into_list(self) -> Result<Vec<Header>, String> {
        let mut list = Vec::new();
        match self {
            Headers::None => {}
            Headers::List(items) => {
                for mut item in items {
                    list.push(Header {
                        name: member(&mut item, "name")?,
                        value: member(&mut item, "value")?,
                    });
                }
            }
            Headers::Map(map) => {
                for (name, value) in map {
                    let values = match value {
                        serde_json::Value::Array(items) => items,
                        one => vec![one],
                    };
                    for value in values {
                        let serde_json::Value::String(value) = value else {
                            return Err(format!("the value of header `{name}` is not a string"));
                        };
                        list.push(Header {
                            name: name.clone(),
                            value,
                        });
                    }
                }
            }
        }
        Ok(list)
    }
}

pub(super) fn next<R: Read>(
    source: &mut Source<R>,
    options: &ReadOptions,
) -> Option<Result<Exchange, TrafficError>> {
    let cap = usize::try_from(options.max_entry_bytes).unwrap_or(usize::MAX);
    loop {
        let (bytes, start) = match source.capture_line(cap) {
            Err(e) => return Some(Err(TrafficError::fatal(e))),
            Ok(None) => return None,
            Ok(Some(Captured::TooLong(start))) => {
                return Some(Err(TrafficError::of_exchange(
                    start.position(),
                    format!(
                        "the line is over the limit of {} bytes, so it is not read",
                        options.max_entry_bytes
                    ),
                )));
            }
            Ok(Some(Captured::Whole(bytes, start))) => (bytes, start),
        };
        if bytes.trim_ascii().is_empty() {
            continue;
        }
        let at = start.position();
        return Some(
            line(&bytes)
                .map_err(|m| TrafficError::of_exchange(at, m))
                .map(|mut exchange| {
                    exchange.at = at;
                    exchange
                }),
        );
    }
}

fn line(bytes: &[u8]) -> Result<Exchange, String> {
    // serde would read a struct from an array too (`["GET", "/a", 404]`).
    if bytes.trim_ascii_start().first() == Some(&b'[') {
        return Err("the line is not a traffic record: it is an array, not an object".into());
    }
    let line: Line = serde_json::from_slice(bytes).map_err(|e| {
        let message = e.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.clone(), |(m, rest)| {
                let column = rest.rsplit_once("column ").map_or("", |(_, c)| c);
                format!("{m} at column {column}")
            });
        format!("the line is not a traffic record: {message}")
    })?;
    let status = exchange::status(&line.status)?;
    let response_headers = line.headers.into_list()?;
    let media_type = response_headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.clone());
    let body = match line.body {
        None | Some(serde_json::Value::Null) => Body::Absent,
        Some(serde_json::Value::String(text)) => Body::Text(text),
        Some(value) => Body::Json(value),
    };
    Ok(Exchange {
        method: exchange::method(line.method),
        url: exchange::without_query(line.url),
        status,
        response_headers,
        request_headers: line.request_headers.into_list()?,
        body,
        media_type,
        at: super::Position {
            offset: 0,
            line: 0,
            column: 0,
        },
    })
}

/// The JSON Schema of one line, as `errlint schema traffic` prints it.
pub const SCHEMA: &str = include_str!("../../assets/traffic-ndjson.schema.json");

#[cfg(test)]
#[path = "ndjson_tests.rs"]
mod tests;
