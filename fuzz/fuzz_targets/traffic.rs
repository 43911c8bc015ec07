//! Traffic reader: whatever the bytes, reading ends without panic; the exchanges and errors
//! are the same whether the file comes whole or a byte at a time; positions rise through the
//! file, each is where a naive count puts it, and a HAR response's is its `{`.
#![no_main]
use errlint::traffic::{read, Format, ReadOptions, TrafficError};
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

fuzz_target!(|data: &[u8]| {
    for cap in [u64::MAX, 64] {
        let options = ReadOptions { max_entry_bytes: cap, attachments: None };
        let whole: Vec<_> = read(data, options.clone()).collect();
        let trickled: Vec<_> = read(Trickle(data), options).collect();
        assert_eq!(whole, trickled);
        let fatal = whole.iter().filter(|i| matches!(i, Err(TrafficError { fatal: true, .. }))).count();
        assert!(fatal <= 1 && (fatal == 0 || whole.last().is_some_and(|i| i.is_err())));
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
