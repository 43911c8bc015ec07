//! Traffic reader: whatever the bytes, reading ends without panic; the exchanges and errors
//! are the same whether the file comes whole or a byte at a time; positions rise through the
//! file, each is where a naive count puts it, and a HAR response's is its `{`. The same bytes
//! read as a zipped HAR (`read_zip`) end without panic too, an attachment never past the cap.
#![no_main]
use errlint::traffic::{read, read_zip, Body, Exchange, Format, ReadOptions, TrafficError};
use libfuzzer_sys::fuzz_target;

/// Hands out one byte per read, so that every token straddles the reader's refills.
struct Trickle<'a>(&'a [u8]);

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

fn naive(data: &[u8], offset: usize) -> (u64, u64) {
    let mut text = String::from_utf8_lossy(&data[..offset]).replace("\r\n", "\n").replace('\r', "\n");
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    let line = text.matches('\n').count() as u64 + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// A fatal error, if any, is the one and the last item: nothing is read after it.
fn assert_fatal_only_last(items: &[Result<Exchange, TrafficError>]) {
    let fatal = items.iter().filter(|i| matches!(i, Err(TrafficError { fatal: true, .. }))).count();
    assert!(fatal <= 1 && (fatal == 0 || items.last().is_some_and(|i| i.is_err())));
}

/// Reads `data` as a zip archive: refused, or read to its end with at most one fatal error,
/// the last, positions rising through the HAR text.
fn check_zip(data: &[u8]) {
    for cap in [u64::MAX, 64] {
        let options = ReadOptions { max_entry_bytes: cap, attachments: None };
        let Ok(traffic) = read_zip(data.into(), options) else {
            continue;
        };
        let items: Vec<_> = traffic.collect();
        assert_fatal_only_last(&items);
        let mut last = 0;
        for item in &items {
            let at = match item {
                Ok(exchange) => {
                    if let Body::Text(text) = &exchange.body {
                        assert!(cap == u64::MAX || text.len() as u64 <= cap);
                    }
                    exchange.at
                }
                Err(error) => error.at,
            };
            assert!(at.offset >= last, "positions rise through the HAR text");
            last = at.offset;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check_zip(data);
    for cap in [u64::MAX, 64] {
        let options = ReadOptions { max_entry_bytes: cap, attachments: None };
        let whole: Vec<_> = read(data, options.clone()).collect();
        let trickled: Vec<_> = read(Trickle(data), options).collect();
        assert_eq!(whole, trickled);
        assert_fatal_only_last(&whole);
        let mut last = 0;
        for item in &whole {
            let at = match item {
                Ok(exchange) => {
                    if errlint::traffic::detect(data) == Some(Format::Har) {
                        assert_eq!(data[exchange.at.offset as usize], b'{');
                    }
                    assert!(!exchange.url.contains(['?', '#']));
                    let _ = errlint::traffic::matching::path_shape(exchange.path());
                    exchange.at
                }
                Err(error) => error.at,
            };
            assert!(at.offset as usize <= data.len());
            assert!(at.offset >= last, "positions rise through the file");
            last = at.offset;
            // Lines hold whatever the bytes; a column counts characters, which invalid UTF-8
            // does not have, so it is checked only on text.
            let offset = at.offset as usize;
            let (line, column) = naive(data, offset);
            assert_eq!(at.line, line, "at {offset}");
            if std::str::from_utf8(&data[..offset]).is_ok() {
                assert_eq!(at.column, column, "at {offset}");
            }
        }
    }
});
