//! The reader on the shapes real producers write (`fixtures/traffic/`), on broken and hostile
//! files, and on generated HARs whose positions are counted naively.

use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/traffic")
        .join(name)
}

fn read_all(bytes: &[u8]) -> Vec<Result<Exchange, TrafficError>> {
    read(bytes, ReadOptions::default()).collect()
}

fn ok(items: Vec<Result<Exchange, TrafficError>>) -> Vec<Exchange> {
    items.into_iter().map(|i| i.expect("an exchange")).collect()
}

/// Line and column of a byte offset, counted the slow way.
fn naive(text: &[u8], offset: usize) -> (u64, u64) {
    let before = String::from_utf8_lossy(&text[..offset])
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// The `{` of every `"response": {` in a file whose bodies never spell that.
fn response_objects(text: &[u8]) -> Vec<Position> {
    let pattern = regex::bytes::Regex::new(r#""response"\s*:\s*\{"#).unwrap();
    pattern
        .find_iter(text)
        .map(|m| {
            let offset = m.end() - 1;
            let (line, column) = naive(text, offset);
            Position {
                offset: offset as u64,
                line,
                column,
            }
        })
        .collect()
}

#[test]
fn every_har_fixture_gives_each_response_at_its_exact_place() {
    for name in [
        "chrome.har",
        "firefox.har",
        "mitmproxy.har",
        "schemathesis.har",
        "playwright/recording.har",
    ] {
        let text = std::fs::read(fixture(name)).unwrap();
        let places: Vec<Position> = ok(open(&fixture(name), ReadOptions::default())
            .unwrap()
            .collect())
        .iter()
        .map(|e| e.at)
        .collect();
        assert_eq!(places, response_objects(&text), "{name}");
    }
}

#[test]
fn chrome_passes_pages_keeps_status_0_and_drops_the_query() {
    let mut traffic = open(&fixture("chrome.har"), ReadOptions::default()).unwrap();
    let first = traffic.next().unwrap().unwrap();
    assert_eq!(traffic.format(), Some(Format::Har));
    assert_eq!(first.method, "GET");
    assert_eq!(first.url, "https://api.example.com/v1/items/42");
    assert_eq!(first.path(), "/v1/items/42");
    assert_eq!(first.status, 404);
    assert_eq!(first.at.line, 49);
    assert_eq!(first.at.column, 21);
    assert_eq!(
        first.media_type.as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(
        first.header("Content-Type"),
        Some("application/problem+json")
    );
    assert_eq!(first.request_headers[0].value, "Bearer SECRET-BEARER");
    assert!(matches!(&first.body, Body::Text(t) if t.contains("\"item_missing\"")));
    let blocked = traffic.next().unwrap().unwrap();
    assert_eq!((blocked.status, blocked.body), (0, Body::Absent));
    assert!(traffic.next().is_none());
}

#[test]
fn firefox_base64_bodies_are_decoded_and_methods_upper_cased() {
    let exchanges = ok(open(&fixture("firefox.har"), ReadOptions::default())
        .unwrap()
        .collect());
    let e = &exchanges[0];
    assert_eq!(e.method, "DELETE");
    assert_eq!(
        e.url,
        "https://eu.api.example.com/v1/orders/3f2b8c1e-9a4d-4e7b-8c2d-1a2b3c4d5e6f"
    );
    assert_eq!(e.header("Retry-After"), Some("30"));
    assert_eq!(
        e.body,
        Body::Text(r#"{"code": "rate_limited", "message": "Trop de requêtes"}"#.into())
    );
}

#[test]
fn mitmproxy_on_one_line_gives_columns() {
    let exchanges = ok(open(&fixture("mitmproxy.har"), ReadOptions::default())
        .unwrap()
        .collect());
    let lines: Vec<(u64, u64)> = exchanges.iter().map(|e| (e.at.line, e.at.column)).collect();
    assert_eq!(lines, [(1, 460), (1, 1234)]);
    assert_eq!(exchanges[1].body, Body::Text("✗".into()));
    assert_eq!(exchanges[0].path(), "/v1/items/mine");
}

#[test]
fn schemathesis_har_without_pages_is_read() {
    let exchanges = ok(open(&fixture("schemathesis.har"), ReadOptions::default())
        .unwrap()
        .collect());
    assert_eq!(exchanges.len(), 1);
    assert_eq!(exchanges[0].url, "http://127.0.0.1:8081/api/items/0");
    assert_eq!(exchanges[0].status, 400);
}

#[test]
fn playwright_attachments_are_read_only_inside_the_har_folder() {
    let exchanges = ok(
        open(&fixture("playwright/recording.har"), ReadOptions::default())
            .unwrap()
            .collect(),
    );
    assert_eq!(
        exchanges[0].body,
        Body::Text("{\"code\":\"invalid_field\",\"field\":\"name\"}\n".into())
    );
    assert_eq!(exchanges[1].body, Body::NotUtf8 { bytes: 4 });
    assert!(
        matches!(&exchanges[2].body, Body::Unreadable(m) if m.contains("`../chrome.har`") && m.contains("outside")),
        "{:?}",
        exchanges[2].body
    );
    // Read from a stream, a HAR has no folder: its attachments are not looked for.
    let text = std::fs::read(fixture("playwright/recording.har")).unwrap();
    let streamed = ok(read_all(&text));
    assert!(matches!(&streamed[0].body, Body::Unreadable(m) if m.contains("beside a HAR file")));
}

#[test]
fn ndjson_lines_in_both_header_shapes_and_a_bad_line_between() {
    let items = read_all(&std::fs::read(fixture("log.ndjson")).unwrap());
    assert_eq!(items.len(), 4);
    let first = items[0].as_ref().unwrap();
    assert_eq!(first.url, "https://api.example.com/v1/items/1");
    assert_eq!((first.at.line, first.at.column, first.at.offset), (1, 1, 0));
    assert_eq!(first.media_type.as_deref(), Some("application/json"));
    assert_eq!(
        first.body,
        Body::Json(serde_json::json!({"code": "item_missing"}))
    );
    let second = items[1].as_ref().unwrap();
    assert_eq!((second.method.as_str(), second.status), ("POST", 429));
    assert_eq!(second.at.line, 3);
    assert_eq!(second.header("retry-after"), Some("5"));
    assert_eq!(second.request_headers[0].name, "Authorization");
    assert_eq!(second.body, Body::Text("slow down".into()));
    let bad = items[2].as_ref().unwrap_err();
    assert_eq!((bad.at.line, bad.fatal), (4, false));
    assert!(bad.message.contains("\"teapot\""), "{}", bad.message);
    let last = items[3].as_ref().unwrap();
    assert_eq!(last.response_headers.len(), 2);
    assert_eq!(last.body, Body::Absent);
}

#[test]
fn a_truncated_har_delivers_what_came_before_and_says_where_it_ends() {
    let text = std::fs::read(fixture("chrome.har")).unwrap();
    let whole = ok(read_all(&text));
    let entries_end = text.len() - b"\n  }\n}\n".len() - 1;
    // Before its `"log":` a file is not known to be a HAR; after it, it is.
    let known = 14;
    for cut in 0..known {
        assert!(read_all(&text[..cut]).iter().all(|i| i.is_err()));
    }
    for cut in known..entries_end {
        let items = read_all(&text[..cut]);
        let (last, before) = items.split_last().expect("something is said");
        let error = last.as_ref().expect_err("the end is an error");
        assert!(error.fatal, "at {cut}: {error:?}");
        assert!(error.at.offset <= cut as u64, "at {cut}");
        let read: Vec<&Exchange> = before.iter().map(|i| i.as_ref().unwrap()).collect();
        assert_eq!(read, whole.iter().take(read.len()).collect::<Vec<_>>());
    }
    // The first entry whole, the second cut: the first is delivered.
    let cut = response_objects(&text)[1].offset as usize;
    assert_eq!(read_all(&text[..cut]).len(), 2);
}

#[test]
fn broken_entries_are_reported_and_the_reading_goes_on() {
    let text = br#"{"log": {"entries": [
  {"request": {"method": "GET", "url": "/a"}, "response": {"status": "many"}},
  {"request": 5, "response": {"status": 404}},
  {"request": {"method": "GET", "url": "/b"} "response": {}},
  {"request": {"method": "GET", "url": "/c"}, "response": {"status": 410}}
]}}"#;
    let items = read_all(text);
    let errors: Vec<(u64, u64, bool)> = items
        .iter()
        .filter_map(|i| i.as_ref().err())
        .map(|e| (e.at.line, e.at.column, e.fatal))
        .collect();
    assert_eq!(errors, [(2, 59, false), (3, 15, false), (4, 46, false)]);
    assert!(items[0].as_ref().unwrap_err().message.contains("\"many\""));
    assert!(
        items[1]
            .as_ref()
            .unwrap_err()
            .message
            .contains("invalid type")
    );
    assert_eq!(items[3].as_ref().unwrap().url, "/c");
}

#[test]
fn what_is_not_a_har_is_said_at_once() {
    for (text, message) in [
        (&b""[..], "the traffic file is empty"),
        (b" \n ", "the traffic file is empty"),
        (b"{\"log\": []}", "expected `log` to be an object"),
        (
            b"{\"log\": {\"version\": \"1.2\"}}",
            "the HAR file's `log` has no `entries`",
        ),
        (
            b"{\"log\": {\"entries\": {}}}",
            "expected `entries` to be an array",
        ),
        (
            b"{\"log\": {\"entries\": [{}{}]}}",
            "expected `,` or `]` after an entry",
        ),
    ] {
        let items = read_all(text);
        let error = items.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.fatal),
            (message, true),
            "{text:?}"
        );
    }
    // Not JSON at all: read as NDJSON, whose line says so.
    let items = read_all(b"<html>\n");
    assert!(
        items[0]
            .as_ref()
            .unwrap_err()
            .message
            .starts_with("the line is not")
    );
}

#[test]
fn an_entry_over_the_cap_is_passed_and_the_next_one_read() {
    let big = "x".repeat(5000);
    let text = format!(
        r#"{{"log": {{"entries": [{{"request": {{"method": "GET", "url": "/{big}"}}, "response": {{"status": 404}}}}, {{"request": {{"method": "GET", "url": "/b"}}, "response": {{"status": 404}}}}]}}}}"#
    );
    let options = ReadOptions {
        max_entry_bytes: 1000,
        ..ReadOptions::default()
    };
    let items: Vec<_> = read(text.as_bytes(), options).collect();
    assert!(
        items[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("over the limit of 1000")
    );
    assert_eq!(items[1].as_ref().unwrap().url, "/b");
}

/// A HAR made of `n` entries from a reader that makes them as it goes: the file is never in
/// memory, and the reader's own memory is its window and one entry.
struct Generated {
    n: usize,
    /// The text of entry `i`.
    entry: fn(usize) -> String,
    made: usize,
    pending: Vec<u8>,
    at: usize,
}

impl Generated {
    fn new(n: usize, entry: fn(usize) -> String) -> Self {
        Generated {
            n,
            entry,
            made: 0,
            pending: Vec::new(),
            at: 0,
        }
    }
}

impl std::io::Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            let i = self.made;
            let before: &[u8] = if i == 0 {
                b"{\n  \"log\": {\n    \"entries\": [\n"
            } else {
                b",\n"
            };
            if i < self.n {
                self.pending.extend_from_slice(before);
                self.pending.extend_from_slice((self.entry)(i).as_bytes());
            } else if i == self.n {
                self.pending.extend_from_slice(b"\n    ]\n  }\n}\n");
            }
            self.made += 1;
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_large_generated_har_is_streamed_to_its_last_entry() {
    let n = 50_000;
    let source = Generated::new(n, |i| {
        format!(
            r#"{{"request": {{"method": "GET", "url": "https://api.example.com/items/{i}"}}, "response": {{"status": 404, "content": {{"mimeType": "application/json", "text": "{{\"code\": \"missing\"}}"}}}}}}"#
        )
    });
    let mut count = 0;
    let mut last = None;
    for item in read(source, ReadOptions::default()) {
        let exchange = item.unwrap();
        count += 1;
        last = Some(exchange);
    }
    assert_eq!(count, n);
    let last = last.unwrap();
    assert_eq!(last.url, format!("https://api.example.com/items/{}", n - 1));
    assert_eq!(last.at.line, n as u64 + 3);
}

/// Whitespace, line breaks of every kind and non-ASCII text around and inside entries.
fn spacing() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![" ", "\n", "\r\n", "\r", "\t", ""]),
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

fn entry_text() -> impl Strategy<Value = String> {
    (
        spacing(),
        spacing(),
        "[a-zé€😀\"\\\\/ ]{0,12}",
        prop::bool::ANY,
        400u16..600,
    )
        .prop_map(|(s1, s2, text, response_first, status)| {
            let body = serde_json::to_string(&text).unwrap();
            let request = r#""request":{"method":"GET","url":"/x","headers":[]}"#;
            let response =
                format!(r#""response":{s1}{{"status":{status},{s2}"content":{{"text":{body}}}}}"#);
            let comment = format!(r#""comment":{body}"#);
            if response_first {
                format!("{{{response},{s1}{comment},{request}}}")
            } else {
                format!("{{{comment},{s2}{request},{s1}{response}}}")
            }
        })
}

proptest! {
    /// Whatever the spacing and the text in it, each response lies where a naive count says,
    /// and its body is the text written.
    #[test]
    fn positions_in_generated_hars_are_exact(
        lead in spacing(),
        entries in prop::collection::vec((entry_text(), spacing()), 0..6),
        bom in prop::bool::ANY,
    ) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.push_str(&format!("{lead}{{\"log\":{lead}{{\"pages\":[\"é\"],\"entries\":["));
        let joined: Vec<String> = entries.iter().map(|(e, s)| format!("{s}{e}{s}")).collect();
        text.push_str(&joined.join(","));
        text.push_str("]}}");
        let expected: Vec<Position> = response_objects(text.as_bytes())
            .into_iter()
            .map(|mut p| {
                if bom && p.line == 1 {
                    p.column -= 1;
                }
                p
            })
            .collect();
        let read: Vec<Position> = ok(read_all(text.as_bytes())).iter().map(|e| e.at).collect();
        prop_assert_eq!(read, expected);
    }

    /// No input makes the reader panic, and it always ends.
    #[test]
    fn any_bytes_are_read_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut prefixed = b"{\"log\":{\"entries\":[".to_vec();
        prefixed.extend_from_slice(&bytes);
        for input in [&bytes[..], &prefixed[..]] {
            let items = read_all(input);
            prop_assert!(items.len() <= input.len() + 1);
        }
    }
}

/// Not a test: prints how fast a generated HAR of browser-like entries is read and how much
/// memory the process peaked at. `cargo test --release --lib traffic::tests::reading_speed
/// -- --ignored --nocapture`.
#[test]
#[ignore]
fn reading_speed() {
    /// Each entry as a browser writes it: indented, headers and timings, a JSON error body.
    fn browser(i: usize) -> String {
        format!(
            "      {{\n        \"request\": {{\n          \"method\": \"GET\",\n          \"url\": \"https://api.github.com/repos/o/r/issues/{i}?page=2\",\n          \"headers\": [\n            {{\"name\": \"accept\", \"value\": \"application/vnd.github+json\"}},\n            {{\"name\": \"authorization\", \"value\": \"Bearer ghp_0123456789abcdef\"}}\n          ]\n        }},\n        \"response\": {{\n          \"status\": 404,\n          \"statusText\": \"Not Found\",\n          \"headers\": [\n            {{\"name\": \"content-type\", \"value\": \"application/json; charset=utf-8\"}},\n            {{\"name\": \"x-ratelimit-remaining\", \"value\": \"4999\"}}\n          ],\n          \"content\": {{\n            \"size\": 120,\n            \"mimeType\": \"application/json\",\n            \"text\": \"{{\\\"message\\\":\\\"Not Found\\\",\\\"documentation_url\\\":\\\"https://docs.github.com/rest/issues/issues#get-an-issue\\\",\\\"status\\\":\\\"404\\\"}}\"\n          }}\n        }},\n        \"time\": 35.2,\n        \"timings\": {{\"blocked\": 1.1, \"dns\": -1, \"connect\": -1, \"send\": 0.1, \"wait\": 33.0, \"receive\": 1.0}}\n      }}"
        )
    }
    let peak = || {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM"))
                    .map(str::to_string)
            })
            .unwrap_or_default()
    };
    for n in [20_000, 200_000] {
        let counting = std::rc::Rc::new(std::cell::Cell::new(0u64));
        struct Counted<R>(R, std::rc::Rc<std::cell::Cell<u64>>);
        impl<R: std::io::Read> std::io::Read for Counted<R> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.read(out)?;
                self.1.set(self.1.get() + n as u64);
                Ok(n)
            }
        }
        let source = Counted(Generated::new(n, browser), counting.clone());
        let started = std::time::Instant::now();
        let read = super::read(source, ReadOptions::default())
            .filter(|i| i.is_ok())
            .count();
        let seconds = started.elapsed().as_secs_f64();
        let megabytes = counting.get() as f64 / 1e6;
        assert_eq!(read, n);
        println!(
            "{n} entries, {megabytes:.1} MB in {seconds:.2} s: {:.0} MB/s; {}",
            megabytes / seconds,
            peak()
        );
    }
}

/// Hands out one byte per read, so that every token straddles the reader's refills.
pub(super) struct Trickle<'a>(pub &'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let Some((&first, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        out[0] = first;
        self.0 = rest;
        Ok(1)
    }
}

/// Files the fuzzer found read differently whole and a byte at a time: each must read the
/// same both ways.
#[test]
fn regressions_read_the_same_whole_and_a_byte_at_a_time() {
    let folder =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/traffic/regressions");
    for file in std::fs::read_dir(folder).unwrap() {
        let path = file.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let whole: Vec<_> = read(&data[..], ReadOptions::default()).collect();
        let trickled: Vec<_> = read(Trickle(&data), ReadOptions::default()).collect();
        assert_eq!(whole, trickled, "{}", path.display());
    }
}

/// A key that straddles a refill of the reader's window is read whole: `entries` after
/// 64 KiB of `pages`, wherever it falls, is found.
#[test]
fn a_key_across_the_window_s_edge_is_found() {
    let entry = r#"{"request": {"method": "GET", "url": "/a"}, "response": {"status": 404}}"#;
    for shift in 0..12 {
        let head = "{\"log\": {\"pages\": \"";
        let padding = "p".repeat(64 * 1024 - head.len() - 3 - shift);
        let text = format!("{head}{padding}\", \"entries\": [{entry}]}}}}");
        let items = read_all(text.as_bytes());
        assert_eq!(ok(items).len(), 1, "shift {shift}");
    }
}
